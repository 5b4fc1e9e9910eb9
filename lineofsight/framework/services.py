"""Every change to the council's framework for practice: a draft is started from the version in
force, edited part by part under the optimistic lock, and published once every link names
something that exists. Each change writes its history in the same transaction; a refusal says
what and where, and changes nothing."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.history.services import record_change, record_creation
from lineofsight.web.errors import EditConflict, ServiceError
from lineofsight.web.locking import version_take

from . import content, links
from .content import PART, Framework, FrameworkError
from .models import FrameworkVersion, VersionStatus


class FrameworkEditError(ServiceError):
    """A change that cannot be made; the message says what is wrong and where."""


class FrameworkChangedMeanwhile(FrameworkEditError, EditConflict):
    title = "Someone else changed the draft"

    def __init__(self, current: FrameworkVersion) -> None:
        who = current.updated_by
        super().__init__(
            f"{who.full_name if who else 'Someone'} changed the draft framework while you were "
            "editing it. Check what they saved, then make your change again if it still applies.",
            current=current,
            saved_by=who,
        )


def _next_number() -> int:
    return (FrameworkVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1


def _checked(data: dict[str, Any], *, for_publishing: bool = False) -> Framework:
    try:
        framework = content.parse(data)
    except FrameworkError as exc:
        raise FrameworkEditError("The framework was not saved. " + " ".join(exc.problems)) from None
    if for_publishing:
        problems = links.problems(framework)
        if problems:
            raise FrameworkEditError("The framework was not published. " + " ".join(problems))
    return framework


def _in_force() -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED).first()


@transaction.atomic
def framework_adopt(
    *, actor: User | None, path: Path | None = None, note: str = ""
) -> FrameworkVersion:
    """Publish the framework in a file (default: the council's file, or the example) as the
    next version, replacing the one in force. `actor` None: a command run on the server."""
    if actor is not None:
        policy.require(actor, policy.Capability.MANAGE_FRAMEWORK)
    try:
        framework = content.read_file(path or content.default_file())
    except FrameworkError as exc:
        raise FrameworkEditError(" ".join(exc.problems)) from None
    problems = links.problems(framework)
    if problems:
        raise FrameworkEditError("The framework was not published. " + " ".join(problems))
    return _publish_new(actor=actor, data=framework.as_data(), note=note or "Adopted from a file.")


def _publish_new(*, actor: User | None, data: dict[str, Any], note: str) -> FrameworkVersion:
    now = timezone.now()
    FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.REPLACED
    )
    version = FrameworkVersion.objects.create(
        number=_next_number(),
        status=VersionStatus.PUBLISHED,
        content=data,
        note=note,
        created_by=actor,
        published_by=actor,
        published_at=now,
    )
    record_creation(
        actor=actor, action="framework_publish", obj=version, fields=["number", "status", "note"]
    )
    return version


@transaction.atomic
def framework_draft_start(*, actor: User) -> FrameworkVersion:
    """The draft to edit: the one already started, or a copy of the version in force (or of
    the council's file, when nothing has been published yet)."""
    policy.require(actor, policy.Capability.MANAGE_FRAMEWORK)
    existing = FrameworkVersion.objects.filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        return existing
    current = _in_force()
    data = current.content if current is not None else content.default().as_data()
    try:
        with transaction.atomic():
            draft = FrameworkVersion.objects.create(
                number=_next_number(),
                status=VersionStatus.DRAFT,
                content=data,
                created_by=actor,
                updated_by=actor,
                updated_at=timezone.now(),
            )
    except IntegrityError:
        # Someone started a draft at the same moment: theirs is the one to edit.
        return FrameworkVersion.objects.get(status=VersionStatus.DRAFT)
    record_creation(actor=actor, action="framework_draft_start", obj=draft, fields=["number"])
    return draft


def _take_draft(draft: FrameworkVersion, expected_version: int) -> FrameworkVersion:
    """Lock the draft at `expected_version`; the row as it was. A version already published
    (or published by someone else meanwhile) never changes."""
    row = version_take(
        FrameworkVersion,
        draft.pk,
        expected_version=expected_version,
        conflict=lambda now: FrameworkChangedMeanwhile(
            FrameworkVersion.objects.select_related("updated_by").get(pk=now.pk)
        ),
    )
    if not row.is_draft:
        raise FrameworkEditError(
            f"Version {row.number} is {row.get_status_display().lower()}: it cannot change. "
            "Start a new draft instead."
        )
    return row


def _save(
    *, actor: User, draft: FrameworkVersion, expected_version: int, data: dict, action: str
) -> FrameworkVersion:
    policy.require(actor, policy.Capability.MANAGE_FRAMEWORK)
    clean = _checked(data).as_data()
    before = _take_draft(draft, expected_version)
    FrameworkVersion.objects.filter(pk=draft.pk).update(
        content=clean, updated_by=actor, updated_at=timezone.now()
    )
    saved = FrameworkVersion.objects.select_related("updated_by").get(pk=draft.pk)
    record_change(
        actor=actor,
        action=action,
        obj=saved,
        before=_history_view(before.content),
        after=_history_view(clean),
    )
    return saved


def _history_view(data: dict) -> dict[str, Any]:
    """The content as the change history shows it: one line an item, so a change reads as the
    items that differ."""
    view: dict[str, Any] = {k: data.get(k, "") for k in ("name", "vision", "launch_date")}
    for part in PART:
        view[part] = [_item_line(item) for item in data.get(part) or []]
    return view


def _item_line(item: dict) -> str:
    details = [str(item.get("summary") or "")]
    details += [f"good: {point}" for point in item.get("good_looks_like") or ()]
    for name in ("golden_threads", "principles"):
        if item.get(name):
            details.append(f"{name.replace('_', ' ')}: {', '.join(item[name])}")
    for kind_key, ids in (item.get("links") or {}).items():
        if ids:
            details.append(f"{kind_key.replace('_', ' ')}: {', '.join(ids)}")
    return f"{item.get('key')}: {item.get('title')} ({'; '.join(d for d in details if d)})"


@transaction.atomic
def framework_header_save(
    *,
    actor: User,
    draft: FrameworkVersion,
    expected_version: int,
    name: str,
    vision: str,
    launch_date: datetime.date | None,
) -> FrameworkVersion:
    """The framework's name, vision and the date it was launched (trends start there)."""
    data = {
        **draft.content,
        "name": name,
        "vision": vision,
        "launch_date": launch_date.isoformat() if launch_date else "",
        # A council that edits its framework has made it its own.
        "example": False,
    }
    return _save(
        actor=actor,
        draft=draft,
        expected_version=expected_version,
        data=data,
        action="framework_header_save",
    )


@transaction.atomic
def framework_item_save(
    *,
    actor: User,
    draft: FrameworkVersion,
    expected_version: int,
    part: str,
    key: str | None,
    values: dict[str, Any],
) -> FrameworkVersion:
    """Add an item to a part (`key` None) or change the item with `key`. `values` holds the
    item's fields as content.Item.as_data() does (key, title, summary, good_looks_like...)."""
    if part not in PART:
        raise FrameworkEditError(f"A framework has no part called {part!r}.")
    data = copy.deepcopy(draft.content)  # the draft passed in stays as it was read
    items = list(data.get(part) or [])
    new_key = str(values.get("key") or "").strip()
    taken = {i.get("key") for i in items if i.get("key") != key}
    if new_key in taken:
        raise FrameworkEditError(
            f"{PART[part].title} already has an item with the key {new_key!r}: choose another.",
            field="key",
        )
    if key is None:
        items.append(values)
        action = "framework_item_add"
    else:
        at = next((n for n, i in enumerate(items) if i.get("key") == key), None)
        if at is None:
            raise FrameworkEditError(f"{PART[part].title} has no item {key!r}.")
        items[at] = values
        action = "framework_item_change"
        if new_key != key:
            _rename_references(data, part, key, new_key)
    data = {**data, part: items, "example": False}
    return _save(
        actor=actor, draft=draft, expected_version=expected_version, data=data, action=action
    )


def _rename_references(data: dict, part: str, old: str, new: str) -> None:
    """A principle or golden thread given a new key stays named by the standards that serve it."""
    if part not in ("principles", "golden_threads"):
        return
    for standard in data.get("standards") or []:
        named = standard.get(part) or []
        standard[part] = [new if k == old else k for k in named]


@transaction.atomic
def framework_item_remove(
    *, actor: User, draft: FrameworkVersion, expected_version: int, part: str, key: str
) -> FrameworkVersion:
    items = list(draft.content.get(part) or [])
    if not any(i.get("key") == key for i in items):
        raise FrameworkEditError(f"{PART[part].title if part in PART else part} has no {key!r}.")
    if part in ("principles", "golden_threads"):
        users = [
            s.get("title") or s.get("key")
            for s in draft.content.get("standards") or []
            if key in (s.get(part) or [])
        ]
        if users:
            raise FrameworkEditError(
                f"The {PART[part].singular} {key!r} is named by "
                f"{', '.join(map(str, users))}: take it out of those standards first."
            )
    data = {**draft.content, part: [i for i in items if i.get("key") != key], "example": False}
    return _save(
        actor=actor,
        draft=draft,
        expected_version=expected_version,
        data=data,
        action="framework_item_remove",
    )


@transaction.atomic
def framework_publish(
    *, actor: User, draft: FrameworkVersion, expected_version: int, note: str
) -> FrameworkVersion:
    """Put the draft in force, once every link names something that exists; the version it
    replaces, and this one from now on, never change."""
    policy.require(actor, policy.Capability.MANAGE_FRAMEWORK)
    if not note.strip():
        raise FrameworkEditError("Say what changed in this version.", field="note")
    _checked(draft.content, for_publishing=True)
    before = _take_draft(draft, expected_version)
    now = timezone.now()
    FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.REPLACED
    )
    FrameworkVersion.objects.filter(pk=draft.pk).update(
        status=VersionStatus.PUBLISHED,
        note=note.strip(),
        published_by=actor,
        published_at=now,
        updated_by=actor,
        updated_at=now,
    )
    published = FrameworkVersion.objects.get(pk=draft.pk)
    record_change(
        actor=actor,
        action="framework_publish",
        obj=published,
        before={"status": before.status, "note": before.note},
    )
    return published


@transaction.atomic
def framework_draft_discard(*, actor: User, draft: FrameworkVersion, expected_version: int) -> None:
    policy.require(actor, policy.Capability.MANAGE_FRAMEWORK)
    before = _take_draft(draft, expected_version)
    record_change(
        actor=actor,
        action="framework_draft_discard",
        obj=before,
        before={"status": before.status},
        after={"status": "discarded"},
    )
    FrameworkVersion.objects.filter(pk=draft.pk).delete()
