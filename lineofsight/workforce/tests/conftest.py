from lineofsight.worklists.tests.conftest import east  # noqa: F401
