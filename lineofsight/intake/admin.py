"""Intake has no admin pages of its own: imports are run and read on the Imports pages.

The queue of background tasks (django-tasks-db) registers its own admin, which would let an
administrator edit or delete a queued import behind the Imports page's back: it is taken away.
"""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
