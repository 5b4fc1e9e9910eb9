from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db.models import QuerySet

from lineofsight.accounts.models import Role, Team, User
from lineofsight.web.fields import (
    VERY_LONG_TEXT,
    TextField,
    UKDateField,
    checkboxes,
    radio_choice,
    text_box,
)
from lineofsight.web.filters import FilterMessagesMixin

from .grades import GRADES_BEST_FIRST, Cohort, Impact
from .models import (
    Agreement,
    AuditToolVersion,
    SampleMode,
    ToolQuestion,
    ToolSection,
    default_auditor_roles,
    default_moderator_roles,
)

GRADE_CHOICES = [(g.value, g.label) for g in GRADES_BEST_FIRST]
AUDITOR_ROLE_CHOICES = [
    (r.value, r.label)
    for r in (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD)
]
MODERATOR_ROLE_CHOICES = [
    (r.value, r.label) for r in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD)
]


def _grade_field(label: str, required: bool = False, message: str = "") -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        choices=GRADE_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message or f"Select the {label.lower()}"},
    )


def _text(label: str, required: str = "", **kwargs) -> TextField:
    """A box for an answer, evidence or a rationale: these may run long."""
    kwargs.setdefault("max_length", VERY_LONG_TEXT)
    return text_box(label, required, **kwargs)


class ToolVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AuditToolVersion) -> str:
        return f"{obj.name} (version {obj.version})"


class TeamsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.name} ({obj.service.name})"


class ProgrammeForm(forms.Form):
    """A new audit programme: its cleaned values are `programme_create`'s arguments."""

    name = TextField(
        label="Name of the programme",
        max_length=200,
        help_text="For example, Quarterly case-file audit, April to June 2026",
        error_messages={"required": "Enter a name for the programme"},
    )
    period_start = UKDateField(named=True, label="Start date")
    period_end = UKDateField(named=True, label="End date")
    tool_version = ToolVersionChoiceField(
        label="Audit tool",
        queryset=AuditToolVersion.objects.filter(is_active=True).order_by("name", "-version"),
        empty_label="Select a tool",
        error_messages={"required": "Select the audit tool"},
    )
    cohorts = checkboxes("Cohorts to sample", Cohort.choices, "Select at least one cohort")
    teams = TeamsField(
        label="Teams",
        queryset=Team.objects.select_related("service").order_by("service__name", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to sample every team in the casework data.",
    )
    sample_mode = radio_choice(
        "How many files", SampleMode.choices, "Select how to size the sample"
    )
    sample_count = forms.IntegerField(
        label="Files per team",
        min_value=1,
        max_value=1000,
        required=False,
        help_text="When sampling a number of files per team.",
    )
    sample_share = forms.IntegerField(
        label="Percentage of each team's files",
        min_value=1,
        max_value=100,
        required=False,
        help_text="When sampling a share of each team's files.",
    )
    exclude_recent_months = forms.IntegerField(
        label="Leave out files audited in the last (months)",
        min_value=0,
        max_value=60,
        initial=12,
        help_text="0 to include them.",
    )
    excluded_person_ids = text_box(
        "Other children to leave out (person IDs)",
        help_text="One per line, or separated by commas. For example, children in a current "
        "practice review.",
    )
    exclusion_reason = TextField(label="Why they are left out", required=False, max_length=300)
    auditor_roles = checkboxes(
        "Who audits",
        AUDITOR_ROLE_CHOICES,
        "Select at least one role to audit",
        initial=default_auditor_roles,
        help_text="Auditors never audit files from their own team (or, for a service manager, "
        "their own service), nor their own cases.",
    )
    moderator_roles = checkboxes(
        "Who moderates",
        MODERATOR_ROLE_CHOICES,
        "Select at least one role to moderate",
        initial=default_moderator_roles,
    )
    audit_due_days = forms.IntegerField(
        label="Days to complete each audit",
        min_value=1,
        max_value=365,
        initial=28,
        help_text="Counted from the day the audit is allocated.",
    )
    safeguarding_response_hours = forms.IntegerField(
        label="Hours to respond to an immediate safeguarding concern",
        min_value=1,
        max_value=72,
        initial=24,
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end date must be the same as or after the start date")
        mode = cleaned.get("sample_mode")
        if mode == SampleMode.COUNT and not cleaned.get("sample_count"):
            self.add_error("sample_count", "Enter how many files to audit in each team")
        if mode == SampleMode.SHARE and not cleaned.get("sample_share"):
            self.add_error("sample_share", "Enter the percentage of each team's files to audit")
        cleaned["teams"] = list(cleaned.get("teams") or [])
        raw = cleaned.get("excluded_person_ids") or ""
        cleaned["excluded_person_ids"] = [
            p.strip() for p in raw.replace(",", "\n").splitlines() if p.strip()
        ]
        if cleaned["excluded_person_ids"] and not cleaned.get("exclusion_reason", "").strip():
            self.add_error("exclusion_reason", "Say why these children are left out")
        return cleaned


class SampleForm(forms.Form):
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random seed. Enter a recorded seed only to reproduce "
        "a sample drawn elsewhere from the same snapshot.",
    )


class AddFileForm(forms.Form):
    person_id = TextField(
        label="Child's person ID",
        max_length=48,
        error_messages={"required": "Enter the child's person ID"},
    )
    reason = _text(
        "Why this file is added by hand",
        "Say why this file is being added by hand",
        max_length=2000,
    )


class ReassignForm(forms.Form):
    auditor = forms.ModelChoiceField(
        label="New auditor",
        queryset=User.objects.none(),
        empty_label="Select a person",
        error_messages={"required": "Select the new auditor"},
    )

    def __init__(self, *args, people: QuerySet[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = people
        self.fields["auditor"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.get_role_display()})"
        )


@dataclass
class QuestionFields:
    question: ToolQuestion
    answer: forms.BoundField
    evidence: forms.BoundField


@dataclass
class SectionFields:
    section: ToolSection
    grade: forms.BoundField
    note: forms.BoundField
    questions: list[QuestionFields] = field(default_factory=list)


class AuditForm(forms.Form):
    """The whole audit on one page. Nothing is pre-filled: every answer and grade starts empty
    (a new version after a change starts from what was submitted before)."""

    token = TextField(widget=forms.HiddenInput)

    def __init__(self, *args, tool: AuditToolVersion, structure: list[ToolSection], **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        scale = [(a["value"], a["label"]) for a in tool.answer_scale]
        for section in structure:
            for q in section.questions.all():
                self.fields[f"q{q.pk}"] = forms.ChoiceField(
                    label=q.text,
                    help_text=q.guidance,
                    choices=scale,
                    required=False,
                    widget=forms.RadioSelect,
                )
                self.fields[f"e{q.pk}"] = _text(
                    "Evidence", help_text=q.evidence_prompt, max_length=5000
                )
            self.fields[f"s{section.pk}"] = _grade_field(f"Grade for {section.title}")
            self.fields[f"n{section.pk}"] = _text(f"Why this grade for {section.title}")
        self.fields["overall_grade"] = _grade_field("Overall grade")
        self.fields["overall_rationale"] = _text("Why this overall grade")
        self.fields["impact"] = forms.ChoiceField(
            label="Impact on the child",
            choices=Impact.choices,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["impact_rationale"] = _text("What the impact on the child is, and how you know")

    def layout(self) -> list[SectionFields]:
        """Sections with their bound fields, in order."""
        out = []
        for section in self.structure:
            row = SectionFields(
                section,
                self[f"s{section.pk}"],
                self[f"n{section.pk}"],
            )
            row.questions = [
                QuestionFields(
                    q,
                    self[f"q{q.pk}"],
                    self[f"e{q.pk}"],
                )
                for q in section.questions.all()
            ]
            out.append(row)
        return out

    @staticmethod
    def initial_from(version, structure: list[ToolSection]) -> dict:
        answers = {a.question_id: a for a in version.answers.all()} if version.pk else {}
        grades = {g.section_id: g for g in version.section_grades.all()} if version.pk else {}
        initial = {
            "overall_grade": version.overall_grade,
            "overall_rationale": version.overall_rationale,
            "impact": version.impact,
            "impact_rationale": version.impact_rationale,
        }
        for section in structure:
            if section.pk in grades:
                initial[f"s{section.pk}"] = grades[section.pk].grade
                initial[f"n{section.pk}"] = grades[section.pk].note
            for q in section.questions.all():
                if q.pk in answers:
                    initial[f"q{q.pk}"] = answers[q.pk].value
                    initial[f"e{q.pk}"] = answers[q.pk].evidence
        return initial


class ReopenForm(forms.Form):
    reason = _text(
        "Why the submitted audit needs to change",
        "Say why the submitted audit needs to change",
        max_length=2000,
    )


class RespondForm(forms.Form):
    agreement = radio_choice(
        "Do you agree with the findings?",
        Agreement.choices,
        "Select whether you agree with the findings",
    )
    comments = _text("Your comments", max_length=5000)
    will_do = _text("What you will do", max_length=5000)


class ModerationRateForm(forms.Form):
    rate = forms.IntegerField(
        label="Moderation rate (percent of submitted audits)",
        min_value=1,
        max_value=100,
        help_text="Every Outstanding and Inadequate audit is moderated as well, whatever the rate.",
        error_messages={"required": "Enter the moderation rate"},
    )


class ModerationDrawForm(forms.Form):
    seed = forms.IntegerField(label="Seed (optional)", required=False, min_value=0, max_value=2**62)


class ModerationGradeForm(forms.Form):
    def __init__(self, *args, structure: list[ToolSection], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.structure = structure
        for section in structure:
            self.fields[f"s{section.pk}"] = _grade_field(
                f"Your grade for {section.title}",
                required=True,
                message=f"Select your grade for {section.title}",
            )
        self.fields["grade"] = _grade_field(
            "Your overall grade", required=True, message="Select your overall grade"
        )
        self.fields["rationale"] = _text("Why this grade", "Explain your overall grade")

    def section_fields(self) -> list[tuple[ToolSection, forms.BoundField]]:
        return [(s, self[f"s{s.pk}"]) for s in self.structure]

    def section_grades(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data[f"s{s.pk}"] for s in self.structure}


class ModerationAgreeForm(forms.Form):
    grade = _grade_field("Agreed grade", required=True, message="Select the agreed grade")
    rationale = _text("Why this grade was agreed", "Say why this grade was agreed", max_length=5000)


class AgreementFilterForm(FilterMessagesMixin, forms.Form):
    weights = forms.ChoiceField(
        label="Kappa weights",
        choices=[("linear", "Linear (default)"), ("quadratic", "Quadratic")],
        required=False,
    )
