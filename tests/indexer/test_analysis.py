"""The French analysis, term by term (the same chain runs at index and query time)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from indexer.analysis import analyze, fold_letters, terms


def same(a: str, b: str) -> bool:
    return terms(a) == terms(b) and terms(a) != []


def test_accents_and_plural_fold_together() -> None:
    assert same("Démarches", "demarche")
    assert same("discriminations", "discrimination")
    assert same("ecoles", "école")


def test_elision_with_straight_and_curly_apostrophes() -> None:
    assert terms("l'égalité") == terms("égalité")
    assert terms("l’égalité") == terms("égalité")
    assert terms("qu'il") == []
    assert terms("jusqu'à") == []
    assert terms("d'aujourd'hui") == terms("aujourd'hui") == ["aujourd", "hui"]


def test_decomposed_accents_are_composed_before_tokenising() -> None:
    decomposed = unicodedata.normalize("NFD", "Phénix")
    assert terms(decomposed) == terms("Phénix") == terms("phenix")
    assert len(terms(decomposed)) == 1 and terms(decomposed)[0].startswith("pheni")


def test_ligatures_fold() -> None:
    assert same("Œuvres", "oeuvres")
    assert same("Cæsar", "caesar")


def test_stop_words_checked_before_and_after_folding() -> None:
    # "à", "été", "même" are in the French list with their accents
    assert terms("à été même") == []
    # typed without accents they are dropped too, so a query never asks for a missing term
    assert terms("a ete meme") == []
    assert terms("les politiques de la ville") == terms("politique ville") == ["polit", "vile"]
    # the words around them stay: a terms() that drops everything fails here
    assert terms("à été même école") == terms("a ete meme ecole") == terms("école") == ["ecol"]


def test_hyphenated_words_are_adjacent_terms() -> None:
    found = analyze("Saint-Omer")
    assert [t[0] for t in found] == ["saint", "omer"]
    assert [t[1] for t in found] == [0, 1]


def test_numbers_and_isbn_digits_are_kept() -> None:
    assert terms("1892") == ["1892"]
    assert terms("978-2-7071-4185-7") == ["978", "2", "7071", "4185", "7"]


def test_offsets_point_into_the_text() -> None:
    text = "Les discriminations à l'école"
    for term, _, start, end in analyze(text):
        assert terms(text[start:end]) == [term]


def test_fold() -> None:
    assert fold_letters("ŒUVRES Économie") == "oeuvres economie"


@given(st.text(max_size=200))
def test_analysis_never_raises_and_positions_increase(text: str) -> None:
    found = analyze(text)
    positions = [t[1] for t in found]
    assert positions == sorted(positions)
    assert all(t[0] for t in found)
