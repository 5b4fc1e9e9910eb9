"""A hand-made extract for the dates where two engines could disagree, as at 31 March 2024.

The period is the year to 29 February 2024 (1 March 2023 to 29 February 2024), a leap day.
What each row is there for, and what the indicators must count:

  referrals (ssd_cin_episodes)
    RA1 A 2023-02-28  before the period: not counted; RA2's previous referral
    RA2 A 2024-02-29  on the period's last day (a leap day): counted; 12 months back from a
                      29 February is 28 February, so RA1 makes it a re-referral
    RB1 B 2023-03-01  on the period's first day: counted; no previous referral
    RC1 C 2023-12-31  a year end, and RC2 C the same day: both counted; a referral on the same
                      day is not a previous one, so neither is a re-referral
    RD1 D 2023-01-31  a month end before the period; RD2 D 2024-01-31 exactly 12 months later:
                      counted, and a re-referral
    RE1 E 2023-03-31  a month end, ended the same day with no further action
  -> referrals 6, re-referrals 2, no further action 1 of 6

  child protection plans (ssd_cp_plans), open on 29 February 2024 when started by then and not
  ended by then
    PA A from 2022-02-28, open-ended: open; exactly 24 months before the period end (29
       February 2024 less 24 months is 28 February 2022), so open two years or more
    PB B from 2024-02-29, open-ended: open (started on the day)
    PC C from 2023-06-01 to 2024-02-29: ended on the day, not open
    PD D from 2023-12-31 to 2024-03-01: open (ends the day after)
  -> plans at the period end 3; open two years or more 1 of 3

  looked-after episodes: F from 2023-12-31, open-ended (at the period end); G from 2024-02-29
  to 2024-02-29 (started and ended on the last day: not looked after at its end)
  -> looked after at the period end 1

Children born on 29 February (A, 2008; the pooled extract keeps 1 February 2008).
"""

from __future__ import annotations

import datetime

AS_AT = datetime.date(2024, 3, 31)
PERIOD_END = datetime.date(2024, 2, 29)

EXPECTED = {
    "referrals": (6.0, 0.0),
    "rereferral_12m_pct": (2.0, 6.0),
    "nfa_pct": (1.0, 6.0),
    "cp_at_period_end": (3.0, 0.0),
    "cp_open_2y_pct": (1.0, 3.0),
    "cla_at_period_end": (1.0, 0.0),
}


def tables() -> dict[str, list[dict[str, object]]]:
    people = {
        "A": "2008-02-29",
        "B": "2012-12-31",
        "C": "2015-03-01",
        "D": "2010-01-31",
        "E": "2019-06-30",
        "F": "2011-02-28",
        "G": "2016-02-29",
    }

    def referral(rid: str, pid: str, day: str, close: str | None = None, nfa: str = "N"):
        return {
            "cine_referral_id": rid,
            "cine_person_id": pid,
            "cine_referral_date": day,
            "cine_close_date": close,
            "cine_referral_nfa": nfa,
            "cine_referral_team": "T-E",
        }

    def plan(plan_id: str, pid: str, start: str, end: str | None = None):
        return {
            "cppl_cp_plan_id": plan_id,
            "cppl_person_id": pid,
            "cppl_cp_plan_start_date": start,
            "cppl_cp_plan_end_date": end,
        }

    def episode(eid: str, pid: str, start: str, end: str | None = None):
        return {
            "clae_cla_episode_id": eid,
            "clae_person_id": pid,
            "clae_cla_id": f"CLA-{pid}",
            "clae_cla_episode_start_date": start,
            "clae_cla_episode_ceased_date": end,
        }

    return {
        "ssd_person": [
            {"pers_person_id": p, "pers_dob": dob, "pers_sex": "F", "pers_forename": f"Kid{p}"}
            for p, dob in people.items()
        ],
        "ssd_cin_episodes": [
            referral("RA1", "A", "2023-02-28", close="2023-03-10"),
            referral("RA2", "A", "2024-02-29"),
            referral("RB1", "B", "2023-03-01"),
            referral("RC1", "C", "2023-12-31"),
            referral("RC2", "C", "2023-12-31"),
            referral("RD1", "D", "2023-01-31", close="2023-02-15"),
            referral("RD2", "D", "2024-01-31"),
            referral("RE1", "E", "2023-03-31", close="2023-03-31", nfa="Y"),
        ],
        "ssd_cp_plans": [
            plan("PA", "A", "2022-02-28"),
            plan("PB", "B", "2024-02-29"),
            plan("PC", "C", "2023-06-01", "2024-02-29"),
            plan("PD", "D", "2023-12-31", "2024-03-01"),
        ],
        "ssd_cla_episodes": [
            episode("EF", "F", "2023-12-31"),
            episode("EG", "G", "2024-02-29", "2024-02-29"),
        ],
        "ssd_department": [{"dept_team_id": "T-E", "dept_team_name": "East"}],
    }
