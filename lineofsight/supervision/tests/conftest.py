# Supervision reads the same East council snapshot as the worklists.
from lineofsight.worklists.tests.conftest import east  # noqa: F401
