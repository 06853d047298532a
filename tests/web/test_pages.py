"""Every public page answers 200 with the expected content (Flask test client, no JavaScript)."""

from __future__ import annotations

import re

from tests.web.conftest import HOSTILE_TITLE


def text(response) -> str:
    return response.get_data(as_text=True)


def test_home_has_search_box_latest_and_entry_points(client):
    response = client.get("/")
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="fr">' in html
    assert 'role="search"' in html and 'name="q"' in html
    assert "Dernières acquisitions" in html
    assert "Descripteurs les plus utilisés" in html
    assert "/notice/" in html
    assert 'href="#contenu"' in html  # skip link


def test_results_page_shows_count_facets_and_hits(client):
    response = client.get("/recherche?q=quartiers")
    assert response.status_code == 200
    html = text(response)
    assert re.search(r'id="result-count">\s*[\d\u202f\u00a0 ]+ résultats?', html)
    assert 'class="facet-form"' in html
    assert 'name="f" value="doc_type:' in html
    assert "Affiner la recherche" in html
    assert 'href="/notice/' in html
    assert "Critères actifs" in html  # the query is a chip


def test_empty_query_lists_the_whole_catalogue(client):
    response = client.get("/recherche")
    assert response.status_code == 200
    assert "résultats" in text(response)


def test_filters_or_within_and_across_facets(client):
    one = client.get("/recherche?f=doc_type:report")
    both = client.get("/recherche?f=doc_type:report&f=doc_type:thesis")
    narrowed = client.get("/recherche?f=doc_type:report&f=doc_type:thesis&f=language:eng")

    def count(r) -> int:
        match = re.search(r'id="result-count">\s*([\d\u202f\u00a0 ]+) résultat', text(r))
        assert match, text(r)[:2000]
        return int(re.sub(r"\D", "", match.group(1)))

    assert count(both) > count(one)
    assert 0 < count(narrowed) < count(both)
    html = text(narrowed)
    assert 'value="doc_type:report" checked' in html
    assert 'value="language:eng" checked' in html
    assert html.count('class="chip"') == 3


def test_exclude_a_value(client):
    everything = client.get("/recherche?q=rapport")
    without = client.get("/recherche?q=rapport&x=doc_type:thesis")
    assert without.status_code == 200
    assert "Sauf Type de document : Thèse, mémoire" in text(without)
    assert text(everything) != text(without)


def test_year_range_and_histogram(client):
    response = client.get("/recherche?q=observatoire&debut=2005&fin=2010")
    html = text(response)
    assert response.status_code == 200
    assert "Années 2005 à 2010" in html
    assert '<svg class="histogram"' in html
    assert 'name="debut"' in html and 'value="2005"' in html


def test_reversed_year_range_is_swapped(client):
    response = client.get("/recherche?debut=2010&fin=2005")
    assert response.status_code == 200
    assert "Années 2005 à 2010" in text(response)


def test_sort_and_pagination(client):
    response = client.get("/recherche?tri=date_desc&page=2")
    html = text(response)
    assert response.status_code == 200
    assert '<option value="date_desc" selected>' in html
    assert 'aria-current="page"><span class="visually-hidden">page </span>2</a>' in html
    assert 'rel="prev"' in html


def test_zero_results_page_helps(client):
    response = client.get("/recherche?q=quartiers&f=doc_type:map")
    html = text(response)
    assert response.status_code == 200
    assert "Aucune notice ne correspond" in html
    assert "Sans Type de document : Carte" in html  # drop that filter
    assert "Vérifiez l'orthographe" in html


def test_did_you_mean(client):
    response = client.get("/recherche?q=discriminasions")
    assert response.status_code == 200
    html = text(response)
    assert "Vouliez-vous dire" in html
    assert 'href="/recherche?q=discrimination">discrimination</a>' in html


def test_page_beyond_the_last_is_a_sensible_page(client):
    response = client.get("/recherche?q=discrimination&page=900")
    assert response.status_code == 200
    assert "Cette page est vide" in text(response)


def test_highlighted_snippets_are_marks(client):
    html = text(client.get("/recherche?q=rénovation"))
    assert "<mark>" in html


def test_facet_values_page(client):
    response = client.get("/recherche/facette/descriptor?q=ville")
    html = text(response)
    assert response.status_code == 200
    assert "toutes les valeurs" in html
    assert 'name="f" value="descriptor:' in html
    filtered = client.get("/recherche/facette/descriptor?q=ville&filtre=Pol")
    assert filtered.status_code == 200


def test_record_page_human_display(client, record_ids):
    response = client.get(f"/notice/{record_ids['book-1']}")
    html = text(response)
    assert response.status_code == 200
    assert "Discriminations à l&#39;école" in html
    assert 'Claire Martin</a>, <span class="role">Auteur</span>' in html
    assert "Éditeur scientifique" in html  # relator 340
    assert "Paris : La Découverte, 2015" in html
    assert "Repères</a> ; 654" in html
    assert "370 MAR" in html and "Salle de lecture" in html
    assert "f=descriptor:Discrimination" in html
    assert "Lien permanent" in html
    assert "Ajouter à la sélection" in html


def test_record_page_of_an_article_shows_its_issue(client, record_ids):
    html = text(client.get(f"/notice/{record_ids['article-1']}"))
    assert "Paru dans" in html
    assert "Revue urbanisme" in html and "n° 412" in html and "p. 12-18" in html
    assert 'href="https://example.org/article.pdf"' in html
    assert "Traducteur" in html


def test_record_isbd_view(client, record_ids):
    html = text(client.get(f"/notice/{record_ids['book-1']}/isbd"))
    assert "Description ISBD" in html
    assert "Paris : La Découverte, 2015" in html
    assert "(Repères ; 654)" in html
    assert "ISBN 978-2-7071-8600-0" in html


def test_record_marc_view_of_an_imported_record(client, app):
    from catalogue.store import Store

    store = Store(app.config["STORE_PATH"])
    try:
        row = store.db.execute(
            "SELECT id FROM records WHERE source LIKE 'medialab_cotes8%' LIMIT 1"
        ).fetchone()
    finally:
        store.close()
    assert row is not None, "the test instance imports cotes8 (tests/web/conftest.py)"
    html = text(client.get(f"/notice/{row[0]}/marc"))
    assert "Notice UNIMARC d'origine" in html
    assert '<th scope="row">LDR</th>' in html
    assert '<th scope="row">200</th>' in html
    assert '<span class="sf">$a</span>' in html


def test_record_marc_view_without_marc(client, record_ids):
    html = text(client.get(f"/notice/{record_ids['book-1']}/marc"))
    assert "n'a pas été importée d'un format MARC" in html


def test_similar_records(client, record_ids):
    html = text(client.get(f"/notice/{record_ids['report-2004']}"))
    assert "Notices similaires" in html


def test_unknown_record_is_a_french_404(client):
    response = client.get("/notice/999999999")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_autocomplete_json(client):
    response = client.get("/suggestions?q=disc")
    assert response.status_code == 200
    assert response.is_json
    assert all({"kind", "label"} <= set(item) for item in response.get_json())
    assert client.get("/suggestions?q=d").get_json() == []


def test_browse_pages(client):
    assert client.get("/parcourir/").status_code == 200
    for kind in ("descripteurs", "collections", "auteurs"):
        response = client.get(f"/parcourir/{kind}")
        assert response.status_code == 200, kind
        assert 'aria-label="Initiales"' in text(response)
    html = text(client.get("/parcourir/descripteurs?prefixe=Politique+de+la+ville"))
    assert "Politique de la ville" in html
    assert "f=descriptor:Politique+de+la+ville" in html
    assert client.get("/parcourir/descripteurs?prefixe=P&page=2").status_code == 200


def test_descriptor_hierarchy_is_indented(client):
    html = text(client.get("/parcourir/descripteurs?prefixe=Politique+de+la+ville"))
    assert '<li class="depth-1"><a href="/recherche?f=descriptor:Politique+de+la+ville+--+R' in html
    assert "Politique de la ville › Rénovation urbaine" in html


def test_basket_page_empty(client):
    response = client.get("/selection")
    assert response.status_code == 200
    assert "Votre sélection est vide" in text(response)


def test_hostile_record_is_escaped_everywhere(client, record_ids):
    pages = [
        f"/notice/{record_ids['hostile-1']}",
        f"/notice/{record_ids['hostile-1']}/isbd",
        "/recherche?q=ghettos",
        "/",
    ]
    for url in pages:
        html = text(client.get(url))
        assert '<script>alert("titre")' not in html, url
        assert "<img src=x" not in html, url
        assert "<b>Mallory</b>" not in html, url
        assert 'href="javascript:' not in html, url
    record = text(client.get(f"/notice/{record_ids['hostile-1']}"))
    assert "&lt;script&gt;alert(&#34;titre&#34;)&lt;/script&gt;" in record
    assert 'href="javascript:' not in record
    assert HOSTILE_TITLE not in record


def test_permalink_behind_a_reverse_proxy(instance, record_ids):
    from web import create_app

    app = create_app(
        {"INSTANCE": str(instance), "TESTING": True, "SECRET_KEY": "t", "PROXY_COUNT": 1}
    )
    html = text(
        app.test_client().get(
            f"/notice/{record_ids['book-1']}",
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "catalogue.example.fr"},
        )
    )
    assert f"https://catalogue.example.fr/notice/{record_ids['book-1']}" in html
