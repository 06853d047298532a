"""The basket: add and remove from results and record pages, view it, empty it (PRG + CSRF)."""

from __future__ import annotations

from tests.web.conftest import csrf_from
from web.searching import get_store


def titles(client) -> str:
    return client.get("/selection").get_data(as_text=True)


def test_add_from_a_record_page_then_view_remove_and_empty(client, record_ids):
    book, article = record_ids["book-1"], record_ids["article-1"]
    page = client.get(f"/notice/{book}").get_data(as_text=True)
    token = csrf_from(page)
    response = client.post(
        "/selection/ajouter", data={"id": book, "csrf_token": token, "retour": f"/notice/{book}"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/notice/{book}"
    after = client.get(f"/notice/{book}").get_data(as_text=True)
    assert "ajouté à votre sélection" in after
    assert "Retirer de la sélection" in after
    assert '<span class="badge">1' in after

    client.post("/selection/ajouter", data={"id": article, "csrf_token": token})
    html = titles(client)
    assert "Discriminations à l&#39;école" in html
    assert "Les quartiers prioritaires" in html
    assert "2 notices sélectionnées" in html

    client.post("/selection/retirer", data={"id": book, "csrf_token": token})
    html = titles(client)
    assert "Discriminations à l&#39;école" not in html
    assert "1 notice sélectionnée" in html

    response = client.post("/selection/vider", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Votre sélection est vide" in titles(client)


def test_add_from_the_results_page_comes_back_to_the_results(client, record_ids):
    results = client.get("/recherche?q=discriminations").get_data(as_text=True)
    assert 'action="/selection/ajouter"' in results
    token = csrf_from(results)
    back = "/recherche?q=discriminations"
    response = client.post(
        "/selection/ajouter",
        data={"id": record_ids["book-1"], "csrf_token": token, "retour": back},
    )
    assert response.headers["Location"] == back
    assert "Retirer de la sélection" in client.get(back).get_data(as_text=True)


def test_adding_twice_keeps_one(client, token, record_ids):
    for _ in range(2):
        client.post("/selection/ajouter", data={"id": record_ids["book-1"], "csrf_token": token})
    with client.session_transaction() as session:
        assert session["basket"] == [record_ids["book-1"]]


def test_unknown_or_bad_ids_are_refused(client, token):
    for bad in ("999999999", "abc", "-1", "0", str(10**30), ""):
        response = client.post("/selection/ajouter", data={"id": bad, "csrf_token": token})
        assert response.status_code == 400, bad
    assert (
        client.post("/selection/retirer", data={"id": "x", "csrf_token": token}).status_code == 400
    )


def test_basket_is_capped(app, client, token, record_ids):
    with client.session_transaction() as session:
        session["basket"] = list(range(10**9, 10**9 + app.config["BASKET_MAX"]))
    response = client.post(
        "/selection/ajouter", data={"id": record_ids["book-1"], "csrf_token": token}
    )
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert len(session["basket"]) == app.config["BASKET_MAX"]
        assert record_ids["book-1"] not in session["basket"]


def test_deleted_records_drop_out_of_the_basket(app, client, token, record_ids):
    book, article = record_ids["book-1"], record_ids["article-1"]
    for record_id in (book, article):
        client.post("/selection/ajouter", data={"id": record_id, "csrf_token": token})
    assert "2 notices sélectionnées" in titles(client)
    with app.app_context():
        get_store().delete(book)
    try:
        html = titles(client)
    finally:  # the app is shared by the whole session
        with app.app_context():
            get_store().restore(book)
    assert "Discriminations à l&#39;école" not in html  # the deleted book
    assert "Les quartiers prioritaires" in html  # the article stays
    assert "1 notice sélectionnée" in html
    with client.session_transaction() as session:
        assert session["basket"] == [article]


def test_tampered_session_values_are_ignored(client, token, record_ids):
    # a basket docbase did not write is dropped as a whole (web/sessions.py); the rest stays
    article = record_ids["article-1"]
    with client.session_transaction() as session:
        session["basket"] = ["1; DROP TABLE", None, {"a": 1}, article, -3, "7", 10**30]
        session["lang"] = "en"
    response = client.get("/selection")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="en"' in html  # the visitor keeps their language
    assert "DROP TABLE" not in html
    assert "Les quartiers prioritaires" not in html
    with client.session_transaction() as session:
        assert session.get("basket", []) == []
        assert session["lang"] == "en"
    # and the basket works again at once
    client.post("/selection/ajouter", data={"id": article, "csrf_token": token})
    assert "Les quartiers prioritaires" in titles(client)
    with client.session_transaction() as session:
        assert session["basket"] == [article]
