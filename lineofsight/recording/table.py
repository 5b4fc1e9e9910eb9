"""The snapshot's derived table of checked case notes: one row per note, written at import.

Pages and indicators read these counts; the spans themselves are found again when one note is
opened (checking one note takes well under a millisecond), so the table stays small.
"""

from __future__ import annotations

TABLE = "recording_checks"

# (column, DuckDB type, what it holds)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("note_id", "VARCHAR", "the case note"),
    ("person_id", "VARCHAR", "the child the note is about"),
    ("note_date", "DATE", "the date of the recorded event"),
    ("author_id", "VARCHAR", "who wrote it (matches accounts.User.professional_id)"),
    ("note_type", "VARCHAR", "visit, supervision, contact..."),
    ("words", "INTEGER", "words in the note"),
    ("child_voice", "BOOLEAN", "the child's voice is there"),
    ("analysis", "BOOLEAN", "analysis is there"),
    ("decision_rationale", "BOOLEAN", "a decision with its reason is there"),
    ("discouraged", "INTEGER", "discouraged-term findings"),
    ("legal_terms", "INTEGER", "legal-term suggestions (not findings)"),
    ("acronyms", "INTEGER", "unexplained-acronym findings"),
    ("long_sentences", "INTEGER", "long-sentence findings"),
    ("passive", "INTEGER", "passive-voice findings"),
    ("hard_to_read", "INTEGER", "1 when the note is hard to read"),
    ("other_people", "INTEGER", "other-person-named findings"),
    ("findings", "INTEGER", "every finding (suggestions not counted)"),
    ("rules_version", "VARCHAR", "the version of the council's rules the note was checked under"),
)
COLUMN_NAMES = tuple(c[0] for c in COLUMNS)
# Which column counts each rule's findings (for dismissal rates).
RULE_COLUMNS = {
    "discouraged-term": "discouraged",
    "legal-term": "legal_terms",
    "unexplained-acronym": "acronyms",
    "long-sentence": "long_sentences",
    "passive-voice": "passive",
    "hard-to-read": "hard_to_read",
    "other-person-named": "other_people",
}
