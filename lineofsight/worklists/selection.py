"""Children ticked on a team's worklist, kept across its pages until they are brought to group
supervision (or the selection is cleared).

The selection is the user's own working state, not a record: it lives in their sign-in session,
one list per team, and nothing here checks who the children are. Whoever keeps ids here checks
first that each is a child on the team's worklist the user may see (the supervision app does,
with `selectors.team_worklist`), and the worklist shows only the selected children it lists.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping

SESSION_KEY = "worklist_selection"
MOST = 50  # children kept at once for one team: more than any one session can discuss
ID_LENGTH = 48


class TooMany(ValueError):
    pass


def _clean(ids: Iterable[str]) -> set[str]:
    return {str(p).strip()[:ID_LENGTH] for p in ids if p and str(p).strip()}


def selected(session: MutableMapping, team_id: int) -> list[str]:
    """The person ids selected on the team's worklist, sorted."""
    return list(session.get(SESSION_KEY, {}).get(str(team_id), []))


def selection_after(
    session: MutableMapping, team_id: int, *, shown: Iterable[str], ticked: Iterable[str]
) -> list[str]:
    """What the selection would be once a form listing `shown` children came back with
    `ticked` ones ticked: the children ticked on other pages stay; of the ones on this form,
    those ticked. Nothing is kept (see `selection_keep`)."""
    listed = _clean(shown)
    return sorted((set(selected(session, team_id)) - listed) | _clean(ticked))


def selection_keep(session: MutableMapping, team_id: int, person_ids: Iterable[str]) -> list[str]:
    ids = sorted(_clean(person_ids))
    if len(ids) > MOST:
        raise TooMany(
            f"You can choose up to {MOST} children at a time: bring some to supervision "
            "first, or untick some."
        )
    everything = dict(session.get(SESSION_KEY, {}))
    if ids:
        everything[str(team_id)] = ids
    else:
        everything.pop(str(team_id), None)
    session[SESSION_KEY] = everything  # a new dict, so the session knows it changed
    return ids


def selection_clear(session: MutableMapping, team_id: int) -> None:
    selection_keep(session, team_id, [])


def selection_drop(session: MutableMapping, team_id: int, person_ids: Iterable[str]) -> None:
    """Take these children out of the selection (e.g. once they are brought to a session)."""
    gone = _clean(person_ids)
    selection_keep(session, team_id, [p for p in selected(session, team_id) if p not in gone])
