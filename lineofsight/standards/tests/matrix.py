"""URL expectations for tests/url_matrix.py.

The line of sight pages are read by the roles that read the practice theme pages
(Capability.VIEW_THEMES: every casework role but practitioners), scoped as those pages are; a
standard the framework in force does not have is 404. The standard opened is the example
framework's "Children are seen and heard", with feedback tagged with its theme.
"""

from __future__ import annotations

from lineofsight.feedback.tests import matrix as _feedback_matrix
from tests.url_matrix import COMPARERS, expect

READERS = COMPARERS  # Capability.VIEW_THEMES, as the practice theme pages


def visits_standard(council: dict) -> dict:
    _feedback_matrix.data(council)  # feedback from a child, tagged voice-of-the-child
    return {"key": "visits"}


EXPECTED: dict = {
    "standards:index": expect(200, only=READERS, kwargs=_feedback_matrix.data),
    "standards:evaluation": expect(200, only=READERS),
    "standards:detail": expect(200, only=READERS, kwargs=visits_standard),
}
