"""Search on the index built from the real fixtures: analysis, query language, results."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogue.record import Record
from indexer.analysis import fold_letters
from indexer.search import Searcher, SearchRequest


def ids(searcher: Searcher, q: str = "", **kwargs) -> set[int]:
    result = searcher.search(SearchRequest(q=q, per_page=100, with_facets=False, **kwargs))
    found = {h.id for h in result.hits}
    page = 2
    while len(found) < result.total:
        more = searcher.search(
            SearchRequest(q=q, per_page=100, page=page, with_facets=False, **kwargs)
        )
        found |= {h.id for h in more.hits}
        page += 1
    assert len(found) == result.total
    return found


def title_has(records: list[Record], pattern: str) -> set[int]:
    """Records whose folded title has a word matching `pattern` (computed without the index)."""
    regex = re.compile(pattern)
    return {r.id for r in records if regex.search(fold_letters(r.title))}


# -- French analysis -----------------------------------------------------------------------------
def test_demarche_finds_demarches(searcher, by_source_id) -> None:
    assert by_source_id["demarches"].id in ids(searcher, "demarche")
    assert ids(searcher, "titre:demarche") == ids(searcher, "titre:Démarches")


def test_discrimination_finds_discriminations(searcher, records, by_source_id) -> None:
    # the written record says "discriminations" in its abstract only
    assert by_source_id["demarches"].id in ids(searcher, "resume:discrimination")
    # real records say "discrimination" in their descriptors
    singular = {
        r.id for r in records if any(s.label.startswith("Discrimination") for s in r.subjects)
    }
    assert len(singular) >= 6
    assert singular <= ids(searcher, "sujet:discriminations")
    assert ids(searcher, "discrimination") == ids(searcher, "discriminations")


def test_stop_words_among_other_words_are_ignored(searcher, records, by_source_id) -> None:
    """Names keep "de" and "la" (authors, publishers): ANDed with the other words they would
    demand them in a name, and "politique de la ville" would find nothing."""
    demarches = by_source_id["demarches"].id  # descriptor "Politique de la ville"
    assert demarches in ids(searcher, "politique de la ville")
    assert ids(searcher, "politique de la ville") == ids(searcher, "politique ville")
    assert ids(searcher, "discriminations à l'école") == ids(searcher, "discriminations école")
    # alone, a stop word is still looked for where it is kept (names)
    with_de = {
        r.id for r in records if any(" de " in f" {fold_letters(a.name)} " for a in r.agents)
    }
    assert with_de and with_de <= ids(searcher, "de")


def test_ecoles_finds_ecole(searcher, records) -> None:
    singular = title_has(records, r"\becole\b")
    assert len(singular) >= 3
    assert singular <= ids(searcher, "titre:ecoles")
    assert ids(searcher, "titre:ecoles") == ids(searcher, "titre:école")


def test_elided_article_is_ignored(searcher, records) -> None:
    found = ids(searcher, "l'égalité")
    assert found == ids(searcher, "égalité") == ids(searcher, "l’égalité") != set()


def test_ligature_and_decomposed_accents(searcher, by_source_id) -> None:
    assert by_source_id["oeuvres"].id in ids(searcher, "oeuvres")
    assert by_source_id["phenix"].id in ids(searcher, "phénix")
    assert by_source_id["phenix"].id in ids(searcher, "titre:phenix")


def test_hyphen_and_apostrophe_forms(searcher, by_source_id, records) -> None:
    assert ids(searcher, "Saint-Omer") == {by_source_id["demarches"].id}
    today = title_has(records, r"aujourd.hui")
    assert today and today <= ids(searcher, "aujourd'hui")
    assert ids(searcher, "titre:aujourd'hui") == ids(searcher, "titre:aujourd’hui")


def test_numbers_isbn_and_issn(searcher, by_source_id, records) -> None:
    oeuvres = by_source_id["oeuvres"].id
    for form in ("2-7071-4185-7", "2707141857", "9782707141857", "978-2-7071-4185-7"):
        assert oeuvres in ids(searcher, form), form
        assert ids(searcher, f"isbn:{form}") == {oeuvres}
    issn_records = {r.id for r in records if "0002-5712" in r.issns}
    assert issn_records and ids(searcher, "issn:0002-5712") == issn_records
    assert ids(searcher, "issn:00025712") == issn_records
    assert ids(searcher, "0002-5712") >= issn_records
    assert {r.id for r in records if r.year == 1892} <= ids(searcher, "1892")


def test_call_number(searcher, by_source_id) -> None:
    assert ids(searcher, 'cote:"307.76 DUR"') == {by_source_id["demarches"].id}


# -- query language ------------------------------------------------------------------------------
def test_words_are_anded(searcher) -> None:
    both = ids(searcher, "droit international")
    assert both == ids(searcher, "droit") & ids(searcher, "international")
    assert both


def test_phrases_are_exact(searcher, records) -> None:
    phrase = ids(searcher, 'titre:"droit international"')
    exact = title_has(records, r"\bdroit international")
    assert exact and exact <= phrase <= ids(searcher, "titre:droit titre:international")
    assert phrase != ids(searcher, "titre:droit titre:international")


def test_exclusion_or_and_prefix(searcher) -> None:
    droit, finances = ids(searcher, "droit"), ids(searcher, "finances")
    assert ids(searcher, "droit -finances") == droit - finances
    assert ids(searcher, "droit NOT finances") == droit - finances
    assert ids(searcher, "droit OR finances") == droit | finances
    assert ids(searcher, "(droit OR finances) -sociologie") == (droit | finances) - ids(
        searcher, "sociologie"
    )
    assert ids(searcher, "droi*") >= droit | ids(searcher, "droits")
    politics = ids(searcher, "titre:politiq*")
    assert ids(searcher, "titre:politique") <= politics


def test_field_prefixes_in_both_languages(searcher, records) -> None:
    assert ids(searcher, "titre:sociologie") == ids(searcher, "title:sociologie")
    assert ids(searcher, "auteur:Leroy-Beaulieu") == ids(searcher, "author:leroy-beaulieu")
    expected = {
        r.id for r in records if any("leroy-beaulieu" in fold_letters(a.name) for a in r.agents)
    }
    assert expected and ids(searcher, "auteur:Leroy-Beaulieu") == expected
    assert ids(searcher, "sujet:sociologie") == ids(searcher, "subject:sociologie")
    assert ids(searcher, "annee:1990") == ids(searcher, "année:1990") == ids(searcher, "year:1990")


def test_year_ranges(searcher, records) -> None:
    expected = {r.id for r in records if r.year and 1990 <= r.year <= 1999}
    assert ids(searcher, "annee:1990-1999") == expected
    assert ids(searcher, "", year_from=1990, year_to=1999) == expected
    assert ids(searcher, "droit annee:1990-1999") == ids(searcher, "droit") & expected


def test_advanced_search_rows(searcher) -> None:
    rows = [("and", "title", "droit"), ("not", "title", "international"), ("or", "all", "phénix")]
    expected = (ids(searcher, "titre:droit") - ids(searcher, "titre:international")) | ids(
        searcher, "phénix"
    )
    assert ids(searcher, advanced=rows) == expected


@pytest.mark.parametrize(
    "text",
    [
        '"politique de la ville',
        "(droit international",
        "droit)",
        "OR",
        "AND",
        "droit OR",
        "NOT",
        "-",
        "droit " * 2000,
        "x" * 10_000,
        "dro\x00it\x1b inter\x7fnational",
        "",
        "   ",
        "titre:",
        "annee:abc",
        "*",
        "((((((((((droit",
        "\ud800",
    ],
)
def test_malformed_input_never_raises(searcher, text: str) -> None:
    result = searcher.search(SearchRequest(q=text))
    if not text.strip() or text in ("OR", "AND", "NOT", "-", "*"):
        assert result.total == searcher.record_count()
    # what is left of the input once simplified is searched as plain words
    same_as = {"droit " * 2000: "droit", "((((((((((droit": "droit"}
    if text in same_as:
        assert result.total == searcher.search(SearchRequest(q=same_as[text])).total > 0


def test_malformed_request_values_are_clamped(searcher) -> None:
    request = SearchRequest(q="droit", page=-3, per_page=10_000, sort="nonsense")
    request.filters = {"language": "fre", "nope": ["x"], "author": [None]}  # type: ignore[dict-item]
    request.year_from = "abc"  # type: ignore[assignment]
    result = searcher.search(request)
    assert result.page == 1 and result.per_page == 100
    assert result.total == len(ids(searcher, "droit", filters={"language": ["fre"]}))


def test_degraded_query_is_reported(searcher) -> None:
    result = searcher.search(SearchRequest(q='"droit international'))
    assert result.degraded and result.query == "droit international"
    assert result.total == len(ids(searcher, "droit international"))


# -- results -------------------------------------------------------------------------------------
def test_relevance_title_boost(searcher) -> None:
    hits = searcher.search(SearchRequest(q="sociologie", per_page=5)).hits
    assert "sociolog" in fold_letters(hits[0].title)
    assert hits == sorted(hits, key=lambda h: -h.score)


@pytest.mark.parametrize("sort", ["date_desc", "date_asc", "title", "author"])
def test_sorts(searcher, records, sort: str) -> None:
    hits = searcher.search(SearchRequest(q="droit", sort=sort, per_page=100)).hits
    by_id = {r.id: r for r in records}
    if sort.startswith("date"):
        years = [h.year for h in hits if h.year]
        assert years == sorted(years, reverse=sort == "date_desc")
        assert all(h.year for h in hits[: len(years)])  # records without a year last
    elif sort == "title":
        keys = [re.sub(r"^(les?|la|l'|the) ", "", fold_letters(h.title))[:10] for h in hits]
        assert keys[0] <= keys[-1]
    else:
        names = [
            fold_letters(by_id[h.id].first_author.sort_name) for h in hits if by_id[h.id].agents
        ]
        assert names == sorted(names)


def test_pagination(searcher) -> None:
    first = searcher.search(SearchRequest(q="droit", per_page=10, page=1))
    second = searcher.search(SearchRequest(q="droit", per_page=10, page=2))
    both = searcher.search(SearchRequest(q="droit", per_page=20, page=1))
    assert [h.id for h in first.hits + second.hits] == [h.id for h in both.hits]
    assert first.pages == -(-first.total // 10)


@pytest.mark.parametrize("sort", ["relevance", "date_desc", "date_asc", "title", "author"])
@pytest.mark.parametrize("q", ["", "politique", "revue"])
def test_pages_follow_one_order_whatever_the_sort(searcher, sort: str, q: str) -> None:
    """Only the documents that can reach the asked pages are fully sorted (ties at the cut
    kept): small pages must still be slices of one and the same order."""
    request = {"q": q, "sort": sort, "with_facets": False}
    whole = searcher.search(SearchRequest(**request, per_page=100))
    assert whole.total > 4 * 5 * 4  # enough hits for the partial sort to be used
    pages = [searcher.search(SearchRequest(**request, per_page=5, page=p)) for p in range(1, 5)]
    assert [h.id for page in pages for h in page.hits] == [h.id for h in whole.hits[:20]]


def test_cached_words_give_the_same_hits(searcher, monkeypatch) -> None:
    from indexer import engine

    request = SearchRequest(q="politique revue", sort="title", per_page=50)
    first = searcher.search(request)
    again = searcher.search(request)  # words from the engine's cache
    monkeypatch.setattr(engine, "WORDS_CACHE_BYTES", 0)  # each word pushes the others out
    state = searcher.live.state
    state.engine._words.clear()
    state.engine._words_bytes = 0
    state.results.clear()
    evicted = searcher.search(request)
    assert len(state.engine._words) == 1
    for other in (again, evicted):
        assert [h.id for h in other.hits] == [h.id for h in first.hits]
        assert other.total == first.total
        assert other.facets["author"].values == first.facets["author"].values


def test_snippet_is_escaped_and_highlighted(searcher, by_source_id) -> None:
    hit = next(
        h
        for h in searcher.search(SearchRequest(q="discriminations école")).hits
        if h.id == by_source_id["demarches"].id
    )
    assert "<mark>discriminations</mark>" in hit.snippet
    assert "<mark>école</mark>" in hit.snippet
    assert "<b>" not in hit.snippet and "&lt;b&gt;" in hit.snippet and "&amp;" in hit.snippet


def test_did_you_mean(searcher) -> None:
    result = searcher.search(SearchRequest(q="sociologei"))
    assert result.total == 0 and result.suggestion == "sociologie"
    assert searcher.search(SearchRequest(q="sociologie")).suggestion is None


def test_autocomplete(searcher) -> None:
    found = searcher.autocomplete("sociol")
    assert {"kind": "descriptor", "label": "Sociologie"} in found
    assert any(f["kind"] == "title" and "sociolog" in fold_letters(f["label"]) for f in found)
    assert any(f["kind"] == "author" for f in searcher.autocomplete("leroy"))
    assert searcher.autocomplete("") == [] and searcher.autocomplete("\x00") == []


def test_more_like_this(searcher, records) -> None:
    source = next(r for r in records if len(r.descriptors) >= 2)
    similar = searcher.more_like_this(source.id, limit=5)
    assert similar and source.id not in {h.id for h in similar}
    by_id = {r.id: r for r in records}
    labels = {s.label for s in source.descriptors} | {a.sort_name for a in source.agents}
    top = by_id[similar[0].id]
    assert labels & ({s.label for s in top.descriptors} | {a.sort_name for a in top.agents})
    assert searcher.more_like_this(10**9) == []


def test_latest(searcher, records) -> None:
    newest = sorted((r.id for r in records), reverse=True)[:3]
    assert [h.id for h in searcher.latest(3)] == newest


def test_hit_fields(searcher, by_source_id) -> None:
    hit = searcher.search(SearchRequest(q="oeuvres complètes")).hits[0]
    assert hit.id == by_source_id["oeuvres"].id
    assert (hit.title, hit.year, hit.doc_type, hit.authors, hit.online) == (
        "Œuvres complètes",
        1998,
        "book",
        ["George Sand"],
        True,
    )


def test_to_dict_shape(searcher) -> None:
    data = searcher.search(SearchRequest(q="droit", per_page=2)).to_dict()
    assert {"total", "hits", "facets"} <= set(data)
    assert {"id", "title", "year"} <= set(data["hits"][0])
    assert all({"value", "count", "label"} <= set(v) for vs in data["facets"].values() for v in vs)


@settings(max_examples=60, deadline=None)
@given(
    q=st.text(max_size=120),
    facet=st.sampled_from(["language", "author", "year", "nope"]),
    value=st.text(max_size=20),
)
def test_random_requests_never_raise(searcher, q: str, facet: str, value: str) -> None:
    result = searcher.search(SearchRequest(q=q, filters={facet: [value]}, excludes={facet: [q]}))
    assert result.total >= 0 and result.to_dict()
    searcher.autocomplete(q)
    searcher.facet_values("author", SearchRequest(q=q), prefix=value)
