"""The one small-number rule (web/figures.py) as a figure's text."""

from __future__ import annotations

from lineofsight.web.figures import count_text_of


def test_count_text_of_shows_another_attribute_through_the_small_number_rule():
    class Figure:
        def __init__(self, n):
            self.n = n

        n_text = count_text_of("n")

    assert (Figure(3).n_text, Figure(1200).n_text) == ("fewer than 5", "1,200")
