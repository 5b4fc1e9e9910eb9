"""Case-note text of deliberately uneven quality, for the recording checks to find.

Good notes put the child in the record (their own words, quoted and attributed), keep fact apart
from opinion, analyse and say who does what by when. Poor notes are terse, full of acronyms and of
the terms the "language that cares" guidance asks writers to avoid ("placement", "contact",
"LAC review", "kicking off", "refuses to engage"...). Mixed notes sit in between. All text here is
written for this generator.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from functools import lru_cache

from .names import BOYS, CARER_WORDS, GIRLS
from .sampling import Draw, Weighted

MONTHS = (
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip

GOOD, MIXED, POOR = "good", "mixed", "poor"

# What children said: (opening, endings). Combined, they make first-person quotes.
SAFE_WHEN = (
    "Nan picks me up from school",
    "my door is shut and I can hear the telly downstairs",
    "Mum is not shouting",
    "my big sister is home",
    "I know who is coming to the house",
    "I'm at football and nobody asks me questions",
    "Dad rings when he says he will",
    "the dog sleeps on my bed",
    "I've got my own room and a lock on the bathroom",
    "my teacher lets me sit near the door",
)
WORRIED_WHEN = (
    "Mum's friend comes round late",
    "there isn't any food in the cupboard",
    "people argue in the kitchen",
    "I have to go back to Dad's",
    "my phone gets taken off me",
    "I don't know where I'm sleeping",
    "the police come to the door",
    "my brother doesn't come home",
    "someone says they'll tell my mum things about me",
)
WANTS = (
    "to stay at this school till year 11",
    "to see my brothers more",
    "to go to the park with Dad on Saturdays",
    "a new bike so I can get to college",
    "you to stop asking the same questions",
    "to live with Auntie Pam",
    "everyone to stop fighting",
    "to do my GCSEs and be a mechanic",
    "Mum to get better",
    "my own key",
)
LIKES = (
    "drawing dragons",
    "the youth club on Thursdays",
    "swimming with my carer",
    "baking with Nan",
    "gaming with my mates",
    "Lego",
    "singing in the car",
    "looking after the guinea pigs",
)

INFANT_OBSERVATIONS = (
    "{name} was alert, made good eye contact and babbled when {carer} spoke.",
    "{name} settled quickly when picked up and reached for {carer} when I came in.",
    "{name} was asleep in a clean cot when I arrived, then woke, fed well and was content.",
    "{name} pulled up on the sofa and laughed when {carer} played peekaboo.",
    "{name} was grizzly with a nappy rash; {carer} said the baby had been unsettled all weekend.",
    "{name} crawled to the toy box and brought me a book, looking back at {carer} for comfort.",
)
OPENINGS = {
    "cp": (
        "I visited {name} at home as agreed in the child protection plan.",
        "Unannounced visit to see {name} at home, as planned at the core group.",
        "I saw {name} at home after school today; {carer} and {name}'s younger brother were there.",
    ),
    "cin": (
        "I visited {name} and {carer} at home to review how the child in need plan is going.",
        "Planned visit to see {name} at home.",
        "I met {name} at school and then saw {carer} at home in the afternoon.",
    ),
    "cla": (
        "I visited {name} at home with their carers, {carer}.",
        "Visit to {name} at the house they share with {carer} and two other young people.",
        "I took {name} for a milkshake after school so we could talk away from the house.",
    ),
    "leaver": (
        "I met {name} at the café near the college to catch up on the plan for the future.",
        "Phone call and then a visit to {name}'s flat.",
    ),
}
SEEN_ALONE = (
    "{name} showed me their bedroom and we talked on our own for about twenty minutes.",
    "I saw {name} on their own in the garden while {carer} made tea.",
    "{name} did not want to talk on their own today and I "
    "respected that; we agreed to try next time.",
    "We talked on our own in the car on the way back from school.",
)
STRENGTHS = (
    "{carer} has kept every health appointment since the last "
    "review and the house was warm and tidy.",
    "School say attendance is up to 94% this term and {name} has joined the lunchtime club.",
    "{carer} spoke openly about the difficult week and asked for help early, which is new.",
    "There was food in the fridge and {name}'s school uniform was washed and ready.",
    "{name} has a good relationship with their grandmother, who visits most days.",
    "{name} and {other} from the same street walk to school together, which {carer} likes.",
)
WORRIES = (
    "I remain worried about the arguments {name} describes, because "
    "they happen late at night when nobody else is there.",
    "The house smelt strongly of cannabis and {carer} was slow to answer the door.",
    "{name} has missed three days of school this month and nobody rang the school.",
    "{carer} could not tell me where {name} was on Friday night.",
    "There were empty cans in the living room and {carer} seemed tired and flat.",
)
ANALYSIS = (
    "This tells me that {name} feels safer when adults are "
    "predictable, so the plan needs to keep routines steady.",
    "My view is that the risk has reduced because {carer} is now "
    "using the support offered, but it is early days.",
    "I think {name} is carrying worry about home into school, "
    "which is why the outbursts happen on Mondays.",
    "The impact on {name} is that they are tired and withdrawn; "
    "this is the main thing the plan must change.",
    "Taken together, I think things are improving slowly but the "
    "plan should stay as it is until the review.",
)
NEXT_STEPS = (
    "I will speak to the school nurse about a referral for sleep support by {due}.",
    "I will arrange a family meeting with {carer} and the wider family by {due}.",
    "{carer} agreed to attend the parenting group starting on "
    "{due}; I will check in after the first session.",
    "I will write to {name} with what we agreed, in words they chose, by {due}.",
    "Next visit booked for {due}; I will see {name} on their own first.",
    "I have asked the school for a quieter space at lunch so that {name} can eat without the "
    "crowd that upsets them.",
    "We agreed to move family time to Saturdays because {name} said weekday visits made them "
    "late for school and tired in class.",
    "My manager and I decided to keep the plan as it is until {due}, as the changes at home "
    "are recent and need time to hold.",
)

POOR_LINES = {
    "cp": (
        "CP visit completed. Home conditions poor. Mum reports "
        "DV incident at w/e, police attended.",
        "SW visited as per CP plan. Siblings seen. Mum non-compliant re drug testing.",
        "HV and SW joint visit. Case discussed. Dad hard to reach, refuses to engage.",
        "Stat visit done. YP presented as aggressive and kicking off when asked re school.",
        "TAC/CG arranged. Mum advised re safe sleep. Service user to be reminded of plan.",
        "Visit - no answer. Calling card left. Will reattempt.",
    ),
    "cin": (
        "CIN visit. YP in bedroom, did not come down. Mum reports challenging behaviour.",
        "Visit completed. Family known to EH previously. No concerns at this time.",
        "CIN plan reviewed. Case to remain open. Respite to be explored.",
        "Visit done. Mum engaging. Attention seeking behaviour at school per DSL.",
    ),
    "cla": (
        "LAC visit completed at placement. FC reports YP kicking off at bedtime.",
        "Stat visit. YP seen. Contact with birth parents to continue at contact centre.",
        "CLA visit done at unit. Peers a concern re CSE. YP absconded x2 this week.",
        "LAC review booked. Placement stable. Designated teacher reports YP manipulative in class.",
        "Visit to foster child at placement. Permanence plan "
        "discussed with FC. Placement breakdown risk.",
        "Respite weekend agreed. YP non-verbal today, would not engage.",
    ),
    "leaver": (
        "Care leaver seen. NEET. Pathway plan reviewed. Drop out from college.",
        "PA contact. Care leaver not at flat. Asylum seeker status update pending from HO.",
    ),
}
POOR_TAILS = (
    "It was agreed that the plan continues.",
    "Discussed with the family the worries raised by school about attendance and the "
    "arguments at home and what needs to happen next and who will do what before the next "
    "meeting.",
    "Continue to monitor.",
    "NFA at this time.",
    "Plan to continue.",
    "Mgr aware.",
    "To discuss in supervision.",
    "RHI offered.",
)
MIXED_LINES = (
    "{name} said the placement is 'alright' and contact with Dad went well on Saturday.",
    "{carer} reports {name} has been kicking off after contact but settles with one-to-one time.",
    "{name} told me school is 'boring' and that she misses her siblings.",
    "The LAC review is next month; {name} wants to chair part of it.",
    "{name} was quiet but showed me a drawing of the family.",
    "{name} said {other} from school has been unkind online and it was decided that school "
    "would be told.",
)
EVENT_TEXT = {
    "referral": (
        "Contact from {source} received and screened at the front door. Threshold met for a "
        "child and family assessment; allocated to the assessment team.",
        "Referral accepted. Concerns: {worry}. Parents informed and agree to the assessment.",
        "MASH screening complete. Police notification re DA, children present. Referral to CSC.",
    ),
    "assessment": (
        "Assessment completed and authorised. {name}'s needs: {need}. Outcome: {outcome}.",
        "C&F assessment authorised by TM. Outcome {outcome}. Child's views: {voice}",
    ),
    "strategy": (
        "Strategy discussion with police and health. Agreed to start section 47 enquiries "
        "because {worry}. Police to visit jointly.",
        "Strat held. S47 initiated. ICPC to be convened within 15 days.",
    ),
    "conference": (
        "Initial child protection conference held. {name} is to be subject to a child protection "
        "plan under the category of {category}. First core group within 10 working days.",
        "ICPC - CP plan agreed, cat: {category}. CG date set.",
    ),
    "review": (
        "Review held. Progress against the plan discussed with the family; {name}'s views were "
        "shared by {voice_route}. Plan to continue.",
        "Review meeting. All agencies present. Plan updated.",
    ),
    "supervision": (
        "Supervision: discussed {name}. Decision: {decision} Reason: {reason} Review by {due}.",
        "Case discussed in supervision. Actions as before.",
        "Management oversight: I have read the recent visits. {decision} To be reviewed by {due}.",
    ),
}
CONCERNS = (
    "{name} had bruising to the arm that school noticed",
    "{name} was found alone at home late at night",
    "police attended a domestic incident with the children present",
    "a parent was found intoxicated while caring for the baby",
    "{name} said they had been hit with a belt",
    "the home has no working heating and little food",
    "{name} has been seen with older men who are not known to the family",
)
DECISIONS = (
    "the plan continues unchanged.",
    "step down to early help is not yet safe.",
    "request a legal planning meeting.",
    "increase visits to weekly until the review.",
    "close after the next review if progress holds.",
)
REASONS = (
    "school and health report steady improvement.",
    "there have been two new police call-outs.",
    "the child's own account is consistent and worrying.",
    "mum has engaged with every appointment.",
)
SOURCES = ("the school", "the police", "the health visitor", "a neighbour", "the GP", "housing")
QUALITY = {
    False: Weighted([GOOD, MIXED, POOR], [40, 35, 25]),
    True: Weighted([GOOD, MIXED, POOR], [20, 35, 45]),
}
BANK_SIZE = 300  # composed notes per kind and quality; names and dates are filled in per child


@lru_cache(maxsize=4096)
def long_date(day: int) -> str:
    d = date.fromordinal(day)
    return f"{d.day} {MONTHS[d.month]} {d.year}"


class NoteWriter:
    """Composes a bank of note templates once, then fills in the child's name, the carer and the
    next date for each note (composing every note afresh is too slow for a national run)."""

    def __init__(self, draw: Draw, size: int = BANK_SIZE) -> None:
        self.d = draw
        self.bank: dict[tuple[str, str, bool], list[str]] = {}
        for kind in OPENINGS:
            for quality in (GOOD, MIXED, POOR):
                for infant in (False, True):
                    self.bank[(kind, quality, infant)] = [
                        self._compose(kind, quality, infant) for _ in range(size)
                    ]
        self.events = {kind: [self._event(kind) for _ in range(size // 3)] for kind in EVENT_TEXT}

    def quote(self) -> str:
        d = self.d
        u = d.r()
        if u < 0.35:
            said = f"I feel safe when {d.pick(SAFE_WHEN)}."
        elif u < 0.6:
            said = f"I get worried when {d.pick(WORRIED_WHEN)}."
        elif u < 0.85:
            said = f"I want {d.pick(WANTS)}."
        else:
            said = f"The best bit of my week is {d.pick(LIKES)}."
        verb = d.pick(("told me", "said", "explained", "wanted me to write down"))
        return f'{{name}} {verb}, "{said}"'

    def _compose(self, kind: str, quality: str, infant: bool) -> str:
        d = self.d
        if quality == POOR:
            lines = [d.pick(POOR_LINES[kind])]
            if d.chance(0.5):
                lines.append(d.pick(POOR_LINES[kind]))
            lines.append(d.pick(POOR_TAILS))
            return " ".join(dict.fromkeys(lines))
        parts = [d.pick(OPENINGS[kind])]
        if infant:
            parts.append(d.pick(INFANT_OBSERVATIONS))
        else:
            if d.chance(0.7):
                parts.append(d.pick(SEEN_ALONE))
            parts.append(self.quote())
            if quality == GOOD and d.chance(0.5):
                parts.append(self.quote())
        if quality == MIXED and not infant:
            parts.append(d.pick(MIXED_LINES))
        parts.append(d.pick(STRENGTHS))
        if d.chance(0.6):
            parts.append(d.pick(WORRIES))
        if quality == GOOD:
            parts.append(d.pick(ANALYSIS))
            parts.append(d.pick(NEXT_STEPS))
        return " ".join(parts)

    def _event(self, kind: str) -> str:
        d = self.d
        fill = {
            "name": "{name}",
            "due": "{due}",
            "need": "{need}",
            "outcome": "{outcome}",
            "category": "{category}",
            "source": d.pick(SOURCES),
            "worry": d.pick(CONCERNS),
            "voice": self.quote(),
            "voice_route": d.pick(
                ("a letter they wrote", "their advocate", "the chair", "a video")
            ),
            "decision": d.pick(DECISIONS).capitalize(),
            "reason": d.pick(REASONS).capitalize(),
        }
        return d.pick(EVENT_TEXT[kind]).format(**fill)

    def visit(self, kind: str, name: str, age: int, carer: str, due: int, drifting: bool) -> str:
        r = self.d.r
        table = QUALITY[drifting]
        quality = table.items[bisect_right(table.cum, r() * table.total)]
        templates = self.bank[(kind, quality, age < 3)]
        template = templates[int(r() * len(templates))]
        return template.format(
            name=name, carer=carer, due=long_date(due), other=other_child(name, due)
        )

    def event(self, kind: str, name: str, due: int, **extra: str) -> str:
        template = self.d.pick(self.events[kind])
        return template.format(
            name=name,
            due=long_date(due),
            need=extra.get("need", "help at home"),
            outcome=extra.get("outcome", "child in need plan"),
            category=extra.get("category", "neglect").lower(),
        )

    def carer(self, kind: str) -> str:
        d = self.d
        if kind == "cla":
            return f"{d.pick(CARER_FIRST)} and {d.pick(CARER_SECOND)}"
        return d.pick(CARER_WORDS)


CHILD_NAMES = GIRLS + BOYS


def other_child(name: str, day: int) -> str:
    """Another child's first name, for notes that mention a friend or a classmate. Worked out
    from the name and date rather than drawn, so the rest of the council stays as it was."""
    at = (day + sum(map(ord, name))) % len(CHILD_NAMES)
    other = CHILD_NAMES[at]
    return other if other != name else CHILD_NAMES[(at + 1) % len(CHILD_NAMES)]


CARER_FIRST = ("Jo", "Sam", "Lee", "Pat", "Kim")
CARER_SECOND = ("Alex", "Chris", "Robin", "Dee")
