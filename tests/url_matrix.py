"""The expected outcome of every URL, for each role and for nobody.

`EXPECTED` has one entry per named URL in the product; `tests/test_url_matrix.py` walks the URL
configuration and fails when a URL has no entry here, so every new page must say who may see it.
The Django admin's URLs are expected by rule (`admin_expectation`), since the admin generates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lineofsight.accounts.models import Role

NOBODY = None
ROLES: tuple[str, ...] = tuple(Role.values)
VIEWERS: tuple[str | None, ...] = (NOBODY, *ROLES)
SIGN_IN = "/accounts/sign-in/"


@dataclass(frozen=True)
class Expect:
    """Status by role (None = not signed in). `kwargs` builds URL arguments from the council."""

    statuses: dict[str | None, int]
    kwargs: Callable[[dict], dict] | None = None
    # The page shows a child's record: a 200 must write an access log entry.
    child_record: bool = False
    # Pages that are not HTML (CSV, CSS, JSON) are skipped by the accessibility run.
    html: bool = True
    notes: str = field(default="", compare=False)


def expect(
    default: int,
    *,
    nobody: int = 302,
    only: tuple[str, ...] | None = None,
    otherwise: int = 403,
    kwargs: Callable[[dict], dict] | None = None,
    child_record: bool = False,
    html: bool = True,
    **by_role: int,
) -> Expect:
    """`default` for every role (or only those in `only`, the rest get `otherwise`)."""
    statuses: dict[str | None, int] = {NOBODY: nobody}
    for role in ROLES:
        statuses[role] = default if only is None or role in only else otherwise
    statuses.update(by_role)
    return Expect(statuses, kwargs=kwargs, child_record=child_record, html=html)


ACCESS_LOG_ROLES = (Role.QA_LEAD, Role.ADMINISTRATOR)

EXPECTED: dict[str, Expect] = {
    "home:home": expect(200),
    "web:health": expect(200, nobody=200, html=False),
    "web:council_css": expect(200, nobody=200, html=False),
    "accounts:sign_in": expect(302, nobody=200),
    "accounts:sign_out": expect(405),  # sign-out is a POST; GET is refused
    "accounts:access_log": expect(200, only=ACCESS_LOG_ROLES),
    "accounts:access_log_export": expect(200, only=ACCESS_LOG_ROLES, html=False),
    # The second factor: the code and set-up pages belong to a sign-in half done (a signed-in
    # person is sent on); each person's own page of codes; an administrator's reset of another's.
    "accounts:second_factor_code": expect(302),
    "accounts:second_factor_setup": expect(302),
    "accounts:sign_in_cancel": expect(405, nobody=405),
    "accounts:second_factor": expect(200),
    # Each person's own sessions; ending them is a POST (GET refused).
    "accounts:sessions": expect(200),
    # Each person's own password; people with only the council's sign-in see a page saying so.
    "accounts:password_change": expect(200),
    "accounts:sessions_end_others": expect(405),
    "accounts:session_end": expect(405, kwargs=lambda c: {"pk": 1}),
    # The council's single sign-on: 404 unless configured (accounts/tests/test_oidc.py).
    "accounts:council_sign_in": expect(404, nobody=404),
    "accounts:council_sign_in_callback": expect(404, nobody=404),
    "accounts:second_factor_reset": expect(
        200,
        only=(Role.ADMINISTRATOR,),
        kwargs=lambda c: {"pk": c["users"]["practitioner"].pk},
    ),
}


# --- separation of duties: role approvals (accounts app) ---
# Senior leaders decide requests for roles that see children's records; administrators, who
# make the requests, follow them. Everyone else gets 403.
def _pending_grant(council: dict) -> dict:
    from lineofsight.accounts.services import user_create

    newcomer = user_create(
        actor=council["users"][Role.ADMINISTRATOR],
        email="newcomer@example.org",
        full_name="New Worker",
        role=Role.PRACTITIONER,
        password=None,
    )
    return {"pk": newcomer.role_grants.get().pk}


_GRANT_ROLES = (Role.SENIOR_LEADER, Role.ADMINISTRATOR)
EXPECTED.update(
    {
        "accounts:role_grants": expect(200, only=_GRANT_ROLES),
        "accounts:role_grant_detail": expect(200, only=_GRANT_ROLES, kwargs=_pending_grant),
    }
)
# --- end separation of duties ---


# --- imports (intake) ---
def _failed_import(council: dict) -> dict:
    """A real import that failed validation, so its page and report have something to show."""
    import tempfile
    from pathlib import Path

    from lineofsight.intake import services
    from lineofsight.intake.tests import extract

    tables = extract.valid()
    tables["ssd_cin_plans"][0]["cinp_person_id"] = "NO-SUCH-CHILD"
    folder = extract.write(Path(tempfile.mkdtemp()) / "bad", tables)
    run = services.ssd_extract_import(directory=folder, actor=council["users"][Role.ANALYST])
    return {"pk": run.pk}


def _snapshot(council: dict) -> dict:
    from lineofsight.casework.models import Snapshot

    snapshot = Snapshot.objects.create(
        file_name="matrix.duckdb", source_kind="ssd", as_at="2025-03-31", content_hash="0" * 64
    )
    return {"pk": snapshot.pk}


_ANALYST = (Role.ANALYST,)
EXPECTED.update(
    {
        "intake:imports": expect(200, only=_ANALYST),
        "intake:import_detail": expect(200, only=_ANALYST, kwargs=_failed_import),
        "intake:import_report": expect(200, only=_ANALYST, kwargs=_failed_import, html=False),
        "intake:snapshots": expect(200, only=_ANALYST),
        # Making a snapshot current is a POST; a GET is refused before anything else.
        "intake:snapshot_make_current": expect(405, kwargs=_snapshot),
        # Publishing or discarding an import after review is a POST too.
        "intake:import_publish": expect(405, kwargs=_failed_import),
        "intake:import_discard": expect(405, kwargs=_failed_import),
    }
)

# --- case-file audits and improvement actions (audits/actions apps) ---
# Arguments come from lineofsight/audits/tests/matrix.py: a West file audited by the East team
# manager, held by the practitioner (P-1), in the service manager's service, moderated by QA.
from lineofsight.audits.tests import matrix as _audit_matrix  # noqa: E402

_AUDIT_REPORTS = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD, Role.SENIOR_LEADER)
_QA = (Role.QA_LEAD,)
_NOT_VISIBLE = {"senior_leader": 404, "analyst": 404, "administrator": 404}

EXPECTED.update(
    {
        "audits:my_audits": expect(200, administrator=403),
        "audits:tools": expect(200),
        "audits:tool_detail": expect(200, kwargs=_audit_matrix.tool_version),
        "audits:programmes": expect(200, only=_AUDIT_REPORTS),
        "audits:programme_create": expect(200, only=_QA),
        "audits:programme_detail": expect(200, only=_AUDIT_REPORTS, kwargs=_audit_matrix.programme),
        "audits:programme_sample": expect(200, only=_QA, kwargs=_audit_matrix.programme),
        "audits:programme_add_file": expect(200, only=_QA, kwargs=_audit_matrix.programme),
        "audits:programme_moderation": expect(200, only=_QA, kwargs=_audit_matrix.programme),
        "audits:programme_report": expect(200, only=_AUDIT_REPORTS, kwargs=_audit_matrix.programme),
        "audits:programme_report_csv": expect(
            200, only=_AUDIT_REPORTS, kwargs=_audit_matrix.programme, html=False
        ),
        "audits:programme_report_xlsx": expect(
            200, only=_AUDIT_REPORTS, kwargs=_audit_matrix.programme, html=False
        ),
        "audits:programme_report_docx": expect(
            200, only=_AUDIT_REPORTS, kwargs=_audit_matrix.programme, html=False
        ),
        "audits:agreement": expect(200, only=_QA),
        "audits:audit_detail": expect(
            200, kwargs=_audit_matrix.submitted_audit, child_record=True, **_NOT_VISIBLE
        ),
        "audits:audit_edit": expect(
            200,
            kwargs=_audit_matrix.draft_audit,
            child_record=True,
            practitioner=404,
            service_manager=403,
            **_NOT_VISIBLE,
        ),
        "audits:audit_version": expect(
            200, kwargs=_audit_matrix.first_version, child_record=True, **_NOT_VISIBLE
        ),
        "audits:audit_reopen": expect(
            200,
            kwargs=_audit_matrix.submitted_audit,
            practitioner=403,
            service_manager=403,
            **_NOT_VISIBLE,
        ),
        "audits:audit_respond": expect(
            403,
            kwargs=_audit_matrix.submitted_audit,
            child_record=True,
            practitioner=200,
            **_NOT_VISIBLE,
        ),
        "audits:audit_action_add": expect(
            200,
            kwargs=_audit_matrix.submitted_audit,
            practitioner=403,
            child_record=True,
            **_NOT_VISIBLE,
        ),
        "audits:audit_reassign": expect(200, only=_QA, kwargs=_audit_matrix.draft_audit),
        "audits:moderation_detail": expect(
            404, kwargs=_audit_matrix.moderation, child_record=True, qa_lead=200
        ),
        "actions:mine": expect(200, administrator=403),
        "actions:list": expect(200, administrator=403),
        "actions:detail": expect(
            200, kwargs=_audit_matrix.action, child_record=True, administrator=404
        ),
    }
)
# --- end case-file audits and improvement actions ---


# --- safeguarding concerns (concerns app) ---
# A concern raised by the East team manager, as auditor, from the audit of a West file (see the
# audits block above): the raiser, the Safeguarding service manager, quality assurance leads and
# senior leaders see it; the practitioner, who neither raised it nor manages West, and analysts
# get 404; administrators see no child's record (404). Raising from the audit is for its auditor
# and quality assurance leads; others who can see the audit get 403, the rest 404.
def _concern_source(council: dict) -> dict:
    return {"source_type": "audit", "source_id": _audit_matrix.submitted_audit(council)["pk"]}


def _concern(council: dict) -> dict:
    from lineofsight.concerns import services as concern_services

    concern = concern_services.concern_raise(
        actor=council["users"][Role.TEAM_MANAGER],
        **_concern_source(council),
        description="Unexplained injury.",
    )
    return {"pk": concern.pk}


EXPECTED.update(
    {
        "concerns:list": expect(200, administrator=403),
        "concerns:detail": expect(
            200,
            kwargs=_concern,
            child_record=True,
            practitioner=404,
            analyst=404,
            administrator=404,
        ),
        "concerns:raise": expect(
            200,
            kwargs=_concern_source,
            child_record=True,
            practitioner=403,
            service_manager=403,
            **_NOT_VISIBLE,
        ),
    }
)
# --- end safeguarding concerns ---


# --- timeliness: timescale rules and closure days (administrators only) ---
def _timeliness_closure(council: dict) -> dict:
    from lineofsight.timeliness.models import ClosurePeriod

    closure = ClosurePeriod.objects.create(
        first_day="2026-12-29", last_day="2026-12-31", description="Christmas closure"
    )
    return {"pk": closure.pk}


def _timeliness_recompute(council: dict) -> dict:
    """A finished recompute's run (the page reads only the run, not the snapshot)."""
    from lineofsight.intake.models import ImportRun, RunStatus
    from lineofsight.timeliness.recompute import RUN_NAME

    run = ImportRun.objects.create(
        source_kind="ssd", source_name=f"{RUN_NAME} 1", status=RunStatus.FAILED
    )
    return {"pk": run.pk}


EXPECTED.update(
    {
        "timeliness:rules": expect(200, only=(Role.ADMINISTRATOR,)),
        "timeliness:rule_edit": expect(
            200, only=(Role.ADMINISTRATOR,), kwargs=lambda council: {"rule_id": "cp_visit"}
        ),
        "timeliness:closure_add": expect(200, only=(Role.ADMINISTRATOR,)),
        "timeliness:closure_remove": expect(
            200, only=(Role.ADMINISTRATOR,), kwargs=_timeliness_closure
        ),
        # Starting a recompute is a POST; a GET is refused before anything else.
        "timeliness:recompute_start": expect(405),
        "timeliness:recompute_detail": expect(
            200, only=(Role.ADMINISTRATOR,), kwargs=_timeliness_recompute
        ),
    }
)
# --- end timeliness ---


# --- worklists, chronology and group supervision (worklists and supervision apps) ---
# Real data for every page: the East council's snapshot (lineofsight/worklists/tests/snapshots.py)
# is made current, and a session of the East team discusses child E2. E2 is allocated to worker
# P-2, so the practitioner (P-1) is an outsider to that child and gets 404.
CASEWORK = (
    Role.PRACTITIONER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.QA_LEAD,
    Role.SENIOR_LEADER,
    Role.ANALYST,
)
COMPARERS = tuple(r for r in CASEWORK if r != Role.PRACTITIONER)  # Capability.VIEW_INDICATORS
SUPERVISION_LEADS = (Role.TEAM_MANAGER, Role.QA_LEAD)  # Capability.LEAD_SUPERVISION


def _east_team(council: dict) -> dict:
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    return {"team_id": council["teams"]["east"].pk}


def _east_child(council: dict) -> dict:
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    return {"person_id": "E2"}


def _east_session(council: dict):
    import datetime

    from lineofsight.supervision.tests.helpers import make_session
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    return make_session(council, datetime.date(2024, 7, 1), person_ids=["E2"])


def _east_data(council: dict) -> dict:
    """No URL arguments; the page lists what the East snapshot and session hold."""
    _east_session(council)
    return {}


def _session_kwargs(council: dict) -> dict:
    return {"pk": _east_session(council).pk}


def _case_kwargs(council: dict) -> dict:
    return {"pk": _east_session(council).cases.get().pk}


EXPECTED.update(
    {
        "worklists:index": expect(200, only=CASEWORK, practitioner=302, kwargs=_east_data),
        "worklists:mine": expect(200, only=CASEWORK, kwargs=_east_data),
        "worklists:service": expect(200, only=COMPARERS, kwargs=_east_data),
        "worklists:team": expect(200, only=CASEWORK, kwargs=_east_team, child_record=True),
        "worklists:team_export": expect(
            200, only=CASEWORK, kwargs=_east_team, html=False, child_record=True
        ),
        "children:chronology": expect(
            200, only=CASEWORK, practitioner=404, kwargs=_east_child, child_record=True
        ),
        "supervision:sessions": expect(200, only=CASEWORK, kwargs=_east_data),
        "supervision:session_create": expect(200, only=SUPERVISION_LEADS),
        "supervision:nominate": expect(405),  # a POST from the worklist; GET is refused
        # The children selected on a team's worklist (none here, so no child is named).
        "supervision:selection": expect(200, only=SUPERVISION_LEADS, kwargs=_east_team),
        "supervision:evaluation": expect(200, only=COMPARERS, kwargs=_east_data),
        "supervision:session": expect(
            200, only=CASEWORK, practitioner=404, kwargs=_session_kwargs, child_record=True
        ),
        "supervision:attendees": expect(200, only=SUPERVISION_LEADS, kwargs=_session_kwargs),
        "supervision:case": expect(
            200, only=CASEWORK, practitioner=404, kwargs=_case_kwargs, child_record=True
        ),
        "supervision:action_create": expect(
            200, only=SUPERVISION_LEADS, kwargs=_case_kwargs, child_record=True
        ),
        "supervision:case_remove": expect(405, kwargs=_case_kwargs),  # POST only
    }
)


# One-to-one supervision: the East team manager supervised the practitioner (P-1), discussing
# child E2. The supervisee, the team's manager and quality assurance leads read it; other roles
# that see casework are outsiders (404); changing it, the team page, the import and a worker's
# details are for those who lead supervision (403 for the rest).
def _one_to_one_kwargs(council: dict) -> dict:
    import datetime

    from lineofsight.supervision.tests.helpers import make_one_to_one

    return {"pk": make_one_to_one(council, datetime.date(2024, 7, 1)).pk}


def _worker_kwargs(council: dict) -> dict:
    return {"worker_id": council["users"]["practitioner"].pk}


ONE_TO_ONE_READERS = (Role.PRACTITIONER, *SUPERVISION_LEADS)
ONE_TO_ONE_OUTSIDERS = {role: 404 for role in CASEWORK if role not in ONE_TO_ONE_READERS}
EXPECTED.update(
    {
        "supervision:one_to_ones": expect(200, only=CASEWORK),
        "supervision:one_to_one_create": expect(200, only=SUPERVISION_LEADS),
        "supervision:one_to_one_import": expect(200, only=SUPERVISION_LEADS),
        "supervision:one_to_one": expect(
            200,
            only=CASEWORK,
            kwargs=_one_to_one_kwargs,
            child_record=True,
            **ONE_TO_ONE_OUTSIDERS,
        ),
        "supervision:one_to_one_edit": expect(
            200, only=SUPERVISION_LEADS, kwargs=_one_to_one_kwargs, child_record=True
        ),
        "supervision:one_to_one_team": expect(200, only=SUPERVISION_LEADS, kwargs=_east_team),
        "supervision:one_to_one_worker": expect(
            200, only=CASEWORK, kwargs=_worker_kwargs, **ONE_TO_ONE_OUTSIDERS
        ),
        "supervision:one_to_one_profile": expect(
            200, only=SUPERVISION_LEADS, kwargs=_worker_kwargs
        ),
    }
)
# --- end worklists, chronology and group supervision ---

# --- indicators, improvement board and committee report (indicators app) ---
# Every role that sees the indicators (Capability.VIEW_INDICATORS, the same as COMPARERS above)
# sees the board; analysts and senior leaders set targets. Pages read the East council's snapshot;
# with no snapshot they answer 200 with "no data imported yet" (lineofsight/indicators/tests).
_TARGET_SETTERS = (Role.ANALYST, Role.SENIOR_LEADER)  # Capability.SET_INDICATOR_TARGETS


def _board_data(council: dict) -> dict:
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    return {}


def _indicator_with(*, children: bool = False, target: bool = False):
    from lineofsight.indicators import catalogue, selectors

    def kwargs(council: dict) -> dict:
        _board_data(council)
        for indicator in catalogue.catalogue():
            if children and selectors.counts_of(indicator) != "children":
                continue
            if target and not selectors.may_have_target(indicator):
                continue
            return {"indicator_id": indicator.id}
        raise AssertionError("no indicator in the catalogue fits")

    return kwargs


EXPECTED.update(
    {
        "indicators:board": expect(200, only=COMPARERS, kwargs=_board_data),
        "indicators:detail": expect(200, only=COMPARERS, kwargs=_indicator_with()),
        "indicators:children": expect(
            200, only=COMPARERS, kwargs=_indicator_with(children=True), child_record=True
        ),
        "indicators:children_export": expect(
            200,
            only=COMPARERS,
            kwargs=_indicator_with(children=True),
            child_record=True,
            html=False,
        ),
        "indicators:targets": expect(200, only=COMPARERS),
        "indicators:target_edit": expect(
            200, only=_TARGET_SETTERS, kwargs=_indicator_with(target=True)
        ),
    }
)
# --- end indicators ---

# --- committee report (reports app) ---
# Readers: roles that see the indicators and everything (the figures are council-wide; team and
# service managers get 403, issue 11); writers: quality assurance leads, senior leaders and
# analysts (Capability.WRITE_COMMITTEE_REPORTS). The report is made from the East council's
# snapshot (lineofsight/worklists/tests/snapshots.py).
_REPORT_READERS = (Role.QA_LEAD, Role.SENIOR_LEADER, Role.ANALYST)
_REPORT_WRITERS = (Role.QA_LEAD, Role.SENIOR_LEADER, Role.ANALYST)


def _committee_report(council: dict) -> dict:
    import datetime

    from lineofsight.reports import services as report_services
    from lineofsight.worklists.tests.snapshots import east_snapshot

    snapshot = east_snapshot()
    made = report_services.report_create(
        actor=council["users"][Role.QA_LEAD],
        title="Quality of practice",
        period_end=datetime.date(2024, 3, 31),
        snapshot=snapshot,
    )
    return {"pk": made.pk}


def _committee_export(council: dict) -> dict:
    from django.test import override_settings

    from lineofsight.reports import services as report_services
    from lineofsight.reports.models import CommitteeReport

    report = CommitteeReport.objects.get(pk=_committee_report(council)["pk"])
    with override_settings(INTAKE_IMPORTS_INLINE=True):
        made = report_services.committee_export_request(
            user=council["users"][Role.QA_LEAD], report=report, fmt="docx"
        )
    return {"pk": made.pk}


EXPECTED.update(
    {
        "reports:committee": expect(200, only=_REPORT_READERS),
        "reports:committee_create": expect(200, only=_REPORT_WRITERS),
        "reports:committee_detail": expect(200, only=_REPORT_READERS, kwargs=_committee_report),
        # Asking for a download is a page (the worker prepares the file); the prepared export
        # is its asker's alone.
        "reports:committee_docx": expect(200, only=_REPORT_READERS, kwargs=_committee_report),
        "reports:committee_pdf": expect(200, only=_REPORT_READERS, kwargs=_committee_report),
        "reports:committee_export": expect(
            404, only=_REPORT_READERS, kwargs=_committee_export, qa_lead=200
        ),
        "reports:committee_export_file": expect(
            404, only=_REPORT_READERS, kwargs=_committee_export, html=False, qa_lead=200
        ),
        # Counting a report's records again is a POST; a GET is refused before anything else.
        "reports:committee_count": expect(405, kwargs=_committee_report),
    }
)
# --- end committee report ---

# --- practice weeks (practiceweeks app) ---
# Arguments come from lineofsight/practiceweeks/tests/matrix.py: the service manager (Safeguarding)
# is the assessor of a visit to the Care Team (Children in Care); the East team manager is outside
# it (404). Practitioners, analysts and administrators do not use practice weeks (403).
from lineofsight.practiceweeks.tests import matrix as _pw_matrix  # noqa: E402

_PW_READERS = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD, Role.SENIOR_LEADER)
_PW_WHOLE_WEEK = {"qa_lead": 200, "service_manager": 200, "senior_leader": 200}


def _pw_page(kwargs: Callable[[dict], dict], **by_role: int) -> Expect:
    """A practice-week page: 403 but for `by_role`, 404 for the team manager outside the week."""
    return expect(403, kwargs=kwargs, team_manager=404, **by_role)


EXPECTED.update(
    {
        "practiceweeks:weeks": expect(200, only=_PW_READERS),
        "practiceweeks:week_create": expect(403, qa_lead=200),
        "practiceweeks:week_detail": _pw_page(_pw_matrix.week, **_PW_WHOLE_WEEK),
        "practiceweeks:week_edit": _pw_page(_pw_matrix.week, qa_lead=200),
        "practiceweeks:visit_create": _pw_page(_pw_matrix.week, qa_lead=200),
        "practiceweeks:analysis": expect(403, kwargs=_pw_matrix.week, **_PW_WHOLE_WEEK),
        "practiceweeks:report": expect(403, kwargs=_pw_matrix.week, **_PW_WHOLE_WEEK),
        "practiceweeks:report_docx": expect(
            403, kwargs=_pw_matrix.week, html=False, **_PW_WHOLE_WEEK
        ),
        "practiceweeks:report_pdf": expect(
            403, kwargs=_pw_matrix.week, html=False, **_PW_WHOLE_WEEK
        ),
        "practiceweeks:visit_detail": _pw_page(_pw_matrix.visit, **_PW_WHOLE_WEEK),
        "practiceweeks:visit_edit": _pw_page(_pw_matrix.visit, qa_lead=200),
        "practiceweeks:consent": _pw_page(_pw_matrix.visit, qa_lead=200, service_manager=200),
        "practiceweeks:observation_edit": _pw_page(_pw_matrix.draft_visit, service_manager=200),
        "practiceweeks:observation_detail": _pw_page(
            _pw_matrix.submitted_observation, **_PW_WHOLE_WEEK
        ),
        # A draft is seen only by its assessor and quality assurance leads.
        "practiceweeks:observation_submit": _pw_page(
            _pw_matrix.draft_observation, service_manager=200, senior_leader=404
        ),
        "practiceweeks:observation_reopen": _pw_page(_pw_matrix.submitted_observation, qa_lead=200),
        "practiceweeks:observation_version": _pw_page(_pw_matrix.first_version, **_PW_WHOLE_WEEK),
        "practiceweeks:observation_themes": _pw_page(
            _pw_matrix.submitted_observation, qa_lead=200, service_manager=200
        ),
    }
)
# --- end practice weeks ---

# --- feedback and triangulation (feedback/themes apps) ---
# Feedback about the East team (the practitioner's and team manager's team, in the service
# manager's service) about child E9; administrators see no feedback. The public page is tried with
# a made-up token: everyone, signed in or not, gets the same 404 page (tests in
# lineofsight/feedback/tests/ open a real link).
from lineofsight.feedback.tests import matrix as _feedback_matrix  # noqa: E402

_FEEDBACK_READERS = CASEWORK
_FEEDBACK_MANAGERS = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD)  # MANAGE_FEEDBACK
_THEME_READERS = COMPARERS  # Capability.VIEW_INDICATORS


_HEALTH_CHECK_LEADS = (Role.QA_LEAD,)  # Capability.MANAGE_AUDIT_PROGRAMMES


def _health_check_page(*, html: bool = True) -> Expect:
    """A page of one staff health check: quality assurance leads only, 403 for the rest."""
    return expect(200, only=_HEALTH_CHECK_LEADS, kwargs=_feedback_matrix.health_check, html=html)


def _east_feedback_page(*, only: tuple[str, ...]) -> Expect:
    """A page of the East feedback, part of E9's record: 200 for `only`, 404 for administrators."""
    kwargs = _feedback_matrix.east_feedback
    return expect(200, only=only, kwargs=kwargs, child_record=True, administrator=404)


EXPECTED.update(
    {
        "feedback:list": expect(200, only=_FEEDBACK_READERS, kwargs=_feedback_matrix.data),
        "feedback:create": expect(200, only=_FEEDBACK_READERS),
        "feedback:link_create": expect(200, only=_FEEDBACK_READERS),
        "feedback:you_said_we_did": expect(
            200, only=_FEEDBACK_READERS, kwargs=_feedback_matrix.data
        ),
        "feedback:detail": _east_feedback_page(only=_FEEDBACK_READERS),
        "feedback:respond": _east_feedback_page(only=_FEEDBACK_MANAGERS),
        "feedback:public": expect(404, nobody=404, kwargs=_feedback_matrix.made_up_token),
        "feedback:thanks": expect(200, nobody=200),
        # The staff health check is council-wide: quality assurance leads run it and read its
        # results (Capability.MANAGE_AUDIT_PROGRAMMES); sending links and closing are POSTs.
        "feedback:healthcheck_list": expect(200, only=_HEALTH_CHECK_LEADS),
        "feedback:healthcheck_create": expect(200, only=_HEALTH_CHECK_LEADS),
        "feedback:healthcheck_detail": _health_check_page(),
        "feedback:healthcheck_results": _health_check_page(),
        "feedback:healthcheck_results_csv": _health_check_page(html=False),
        "feedback:healthcheck_send": expect(405, kwargs=_feedback_matrix.health_check),
        "feedback:healthcheck_close": expect(405, kwargs=_feedback_matrix.health_check),
        "feedback:healthcheck_public": expect(
            404, nobody=404, kwargs=_feedback_matrix.made_up_token
        ),
        "feedback:healthcheck_thanks": expect(200, nobody=200),
        "themes:index": expect(200, only=_THEME_READERS, kwargs=_feedback_matrix.data),
        "themes:detail": expect(200, only=_THEME_READERS, kwargs=_feedback_matrix.theme),
    }
)
# --- end feedback and triangulation ---

# --- improvement action plans (actions app, practice-week issue) ---
# The plan's arguments: an indicator's action plan (lineofsight/actions/tests/matrix.py). The
# raise page takes its source in the query string, which the matrix cannot give: without one it
# answers 400 with a page saying what it needs, for the roles that may raise actions.
from lineofsight.actions.tests import matrix as _action_matrix  # noqa: E402

_RAISERS = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD, Role.SENIOR_LEADER)

EXPECTED.update(
    {
        "actions:raise": expect(400, only=_RAISERS),
        "actions:board": expect(200, administrator=403),
        "actions:plan": expect(
            200, kwargs=_action_matrix.indicator_plan, practitioner=404, administrator=403
        ),
        "actions:plan_csv": expect(
            200,
            kwargs=_action_matrix.indicator_plan,
            practitioner=404,
            administrator=403,
            html=False,
        ),
    }
)
# --- end improvement action plans ---


# --- recording (recording app) ---
# The East snapshot with case notes (lineofsight/recording/tests/test_rules_support.py). Checking
# one's writing needs casework; the quality pages and the rules page need VIEW_RECORDING (not
# practitioners, not administrators); only QA leads change the rules. Note N-AMY is about E1,
# written by the test practitioner P-1, who may therefore read it.
RECORDING_READERS = COMPARERS  # Capability.VIEW_RECORDING
RULE_KEEPERS = (Role.QA_LEAD,)  # Capability.MANAGE_RECORDING_RULES


def _recording_notes(council: dict) -> dict:
    from lineofsight.recording.tests.test_rules_support import notes_snapshot

    notes_snapshot()
    return {}


def _recording_note(council: dict) -> dict:
    _recording_notes(council)
    return {"note_id": "N-AMY"}


def _recording_term(council: dict) -> dict:
    return {"position": 1}


EXPECTED.update(
    {
        "recording:check": expect(200, only=CASEWORK),
        "recording:check_live": expect(405, html=False),  # POST only
        "recording:mine": expect(200, only=CASEWORK, kwargs=_recording_notes),
        "recording:quality": expect(200, only=RECORDING_READERS, kwargs=_recording_notes),
        "recording:quality_csv": expect(
            200, only=RECORDING_READERS, kwargs=_recording_notes, html=False
        ),
        "recording:note": expect(200, only=CASEWORK, kwargs=_recording_note, child_record=True),
        "recording:rules": expect(200, only=RECORDING_READERS),
        "recording:rules_switch": expect(405),  # POST only
        "recording:rules_term_add": expect(200, only=RULE_KEEPERS),
        "recording:rules_term_edit": expect(200, only=RULE_KEEPERS, kwargs=_recording_term),
        "recording:rules_term_remove": expect(200, only=RULE_KEEPERS, kwargs=_recording_term),
        "recording:rules_acronyms": expect(200, only=RULE_KEEPERS),
    }
)
# --- end recording ---

# --- the framework for practice (framework app), line of sight on its standards (standards app)
# and the self-evaluation (reports app): each app's tests/matrix file says who sees what ---
from lineofsight.framework.tests import matrix as _framework_matrix  # noqa: E402
from lineofsight.reports.tests import matrix_selfevaluation as _selfevaluation_matrix  # noqa: E402
from lineofsight.standards.tests import matrix as _standards_matrix  # noqa: E402

EXPECTED.update(_framework_matrix.EXPECTED)
EXPECTED.update(_standards_matrix.EXPECTED)
EXPECTED.update(_selfevaluation_matrix.EXPECTED)

# --- the workforce behind practice (workforce app) ---
from lineofsight.workforce.tests import matrix as _workforce_matrix  # noqa: E402

EXPECTED.update(_workforce_matrix.EXPECTED)

# --- teams: the workforce beside practice (teams app) ---
from lineofsight.teams.tests import matrix as _teams_matrix  # noqa: E402

EXPECTED.update(_teams_matrix.EXPECTED)


def admin_expectation(url_name: str) -> Expect:
    """Administrators use the admin; every other role gets 403; nobody is sent to sign in."""
    admin_status = 200
    if url_name.endswith("_delete"):
        admin_status = 403  # nothing is deleted: people are deactivated instead
    if url_name.endswith("_add") and url_name.startswith(
        ("admin:accounts_accesslogentry", "admin:history_changeevent")
    ):
        admin_status = 403  # evidence is never written by hand
    if url_name == "admin:logout":
        admin_status = 405
    if url_name == "admin:autocomplete":
        admin_status = 403  # answers only a widget's query naming a model and field
    if url_name == "admin:view_on_site":
        admin_status = 404  # no model here has a public page to go to
    if url_name == "admin:login":
        return expect(403, nobody=302, administrator=403)
    # The admin's translation catalogue is JavaScript, not a page.
    return expect(403, administrator=admin_status, html=url_name != "admin:jsi18n")


# --- regional benchmarking on pooled extracts (region app) ---
from lineofsight.region.tests import matrix as _region_matrix  # noqa: E402

EXPECTED.update(_region_matrix.EXPECTED)
