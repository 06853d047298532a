"""The site and the indexer bound a request the same way: one definition (indexer/limits.py)."""

from __future__ import annotations

import json
from pathlib import Path

from indexer import limits
from indexer.query import clean, parse
from indexer.search import SearchRequest

WEB = Path(__file__).parents[2] / "web"


def _query(length: int) -> str:
    """Real words, exactly `length` characters."""
    text = ("politique de la ville " * 100)[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


def test_the_query_cap_is_the_same_on_the_site_and_in_the_indexer(client) -> None:
    at_cap, over = _query(limits.MAX_QUERY), _query(limits.MAX_QUERY + 1)
    assert len(at_cap) == limits.MAX_QUERY and len(over) == limits.MAX_QUERY + 1
    # the indexer keeps a query at the cap whole and cuts one character more
    assert clean(at_cap) == (at_cap, False)
    assert clean(over)[1] is True and len(clean(over)[0]) < len(over)
    # the site serves the first and refuses the second, naming the same cap
    assert client.get("/recherche", query_string={"q": at_cap}).status_code == 200
    refused = client.get("/recherche", query_string={"q": over})
    assert refused.status_code == 400
    assert f"plus de {limits.MAX_QUERY} caractères" in refused.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": over}).status_code == 400


def test_forms_and_the_api_document_announce_the_same_cap() -> None:
    for template in ("base.html", "home.html"):
        html = (WEB / "templates" / template).read_text("utf-8")
        assert 'name="q"' in html, template
        assert f'maxlength="{limits.MAX_QUERY}"' in html, template
    spec = json.loads((WEB / "openapi.json").read_text("utf-8"))
    params = spec["paths"]["/search"]["get"]["parameters"]
    q = next(p for p in params if p["name"] == "q")
    assert q["schema"]["maxLength"] == limits.MAX_QUERY


def test_the_filter_cap_is_the_same_on_the_site_and_in_the_indexer(client, app) -> None:
    values = [f"v{i}" for i in range(limits.MAX_FILTERS + 5)]
    # the indexer keeps the first MAX_FILTERS values, selected and excluded together
    selected, excluded = limits.filters(
        SearchRequest(filters={"doc_type": values[:30]}, excludes={"author": values[30:]})
    )
    assert sum(map(len, selected.values())) + sum(map(len, excluded.values())) == (
        limits.MAX_FILTERS
    )
    assert selected["doc_type"] == values[:30] and excluded["author"] == values[30:40]
    at_cap = [("f", f"doc_type:{v}") for v in values[: limits.MAX_FILTERS]]
    assert client.get("/recherche", query_string=at_cap).status_code == 200
    over = [("f", f"doc_type:{v}") for v in values[: limits.MAX_FILTERS + 1]]
    assert client.get("/recherche", query_string=over).status_code == 400


def test_pages_and_sorts_are_bounded_alike(client) -> None:
    assert client.get(f"/recherche?q=ville&page={limits.MAX_PAGE}").status_code == 200
    assert client.get(f"/recherche?q=ville&page={limits.MAX_PAGE + 1}").status_code == 400
    assert limits.bounded(limits.MAX_PAGE + 1, 1, limits.MAX_PAGE) == limits.MAX_PAGE
    for sort in limits.SORTS:
        assert client.get(f"/recherche?q=ville&tri={sort}").status_code == 200
        assert limits.sort_key(sort) == sort
    assert limits.sort_key("prix") == "relevance"
    assert client.get("/recherche?q=ville&tri=prix").status_code == 400
    assert parse(_query(limits.MAX_QUERY)).text  # a query at the cap is still searched


def test_one_list_of_sorts_for_the_site_the_cli_and_the_indexer(app) -> None:
    from web.i18n import SORT_LABELS
    from web.state import SORTS as SITE_SORTS

    assert SITE_SORTS is limits.SORTS
    assert list(SORT_LABELS) == list(limits.SORTS)  # each sort has its label, in that order
    search = app.cli.commands["search"]
    sort_option = next(p for p in search.params if p.name == "sort")
    assert tuple(sort_option.type.choices) == limits.SORTS
    spec = json.loads((WEB / "openapi.json").read_text("utf-8"))
    tri = next(p for p in spec["paths"]["/search"]["get"]["parameters"] if p["name"] == "tri")
    assert tuple(tri["schema"]["enum"]) == limits.SORTS  # the API document states the same
