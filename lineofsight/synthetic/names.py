"""Plainly fictional names: ordinary forenames with invented, hyphenated test surnames."""

from __future__ import annotations

from .sampling import Draw

GIRLS = (
    "Amelia", "Ava", "Chloe", "Daisy", "Ella", "Emily", "Evie", "Freya", "Grace", "Hannah",
    "Isla", "Jasmine", "Layla", "Lily", "Maisie", "Mia", "Nadia", "Olivia", "Poppy", "Priya",
    "Rosie", "Ruby", "Sienna", "Sophie", "Zara",
)  # fmt: skip
BOYS = (
    "Adam", "Alfie", "Archie", "Ben", "Charlie", "Daniel", "Ethan", "Finley", "Harry", "Isaac",
    "Jack", "Jacob", "Kai", "Leo", "Logan", "Mason", "Noah", "Oliver", "Oscar", "Reuben",
    "Riley", "Samir", "Theo", "Tyler", "Yusuf",
)  # fmt: skip
ADULTS = (
    "Alex", "Bev", "Chris", "Dee", "Jo", "Kim", "Lee", "Morgan", "Nat", "Pat", "Robin", "Sam",
    "Sasha", "Toni", "Jordan", "Jamie", "Frankie", "Charlie", "Ash", "Kerry",
)  # fmt: skip
# Invented words, never real surnames on their own; "Testperson-" makes the point twice.
SYLLABLES_A = (
    "Quil", "Brom", "Fenn", "Marr", "Tolv", "Wren", "Dusk", "Ember", "Hollin", "Pell",
    "Starn", "Thistle", "Vell", "Yarro", "Zeph", "Corrin", "Lark", "Nettle", "Orrin", "Bramble",
)  # fmt: skip
SYLLABLES_B = (
    "thwick", "mere", "ford", "ley", "wick", "combe", "stow", "gate", "brook", "holt",
    "by", "ridge", "well", "ton", "shaw",
)  # fmt: skip
CARER_WORDS = ("Nan", "Grandad", "Auntie", "Uncle", "Mum", "Dad")


def surname(draw: Draw) -> str:
    return f"Testperson-{draw.pick(SYLLABLES_A)}{draw.pick(SYLLABLES_B)}"


def child_forename(draw: Draw, sex: str) -> str:
    if sex == "F":
        return draw.pick(GIRLS)
    if sex == "M":
        return draw.pick(BOYS)
    return draw.pick(GIRLS if draw.chance(0.5) else BOYS)


def worker_name(draw: Draw) -> str:
    return f"{draw.pick(ADULTS)} Teststaff-{draw.pick(SYLLABLES_A)}{draw.pick(SYLLABLES_B)}"


def carer_name(draw: Draw) -> str:
    return f"{draw.pick(ADULTS)} {draw.pick(SYLLABLES_A)}{draw.pick(SYLLABLES_B)}"
