"""The zero-result page: said once, one suggestion, the word that empties the search."""

from __future__ import annotations

import string

from indexer import suggest


def test_no_results_is_said_once_with_one_suggestion(client) -> None:
    html = client.get("/recherche?q=politiqe").get_data(as_text=True)
    assert html.count("Aucun résultat") + html.count("Aucune notice") == 2  # count line, heading
    assert html.count(">politique</a>") == 1  # the correction, offered once
    assert "Essayez l'orthographe" not in html


def test_the_word_that_empties_the_search_can_be_dropped(client) -> None:
    alone = client.get("/recherche?q=politique").get_data(as_text=True)
    assert "Aucune notice" not in alone
    html = client.get("/recherche?q=politique+zoologie").get_data(as_text=True)
    assert "Aucune notice ne correspond" in html
    assert "Sans le mot « zoologie »" in html
    assert 'href="/recherche?q=politique"' in html


def test_costly_prefixes_are_named_in_the_notice(client) -> None:
    q = "+".join(c + "*" for c in string.ascii_lowercase)
    response = client.get(f"/recherche?q={q}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Mots ignorés, trop coûteux à chercher : a*, b*, c*" in html


def test_relaxations_do_not_rerun_the_suggestions(client, monkeypatch) -> None:
    """Each filter removal of the zero-result page re-ran the query's spelling suggestions:
    50 misspelled words with six filters took 9.8 s."""
    calls = []
    real = suggest.did_you_mean
    monkeypatch.setattr(suggest, "did_you_mean", lambda *a: calls.append(1) or real(*a))
    filters = "&".join(
        f"f={f}" for f in ("language:zzz", "doc_type:map", "source:nowhere", "keyword:zzzz")
    )
    words = "+".join(f"politiqu{c}x" for c in string.ascii_lowercase)
    response = client.get(f"/recherche?q={words}&{filters}")
    assert response.status_code == 200
    assert len(calls) == 1
