"""Ofsted Annex A workbooks read into Standard Safeguarding Dataset tables.

See docs/annex-a.md for what each list maps to and what Annex A cannot tell us.
"""

from .reader import read_annex_a

__all__ = ["read_annex_a"]
