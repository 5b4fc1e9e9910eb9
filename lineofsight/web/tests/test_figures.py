"""The one small-number rule (web/figures.py) as a figure's text."""

from __future__ import annotations

from lineofsight.indicators.presentation import Unit, format_number
from lineofsight.web import charts
from lineofsight.web.figures import count_text, count_text_of, number_text


def test_count_text_of_shows_another_attribute_through_the_small_number_rule():
    class Figure:
        def __init__(self, n):
            self.n = n

        n_text = count_text_of("n")

    assert (Figure(3).n_text, Figure(1200).n_text) == ("fewer than 5", "1,200")


def test_every_number_is_written_one_way_and_counts_add_the_small_number_rule():
    assert [number_text(n) for n in (None, 0, 3, 12345, 12345.0, 2.25)] == [
        "",
        "0",
        "3",
        "12,345",
        "12,345",
        "2.2",
    ]
    assert [count_text(n) for n in (0, 3, 12345)] == ["0", "fewer than 5", "12,345"]
    # The indicator pages and the charts in documents show the same text for the same number.
    assert format_number(12345.0, Unit.COUNT) == number_text(12345) == charts._format(12345.0)
    assert charts._format(2.25) == number_text(2.25)
