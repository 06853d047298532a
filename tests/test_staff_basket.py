"""Staff baskets (issue 12): a descriptor added to or removed from every record of the basket,
all its records deleted with confirmation; documentalists only."""

from __future__ import annotations

import pytest

from catalogue.store import Store
from tests.test_staff import COTES8, documentalist_with_basket, token


@pytest.fixture
def staff(client, runner):
    return documentalist_with_basket(client, runner, (1, 2, 3))


def records(app, ids=(1, 2, 3)):
    with Store(app.config["STORE_PATH"]) as store:
        return [store.get(i) for i in ids]


def test_anonymous_visitors_are_refused(app, client, runner):
    runner.invoke(args=["import", COTES8])
    client.post("/selection/ajouter", data={"id": 1, "csrf_token": token(client)})
    assert client.get("/personnel/selection/").status_code == 302
    client.post(
        "/personnel/selection/supprimer", data={"csrf_token": token(client), "confirmer": "1"}
    )
    assert records(app, (1,))[0] is not None


def test_a_descriptor_is_added_to_and_removed_from_every_record(app, staff):
    response = staff.post(
        "/personnel/selection/descripteur/ajouter",
        data={"descripteur": "Mixité sociale", "csrf_token": token(staff)},
    )
    assert response.status_code == 303
    assert all("Mixité sociale" in [s.label for s in r.subjects] for r in records(app))
    assert "Mixité sociale" not in [s.label for s in records(app, (4,))[0].subjects]
    found = staff.get("/api/search?f=descriptor:Mixité sociale").get_json()["total"]
    assert found == 3
    # added twice: still once per record
    staff.post("/personnel/selection/descripteur/ajouter",
               data={"descripteur": "mixite sociale", "csrf_token": token(staff)})  # fmt: skip
    assert all([s.label for s in r.subjects].count("Mixité sociale") == 1 for r in records(app))
    staff.post("/personnel/selection/descripteur/retirer",
               data={"descripteur": "MIXITÉ SOCIALE", "csrf_token": token(staff)})  # fmt: skip
    assert all("Mixité sociale" not in [s.label for s in r.subjects] for r in records(app))
    with Store(app.config["STORE_PATH"]) as store:
        assert [h.actor for h in store.history(1)][-1] == "marie"


def test_an_empty_descriptor_is_refused(staff):
    response = staff.post(
        "/personnel/selection/descripteur/ajouter",
        data={"descripteur": " ", "csrf_token": token(staff)},
    )
    assert response.status_code == 400


def test_deleting_the_basket_needs_confirmation(app, staff):
    page = staff.post("/personnel/selection/supprimer", data={"csrf_token": token(staff)})
    assert page.status_code == 200 and all(records(app))
    staff.post(
        "/personnel/selection/supprimer", data={"csrf_token": token(staff), "confirmer": "1"}
    )
    assert records(app) == [None, None, None]
    assert records(app, (4,))[0] is not None
