"""A new instance, before any import: every command and page answers, nothing crashes."""

from __future__ import annotations

import json


def test_pages_of_an_empty_catalogue(client):
    for url in ["/", "/recherche?q=logement", "/parcourir/descripteurs", "/selection"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Traceback" not in response.data
    assert client.get("/notice/1").status_code == 404


def test_index_and_search_on_an_empty_store(runner):
    result = runner.invoke(args=["index", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["indexed"] == 0
    result = runner.invoke(args=["search", "logement", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == 0
