"""URL expectations for tests/url_matrix.py: the regional page is for performance analysts
(Capability.RUN_IMPORTS) only. Without LINEOFSIGHT_REGION_DIR it says how to load pooled data;
test_page.py and test_page_browser.py open it with data."""

from __future__ import annotations

from lineofsight.accounts.models import Role
from tests.url_matrix import expect

EXPECTED: dict = {
    "region:index": expect(200, only=(Role.ANALYST,)),
}
