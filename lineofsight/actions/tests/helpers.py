"""Helpers the action tests share: dates, the raise form and actions written through the service."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from lineofsight.actions import services
from lineofsight.actions.models import ImprovementAction, SourceType


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def raise_url(**params) -> str:
    return reverse("actions:raise") + "?" + urlencode(params)


def raise_form(owner, **fields) -> dict:
    """The raise form's fields, with what a test gives over them."""
    return {
        "issue": "Children's wishes are not recorded",
        "action": "Record each child's wishes at every visit",
        "risk_if_not_done": "",
        "priority": "high",
        "owner": owner.pk,
        "other_themes": "",
        "recheck_date": "",
        **fields,
    }


def action_values(council, **fields) -> dict:
    """services.action_create's arguments: an indicator's action about East, raised by the
    quality assurance lead for the practitioner, due in 10 days; `fields` over them."""
    return {
        "actor": council["users"]["qa_lead"],
        "source_type": SourceType.INDICATOR,
        "source_id": "referrals",
        "issue": "An issue",
        "action": "An action",
        "owner": council["users"]["practitioner"],
        "due_date": days(10),
        "team": council["teams"]["east"],
        **fields,
    }


def action_create(**values) -> ImprovementAction:
    """services.action_create, where the due date may have passed: the service refuses a date in
    the past, so an overdue action is written due today and then moved back."""
    due = values["due_date"]
    values["due_date"] = max(due, timezone.localdate())
    item = services.action_create(**values)
    if due != item.due_date:
        ImprovementAction.objects.filter(pk=item.pk).update(due_date=due)
        item.refresh_from_db()
    return item
