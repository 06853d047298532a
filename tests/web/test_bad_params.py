"""Hostile or broken requests answer 400/404/405/413 or a sensible page: never a 500."""

from __future__ import annotations

import pytest


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=0",
        "page=abc",
        "page=1.5",
        f"page={10**9}",
        f"page={10**40}",
        "f=inconnue:valeur",
        "f=sans-deux-points",
        "f=doc_type:",
        "x=inconnue:valeur",
        "tri=prix",
        "debut=abc",
        "fin=-5",
        "debut=99999",
        "q=" + "a" * 100_000,
        "q=%00nul",
        "&".join(f"f=doc_type:v{i}" for i in range(60)),
        "f=doc_type:" + "v" * 1000,
    ],
)
def test_bad_search_parameters_answer_400(client, query):
    response = client.get(f"/recherche?{query}")
    assert response.status_code == 400, query[:80]
    html = text(response)
    assert "Demande incorrecte" in html
    assert "Traceback" not in html
    assert '<html lang="fr">' in html


def test_bad_parameter_message_is_shown(client):
    html = text(client.get("/recherche?f=inconnue:valeur"))
    assert "Facette inconnue : « inconnue »" in html


@pytest.mark.parametrize(
    "query",
    [
        "q=%E2%80%AE%F0%9F%98%80",  # bidi override and an emoji
        "q=%22unclosed",
        "q=(((((",
        "q=title:",
        "q=*",
        "q=?",
        "q=AND OR NOT",
        "q=-",
        "q=%C3%A9%CC%81",
        "q=" + "mot " * 80,
        "q=<script>alert(1)</script>",
        "debut=1&fin=9999",
        "f=doc_type:<b>x</b>",
        "f=year:n'importe quoi",
        "unknown=param",
        "page=&tri=",
    ],
)
def test_odd_but_valid_requests_answer_a_page(client, query):
    response = client.get(f"/recherche?{query}")
    assert response.status_code == 200, query[:80]
    assert "<script>alert(1)</script>" not in text(response)
    assert "<b>x</b>" not in text(response)


@pytest.mark.parametrize(
    "url, status",
    [
        ("/recherche/facette/inconnue", 404),
        ("/recherche/facette/descriptor?vpage=0", 400),
        ("/recherche/facette/descriptor?vpage=x", 400),
        ("/recherche/facette/descriptor?filtre=" + "z" * 200, 400),
        ("/recherche/facette/descriptor?f=nope:x", 400),
        ("/notice/0", 404),
        ("/notice/-1", 404),
        ("/notice/abc", 404),
        (f"/notice/{10**30}", 404),
        (f"/notice/{2**63}", 404),
        ("/notice/1/inconnu", 404),
        ("/parcourir/inconnu", 404),
        ("/parcourir/auteurs?page=-3", 400),
        ("/parcourir/auteurs?page=" + "9" * 30, 400),
        ("/parcourir/auteurs?prefixe=" + "a" * 500, 400),
        ("/suggestions?q=" + "a" * 5000, 400),
        ("/langue/de", 404),
        ("/nulle-part", 404),
        ("/static/../web/__init__.py", 404),
    ],
)
def test_bad_urls(client, url, status):
    response = client.get(url)
    assert response.status_code == status, url[:80]
    assert "Traceback" not in text(response)
    assert "text/html" in response.content_type


def test_405_is_friendly(client):
    response = client.post("/recherche")
    assert response.status_code == 405
    response = client.delete("/")
    assert response.status_code == 405
    assert "Méthode non autorisée" in text(response)
    assert "GET" in response.headers["Allow"]


def test_405_on_get_of_a_post_only_url(client):
    response = client.get("/selection/ajouter")
    assert response.status_code == 405
    assert "Méthode non autorisée" in text(response)


def test_too_large_post_is_413(client, token):
    response = client.post(
        "/selection/ajouter", data={"csrf_token": token, "id": "1", "junk": "x" * 200_000}
    )
    assert response.status_code == 413
    assert "trop volumineuse" in text(response)


def test_open_redirect_is_refused(client, token, record_ids):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = client.post(
            "/selection/ajouter",
            data={"csrf_token": token, "id": record_ids["book-1"], "retour": target},
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/selection"


def test_language_switch_refuses_open_redirect(client):
    response = client.get("/langue/en?retour=https://evil.example/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_internal_error_is_a_friendly_500(instance):
    from web import create_app

    app = create_app({"INSTANCE": str(instance), "TESTING": True, "SECRET_KEY": "tests"})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail /etc/passwd")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = text(response)
    assert "Erreur interne" in html
    assert "secret detail" not in html and "RuntimeError" not in html


def test_missing_index_is_a_friendly_503(tmp_path):
    from web import create_app

    app = create_app({"INSTANCE": str(tmp_path), "TESTING": True, "SECRET_KEY": "tests"})
    client = app.test_client()
    response = client.get("/recherche?q=x")
    assert response.status_code in (200, 503)
    assert "Traceback" not in text(response)
    if response.status_code == 503:
        assert "momentanément indisponible" in text(response)


# -- issue 11: CR/LF in `retour`, validly signed but malformed sessions -----------------------
CONTROL_TARGETS = ["/selection\r\nSet-Cookie: x=1", "/a\nb", "/\t/evil.example", "/x\x00y"]


@pytest.mark.parametrize("target", CONTROL_TARGETS)
def test_control_characters_in_retour_of_the_language_switch(client, target):
    """A CR or LF in `retour` made the redirect header invalid: a 500. Browsers also drop tabs
    and newlines from URLs, so "/\\t/evil.example" would have been an open redirect."""
    response = client.get("/langue/en", query_string={"retour": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", CONTROL_TARGETS)
def test_control_characters_in_retour_of_the_basket_forms(client, token, record_ids, target):
    for url in ("/selection/ajouter", "/selection/retirer", "/selection/vider"):
        response = client.post(
            url, data={"csrf_token": token, "id": record_ids["book-1"], "retour": target}
        )
        assert response.status_code == 303, url
        assert response.headers["Location"] == "/selection"


MALFORMED_SESSIONS = [
    {"basket": [2**70]},
    {"basket": [-5, 0, True, "3", None, 1.5]},
    {"basket": {"a": 1}},
    {"basket": "12"},
    {"basket": 7},
    {"lang": {"x": 1}},
    {"lang": ["en"]},
    {"lang": 3},
    {"csrf": {"a": 1}},
    {"csrf": 12},
    {"_flashes": "pas une liste"},
    {"_flashes": [["error"], 3, {"a": 1}]},
]


@pytest.mark.parametrize("values", MALFORMED_SESSIONS, ids=lambda v: repr(v)[:40])
def test_malformed_signed_session_gets_clean_pages(client, token, record_ids, values):
    """A session is signed, so its shape is ours to trust only if nothing ever went wrong: an
    old version, a bug or a leaked key can sign anything. Every page still answers."""
    with client.session_transaction() as session:
        session.update(values)
    for url in ("/", "/recherche?q=ville", "/selection", f"/notice/{record_ids['book-1']}"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "Traceback" not in text(response)
    with client.session_transaction() as session:
        session.update(values)
        session["csrf"] = token
    response = client.post(
        "/selection/ajouter", data={"csrf_token": token, "id": record_ids["book-1"]}
    )
    assert response.status_code == 303
    assert client.get("/selection").status_code == 200
