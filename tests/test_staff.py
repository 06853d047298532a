"""Staff accounts: the `docbase user` commands, login and logout, roles, throttling shared by all
workers, sessions that end, and staff pages that no proxy keeps (issue 12, accounts and safety)."""

from __future__ import annotations

import sqlite3
import time

import pytest

from web import create_app

PASSWORD = "correct horse battery"


def add(runner, username: str, role: str = "documentalist", password: str = PASSWORD):
    return runner.invoke(
        args=["user", "add", username, "--role", role, "--name", username.title(),
              "--password-stdin"],
        input=password + "\n",
    )  # fmt: skip


def token(client) -> str:
    with client.session_transaction() as session:
        session.setdefault("csrf", "test-token")
        return session["csrf"]


def login(client, username: str, password: str = PASSWORD, suivant: str = ""):
    url = "/personnel/connexion" + (f"?suivant={suivant}" if suivant else "")
    return client.post(
        url, data={"username": username, "password": password, "csrf_token": token(client)}
    )


COTES8 = "tests/fixtures/unimarc/medialab_cotes8.mrc"


def documentalist_with_basket(client, runner, ids: tuple[int, ...]):
    """The cotes8 records imported, « marie » logged in, `ids` in her basket in that order."""
    runner.invoke(args=["import", COTES8])
    add(runner, "marie")
    login(client, "marie")
    for record_id in ids:
        client.post("/selection/ajouter", data={"id": record_id, "csrf_token": token(client)})
    return client


# -- the commands ------------------------------------------------------------------------------


def test_user_commands(app, runner):
    result = add(runner, "claire", "administrator")
    assert result.exit_code == 0 and "compte « claire » créé (administrateur)" in result.output
    assert add(runner, "luc").exit_code == 0
    listing = runner.invoke(args=["user", "list"]).output.splitlines()
    assert [line.split("\t")[:3] for line in listing] == [
        ["claire", "Administrateur", "actif"],
        ["luc", "Documentaliste", "actif"],
    ]
    assert runner.invoke(args=["user", "disable", "luc"]).exit_code == 0
    assert "luc\tDocumentaliste\tdésactivé" in runner.invoke(args=["user", "list"]).output
    assert runner.invoke(args=["user", "enable", "luc"]).exit_code == 0
    changed = runner.invoke(args=["user", "passwd", "luc", "--password-stdin"], input="x" * 12)
    assert changed.exit_code == 0 and "sessions ouvertes sont fermées" in changed.output


def test_user_commands_refuse_bad_input(runner):
    assert add(runner, "claire").exit_code == 0
    again = add(runner, "CLAIRE")
    assert again.exit_code != 0 and "existe déjà" in again.output
    short = add(runner, "eve", password="court")
    assert short.exit_code != 0 and "12 caractères au moins" in short.output
    assert "identifiant invalide" in add(runner, "a b").output
    unknown = runner.invoke(args=["user", "disable", "personne"])
    assert unknown.exit_code != 0 and "compte inconnu" in unknown.output
    assert "Traceback" not in short.output + unknown.output


def test_passwords_are_argon2id_hashes(app, runner):
    add(runner, "claire")
    db = sqlite3.connect(app.config["STORE_PATH"])
    (stored,) = db.execute("SELECT password_hash FROM staff_users").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


# -- login, roles, logout ---------------------------------------------------------------------


def test_anonymous_visitors_get_the_login_page(client):
    response = client.get("/personnel/comptes")
    assert response.status_code == 302
    assert response.headers["Location"] == "/personnel/connexion?suivant=/personnel/comptes"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Connexion du personnel" in page and 'name="csrf_token"' in page


def test_login_goes_back_where_asked_and_roles_hold(client, runner):
    add(runner, "luc")
    response = login(client, "luc", suivant="/personnel/comptes")
    assert response.status_code == 303 and response.headers["Location"] == "/personnel/comptes"
    assert client.get("/personnel/comptes").status_code == 403  # documentalist, admin page
    home = client.get("/personnel/").get_data(as_text=True)
    assert "Connecté : Luc (Documentaliste)" in home and "Comptes du personnel" not in home
    client.post("/personnel/deconnexion", data={"csrf_token": token(client)})
    assert client.get("/personnel/").status_code == 302


def test_an_administrator_sees_the_accounts(client, runner):
    add(runner, "claire", "administrator")
    add(runner, "luc")
    login(client, "claire")
    page = client.get("/personnel/comptes").get_data(as_text=True)
    assert page.count('<tr><th scope="row">') == 2 and "Documentaliste" in page


def test_a_login_from_elsewhere_is_never_an_open_redirect(client, runner):
    add(runner, "luc")
    response = login(client, "luc", suivant="//evil.example/")
    assert response.headers["Location"] == "/personnel/"


@pytest.mark.parametrize(
    ("username", "password", "status"),
    [("luc", "wrong password!", 401), ("nobody", PASSWORD, 401), ("", "", 400),
     ("luc", "x" * 5000, 400), ("luc\r\nX-Evil: 1", PASSWORD, 401)],
)  # fmt: skip
def test_bad_logins(client, runner, username, password, status):
    add(runner, "luc")
    response = login(client, username, password)
    assert response.status_code == status
    assert client.get("/personnel/").status_code == 302  # still anonymous


def test_login_without_csrf_token_is_refused(client, runner):
    add(runner, "luc")
    response = client.post("/personnel/connexion", data={"username": "luc", "password": PASSWORD})
    assert response.status_code == 400 and client.get("/personnel/").status_code == 302


def test_a_disabled_account_cannot_log_in_and_its_session_ends(client, runner):
    add(runner, "luc")
    login(client, "luc")
    assert client.get("/personnel/").status_code == 200
    runner.invoke(args=["user", "disable", "luc"])
    assert client.get("/personnel/").status_code == 302
    assert login(client, "luc").status_code == 401


def test_a_password_change_closes_the_sessions_opened_before(client, runner):
    add(runner, "luc")
    login(client, "luc")
    time.sleep(0.01)
    runner.invoke(args=["user", "passwd", "luc", "--password-stdin"], input="new password 2026\n")
    assert client.get("/personnel/").status_code == 302
    assert login(client, "luc", "new password 2026").status_code == 303


def test_a_staff_session_ends_after_its_idle_time(client, runner, monkeypatch):
    add(runner, "luc")
    with client.session_transaction() as session:
        session["basket"] = [7, 9]  # the visitor's part of the session
    login(client, "luc")
    start = time.time()
    clock = [start]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for hours in (7, 14):  # STAFF_SESSION_MINUTES is 480: each request renews the session
        clock[0] = start + hours * 3600
        assert client.get("/personnel/").status_code == 200
    clock[0] += 480 * 60 + 5
    assert client.get("/personnel/").status_code == 302
    with client.session_transaction() as session:
        assert session["basket"] == [7, 9]  # logged out of the staff side, basket kept


# -- throttling, shared by every worker --------------------------------------------------------


def test_five_failures_lock_the_account_for_every_worker(app, client, runner):
    add(runner, "luc")
    for _ in range(5):
        assert login(client, "luc", "wrong password!").status_code == 401
    locked = login(client, "luc")  # the right password, too late
    assert locked.status_code == 429 and "réessayez dans 15 minutes" in locked.get_data(
        as_text=True
    )
    # another worker process: another app on the same store counts the same failures
    other = create_app({"TESTING": True, "INSTANCE": app.config["INSTANCE"]}).test_client()
    assert login(other, "luc").status_code == 429


def test_one_address_trying_many_accounts_is_stopped(client, runner):
    add(runner, "luc")
    for n in range(20):
        assert login(client, f"guess{n}", "wrong password!").status_code == 401
    assert login(client, "luc").status_code == 429


def test_a_success_clears_the_account_count(client, runner):
    add(runner, "luc")
    for _ in range(4):
        login(client, "luc", "wrong password!")
    assert login(client, "luc").status_code == 303
    client.post("/personnel/deconnexion", data={"csrf_token": token(client)})
    for _ in range(4):
        login(client, "luc", "wrong password!")
    assert login(client, "luc").status_code == 303  # 4 + 4 failures, never 5 in a row


# -- staff pages are private -------------------------------------------------------------------


def test_staff_pages_are_never_indexed_nor_cached(client, runner):
    add(runner, "luc")
    for response in (client.get("/personnel/connexion"), client.get("/personnel/")):
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    login(client, "luc")
    home = client.get("/personnel/")
    assert home.headers["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in home.get_data(as_text=True)
    assert client.get("/").headers.get("X-Robots-Tag") is None  # the public site is indexed
