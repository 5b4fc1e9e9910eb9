"""Every write of the audits app. Keyword-only, typed, in a transaction, with change history.

Errors a user can cause raise `AuditError` (or a subclass) with a message for that user, and
change nothing. Who may do what is checked here as well as in the views, because these are the
only way in. One module per noun; callers use `from lineofsight.audits import services` and the
names below. Safeguarding concerns are raised and answered in lineofsight/concerns
(concern_source.py).
"""

from .allocation import audit_reassign
from .errors import AuditEditConflict, AuditError, AuditIncomplete, AuditLocked
from .improvement_actions import audit_action_create
from .moderation import (
    moderation_agree,
    moderation_draw,
    moderation_grade,
    programme_set_moderation_rate,
)
from .practitioners import practitioner_for, practitioner_respond
from .programmes import (
    DRAW_FIELDS,
    PROGRAMME_FIELDS,
    DrawResult,
    programme_add_file,
    programme_create,
    programme_draw_sample,
    recently_audited,
)
from .tools import ToolLoadResult, audit_tools_load
from .versions import (
    AnswerInput,
    AuditWork,
    SectionInput,
    audit_reopen,
    audit_save,
    current_version,
    edit_token,
    missing_for_submission,
)

__all__ = [
    "DRAW_FIELDS",
    "PROGRAMME_FIELDS",
    "AnswerInput",
    "AuditEditConflict",
    "AuditError",
    "AuditIncomplete",
    "AuditLocked",
    "AuditWork",
    "DrawResult",
    "SectionInput",
    "ToolLoadResult",
    "audit_action_create",
    "audit_reassign",
    "audit_reopen",
    "audit_save",
    "audit_tools_load",
    "current_version",
    "edit_token",
    "missing_for_submission",
    "moderation_agree",
    "moderation_draw",
    "moderation_grade",
    "practitioner_for",
    "practitioner_respond",
    "programme_add_file",
    "programme_create",
    "programme_draw_sample",
    "programme_set_moderation_rate",
    "recently_audited",
]
