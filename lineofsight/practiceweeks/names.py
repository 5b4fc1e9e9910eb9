"""A rough check for people's names in free text, so assessors are reminded to use initials.

Observations are read widely (the analysis, the report), so they must not name children. This is a
heuristic, not a guarantee: it flags

- a word that follows "called", "named", "known as" or a title (Mr, Mrs, Ms, Miss, Dr);
- a capitalised word that is not at the start of a sentence or a line, is not in the list of
  common words, roles, services and places below (or the extra words given, such as the
  council's team names), is not an acronym or an initial, and is not the first word of a place
  or organisation ("Hill Top School", "Riverside Family Centre").

A flagged word only brings up a warning; the user may confirm the text and save it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that are common in social work writing and are not people's names.
COMMON_WORDS = _words(
    """
    a about after again all also although an and another any are as at be because been before
    being both but by can could did do does during each either even every few for from further
    had has have he her here hers him his how however i if in into is it its just later least
    less many may me might more most much must my neither no nor not now of off often on once one
    only or other our out over own perhaps please rather really she should since so some still
    such than that the their them then there these they this those though through thus to too
    under until up upon very was we well were what when where whether which while who whom whose
    why will with within without would yes yet you your
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    spring summer autumn winter christmas easter eid diwali ramadan hanukkah
    mum mummy mam mother dad daddy father parent parents carer carers grandma grandmother nan
    nana nanny grandad grandpa grandfather granddad aunt auntie uncle brother sister sibling
    siblings baby child children young person people family families foster adopter adopters
    guardian stepmum stepdad partner boyfriend girlfriend friend friends teacher head headteacher
    social worker workers manager managers team teams service services senior practitioner
    practitioners principal director assistant leader leaders lead officer advisor adviser
    reviewing independent chair conference panel court judge magistrate police health visitor
    midwife nurse doctor gp school schools college nursery academy university hospital clinic
    surgery centre center hub council authority local county city borough county office offices
    home house room contact meeting meetings visit visits visited plan plans planning review
    reviews assessment assessments case cases file files record records recording chronology
    supervision oversight strategy discussion section protection need needs looked after care
    leaver leavers leaving early help front door duty referral referrals safeguarding
    multi agency agencies partnership partners adolescent adolescents adoption fostering
    placement placements permanence residential edge youth justice offending education
    employment training housing benefits mental wellbeing disability disabilities disabled
    quality assurance practice week strengths areas development innovative good excellent
    outstanding leadership voice experience themes theme example examples observation
    signs safety safe life story work direct tools tool toolkit programme scheme group groups
    board committee report reports action actions
    english england british britain wales welsh scotland scottish ireland irish europe european
    ofsted dfe nhs camhs cafcass asye mash yot icpc rcpc lado pep pathway ehcp send sen cin cp
    cla lac taf tac pla sgo sw tm
    first second third next last new old staff everyone someone anyone nobody none most
    eldest youngest older younger oldest
    """
)

# Words that end the name of a place or an organisation: "Hill Top School".
PLACE_ENDINGS = _words(
    """
    school schools primary secondary academy college nursery university hospital clinic surgery
    centre center hub road street lane avenue close drive way park estate house court council
    church mosque temple library station team service services trust partnership project
    """
)

_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?"
_CALLED = re.compile(
    rf"\b(?:called|named|known as|name is|{_TITLES})\s+([A-Z][a-z]+(?:[-'][A-Za-z]+)*)"
)
# A word at the start of a sentence is a name when a verb of speaking or living follows it.
_SUBJECT = re.compile(
    r"(?:^|[.!?:;\n\u2022*-]\s*)([A-Z][a-z]+(?:[-'][A-Za-z]+)*)\s+"
    r"(?:said|says|told|tells|wants|wanted|likes|liked|enjoys|enjoyed|lives|attends|explained)\b"
)
_TOKEN = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*|[.!?:;\n\"“”()\u2022*-]")
_SENTENCE_END = {".", "!", "?", ":", ";", "\n", '"', "“", "”", "(", ")", "\u2022", "*", "-"}


def _stem(word: str) -> str:
    word = re.sub(r"'s$|s'$", "", word)
    return word.lower()


def _is_initial_or_acronym(word: str) -> bool:
    letters = word.replace("-", "").replace("'", "")
    return len(letters) <= 2 or letters.isupper()


def possible_names(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The words in `text` that may be people's names, each once, in the order found."""
    if not text:
        return []
    allowed_words = {w.lower() for phrase in allowed for w in re.findall(r"[A-Za-z]+", phrase)}
    ok = COMMON_WORDS | allowed_words
    found: list[str] = []

    def add(word: str) -> None:
        if word not in found:
            found.append(word)

    for match in _CALLED.finditer(text):
        word = match.group(1)
        if not _is_initial_or_acronym(word) and _stem(word) not in allowed_words:
            add(re.sub(r"'s$", "", word))

    for match in _SUBJECT.finditer(text):
        word = match.group(1)
        if _stem(word) not in ok and not _is_initial_or_acronym(word):
            add(re.sub(r"'s$", "", word))

    tokens = _TOKEN.findall(text)
    at_start = True
    for i, token in enumerate(tokens):
        if token in _SENTENCE_END:
            at_start = True
            continue
        first_of_sentence, at_start = at_start, False
        if first_of_sentence or not token[0].isupper():
            continue
        if _is_initial_or_acronym(token) or _stem(token) in ok:
            continue
        # The first words of a place or organisation: look ahead along the capitalised run.
        j = i + 1
        while j < len(tokens) and tokens[j] not in _SENTENCE_END and tokens[j][0].isupper():
            if _stem(tokens[j]) in PLACE_ENDINGS:
                break
            j += 1
        if (
            j < len(tokens)
            and j > i
            and tokens[j][0].isupper()
            and _stem(tokens[j]) in PLACE_ENDINGS
        ):
            continue
        add(re.sub(r"'s$", "", token))
    return found


def names_in(texts: dict[str, str], allowed: Iterable[str] = ()) -> dict[str, list[str]]:
    """For each field with possible names, the words found: {field: [word, ...]}."""
    allowed = list(allowed)
    out: dict[str, list[str]] = {}
    for field, text in texts.items():
        words = possible_names(text, allowed)
        if words:
            out[field] = words
    return out
