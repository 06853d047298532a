"""Snippets are safe HTML with the query's words marked."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from indexer.query import parse
from indexer.snippets import highlight_terms, snippet


def test_marks_french_forms_and_escapes() -> None:
    terms = highlight_terms(parse("ecoles -ville discrimination").node)
    html = snippet("Les <b>discriminations</b> à l'école & en ville", terms)
    assert "<mark>discriminations</mark>" in html and "<mark>école</mark>" in html
    assert "<mark>ville</mark>" not in html
    assert "&lt;b&gt;" in html and "&amp;" in html


def test_window_around_a_late_match() -> None:
    text = "mot " * 200 + "égalité " + "fin " * 100
    html = snippet(text, highlight_terms(parse("egalite").node))
    assert html.startswith("…") and html.endswith("…") and "<mark>égalité</mark>" in html
    assert len(re.sub(r"</?mark>", "", html)) < 260


@given(st.text(max_size=400), st.text(max_size=30))
def test_only_our_tags(text: str, query: str) -> None:
    html = snippet(text, highlight_terms(parse(query).node))
    assert "<" not in re.sub(r"</?mark>", "", html)
