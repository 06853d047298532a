"""The JSON API: every answer checked against the OpenAPI document the site serves, which is itself
checked by openapi-spec-validator; bad requests get JSON errors, never a page or a 500."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec


@pytest.fixture(scope="module")
def document(app):
    with app.test_client() as client:
        response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate_spec(spec)  # a valid OpenAPI 3.1 document
    return spec


def check(document: dict, path: str, response) -> dict | list:
    """The response's JSON, validated against the document's schema for that path and status."""
    operation = document["paths"][path]["get"]
    answer = operation["responses"][str(response.status_code)]  # KeyError: undocumented status
    schema = answer["content"]["application/json"]["schema"]
    root = {**document, **schema}  # $refs resolve against the whole document
    data = response.get_json()
    Draft202012Validator(root, format_checker=FormatChecker()).validate(data)
    return data


def test_search_with_facets(client, document):
    response = client.get("/api/search?q=politique de la ville&f=doc_type:report&par_page=5")
    data = check(document, "/search", response)
    assert data["total"] > 5 and len(data["hits"]) == 5 and data["per_page"] == 5
    assert {h["doc_type"] for h in data["hits"]} == {"report"}
    chosen = [v for v in data["facets"]["doc_type"] if v.get("selected")]
    assert [v["value"] for v in chosen] == ["report"]
    hit = data["hits"][0]
    assert hit["url"].endswith(f"/notice/{hit['id']}")
    assert client.get(hit["api_url"]).status_code == 200
    assert "/recherche?" in data["url"] and "par_page" not in data["url"]


def test_search_takes_the_sites_parameters(client, document):
    site = "q=rapport annuel&tri=date_asc&debut=2010&fin=2012"
    data = check(document, "/search", client.get(f"/api/search?{site}"))
    years = [h["year"] for h in data["hits"]]
    assert years == sorted(years) and set(years) == {2010, 2011, 2012}


def test_a_record_as_the_catalogue_holds_it(client, document, record_ids):
    response = client.get(f"/api/notice/{record_ids['article-1']}")
    data = check(document, "/notice/{record_id}", response)
    record = data["record"]
    assert record["title"] == "Les quartiers prioritaires face à la rénovation urbaine"
    assert record["host"]["title"] == "Revue urbanisme" and record["host"]["pages"] == "p. 12-18"
    assert [a["name"] for a in record["agents"]] == ["Dupont", "Nguyen"]
    assert "raw" not in record["original"]  # provenance bytes stay in the store
    assert data["unapi"].endswith(f"/unapi?id={record_ids['article-1']}")


def test_suggestions(client, document):
    data = check(document, "/suggestions", client.get("/api/suggestions?q=logem"))
    assert data and len(data) <= 8
    assert all(re.search(r"\blogem", s["label"], re.I) for s in data), data
    assert {"title", "descriptor"} <= {s["kind"] for s in data}


@pytest.mark.parametrize(
    ("url", "path", "status"),
    [
        ("/api/search?par_page=1000000000", "/search", 400),
        ("/api/search?par_page=0", "/search", 400),
        ("/api/search?tri=hasard", "/search", 400),
        ("/api/search?debut=abc", "/search", 400),
        ("/api/notice/999999999", "/notice/{record_id}", 404),
        (f"/api/notice/{10**30}", "/notice/{record_id}", 404),
        ("/api/suggestions?q=" + "a" * 101, "/suggestions", 400),
    ],
)
def test_bad_requests_get_json_errors(client, document, url, path, status):
    response = client.get(url)
    assert response.status_code == status and response.mimetype == "application/json"
    data = check(document, path, response)
    assert data["error"]["status"] == status and data["error"]["message"]


def test_unknown_api_urls_answer_json(client):
    response = client.get("/api/inconnu")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    response = client.post("/api/search")
    assert response.status_code in (400, 405) and "error" in response.get_json()


@pytest.fixture()
def bibliography(app, record_ids):
    runner = app.test_cli_runner()
    picks = [str(record_ids["book-1"]), str(record_ids["article-1"])]
    result = runner.invoke(args=["bibliography", "create", "api-ville", "--title", "Ville (API)",
                                 "--intro", "Pour les partenaires.", *picks])  # fmt: skip
    assert result.exit_code == 0, result.output
    yield "api-ville"
    runner.invoke(args=["bibliography", "delete", "api-ville"])


def test_bibliographies_and_their_records(client, document, bibliography, record_ids):
    listing = check(document, "/bibliographies", client.get("/api/bibliographies"))
    (entry,) = [b for b in listing["bibliographies"] if b["slug"] == bibliography]
    assert entry["title"] == "Ville (API)" and entry["url"].endswith("/bibliographies/api-ville")
    data = check(document, "/bibliographies/{slug}", client.get(entry["api_url"]))
    assert data["introduction"] == "Pour les partenaires."
    assert [r["id"] for r in data["records"]] == [record_ids["book-1"], record_ids["article-1"]]
    assert client.get(data["records"][0]["api_url"]).status_code == 200
    assert any(url.endswith("/bibliographies/api-ville.ris") for url in data["exports"].values())
    assert client.get(data["atom"]).status_code == 200
    missing = client.get("/api/bibliographies/nulle-part")
    check(document, "/bibliographies/{slug}", missing)
    assert missing.status_code == 404
