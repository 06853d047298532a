"""The search state survives a round trip through the URL, which is the whole point."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from web.state import BadParameter, SearchState


def parse(url: str) -> SearchState:
    query = parse_qs(urlsplit(url).query)
    return SearchState.from_args(MultiDict([(k, v) for k, vs in query.items() for v in vs]))


def test_round_trip(app):
    args = MultiDict(
        [
            ("q", "  politique   de la ville "),
            ("f", "doc_type:book"),
            ("f", "doc_type:report"),
            ("f", "descriptor:Ville : avenir"),
            ("x", "language:eng"),
            ("debut", "1990"),
            ("fin", "2020"),
            ("tri", "date_desc"),
            ("page", "3"),
        ]
    )
    state = SearchState.from_args(args)
    assert state.q == "politique de la ville"
    assert state.filters == {"doc_type": ["book", "report"], "descriptor": ["Ville : avenir"]}
    with app.test_request_context():
        again = parse(state.url())
        assert again == state
        assert parse(state.with_page(4)).page == 4
        assert parse(state.adding("doc_type", "thesis")).page == 1
        removed = parse(state.without_filter("doc_type", "book").url())
        assert removed.filters["doc_type"] == ["report"]
        swapped = parse(state.excluding("doc_type", "book"))
        assert "book" in swapped.excludes["doc_type"]
        assert swapped.filters["doc_type"] == ["report"]
        assert parse(state.without_years().url()).year_from is None


def test_duplicates_are_collapsed(app):
    with app.app_context():
        state = SearchState.from_args(MultiDict([("f", "doc_type:book"), ("f", "doc_type:book")]))
    assert state.filters == {"doc_type": ["book"]}


@pytest.mark.parametrize(
    "pairs",
    [
        [("page", "-1")],
        [("f", "zz:1")],
        [("tri", "x")],
        [("q", "x" * 501)],
        [("debut", "0")],
    ],
)
def test_rejects(app, pairs):
    with app.app_context(), pytest.raises(BadParameter):
        SearchState.from_args(MultiDict(pairs))


STATES = [
    [],
    [("q", "ville & école?")],
    [("q", "emploi"), ("f", "doc_type:book"), ("tri", "title"), ("page", "3")],
    [("x", "language:eng"), ("debut", "1990")],
    [("f", "language:fre"), ("x", "doc_type:thesis"), ("fin", "2010"), ("tri", "author")],
]


@pytest.mark.parametrize("pairs", STATES)
def test_exclude_links_match_the_state_they_describe(app, pairs):
    """A results page builds its ~70 exclude links by appending to a cached URL; each must
    parse back to the state plus that one exclusion, on page 1."""
    state = SearchState.from_args(MultiDict(pairs))
    values = [
        ("language", "fre"),
        ("language", "eng"),
        ("descriptor", "Ville -- Périodiques"),
        ("author", "Dupont, Jean & Cie (1950-…)"),
        ("doc_type", "thesis"),
        ("doc_type", "book"),
    ]
    with app.test_request_context():
        for facet, value in values:
            url = state.excluding(facet, value)
            assert url.startswith("/recherche")
            got = parse(url)
            excludes = {k: list(v) for k, v in state.excludes.items()}
            if value not in excludes.setdefault(facet, []):
                excludes[facet].append(value)
            filters = {
                k: [v for v in vs if (k, v) != (facet, value)] for k, vs in state.filters.items()
            }
            assert got.excludes == excludes
            assert got.filters == {k: vs for k, vs in filters.items() if vs}
            assert (got.q, got.year_from, got.year_to, got.sort) == (
                state.q, state.year_from, state.year_to, state.sort,
            )  # fmt: skip
            assert got.page == 1
