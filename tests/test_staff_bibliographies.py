"""Curated bibliographies made and edited by the staff (issue 12): from the basket, then
introduction, order, grouping and picks edited on the web, versioned."""

from __future__ import annotations

import pytest

from catalogue.store import Store
from tests.test_staff import documentalist_with_basket, token


@pytest.fixture
def staff(client, runner):
    return documentalist_with_basket(client, runner, (3, 1, 2))


def bibliography(app, slug):
    with Store(app.config["STORE_PATH"]) as store:
        return store.bibliography(slug)


def create(staff, **extra):
    data = {"slug": "mixite", "titre": "Mixité sociale", "introduction": "Une sélection.",
            "regroupement": "", "ordre": "manual", "style": "iso690-author-date-fr",
            "notices": "3\n1\n2", "csrf_token": token(staff), **extra}  # fmt: skip
    return staff.post("/personnel/bibliographies/nouvelle", data=data)


def test_anonymous_visitors_are_refused(client):
    assert client.get("/personnel/bibliographies/").status_code == 302
    response = client.post("/personnel/bibliographies/nouvelle",
                           data={"slug": "x", "titre": "X", "csrf_token": token(client)})  # fmt: skip
    assert response.status_code == 302


def test_a_bibliography_is_made_from_the_basket(app, staff):
    form = staff.get("/personnel/bibliographies/nouvelle").get_data(as_text=True)
    assert ">3\n1\n2</textarea>" in form  # the basket's records, in its order
    response = create(staff)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/bibliographies/mixite"
    )
    bib = bibliography(app, "mixite")
    assert bib.picks == [3, 1, 2] and bib.order == "manual" and bib.title == "Mixité sociale"
    page = staff.get("/bibliographies/mixite").get_data(as_text=True)
    assert "Une sélection." in page


def test_introduction_order_grouping_and_picks_are_edited(app, staff):
    create(staff)
    data = {"titre": "Mixité sociale (2e éd.)", "introduction": "Revue et augmentée.",
            "regroupement": "year", "ordre": "date", "style": "apa", "notices": "2\n3",
            "csrf_token": token(staff)}  # fmt: skip
    assert staff.post("/personnel/bibliographies/mixite/modifier", data=data).status_code == 303
    bib = bibliography(app, "mixite")
    assert (bib.title, bib.introduction, bib.grouping, bib.order, bib.style, bib.picks) == (
        "Mixité sociale (2e éd.)",
        "Revue et augmentée.",
        "year",
        "date",
        "apa",
        [2, 3],
    )
    with Store(app.config["STORE_PATH"]) as store:
        assert len(store.bibliography_history("mixite")) == 2


def test_bad_values_are_refused_with_a_french_message(app, staff):
    response = create(staff, slug="Pas Bon")
    assert response.status_code == 422 and "invalide" in response.get_data(as_text=True)
    create(staff)
    taken = create(staff)
    assert taken.status_code == 409 and "déjà pris" in taken.get_data(as_text=True)
    data = {"titre": "", "regroupement": "", "ordre": "author", "notices": "",
            "csrf_token": token(staff)}  # fmt: skip
    response = staff.post("/personnel/bibliographies/mixite/modifier", data=data)
    assert response.status_code == 422 and bibliography(app, "mixite").title == "Mixité sociale"
