"""The thesaurus in the public search (issue 12): a non-preferred term typed in the search box
finds the records indexed with its preferred term, and the page says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.record import Record, Subject
from catalogue.store import Store
from catalogue.thesaurus import Thesaurus
from indexer import build

UNESCO = Path(__file__).parent / "fixtures" / "skos" / "unesco-fr-urban-subset.ttl"


@pytest.fixture
def client(app):
    with Store(app.config["STORE_PATH"]) as store:
        Thesaurus(store).import_file(UNESCO.read_bytes(), name=UNESCO.name, actor="tests")
        store.save(Record(source="t", source_id="1", title="Les grands ensembles transformés",
                          subjects=[Subject("Rénovation urbaine")]))  # fmt: skip
        store.save(Record(source="t", source_id="2", title="Réhabilitation urbaine à Lyon"))
        store.save(Record(source="t", source_id="3", title="Autre chose"))
        build.update(store, Path(app.config["INDEX_DIR"]))
    return app.test_client()


def titles(client, q: str) -> set[str]:
    hits = client.get("/api/search", query_string={"q": q}).get_json()["hits"]
    return {h["title"] for h in hits}


def test_a_non_preferred_term_finds_the_preferred_one(client):
    assert titles(client, "réhabilitation urbaine") == {
        "Les grands ensembles transformés",  # indexed « Rénovation urbaine »
        "Réhabilitation urbaine à Lyon",  # the words typed, as before
    }
    page = client.get("/recherche?q=réhabilitation+urbaine").get_data(as_text=True)
    assert "pas un terme retenu du thésaurus" in page and "« Rénovation urbaine »" in page


def test_a_preferred_term_or_a_query_with_syntax_is_left_as_typed(client):
    assert titles(client, '"réhabilitation urbaine"') == {"Réhabilitation urbaine à Lyon"}
    page = client.get("/recherche?q=Rénovation+urbaine").get_data(as_text=True)
    assert "terme retenu du thésaurus" not in page


def test_the_descriptor_facet_offers_the_broader_terms(client, app, runner):
    from catalogue.thesaurus import Thesaurus as T

    with Store(app.config["STORE_PATH"]) as store:
        concept = T(store).find("Rénovation urbaine")
        chain = [c.pref_label for c in T(store).broader_chain(concept.id)]
    assert chain  # the UNESCO subset puts it under a broader term
    top = chain[-1]
    facet = client.get("/api/search?q=*").get_json()["facets"]["descriptor"]
    values = {v["value"]: v["count"] for v in facet}
    assert values.get(top) == 1  # the record indexed « Rénovation urbaine » counts under it
    narrowed = client.get("/api/search", query_string={"f": f"descriptor:{top}"}).get_json()
    assert [h["title"] for h in narrowed["hits"]] == ["Les grands ensembles transformés"]
