from __future__ import annotations

import pytest

from lineofsight.practiceweeks.names import names_in, possible_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The worker visited Jayden at home.", ["Jayden"]),
        ("A girl called Kelsey and a boy named Tom.", ["Kelsey", "Tom"]),
        ("Jayden said he feels safe at his nan's.", ["Jayden"]),
        ("We spoke with Ayesha's mum about the plan.", ["Ayesha"]),
        ("Mrs Hughes was at the meeting.", ["Hughes"]),
        ("- Tyler enjoys football\n- met Sam and Alex after school", ["Tyler", "Sam", "Alex"]),
    ],
)
def test_names_are_found(text, expected):
    assert possible_names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The child was seen alone on Monday in March.",
        "J said she likes her foster carer. The MASH was quick to respond.",
        "Staff said morale is good. Managers are visible.",
        "The meeting at Hill Top School went well; Riverside Family Centre hosted it.",
        "The ASYE presented the case to the Independent Reviewing Officer.",
        "The eldest child told us that the social worker listens.",
        "Ofsted praised the Front Door. The young person (AB) attends college.",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert possible_names(text) == []


def test_the_councils_own_words_are_allowed():
    text = "The visit to the Care Team and to Riverside went well, as in Northmoor."
    assert possible_names(text) == ["Riverside", "Northmoor"]
    assert possible_names(text, ["Care Team", "Riverside", "Northmoor Council"]) == []


def test_each_name_is_reported_once():
    assert possible_names("We met with Kai. Later we saw Kai again, with Kai's sister.") == ["Kai"]


def test_names_in_reports_by_field():
    found = names_in({"a": "Seen with Jordan at home.", "b": "Nothing here."})
    assert found == {"a": ["Jordan"]}
