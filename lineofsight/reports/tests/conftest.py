import pytest


@pytest.fixture
def inline(settings) -> None:
    """The worker's part done at once, in the request (as the browser tests run)."""
    settings.INTAKE_IMPORTS_INLINE = True
