"""What a query may cost is bounded: prefixes, suggestions, relaxations (hostile input)."""

from __future__ import annotations

import string

import pytest

from indexer import suggest
from indexer.query import MAX_PREFIXES, MIN_PREFIX, bound, parse
from indexer.schema import DEFAULT_FIELDS
from indexer.search import SearchRequest

LETTERS = string.ascii_lowercase


@pytest.fixture
def postings_read(searcher, monkeypatch):
    """Counts the postings the engine reads (the work a query causes), whatever the timing."""
    searcher.refresh()
    arrays = searcher.live.state.engine.arrays
    calls = []
    real = arrays.postings

    def counting(*args, **kwargs):
        calls.append(args[:2])
        return real(*args, **kwargs)

    monkeypatch.setattr(arrays, "postings", counting)
    return calls


def test_one_letter_prefixes_are_dropped_and_named(searcher, postings_read) -> None:
    q = " ".join(c + "*" for c in (LETTERS * 2)[:50])
    result = searcher.search(SearchRequest(q=q, with_facets=False))
    assert result.degraded
    assert result.dropped == [c + "*" for c in (LETTERS * 2)[:50]]
    assert len(postings_read) < 20
    assert result.to_dict()["dropped"][:2] == ["a*", "b*"]


def test_only_the_first_prefixes_are_expanded(searcher, postings_read) -> None:
    words = [a + b + "*" for a, b in zip(LETTERS, LETTERS[::-1], strict=True)]
    result = searcher.search(SearchRequest(q=" ".join(words), with_facets=False))
    assert result.dropped == words[MAX_PREFIXES:]
    from indexer.engine import MAX_EXPANSION

    assert len(postings_read) <= MAX_PREFIXES * MAX_EXPANSION * len(DEFAULT_FIELDS)
    # the same three prefixes alone cost the same: the rest was really not evaluated
    calls = len(postings_read)
    postings_read.clear()
    alone = searcher.search(SearchRequest(q=" ".join(words[:MAX_PREFIXES]), with_facets=False))
    assert alone.total == result.total and not alone.dropped
    assert len(postings_read) <= calls


def test_bound_keeps_operators_around_what_it_drops() -> None:
    node, dropped = bound(parse("a* OR logement -b* ecole*").node)
    assert dropped == ["a*", "b*"]
    assert node == parse("logement ecole*").node
    assert MIN_PREFIX == 2
    assert bound(parse("urbani*").node) == (parse("urbani*").node, [])


def test_misspelled_words_get_a_bounded_number_of_corrections(searcher, monkeypatch) -> None:
    looked_up = []
    real = suggest.closest
    monkeypatch.setattr(
        suggest, "closest", lambda leaves, w: looked_up.append(w) or real(leaves, w)
    )
    q = " ".join(f"politiqu{c}x" for c in LETTERS) + " " + " ".join(f"sociolo{c}z" for c in LETTERS)
    result = searcher.search(SearchRequest(q=q, with_facets=False))
    assert result.total == 0
    assert len(looked_up) == suggest.MAX_CORRECTED
    looked_up.clear()
    searcher.search(SearchRequest(q=q, with_facets=False, with_suggestions=False))
    assert looked_up == []


def test_a_typo_still_gets_its_correction(searcher) -> None:
    assert searcher.search(SearchRequest(q="politiqe")).suggestion == "politique"


def test_year_range_past_9999_is_clamped(searcher) -> None:
    every = searcher.search(SearchRequest(q="annee:0-9999", with_facets=False)).total
    assert every > 3000
    assert searcher.search(SearchRequest(q="annee:0-99999", with_facets=False)).total == every
    assert searcher.search(SearchRequest(q="année:1990-999999", with_facets=False)).total == (
        searcher.search(SearchRequest(q="année:1990-9999", with_facets=False)).total
    )


@pytest.mark.parametrize(
    ("q", "kept"),
    [("caf\ud800", "caf"), ("\udce9cole", "cole"), ("politique \udfff ville", "politique ville")],
)
def test_lone_surrogates_are_dropped(searcher, q: str, kept: str) -> None:
    result = searcher.search(SearchRequest(q=q))  # raised UnicodeEncodeError (suggestions)
    assert result.query == kept
    assert searcher.search(SearchRequest(q="\ud83d")).total == searcher.record_count()


def test_query_without_the_word_that_empties_it(searcher) -> None:
    assert searcher.search(SearchRequest(q="discrimination", with_facets=False)).total
    result = searcher.search(SearchRequest(q="discrimination zoologie", with_facets=False))
    assert result.total == 0
    offered = {word: (rest, total) for word, rest, total in result.without_word}
    assert "zoologie" in offered
    rest, total = offered["zoologie"]
    assert rest == "discrimination"
    assert total == searcher.search(SearchRequest(q="discrimination", with_facets=False)).total
