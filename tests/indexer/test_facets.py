"""Facet counts checked against counts computed from the store's records, without the index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from catalogue.record import Agent, CustomField, Record, Subject
from catalogue.store import Store
from indexer import build
from indexer.analysis import fold_letters
from indexer.schema import author_value
from indexer.search import FACETS, Searcher, SearchRequest
from indexer.themes import SAMPLE, load_themes


# Facet values of a record, written from the Record model alone (not from indexer.schema).
def _descriptors(r: Record) -> set[str]:
    out = set()
    for s in r.subjects:
        if s.kind == "geographic":
            continue
        path = s.label
        out.add(path)
        for sub in s.subdivisions:
            path = f"{path} -- {sub}"
            out.add(path)
    return out


def _availability(r: Record) -> set[str]:
    out = set()
    if any(link.url and link.kind != "thumbnail" for link in r.links):
        out.add("online")
    if r.items:
        out.add("onsite")
    return out


THEMES = [(t.value, *t.folded()) for t in load_themes(SAMPLE)]


def _themes(r: Record) -> set[str]:
    out = set()
    descriptors = {fold_letters(d.split(" -- ")[0]) for d in _descriptors(r)} | {
        fold_letters(d) for d in _descriptors(r)
    }
    keywords = {fold_letters(k) for k in r.keywords}
    custom = {fold_letters(f"{c.name}={c.value}") for c in r.custom}
    for value, theme_descriptors, theme_keywords, theme_custom in THEMES:
        if descriptors & theme_descriptors or keywords & theme_keywords or custom & theme_custom:
            out.add(value)
    return out


VALUES: dict[str, Callable[[Record], set[str]]] = {
    "doc_type": lambda r: {r.doc_type},
    "year": lambda r: {f"{r.year // 10 * 10}-{r.year // 10 * 10 + 9}"} if r.year else set(),
    "language": lambda r: set(r.languages),
    "author": lambda r: {author_value(a) for a in r.agents},
    "descriptor": _descriptors,
    "keyword": lambda r: set(r.keywords),
    "theme": _themes,
    "series": lambda r: {s.title for s in r.series},
    "source": lambda r: {r.source},
    "availability": _availability,
}


def expected_counts(
    records: list[Record],
    name: str,
    filters: dict[str, list[str]] | None = None,
    excludes: dict[str, list[str]] | None = None,
) -> Counter:
    """Counts of facet `name` over records passing every other facet's filter (not its own)."""
    filters, excludes = filters or {}, excludes or {}
    counts: Counter = Counter()
    for record in records:
        keep = True
        for other in set(filters) | set(excludes):
            if other == name:
                continue
            values = VALUES[other](record)
            if other in filters and not values & set(filters[other]):
                keep = False
            if values & set(excludes.get(other, [])):
                keep = False
        if keep:
            counts.update(VALUES[name](record))
    return counts


def actual_counts(searcher: Searcher, request: SearchRequest, name: str) -> Counter:
    result = searcher.facet_values(name, request, per_page=100_000)
    return Counter({v.value: v.count for v in result.values if v.count})


def test_facets_are_listed_in_order() -> None:
    assert [name for name, _ in FACETS] == list(VALUES)
    assert dict(FACETS)["availability"] == "Disponibilité"


LABELS = {
    "doc_type": "Type de document",
    "year": "Décennie",
    "language": "Langue",
    "author": "Auteur",
    "descriptor": "Descripteur",
    "keyword": "Mot-clé",
    "theme": "Thème",
    "series": "Collection",
    "source": "Base d'origine",
    "availability": "Disponibilité",
}


def test_each_facet_of_a_search_carries_its_french_label(searcher) -> None:
    """The labels the site translates: from the facets the searcher made, not the import-time
    list alone."""
    assert dict(FACETS) == LABELS
    result = searcher.search(SearchRequest())
    assert {name: f.label for name, f in result.facets.items()} == LABELS
    assert {name: searcher.facet_values(name, SearchRequest()).label for name in LABELS} == LABELS


@pytest.mark.parametrize("name", list(VALUES))
def test_counts_without_filters(searcher, records, name: str) -> None:
    expected = expected_counts(records, name)
    assert actual_counts(searcher, SearchRequest(), name) == expected
    if name not in ("keyword",):
        assert expected, f"the fixtures give no value for {name}"


def test_multi_valued_records_count_under_each_value(searcher, records) -> None:
    several = [r for r in records if len({author_value(a) for a in r.agents}) >= 3]
    assert several
    record = several[0]
    for agent in record.agents:
        found = searcher.search(
            SearchRequest(
                filters={"author": [author_value(agent)]}, per_page=100, with_facets=False
            )
        )
        assert record.id in {h.id for h in found.hits}
    many = [r for r in records if len(_descriptors(r)) >= 4]
    assert len(many) > 100
    counts = actual_counts(searcher, SearchRequest(), "descriptor")
    total_assignments = sum(len(_descriptors(r)) for r in records)
    assert sum(counts.values()) == total_assignments


CASES = [
    # OR within a facet
    ({"language": ["fre", "eng"]}, {}),
    # AND across facets
    ({"language": ["fre"], "doc_type": ["periodical"]}, {}),
    ({"language": ["fre"], "descriptor": ["Sociologie", "Droit"], "availability": ["online"]}, {}),
    # NOT
    ({}, {"language": ["eng"]}),
    ({"doc_type": ["periodical"]}, {"descriptor": ["Science politique"], "year": ["1990-1999"]}),
    ({"theme": ["education", "discriminations"]}, {"language": ["eng"]}),
    ({"year": ["1960-1969", "1970-1979"]}, {"source": ["medialab_cotes8.mrc"]}),
]


@pytest.mark.parametrize(("filters", "excludes"), CASES)
def test_counts_with_filters(searcher, records, filters, excludes) -> None:
    request = SearchRequest(filters=filters, excludes=excludes, facet_limit=100_000)
    result = searcher.search(request)
    for name in VALUES:
        expected = expected_counts(records, name, filters, excludes)
        assert actual_counts(searcher, request, name) == expected, name
        shown = {v.value: v.count for v in result.facets[name].values if v.count}
        assert shown == dict(expected), name
    # the total applies every facet, its own included
    passing = [
        r for r in records
        if all(VALUES[n](r) & set(v) for n, v in filters.items())
        and not any(VALUES[n](r) & set(v) for n, v in excludes.items())
    ]  # fmt: skip
    assert result.total == len(passing)


def test_counts_with_a_query(searcher, records) -> None:
    request = SearchRequest(q="annee:1950-2000", filters={"language": ["fre"]}, facet_limit=10**5)
    in_years = [r for r in records if r.year and 1950 <= r.year <= 2000]
    result = searcher.search(request)
    for name in ("language", "descriptor", "author"):
        expected = expected_counts(in_years, name, {"language": ["fre"]})
        assert {v.value: v.count for v in result.facets[name].values} == dict(expected)


def test_selected_and_excluded_flags(searcher) -> None:
    result = searcher.search(
        SearchRequest(filters={"language": ["fre"]}, excludes={"doc_type": ["book"]})
    )
    language = {v.value: v for v in result.facets["language"].values}
    assert language["fre"].selected and language["fre"].label == "Français"
    doc_type = {v.value: v for v in result.facets["doc_type"].values}
    assert doc_type["book"].excluded and doc_type["book"].label == "Livre"
    # a selected value with no hit still shows, so that it can be removed
    result = searcher.search(SearchRequest(filters={"author": ["Personne, Inconnue"]}))
    assert result.total == 0
    authors = result.facets["author"].values
    assert ("Personne, Inconnue", 0, True) in [(v.value, v.count, v.selected) for v in authors]
    assert len(authors) == 11  # the top 10 (own filter not applied) and the selected one


def test_limits_prefix_and_paging(searcher, records) -> None:
    result = searcher.search(SearchRequest(facet_limit=5))
    authors = result.facets["author"]
    assert len(authors.values) == 5 and authors.has_more
    assert authors.total_values == len(expected_counts(records, "author"))
    counts = [v.count for v in authors.values]
    assert counts == sorted(counts, reverse=True)
    page1 = searcher.facet_values("author", SearchRequest(), page=1, per_page=7)
    page2 = searcher.facet_values("author", SearchRequest(), page=2, per_page=7)
    assert not {v.value for v in page1.values} & {v.value for v in page2.values}
    leroy = searcher.facet_values("author", SearchRequest(), prefix="leroy")
    assert leroy.values and all("leroy" in fold_letters(v.value) for v in leroy.values)
    with pytest.raises(ValueError):
        searcher.facet_values("nope", SearchRequest())


def test_descriptor_hierarchy(searcher) -> None:
    values = searcher.search(SearchRequest(facet_limit=1000)).facets["descriptor"].values
    child = next(v for v in values if v.depth == 1)
    parent, _, label = child.value.rpartition(" -- ")
    assert child.label == label
    position = {v.value: i for i, v in enumerate(values)}
    assert position[parent] < position[child.value]  # narrower headings follow their parent


def test_year_facet_and_histogram(searcher, records) -> None:
    result = searcher.search(SearchRequest(q="droit"))
    decades = [v.value for v in result.facets["year"].values]
    assert decades == sorted(decades, reverse=True)
    assert (
        sum(c for _, c in result.year_histogram)
        == sum(1 for h in searcher.search(SearchRequest(q="droit", per_page=100)).hits if h.year)
        or result.total > 100
    )


def test_browse_and_themes(searcher, records) -> None:
    page = searcher.browse("descriptor", per_page=50)
    keys = [fold_letters(v.value) for v in page.values]
    assert keys == sorted(keys) and page.has_more
    socio = searcher.browse("descriptor", prefix="socio")
    assert "Sociologie" in {v.value for v in socio.values}
    assert all(fold_letters(v.value).startswith("socio") for v in socio.values)
    # A–Z: the letter or prefix starts the heading; a facet's filter box finds any word
    politique = {v.value for v in searcher.browse("descriptor", prefix="politique").values}
    assert politique and all(fold_letters(v).startswith("politique") for v in politique)
    assert "Science politique" not in politique
    request = SearchRequest()
    anywhere = searcher.facet_values("descriptor", request, prefix="politique", per_page=500)
    assert "Science politique" in {v.value for v in anywhere.values}
    series = searcher.browse("series")
    assert series.values and all(v.count > 0 for v in series.values)
    themes = searcher.themes()
    expected = expected_counts(records, "theme")
    assert [t["value"] for t in themes] == [t.value for t in load_themes(SAMPLE)]
    assert {t["value"]: t["count"] for t in themes if t["count"]} == dict(expected)
    with pytest.raises(ValueError):
        searcher.browse("nope")


def test_bitmaps_and_by_document_counting_agree(searcher) -> None:
    """Fields of few values count with per-value bitmaps, the others through a by-document
    index or a document → value array: on the same hits, every way gives the same counts."""
    from dataclasses import replace

    import numpy as np

    from indexer.arrays import Hits
    from indexer.request import evaluate

    state = searcher.live.state
    n = state.arrays.n
    rng = np.random.default_rng(5)
    masks = [state.arrays.live, np.zeros(n, dtype=bool)]
    for q in ("politique", "annee:1950-2000", "sociologie -histoire"):
        masks.append(evaluate(state, searcher.facets, SearchRequest(q=q)).final)
    for share in (0.01, 0.3, 0.9):
        masks.append((rng.random(n) < share) & state.arrays.live)
    with_bitmaps = 0
    for name, facet in searcher.facets.items():
        arrays = facet.arrays(state.engine)
        plain = replace(arrays, _bitmaps=False, _by_doc=None, _first=None)
        if arrays.bitmaps(n) is not None:
            with_bitmaps += 1
        for mask in masks:
            hits = Hits(mask)
            expected = plain.counts(mask)
            assert np.array_equal(arrays.counts(hits), expected), name
        ids = list(range(min(arrays.size, 3)))
        assert np.array_equal(arrays.docs_with(ids, n), plain.docs_with(ids, n)), name
    assert with_bitmaps >= 5  # type, decade, language, theme, availability, source…


def test_a_prefix_keeps_only_the_chosen_values_it_matches(searcher) -> None:
    request = SearchRequest(
        filters={"author": ["Leroy-Beaulieu, Anatole", "Zola, Émile", "Dupont,Zygmunt"]},
        excludes={"author": ["Leroy, Jean"]},
    )
    leroy = searcher.facet_values("author", request, prefix="leroy")
    assert [(v.value, v.count, v.selected, v.excluded) for v in leroy.values] == [
        ("Leroy-Beaulieu, Paul", 10, False, False),
        ("Leroy-Beaulieu, Anatole", 1, True, False),
        ("Leroy, Jean", 0, False, True),
    ]
    # any word of the value may start with the prefix, a comma being a word break
    zygmunt = searcher.facet_values("author", request, prefix="Zygmunt")
    assert [(v.value, v.count, v.selected) for v in zygmunt.values] == [("Dupont,Zygmunt", 0, True)]
    assert [v.value for v in searcher.facet_values("author", request, prefix="zola").values] == [
        "Zola, Émile"
    ]


def test_an_instance_without_themes_has_an_empty_theme_facet(corpus, tmp_path) -> None:
    empty = tmp_path / "themes.toml"
    empty.write_text("# aucun thème\n", "utf-8")
    bare = Searcher(corpus["index_dir"], themes_file=empty)
    try:
        result = bare.search(SearchRequest())
        assert result.total > 0 and result.facets["theme"].values == []
        assert bare.facet_values("theme", SearchRequest()).values == []
    finally:
        bare.close()


def test_each_value_carries_its_label_and_an_unknown_chosen_one_its_own_value(searcher) -> None:
    """A stale or forged link (« f=doc_type:xyz ») shows the value as its own label, no error."""
    result = searcher.search(SearchRequest())
    labels = {name: {v.value: v.label for v in f.values} for name, f in result.facets.items()}
    assert labels["availability"] == {"online": "En ligne", "onsite": "Sur place"}
    themes = {t.value: t.label for t in load_themes(SAMPLE)}
    assert labels["theme"] and all(themes[v] == label for v, label in labels["theme"].items())
    assert labels["theme"]["habitat"] == "Habitat et logement"
    chosen = {name: ["xyz"] for name in ("doc_type", "availability", "theme")}
    result = searcher.search(SearchRequest(filters=chosen))
    assert result.total == 0
    for name in chosen:
        shown = [(v.value, v.label, v.count, v.selected) for v in result.facets[name].values]
        assert ("xyz", "xyz", 0, True) in shown, name


def test_a_chosen_decade_without_hits_keeps_its_place_in_time(searcher) -> None:
    """Decades run from the most recent, the chosen ones without hits too (not put last)."""
    result = searcher.search(SearchRequest(filters={"year": ["2090-2099", "1000-1009"]}))
    decades = [v.value for v in result.facets["year"].values]
    assert decades[0] == "2090-2099" and decades[-1] == "1000-1009"
    assert decades == sorted(decades, key=lambda d: -int(d[:4]))
    assert len(decades) > 4


@pytest.fixture(scope="module")
def undated_index(tmp_path_factory) -> Path:
    """Three records typed here, none dated: keywords (one written « a,b », no space), a heading
    written whole « Logement -- Financement » (its broad heading not indexed apart), a custom
    field."""
    folder = tmp_path_factory.mktemp("undated")
    with Store(folder / "docbase.sqlite3") as store:
        store.save(
            Record(source="local", source_id="s1", title="Notice sans date", keywords=["Zonage"])
        )
        store.save(
            Record(
                source="local",
                source_id="s2",
                title="Rapport sans date",
                keywords=["Logement,habitat social"],
            )
        )
        store.save(
            Record(
                source="local",
                source_id="s3",
                title="Le financement du logement",
                subjects=[Subject(label="Logement -- Financement")],
                custom=[CustomField(name="axe", value="Habitat")],
                keywords=["Aménagement", "Banlieue", "Cité"],
            )
        )
        build.update(store, folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def undated(undated_index: Path) -> Iterator[Searcher]:
    searcher = Searcher(undated_index, themes_file=SAMPLE)
    yield searcher
    searcher.close()


def theme_counts(index: Path, themes_file: Path) -> dict[str, int]:
    with Searcher(index, themes_file=themes_file) as searcher:
        return {t["value"]: t["count"] for t in searcher.themes()}


def test_a_theme_heading_matches_its_narrower_headings_and_itself(undated_index, tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text(
        '[[theme]]\nvalue = "logement"\nlabel = "Logement"\ndescriptors = ["logement"]\n'
        '[[theme]]\nvalue = "financement"\nlabel = "Financement du logement"\n'
        'descriptors = ["Logement -- Financement"]\n',
        "utf-8",
    )
    assert theme_counts(undated_index, themes) == {"logement": 1, "financement": 1}


def test_themes_without_any_descriptor_match_by_keyword_and_custom_field(undated_index, tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text(
        '[[theme]]\nvalue = "mots"\nlabel = "Mots-clés"\nkeywords = ["logement,habitat social"]\n'
        '[[theme]]\nvalue = "axe"\nlabel = "Axe habitat"\n'
        'custom = [{ name = "axe", value = "habitat" }]\n',
        "utf-8",
    )
    assert theme_counts(undated_index, themes) == {"mots": 1, "axe": 1}


def test_an_index_without_any_year_has_an_empty_year_facet(undated) -> None:
    result = undated.search(SearchRequest())
    assert result.total == 3
    assert result.facets["year"].values == [] and result.year_histogram == []
    assert undated.facet_values("year", SearchRequest()).values == []


def test_a_value_filter_finds_a_word_after_a_comma_without_space(undated) -> None:
    found = undated.facet_values("keyword", SearchRequest(), prefix="habitat")
    assert [v.value for v in found.values] == ["Logement,habitat social"]


def test_values_of_equal_count_follow_their_labels_then_their_values() -> None:
    from indexer.facets import Facet, FacetValue, LanguageFacet

    languages = LanguageFacet("language", "Langue")
    values = [FacetValue(code, 2, languages.value_label(code)) for code in ("spa", "eng", "ger")]
    assert [v.value for v in languages.arrange(values)] == ["ger", "eng", "spa"]  # Allemand…
    unlabelled = [FacetValue("Rénovation urbaine", 1), FacetValue("Education", 1)]
    assert [v.value for v in Facet("keyword", "Mot-clé").arrange(unlabelled)] == [
        "Education",
        "Rénovation urbaine",
    ]


def test_a_descriptor_is_labelled_by_its_last_heading_and_only_descriptors_nest(searcher) -> None:
    from indexer.facets import DescriptorFacet

    descriptor = DescriptorFacet("descriptor", "Descripteur")
    assert descriptor.value_label("Éducation -- Politique publique") == "Politique publique"
    assert descriptor.value_label("Politique de la ville") == "Politique de la ville"
    assert descriptor.value_label("Éducation -- Politique publique -- Histoire") == "Histoire"
    # a request of its own: the session's searcher answers a repeated one from its cache
    facets = searcher.search(SearchRequest(facet_limit=999)).facets
    depths = {name: {v.depth for v in f.values} for name, f in facets.items()}
    assert {0, 1, 2} <= depths.pop("descriptor")  # « A -- B -- C » is at depth 2
    assert all(found == {0} for found in depths.values()), depths


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param(
            [("Logement", 3), ("Éducation -- Politique publique", 1), ("Éducation", 5),
             ("Éducation -- Discrimination", 2), ("Logement -- Politique publique", 3)],
            ["Éducation", "Éducation -- Discrimination", "Éducation -- Politique publique",
             "Logement", "Logement -- Politique publique"],
            id="narrower-under-their-heading",
        ),  # « A -- B » sorts under « A » by A's count, then by its own; not by its count alone
        pytest.param(
            [("Accès aux droits -- Jeunes", 1), ("Logement", 3), ("Emploi", 1),
             ("Politique de la ville", 4), ("Éducation", 5)],
            ["Éducation", "Politique de la ville", "Logement", "Emploi",
             "Accès aux droits -- Jeunes"],
            id="several-words-and-an-orphan",
        ),  # only « -- » separates headings; a narrower heading whose heading is not listed
        # (written whole, or its heading beyond the page) is under a heading of no records
    ],
)  # fmt: skip
def test_headings_sort_by_count_each_followed_by_its_narrower_headings(counts, expected) -> None:
    from indexer.facets import DescriptorFacet, FacetValue

    values = [FacetValue(value, count) for value, count in counts]
    arranged = DescriptorFacet("descriptor", "Descripteur").arrange(values)
    assert [v.value for v in arranged] == expected


def test_a_value_added_after_a_refresh_takes_its_place_a_to_z(small) -> None:
    """The A–Z positions are kept while the vocabulary grows, and rebuilt when it has."""
    store, index = small
    with Searcher(index, themes_file=SAMPLE) as searcher:
        before = [v.value for v in searcher.browse("author", per_page=500).values]
        added = Record(source="local", source_id="a1", title="Notice saisie ici")
        added.agents = [Agent(name="Aaron", forename="Zoé")]
        store.save(added)
        build.update(store, index)
        searcher.refresh()
        after = [v.value for v in searcher.browse("author", per_page=500).values]
    assert len(before) > 10 and after == ["Aaron, Zoé", *before]


@pytest.mark.parametrize("name", ["doc_type", "language", "source"])
def test_each_chosen_value_shows_once_with_its_count(searcher, records, name: str) -> None:
    """Every value in turn (the first in the index's vocabulary too), chosen or excluded."""
    expected = expected_counts(records, name)
    for value, count in expected.items():
        for request in (
            SearchRequest(filters={name: [value]}),
            SearchRequest(excludes={name: [value]}),
        ):
            shown = [(v.value, v.count) for v in searcher.search(request).facets[name].values]
            assert [v for v in shown if v[0] == value] == [(value, count)], request


@pytest.mark.parametrize("limit", [5, 10, 30, 60])
def test_the_top_values_are_the_most_frequent(searcher, records, limit: int) -> None:
    """Only the top values are sorted (every tie at the cut kept): at each limit, the page is
    full and holds the highest counts."""
    expected = expected_counts(records, "author")
    assert len(expected) > 12 * limit  # the authors are many: the partial sort is used
    top = searcher.search(SearchRequest(facet_limit=limit)).facets["author"]
    assert [v.count for v in top.values] == sorted(expected.values(), reverse=True)[:limit]
    assert all(expected[v.value] == v.count for v in top.values)


def test_pages_of_values_are_full_by_count_and_a_to_z(searcher) -> None:
    by_count = [
        searcher.facet_values("author", SearchRequest(), page=p, per_page=7) for p in (1, 2)
    ]
    a_to_z = [searcher.browse("author", page=p, per_page=7) for p in (1, 2)]
    assert [len(r.values) for r in by_count + a_to_z] == [7, 7, 7, 7]
    names = [fold_letters(v.value) for r in a_to_z for v in r.values]
    assert names == sorted(names) and len(set(names)) == 14


def test_more_values_only_when_there_are_more_than_shown(searcher, records) -> None:
    kinds = len(expected_counts(records, "doc_type"))
    exact = searcher.search(SearchRequest(facet_limit=kinds)).facets["doc_type"]
    assert exact.name == "doc_type" and len(exact.values) == kinds and not exact.has_more
    fewer = searcher.search(SearchRequest(facet_limit=kinds - 1)).facets["doc_type"]
    assert len(fewer.values) == kinds - 1 and fewer.has_more and fewer.total_values == kinds


def test_a_chosen_value_without_hits_is_counted_among_the_values(searcher, records) -> None:
    result = searcher.search(SearchRequest(filters={"author": ["Personne, Absente"]}))
    authors = result.facets["author"]
    assert authors.total_values == len(expected_counts(records, "author")) + 1


def test_a_chosen_value_beyond_the_limit_still_shows_with_its_count(searcher, records) -> None:
    expected = expected_counts(records, "author")
    rare = min(expected, key=lambda a: (expected[a], a))
    result = searcher.search(SearchRequest(excludes={"author": [rare]}, facet_limit=5))
    shown = [(v.value, v.count, v.excluded) for v in result.facets["author"].values]
    assert len(shown) == 6 and shown[-1] == (rare, expected[rare], True)


def test_the_first_value_indexed_chosen_beyond_the_limit_still_shows(undated) -> None:
    """« Zonage », record 1's keyword: the vocabulary's first value (id 0), last A–Z."""
    result = undated.search(SearchRequest(excludes={"keyword": ["Zonage"]}, facet_limit=1))
    shown = [(v.value, v.count, v.excluded) for v in result.facets["keyword"].values]
    assert shown == [("Aménagement", 1, False), ("Zonage", 1, True)]


def test_a_chosen_narrower_heading_without_hits_keeps_its_depth_and_label(searcher) -> None:
    result = searcher.search(SearchRequest(filters={"descriptor": ["Inconnu -- Sous-vedette"]}))
    shown = {v.value: v for v in result.facets["descriptor"].values}
    chosen = shown["Inconnu -- Sous-vedette"]
    assert (chosen.count, chosen.depth, chosen.label, chosen.selected) == (
        0,
        1,
        "Sous-vedette",
        True,
    )


def test_a_chosen_value_of_the_index_without_hits_under_other_filters_shows(
    searcher, records
) -> None:
    """A language of the index chosen with a document type that has none of its records."""
    languages = expected_counts(records, "language")
    checked = 0
    for doc_type in expected_counts(records, "doc_type"):
        present = expected_counts(records, "language", {"doc_type": [doc_type]})
        for language in sorted(set(languages) - set(present)):
            request = SearchRequest(filters={"doc_type": [doc_type], "language": [language]})
            shown = [
                (v.value, v.count, v.selected)
                for v in searcher.search(request).facets["language"].values
            ]
            assert (language, 0, True) in shown, request
            checked += 1
    assert checked > 5


def test_values_tied_at_the_cut_are_all_kept(searcher, records) -> None:
    """Three series tie at the top: a page of one shows the first of them A–Z."""
    expected = expected_counts(records, "series")
    counts = sorted(expected.values(), reverse=True)
    assert len(counts) > 12 and counts[0] == counts[2]
    tied = sorted((v for v, c in expected.items() if c == counts[0]), key=fold_letters)
    top = searcher.search(SearchRequest(facet_limit=1, per_page=1)).facets["series"]
    assert [(v.value, v.count) for v in top.values] == [(tied[0], counts[0])]


def test_a_chosen_narrower_heading_beyond_the_limit_keeps_its_depth_and_label(
    searcher, records
) -> None:
    expected = expected_counts(records, "descriptor")
    rare = min(
        (v for v, c in expected.items() if c == 1 and v.count(" -- ") == 2), key=fold_letters
    )
    result = searcher.search(SearchRequest(excludes={"descriptor": [rare]}, facet_limit=5))
    last = result.facets["descriptor"].values[-1]
    label = rare.rsplit(" -- ", 1)[1]
    assert (last.value, last.count, last.label, last.depth, last.excluded) == (
        rare,
        1,
        label,
        2,
        True,
    )
