"""Markers of good recording, each with the words that show it:

- the child's voice: the child's own words, wishes, feelings or views, attributed to the child
  (for a baby, or a child who does not use speech, what the child was seen to do);
- analysis: what something means or its impact on the child, not only what happened;
- a decision together with its reason.

Each looks for a few plain patterns a reader would point at. None of them judges whether what was
written is right.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Iterator

from .patterns import Alternation, Screened, compile_starting_a_word, split_top_level
from .text import Span, Text
from .types import Evidence

# ---------------------------------------------------------------- the child's voice

# Words after the child (or "he"/"she") that carry what the child said, wanted or felt.
_VOICE_VERBS = (
    r"said|says|say|told|tells|tell|telling|explained|explains|shared|shares|described|describes|"
    r"asked|asks|replied|answered|added|wrote|writes|texted|messaged|signed|signs|drew|draws|"
    r"pointed|points|chose|chooses|rang to say|called to say|sent a message|"
    r"wants|wanted|would like|would love|would rather|wishes|wished|hopes|hoped|prefers|"
    r"preferred|likes|liked|loves|loved|enjoys|enjoyed|misses|hates|hated|"
    r"dislikes|disliked|worries|is worried|was worried|feels|felt|is scared|was scared|"
    r"is frightened|was frightened|is afraid|was afraid|is nervous|was nervous|is happy|"
    r"was happy|is sad|was sad|is upset|was upset|is excited|was excited|is sorry|was sorry|"
    r"is angry|was angry|is sick of|was sick of|does not want|did not want|doesn't want|"
    r"didn't want|does not like|did not like|doesn't like|didn't like|calls (?:himself|herself|"
    r"themselves)|thinks|thought|believes|knows|is looking forward|was looking forward|"
    r"agreed|disagreed|spoke about|talked about|talks about|mentioned|mentions|"
    r"disclosed|discloses|complained|complains|admitted|denied|confirmed|expressed|"
    r"is keen|was keen|is proud|was proud|is pleased|was pleased|can't wait|cannot wait|"
    r"is hoping|was hoping|is missing|was missing (?:her|his|their)|is struggling with|"
    r"has asked|had asked|keeps asking|kept asking|would prefer|point to|pointed to|"
    r"(?:has|had) (?:said|told|asked|explained|shared|written|drawn|chosen)"
)
# A summary that names the child's own view ("Ava's wish to see her dad").
_VIEW_NOUNS = (
    r"view|views|wish|wishes|worry|worries|fear|fears|feelings|words|voice|wants|hopes|"
    r"request|choice|preference|account of (?:what|how)"
)
# What a baby, or a child who does not use speech, was seen to do.
_OBSERVED_VERBS = (
    r"babbled|babbles|babbling|smiled|smiles|smiling|laughed|laughs|giggled|giggles|cooed|"
    r"cried|cries|crying|reached|reaches|settled|settles|settling|looked|looks|turned|turns|"
    r"pushed|arched|pointed|points|clung|snuggled|gazed|vocalised|waved|crawled|crawling|"
    r"toddled|ran to|ran towards|hugged|hid|held on|held eye contact|followed|fed well|"
    r"fed|slept|played|was alert|was content|was calm|was settled|was unsettled|was quiet|"
    r"seemed|appeared|became|responded|went to|brought|showed|greeted|wanted to be"
)
_NO_SPEECH = Screened(
    r"non-verbal|nonverbal|without words|eye gaze|makaton|uses signs|communication book|"
    r"does not speak|doesn't speak|does not use speech|uses sounds|pictures to communicate|"
    r"communicates (?:with|by|using)",
    re.IGNORECASE,
)
# People whose words, when they are the subject, are theirs and not the child's.
_ADULTS = (
    r"mum|mother|dad|father|mummy|daddy|nan|nana|nanna|nani|gran|grandma|grandmother|grandad|"
    r"grandfather|grandparents?|aunt|auntie|uncle|carer|carers|foster carers?|stepdad|stepmum|"
    r"stepmother|stepfather|partner|parents?|teacher|staff|worker|manager|nurse|doctor|"
    r"officer|police|school|nursery|college|chair|iro|panel|health visitor|paediatrician|"
    r"key worker|sister|brother|i|we|she|he|they"
)
_NEGATED_VOICE = Screened(
    r"\b(?:not seen|wasn't seen|was not spoken|were not spoken|not spoken to|views (?:still )?"
    r"(?:need|needs|to be)|declined to|no views)\b",
    re.IGNORECASE,
)
_REPORTING = Screened(
    rf"\b(?:{_ADULTS})\b(?:'s)?\s+(?:\w+\s+){{0,3}}?(?:said|says|reports|reported|thinks|"
    rf"thought|feels|felt|describes|described|told me|believes|explained|is worried|"
    rf"are worried)\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"^(?:said|says|told|tells|telling|explained|shared|asked|replied|answered|wrote|"
    r"texted|messaged|signed|rang to say|called to say|sent a message|talks about|talked about|"
    r"(?:has|had) (?:said|told))",
    re.IGNORECASE,
)


_VOICE_VERB = Alternation("|".join(rf"\b{v}\b" for v in split_top_level(_VOICE_VERBS)))
_VOICE_TRIGGERS = frozenset(
    w.lower() for w in re.findall(r"[A-Za-z]+", _VOICE_VERBS) if len(w) > 2
) - {"has", "had", "not", "does", "did", "was", "the", "and", "himself", "herself", "themselves"}
_OWNER = {"his": "he", "her": "she", "their": "they"}
_FROM_CHILD = Screened(
    r"\b(?:message|letter|text|note|email|card|drawing|picture|poem|video)s? "
    r"(?:written |sent |drawn )?(?:from|by) ([A-Z][\w'’-]+)",
)
_VIEW_SUMMARY = Screened(rf"\b(\w+)(?:'s|’s)\s+(?:own\s+)?(?:{_VIEW_NOUNS})\b", re.IGNORECASE)
_OBSERVED_VERB = Alternation("|".join(rf"\b{v}\b" for v in split_top_level(_OBSERVED_VERBS)))
_ADULT_WORD = re.compile(rf"^(?:{_ADULTS})$", re.IGNORECASE)
# Words that may stand between the child and what they said ("Tia also said", "Ryan did not
# attend but sent a message"): going back from the verb, these are passed over.
_LINKS = frozenset(
    [
        "and",
        "also",
        "then",
        "clearly",
        "really",
        "still",
        "now",
        "only",
        "but",
        "has",
        "had",
        "have",
        "was",
        "is",
        "just",
        "later",
        "first",
        "quietly",
        "repeatedly",
        "often",
        "always",
        "again",
    ]
)
_AFTER_WHOM = re.compile(
    r"\b(?:with|to|for|about|at|of|from|by|on|and|subjects|things|see)\s*$", re.IGNORECASE
)
# The same, for ASCII text lower-cased (where ignoring case is lower-casing): a pattern that
# starts with plain words and lets case matter is one Python runs quickly.
_AFTER_WHOM_LOWER = compile_starting_a_word(
    r"(?:with|to|for|about|at|of|from|by|on|and|subjects|things|see)\s*$"
)


def _after_whom(before: str) -> bool:
    if before.isascii():
        return bool(_AFTER_WHOM_LOWER.search(before.lower()))
    return bool(_AFTER_WHOM.search(before))


_WORDS_BACK = 8
_SKIPPED_BACK = _LINKS | {"not", "did", "does", "do", "would", "will"}
_TOKEN = re.compile(r"[\w'’-]+")
_PRONOUNS = frozenset({"he", "she", "they"})


def _first_name(child: str) -> str:
    return child.split()[0] if child.strip() else ""


_NAME_PART = re.compile(r"[-'’]")
# _ADULT_WORD as a set of words, for a word of ASCII characters (where ignoring case is
# lower-casing): looking a word up is much quicker than running the pattern on it.
_ADULT_WORDS = frozenset(
    w for a in split_top_level(_ADULTS) for w in ((a[:-1], a[:-2]) if a.endswith("s?") else (a,))
)
assert all(re.fullmatch(r"[a-z ]+", w) for w in _ADULT_WORDS)


def _is_adult_word(word: str) -> bool:
    """Whether a word (a _TOKEN) is one of _ADULTS, as _ADULT_WORD would say."""
    return word.lower() in _ADULT_WORDS if word.isascii() else bool(_ADULT_WORD.match(word))


def _voice(text: Text, child: str, young: bool) -> Iterator[Evidence]:
    source, unquoted = text.text, text.unquoted
    name = _first_name(child)
    if not name or _NAME_PART.split(name.lower())[0] not in text.lower_words:
        return
    speaks = bool(text.lower_words & _VOICE_TRIGGERS)
    for m in _VOICE_VERB.finditer(text.lower, text.lower_words, text.hits) if speaks else ():
        sentence = text.sentence_of(m.start())
        chunk = source[sentence.start : sentence.end]
        if _NEGATED_VOICE.search(chunk, text.folded, pieces=text.pieces):
            continue
        subject = _subject_before(unquoted, sentence.start, m.start(), name)
        if subject is None:
            continue
        who, at = subject
        if _voice_counts(who, at, m, text, sentence, name):
            yield Evidence("child_voice", at, m.end(), source[at : m.end()])
            return
    for summary in _VIEW_SUMMARY.finditer(source, text.folded, pieces=text.pieces):
        who = summary.group(1).lower()
        if who == name.lower() or (
            who in ("his", "her", "their")
            and _pronoun_is_child(source[: summary.start()], name, _OWNER.get(who, "they"))
        ):
            yield Evidence("child_voice", summary.start(), summary.end(), summary.group())
            return
    for message in _FROM_CHILD.finditer(source, text.folded, pieces=text.pieces):
        if message.group(1).lower() == name.lower():
            yield Evidence("child_voice", message.start(), message.end(), message.group())
            return
    if young:
        for m in _OBSERVED_VERB.finditer(text.lower, text.lower_words, text.hits):
            sentence = text.sentence_of(m.start())
            chunk = source[sentence.start : sentence.end]
            if _physical(chunk):
                continue
            subject = _subject_before(unquoted, sentence.start, m.start(), name)
            if subject is not None and (
                subject[0].lower() == name.lower()
                or _pronoun_is_child(source[: subject[1]], name, subject[0])
            ):
                yield Evidence("child_voice", subject[1], m.end(), source[subject[1] : m.end()])
                return


def _subject_before(unquoted: str, floor: int, at: int, name: str) -> tuple[str, int] | None:
    """Going back from a verb within its sentence: the first word that names someone (the
    child, a pronoun, an adult, another name), with its offset; None if there is none near."""
    tokens = list(_TOKEN.finditer(unquoted, floor, at))[-_WORDS_BACK:]
    name = name.lower()
    for token in reversed(tokens):
        word = token.group()
        # A token holds no line break, so this is what taking (?:'s|’s)$ off would leave.
        bare = word[:-2] if word.endswith(("'s", "’s")) else word
        lowered = bare.lower()
        if lowered in _SKIPPED_BACK:
            continue
        if lowered in ("being", "been", "without", "by"):  # "without being told": passive
            return None
        if bare != word:  # "Kai's mum", "Harvey's injury": the child owns, does not speak
            return None
        if lowered == name or lowered in _PRONOUNS:
            return word, token.start()
        if _is_adult_word(word) or (word[0].isupper() and lowered not in _SENTENCE_WORDS):
            return None
    return None


def _voice_counts(
    who: str, at: int, verb_match: re.Match[str], text: Text, sentence: Span, name: str
) -> bool:
    source = text.text
    verb = verb_match.group().lower()
    before_subject = source[sentence.start : at]
    if who.lower() in _PRONOUNS:
        if not _pronoun_is_child(source[:at], name, who):
            return False
        # "thinks"/"agreed" and the like only count for the child named, not for a pronoun.
        if verb in ("thinks", "thought", "believes", "knows", "agreed", "disagreed"):
            return False
    elif _after_whom(before_subject):
        # "time with Evie and feels...": the child is not the one speaking.
        return False
    # An adult's report of how the child is ("Dad said Kai does not want to talk") is the adult's
    # view; the child's own words passed on ("Dad said Kai had told him") are the child's.
    return not (
        _REPORTING.search(before_subject, text.folded, pieces=text.pieces)
        and not _SPEECH.match(verb)
    )


def _physical(chunk: str) -> bool:
    return bool(
        re.search(
            r"\b(?:bruise|bruising|rash|centile|weight|injury|mark|marks|burn|fracture|"
            r"medical|x-ray|scan|result)\b",
            chunk,
            re.IGNORECASE,
        )
        and not re.search(r"\b(?:smiled|laughed|babbled|reached|settled|cried)\b", chunk)
    )


_FEMALE = [
    "mum",
    "mother",
    "mummy",
    "mam",
    "nan",
    "nana",
    "nanna",
    "nani",
    "gran",
    "grandma",
    "grandmother",
    "aunt",
    "auntie",
    "sister",
    "stepmum",
    "stepmother",
    "girlfriend",
    "daughter",
]
_MALE = [
    "dad",
    "father",
    "daddy",
    "grandad",
    "grandpa",
    "grandfather",
    "uncle",
    "brother",
    "stepdad",
    "stepfather",
    "boyfriend",
    "son",
]
_NEUTRAL = [
    "carer",
    "carers",
    "teacher",
    "worker",
    "manager",
    "officer",
    "partner",
    "nurse",
    "doctor",
    "iro",
    "chair",
]
_PERSON_WORD = re.compile(
    r"\b(" + "|".join(_FEMALE + _MALE + _NEUTRAL) + r")\b|(?<![\w'’])([A-Z][a-z]+)\b",
)
_GENDER = {**dict.fromkeys(_FEMALE, "f"), **dict.fromkeys(_MALE, "m")}
_PRONOUN_GENDER = {"he": "m", "she": "f"}


def _pronoun_is_child(before: str, name: str | None, pronoun: str) -> bool:
    """Whether "he" or "she" most likely means the child: going back from the pronoun, the first
    person it could be (skipping anyone whose gender rules them out) is the child."""
    if not name:
        return False
    wanted = _PRONOUN_GENDER.get(pronoun.lower())
    people: list[tuple[bool, str | None]] = []
    last_gender: str | None = None
    last_end = -10
    for m in _PERSON_WORD.finditer(before):
        word, capitalised = m.group(1), m.group(2)
        if word:
            last_gender, last_end = _GENDER.get(word.lower()), m.end()
            people.append((False, last_gender))
            continue
        if capitalised.lower() == name.lower():
            people.append((True, None))
            continue
        if capitalised.lower() in _SENTENCE_WORDS or _proper_noun_run(before, m):
            continue
        # A capitalised word counts as a person only when the note shows it is one: a name
        # after a relationship ("his mum, Carol", gendered by it) or before words people say.
        if m.start() - last_end <= 3:
            people.append((False, last_gender))
        elif _SPEAKS_AFTER.match(before, m.end()):
            people.append((False, None))
    for is_child, gender in reversed(people):
        if is_child:
            return True
        if wanted and gender and gender != wanted:
            continue
        return False
    return False


_SPEAKS_AFTER = re.compile(
    r"(?:'s|’s)?\s+(?:said|says|told|asked|explained|reported|thinks|felt|feels|wants|agreed|"
    r"rang|called|visited|attended|came|arrived|shouted)\b"
)


def _proper_noun_run(text: str, m: re.Match[str]) -> bool:
    """A capitalised word that is part of a place's or body's name ("the Children in Care
    Council", "Oakfield Academy"), not a person."""
    after = text[m.end() : m.end() + 20]
    before = text[max(0, m.start() - 5) : m.start()]
    return bool(re.match(r"\s+(?:in\s+|of\s+)?[A-Z]", after)) or before.endswith(("the ", "The "))


_SENTENCE_WORDS = frozenset(
    [
        "he",
        "she",
        "they",
        "i",
        "we",
        "the",
        "a",
        "an",
        "when",
        "at",
        "in",
        "on",
        "after",
        "before",
        "his",
        "her",
        "their",
        "it",
        "this",
        "that",
        "there",
        "mum",
        "dad",
        "home",
        "visit",
        "school",
        "supervision",
        "assessment",
        "review",
        "phone",
        "call",
    ]
)

# ---------------------------------------------------------------- analysis

_ANALYSIS = Alternation(
    r"\b(?:this|that|which|it|these|what this|all of this)\s+"
    r"(?:\w+\s+)?(?:means|meant|suggests|suggested|shows|showed|tells (?:me|us)|told (?:me|us)|"
    r"indicates|indicated|demonstrates|demonstrated|is likely|is a (?:real |clear )?strength|"
    r"matters|is why|is because|may be because|explains|has left|has meant|is affecting|"
    r"will affect|affects|is having an impact|has had an impact|puts)\b"
    r"|\bthe impact (?:on|of)\b|\bimpact on\b|\bis (?:likely|unlikely) to\b|\bare likely to\b"
    r"|\bis therefore\b|\btherefore\b|\bmy view is\b|\bin my view\b|\bmy assessment is\b"
    r"|\bI think (?:this|that|the|it|his|her|their|[A-Z]\w+)\b"
    r"(?!\s+was\s+(?:cold|warm|clean|dirty))"
    r"|\bI believe\b|\bis (?:a|the) (?:main |clear |real )?(?:strength|risk|protective factor)\b"
    r"|\b(?:are|is) (?:clear )?strengths\b|\bprotective factors?\b"
    r"|\bis at risk of\b|\bputting (?:her|him|them) at (?:further )?risk\b"
    r"|\brather than\b.{0,80}\b(?:because|means|suggests)\b"
    r"|\bis (?:understandable|realistic)\b|\bgiven (?:her|his|their) (?:own )?history\b"
    r"|\b(?:affecting|affects|affected) (?:[A-Z]\w+'s|her|his|their|how)\b"
    r"|\btell me that\b|\btells? us\b|\bmeans (?:that|someone|he|she|they|his|her)\b"
    r"|\bshows? (?:that|he|she|they)\b|\bis a (?:big|real|significant) (?:change|difference)\b"
    r"|\b(?:securely|insecurely) attached\b|\bstrong bond\b|\b(?:main )?trigger for\b"
    r"|\bleaving (?:[A-Z]\w+|her|him|them) (?:upset|unsettled|anxious|worried|frightened)\b"
    r"|\bshould be seen in\b|\bnot (?:a|the) (?:safeguarding|parenting) (?:concern|one|problem)\b"
    r"|\bis (?:a|the) (?:housing|poverty) problem\b|\bthe main risk\b|\bthe risk is\b"
    r"|\bwhich (?:is|are) (?:helping|working|meeting)\b|\bis helping (?:her|him|them)\b"
    r"|\bis meeting (?:her|his|their) needs\b|\bnot being met\b|\bare being missed\b"
    r"|\b(?:his|her|their) way of\b|\bcame from\b|\bare what\b|\bis what\b"
    r"|\bmay (?:be|make|struggle|need|mean)\b"
    r"|\bwhich (?:means|meant|suggests|shows|indicates|tells|has left|will help|is likely|"
    r"could|may|might)\b"
    r"|\b(?:this|that|it) (?:has|will|could|may|might|is going to|is likely to) "
    r"(?:affect|impact|mean|lead|leave|make|help|cause|harm|undermine|reduce|increase)\b"
    r"|\b(?:impact|effect|effects) (?:of|on)\b|\bimpacts? on\b|\bimpacting\b"
    r"|\b(?:appears|seems) to be (?:because|due|linked|related|a sign)\b"
    r"|\blinked to\b|\brelated to (?:his|her|their|the)\b|\bcontribut\w+ to\b"
    r"|\bexplains? why\b|\bthe reasons? (?:for|why) (?:his|her|their|this)\b"
    r"|\b(?:a|is a|are a) sign (?:of|that)\b|\ban indication\b"
    r"|\b(?:suggesting|indicating|showing) (?:that|he|she|they)\b"
    r"|\bin my (?:professional )?(?:view|opinion|judgement|judgment)\b"
    r"|\bmy (?:professional )?(?:view|opinion|judgement|judgment|assessment|analysis|"
    r"worry|concern) is\b"
    r"|\b(?:leaves|left|leaving) (?:him|her|them) (?:feeling|unable|without|vulnerable|"
    r"exposed|isolated|at risk)\b"
    r"|\b(?:worried|concerned) that\b.{0,80}\b(?:could|may|might|will) (?:lead|affect|"
    r"harm|mean|put|leave|make)\b"
    r"|\bat (?:increased |greater |further |significant )?risk (?:of|from)\b"
    r"|\b(?:strengths?|resilience|vulnerab\w+)\b.{0,60}\bbecause\b"
    r"|\bmakes? me (?:think|wonder|worry|believe|question)\b"
    r"|\b(?:a|an) (?:good |positive |hopeful |worrying |clear |early |strong )?(?:sign|indication)"
    r" (?:of|that)\b"
    r"|\b(?:answer|response|reaction|behaviour|presentation|distress|silence|drawing|choice|"
    r"question)s? (?:\w+ ){0,4}?(?:tells|told|shows|showed|suggests|suggested) "
    r"(?:me|us|that|he|she|they|how|his|her)\b"
    r"|\b(?:should|will|would|could) (?:help (?:him|her|them|[A-Z]\w+)|mean that|make it (?:easier|"
    r"harder))\b"
    r"|\bwould (?:hit|affect|harm|upset|leave|damage|unsettle|set (?:him|her|them) back)\b"
    r"|\bshows? (?:how|his|her|their)\b"
    r"|\bas a result\b|\bconsequently\b|\bthis is (?:a concern|concerning|worrying|"
    r"positive|encouraging|significant) because\b"
)
# "because" that explains the child's life rather than the diary.
_BECAUSE = re.compile(r"\b(?:because|as a result|so (?:he|she|they) (?:is|are|was|were))\b", re.I)
# The same, for ASCII text lower-cased (see _AFTER_WHOM_LOWER).
_BECAUSE_LOWER = compile_starting_a_word(
    r"(?:because|as a result|so (?:he|she|they) (?:is|are|was|were))\b"
)
_PRACTICAL = Screened(
    r"\b(?:ill|sick|holiday|annual leave|cancelled|rearranged|diary|weather|traffic|train|"
    r"bus|booked|unavailable|off work|bank holiday|closed|rescheduled)\b",
    re.IGNORECASE,
)
_FEELING_OR_BEHAVIOUR = Screened(
    r"\b(?:feel|feels|felt|upset|angry|scared|frightened|worried|worry|anxious|safe|unsafe|"
    r"trust|shouts?|cries|hurt|behaviour|distress|sleep|struggl\w*|settled|happy|lonely|"
    r"needs|risk|harm|fear|calm|confidence|self-esteem|attachment|bond|relationship|"
    r"development|wellbeing|well-being|learning|friendships?|isolated|lonely|trauma|"
    r"avoid\w*|withdraw\w*|cope|coping|anger|sad|stress\w*|behave\w*)\b",
    re.IGNORECASE,
)


# The child's or someone else's own reasons, reported: theirs, not the writer's analysis.
_REPORTED = Screened(
    r"\b(?:said|says|told|tells|explained|feels|felt|thinks|thought)\b", re.IGNORECASE
)


_BECAUSE_TRIGGERS = frozenset({"because", "result", "so"})


def _analysis(text: Text) -> Iterator[Evidence]:
    m = _ANALYSIS.search(text.lower, text.lower_words, text.hits)
    text.memo["analysis"] = m  # None: no sentence analyses (_analysed_sentences)
    if m:
        yield _at("analysis", m, text.text)
        return
    source, unquoted, words = text.text, text.unquoted, text.lower_words
    if not words & _BECAUSE_TRIGGERS:
        return
    # On ASCII text, text.lower is the unquoted text lower-cased letter for letter.
    quick = unquoted.isascii()
    for because in _BECAUSE_LOWER.finditer(text.lower) if quick else _BECAUSE.finditer(unquoted):
        sentence = text.sentence_of(because.start())
        before = unquoted[sentence.start : because.start()]
        after = unquoted[because.end() : sentence.end]
        if (
            not after.lstrip().startswith("of ")
            and not _REPORTED.search(before, text.folded, pieces=text.pieces)
            and not _PRACTICAL.search(after, text.folded, pieces=text.pieces)
            and _FEELING_OR_BEHAVIOUR.search(
                unquoted, text.folded, sentence.start, sentence.end, pieces=text.pieces
            )
            and not _DECISION.search(text.lower[sentence.start : because.start()], words)
        ):
            yield _at("analysis", because, source)
            return


# ---------------------------------------------------------------- decision with its reason

_DECISION_CUES = (
    r"agreed|agree|decided|decision|decide|recommended|recommends|endorsed|"
    r"(?:I|we) will|will (?:now )?(?:be (?:offered|supervised|seen|referred|moved|kept|asked|"
    r"made|arranged|booked|held|reviewed|paused|stopped|closed)|not go|continue|remain|stay|have|"
    r"spend|manage|step|keep|ask|make|arrange|refer|visit|hold|see|offer|pay|fund|move)|"
    r"I have (?:asked|made|arranged|written|referred|requested|added|booked|sent|made sure|"
    r"contacted|told|offered|set up)|I (?:asked|arranged|made|referred|requested|wrote|sent)|"
    r"(?:was|were|has been|have been|is being) (?:made|requested|sent|booked|paused|"
    r"suspended|moved|closed|stepped down|arranged|agreed|offered|referred|instructed|"
    r"convened|decided)|referral (?:was |has been )?made|plan (?:is|was) to|"
    r"to (?:close|step down|proceed|continue|convene|start|issue|remain|transfer|"
    r"request|refer)|should (?:remain|continue|be|stay)|not be requested|will not|"
    r"won't|is needed|are needed|"
    r"(?:I|we)(?:'ve| have) (?:now )?(?:asked|arranged|booked|made|referred|requested|sent|"
    r"written|spoken|contacted|agreed|decided|offered|set up|put in place|applied|updated|"
    r"changed|increased|reduced|moved|paused|stopped|started|suggested|recommended|"
    r"escalated|shared|completed a referral|made a referral)|"
    r"(?:I|we) (?:agreed|decided|recommended|suggested|escalated|applied|increased|reduced|"
    r"changed|paused|stopped|started|offered|booked|contacted)|"
    r"(?:was|were|has been|have been|will be|is to be|are to be) (?:approved|authorised|"
    r"escalated|increased|reduced|changed|ended|extended|put in place|allocated|transferred|"
    r"stepped up|withdrawn|issued|granted|refused|declined)|"
    r"(?:manager|panel|conference|chair|meeting|IRO|team|court|discussion|review) "
    r"(?:agreed|decided|approved|authorised|recommended|ruled|ordered|directed|endorsed)|"
    r"the plan is|plan is for|to be (?:closed|stepped down|referred|reviewed|offered|"
    r"increased|reduced|ended|transferred|escalated)|"
    r"(?:referral|request|application) (?:was |has been )?(?:made|sent|submitted|completed)|"
    r"step(?:ped)? down|escalat(?:e|ed|ing) (?:to|this)|"
    r"(?:has|have) (?:offered|agreed|arranged|booked|referred|requested|decided|applied|"
    r"recommended)|"
    r"will (?:now )?(?:apply|ask|arrange|book|contact|complete|make|offer|provide|refer|request|"
    r"review|speak|start|support|take|work|write|attend|check|chase|update|monitor|share|"
    r"continue)|"
    r"will be (?:passed|given|provided|completed|sent|shared|updated|held|offered|introduced)|"
    r"(?:I|we) (?:visited|saw|met) (?:\w+ ){0,3}?(?:together|alone|jointly|separately)|"
    r"(?:plan|decision|outcome|actions?)\s*:"
)
_DECISION = Alternation("|".join(rf"\b{c}\b" for c in split_top_level(_DECISION_CUES)))
_NOT_A_PROFESSIONAL_DECISION = Screened(
    rf"\b(?:{_ADULTS}|mum|dad)\s+(?:has\s+)?(?:decided|wants|would like|chose|chooses)\b",
    re.IGNORECASE,
)
# Run on the lower-cased sentence; a match must start a word (starting_a_word puts that in).
_REASON_WORDS = (
    r"(?:because|as|given (?:that|the|his|her|their)?|so that|"
    r"so (?:he|she|they|the|that|we|i|it|his|her|their)|"
    r"due to|the reason|in order to|since|for this reason|following|which means|"
    r"to make sure|to ensure|to help (?:him|her|them)|to keep (?:him|her|them) safe|to protect|"
    r"to reduce|to allow|to enable|to support (?:him|her|them)|"
    r"which will (?:help|mean|give|allow))\b"
)
_REASON = compile_starting_a_word(_REASON_WORDS)
_NOT_A_REASON = re.compile(
    r"\bas (?:well|soon|agreed|planned|usual|part|long|far|much|many|if|though|"
    r"requested|arranged|discussed|before|previously|needed|necessary|expected)\b"
    r"|\bsuch as\b|\bas (?:that|this) is (?:my|the) next\b|\bso far\b|\bso much\b"
    r"|\bsince (?:she|he|they) (?:was|were) \d|\bsince (?:January|February|March|April|May|"
    r"June|July|August|September|October|November|December|\d|last|then|the|her|his)\b",
    re.IGNORECASE,
)
# "..., so I have asked the hospital to...": the reason comes first.
_REASON_THEN_DECISION = Alternation(
    r"[,;:]\s+so\s+(?:I|we|my manager)\s+(?:have\s+|has\s+|will\s+)?(?:now\s+)?"
    r"(?:asked|arranged|made|referred|requested|added|booked|agreed|decided|offered|sent|"
    r"written|wrote|set up|spoken|contacted|increased|reduced|changed|moved)\b"
    r"|\bfor (?:this|that|these) reasons?\b|\bbecause of this\b|\bin light of this\b"
)
_NEXT_SENTENCE_REASON = Screened(
    r"^\s*(?:this is because|the reason|this is so|that is because|this was because|"
    r"(?:reason|reasons|rationale|why)\s*:)",
    re.I,
)


def _decision(text: Text) -> Iterator[Evidence]:
    backwards = _REASON_THEN_DECISION.search(text.lower, text.lower_words, text.hits)
    if backwards:
        yield _at("decision_rationale", backwards, text.text)
        return
    source, unquoted, words = text.text, text.unquoted, text.lower_words
    sentences = text.sentences
    seen: set[int] = set()  # one look at each sentence, however many cues it has
    for decision in _DECISION.finditer(text.lower, words, text.hits):
        at = text.sentence_index(decision.start())
        if at in seen:
            continue
        seen.add(at)
        sentence = sentences[at]
        chunk = unquoted[sentence.start : sentence.end]
        if _NOT_A_PROFESSIONAL_DECISION.search(
            chunk, text.folded, pieces=text.pieces
        ) and not _PROFESSIONAL.search(chunk):
            continue
        reason = _reason_in(text.lower[sentence.start : sentence.end])
        if reason is not None:
            start = min(decision.start(), sentence.start + reason)
            end = max(decision.end(), sentence.start + reason)
            yield Evidence("decision_rationale", start, end, source[start:end])
            return
        following = sentences[at + 1] if at + 1 < len(sentences) else None
        if (
            following
            and _NEXT_SENTENCE_REASON.search(
                unquoted[following.start : following.end], text.folded, pieces=text.pieces
            )
        ) or _explained_nearby(text, at):
            yield _at("decision_rationale", decision, source)
            return


def _explained_nearby(text: Text, at: int) -> bool:
    """A decision whose reason is the analysis just before or after it ("This suggests the
    noise is what overwhelms him. I have asked the nursery to..."): the sentence before, or
    one of the two after (sentence `at` holds the decision), says what something means."""
    analysed = _analysed_sentences(text)
    return any(near in analysed for near in (at - 1, at + 1, at + 2))


def _analysed_sentences(text: Text) -> frozenset[int]:
    """The numbers of the sentences where analysis is found (worked out once a text)."""
    if "analysed" not in text.memo and text.memo.get("analysis", True) is None:
        # _analysis found no analysis anywhere in the text, so there is none to look for.
        text.memo["analysed"] = frozenset()
    if "analysed" not in text.memo:
        starts = [s.start for s in text.sentences]
        text.memo["analysed"] = frozenset(
            bisect_right(starts, m.start()) - 1
            for m in _ANALYSIS.finditer(text.lower, text.lower_words, text.hits)
        )
    return text.memo["analysed"]


_PROFESSIONAL = re.compile(r"\b(?:I|we|manager|panel|conference|chair|meeting|IRO)\b")


def _reason_in(chunk: str) -> int | None:
    """Where the reason in a sentence (lower-cased) starts, if it gives one."""
    for m in _REASON.finditer(chunk):
        if not _NOT_A_REASON.match(chunk, m.start()) and len(chunk[m.end() :].split()) >= 2:
            return m.end()
    return None


# ---------------------------------------------------------------- together


def _at(marker: str, m: re.Match[str], source: str) -> Evidence:
    # The words only: a match that starts at the comma before "so I have asked" starts after it.
    start = m.start()
    while start < m.end() and not source[start].isalnum():
        start += 1
    return Evidence(marker, start, m.end(), source[start : m.end()])


# Under this age (years), what a child was seen to do counts as their voice.
YOUNG_UNDER = 3.0
# Capitalised words that are not anyone's name.
_NOT_NAMES = (
    frozenset(
        """I The A An He She They We It This That These There When At In On After Before His
        Her Their Mum Dad Mummy Daddy Nan Nana Gran Grandad Auntie Uncle Mr Mrs Ms Miss Dr Visit
        Home School Supervision Assessment Review Phone Manager Worker Carer Carers Staff Police
        Health Court Plan Child Children Family Next Today Yesterday Christmas Easter Section
        Strategy Initial Decision Actions Present Outcome Case Note Discussed Agreed Following
        Given As If Also But And So Both My Our Your Not No""".split()  # noqa: SIM905
    )
    | frozenset(calendar.month_name[1:])
    | frozenset(calendar.day_name)
)
_NAMED_ADULT = re.compile(
    rf"\b(?:{_ADULTS}|parents|grandparents|partner|stepdad|stepmum),?\s+(?:[A-Z][a-z]+\s+and\s+)?$",
    re.IGNORECASE,
)
# Words that say the child is a baby, when the note does not give an age.
_BABY = Screened(
    r"\b(?:baby|newborn|infant|\d+\s*(?:weeks?|months?)\s*old|\(\d+\s*(?:weeks?|months?)\)|"
    r"(?:,|aged)\s*\d+\s*(?:weeks?|months?)\b|"
    r"babbl\w*|crawl\w*|toddled|cooed|nappy|bottle|was born)\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![\w'’-])([A-Z][a-z]+)(?:'s|’s)?(?![\w-])")


def guess_child(text: Text) -> str:
    """The child a note is about, when nobody says: the first name it mentions most (first
    mentioned wins a tie), leaving out words that are not names and names after a title."""
    counts: dict[str, float] = {}
    adults: set[str] = set()
    source = text.unquoted
    for m in _CAPITALISED.finditer(source):
        name = m.group(1)
        before = source[max(0, m.start() - 40) : m.start()]
        if name in _NOT_NAMES or before.rstrip().endswith(("Mr", "Mrs", "Ms", "Dr", "Miss")):
            continue
        if _NAMED_ADULT.search(before):
            adults.add(name)  # "her mum, Denise": not the child
        counts[name] = counts.get(name, 0) + (1.5 if not counts else 1)
    for name in adults:
        counts.pop(name, None)
    if not counts:
        return ""
    return max(counts, key=lambda n: counts[n])  # dicts keep order: the first of equals wins


def evidence(text: Text, *, child: str = "", child_age: float | None = None) -> list[Evidence]:
    if not child.strip():
        child = guess_child(text)
    young = (
        (child_age is not None and child_age < YOUNG_UNDER)
        or (child_age is None and bool(_BABY.search(text.text, text.folded, pieces=text.pieces)))
        or bool(_NO_SPEECH.search(text.text, text.folded, pieces=text.pieces))
    )
    found: list[Evidence] = []
    for marker in (_voice(text, child, young), _analysis(text), _decision(text)):
        first = next(marker, None)
        if first is not None:
            found.append(first)
    return found
