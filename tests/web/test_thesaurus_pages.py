"""The thesaurus in the staff workspace and on the command line: logins, edits under CSRF,
imports by upload, on the real UNESCO subset."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalogue.record import Record, Subject
from catalogue.store import Store
from catalogue.thesaurus import Thesaurus
from tests.test_staff import add, login, token
from web import create_app

UNESCO = Path(__file__).parents[1] / "fixtures" / "skos" / "unesco-fr-urban-subset.ttl"
RENOVATION = "/personnel/thesaurus/concept/concept15971"


@pytest.fixture(scope="module")
def unesco_store(tmp_path_factory) -> Path:
    """A store holding the UNESCO subset, imported once and copied for each test."""
    path = tmp_path_factory.mktemp("thesaurus") / "docbase.sqlite3"
    with Store(path) as store:
        Thesaurus(store).import_file(UNESCO.read_bytes(), name=UNESCO.name)
    return path


@pytest.fixture
def app(tmp_path, unesco_store):
    """A fresh instance holding the UNESCO subset (these tests edit it)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(unesco_store, instance / "docbase.sqlite3")
    return create_app({"TESTING": True, "INSTANCE": str(instance)})


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def staff(app, runner):
    """A client logged in as the documentalist « luc »."""
    client = app.test_client()
    add(runner, "luc")
    assert login(client, "luc").status_code == 303
    return client


def edit_form(client, **changes) -> dict[str, str]:
    page = client.get(RENOVATION + "/modifier").get_data(as_text=True)
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    form = {
        "csrf_token": token(client),
        "version": version,
        "pref_label": "Rénovation urbaine",
        "alt_labels": "Réhabilitation urbaine\nRevitalisation urbaine",
        "broader": "Aménagement urbain ; Logement",
        "scope_note": "Opérations de l'ANRU dans les quartiers.",
    }
    return {**form, **changes}


# -- who may see and edit -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/personnel/thesaurus/",
        "/personnel/thesaurus/az/r",
        RENOVATION,
        RENOVATION + "/modifier",
        "/personnel/thesaurus/import",
        "/personnel/thesaurus/suggestions?q=log",
    ],
)
def test_anonymous_visitors_get_the_login_page(app, url):
    client = app.test_client()
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/personnel/connexion?suivant=/personnel/")


def test_an_anonymous_post_changes_nothing(app):
    client = app.test_client()
    response = client.post(RENOVATION + "/modifier", data={"csrf_token": token(client),
                           "pref_label": "Piraté"})  # fmt: skip
    assert response.status_code == 302
    with Store(app.config["STORE_PATH"]) as store:
        assert Thesaurus(store).get("concept15971").pref_label == "Rénovation urbaine"


def test_browse_top_concepts_then_narrower(staff):
    response = staff.get("/personnel/thesaurus/")
    page = response.get_data(as_text=True)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "218 concepts" in page and page.count('<li><a href="/personnel/thesaurus/concept/') == 61
    assert '<a href="/personnel/thesaurus/concept/concept448">Développement urbain</a>' in page
    concept = staff.get("/personnel/thesaurus/concept/concept2148").get_data(as_text=True)
    assert f'<a href="{RENOVATION}">Rénovation urbaine</a>' in concept  # a narrower term


def test_search_finds_a_term_by_its_non_preferred_label(staff):
    page = staff.get("/personnel/thesaurus/?q=rehabilitation").get_data(as_text=True)
    assert f'Réhabilitation urbaine → <a href="{RENOVATION}">Rénovation urbaine</a>' in page
    assert "Aucun terme ne contient" in staff.get("/personnel/thesaurus/?q=zzz").get_data(
        as_text=True
    )


def test_the_a_to_z_index(staff):
    page = staff.get("/personnel/thesaurus/az/r").get_data(as_text=True)
    assert f'<a href="{RENOVATION}">Rénovation urbaine</a>' in page
    assert '<span aria-current="page">R</span>' in page
    assert staff.get("/personnel/thesaurus/az/%20").status_code == 404


def test_the_concept_page_counts_the_records_indexed_with_it(app, staff):
    with Store(app.config["STORE_PATH"]) as store:
        for n, label in enumerate(["Rénovation urbaine", "Réhabilitation urbaine", "Logement"]):
            record = Record(source="pmb", source_id=str(n), title=f"Notice {n}")
            record.subjects.append(Subject(label=label))
            store.save(record)
    page = staff.get(RENOVATION).get_data(as_text=True)
    assert "<h1>Rénovation urbaine</h1>" in page and "Urban renewal" in page
    assert "Réaménagement urbain ; Réhabilitation urbaine ; Revitalisation urbaine" in page
    assert ">2 notices</a>" in page
    assert '<li aria-current="page">Rénovation urbaine</li>' in page  # after its broader chain
    assert staff.get("/personnel/thesaurus/concept/nope").status_code == 404


def test_the_editor_autocomplete_offers_preferred_terms(staff):
    response = staff.get("/personnel/thesaurus/suggestions?q=LOG")
    assert [s["label"] for s in response.get_json()] == [
        "Logement",
        "Logement des étudiants",
        "Logement en location",
    ]
    page = staff.get(RENOVATION + "/modifier").get_data(as_text=True)
    assert 'data-autocomplete="/personnel/thesaurus/suggestions"' in page


# -- editing --------------------------------------------------------------------------------------


def test_a_documentalist_edits_a_concept(app, staff):
    response = staff.post(RENOVATION + "/modifier", data=edit_form(staff))
    assert response.status_code == 303 and response.headers["Location"] == RENOVATION
    page = staff.get(RENOVATION).get_data(as_text=True)
    assert "Concept enregistré." in page and "Opérations de l&#39;ANRU" in page
    assert "luc – edit (alt_labels, broader, scope_note)" in page
    with Store(app.config["STORE_PATH"]) as store:
        concept = Thesaurus(store).get("concept15971")
        assert concept.alt_labels == ["Réhabilitation urbaine", "Revitalisation urbaine"]
        assert len(concept.broader) == 2


def test_an_administrator_edits_too(app, runner):
    client = app.test_client()
    add(runner, "claire", "administrator")
    login(client, "claire")
    response = client.post(
        RENOVATION + "/modifier", data=edit_form(client, pref_label="Rénovation")
    )
    assert response.status_code == 303


def test_an_edit_without_the_csrf_token_is_refused(app, staff):
    form = edit_form(staff, pref_label="Sans jeton")
    del form["csrf_token"]
    response = staff.post(RENOVATION + "/modifier", data=form)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    forged = staff.post(RENOVATION + "/modifier", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 400
    with Store(app.config["STORE_PATH"]) as store:
        assert Thesaurus(store).get("concept15971").pref_label == "Rénovation urbaine"


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"broader": "Pas un terme"}, 400, "terme générique inconnu : « Pas un terme »"),
        ({"broader": "Rénovation urbaine"}, 400, "son propre terme générique"),
        ({"pref_label": ""}, 400, "Le terme préféré est obligatoire"),
        ({"pref_label": "Logement"}, 400, "déjà le terme préféré d&#39;un autre concept"),
        ({"version": "2001-01-01T00:00:00Z"}, 409, "modifié par quelqu&#39;un d&#39;autre"),
    ],
)
def test_a_bad_edit_shows_why(staff, changes, status, message):
    response = staff.post(RENOVATION + "/modifier", data=edit_form(staff, **changes))
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message in page and 'role="alert"' in page


def test_a_cycle_made_in_the_editor_is_refused(staff):
    form = edit_form(staff, broader="Rénovation urbaine")
    response = staff.post("/personnel/thesaurus/concept/concept2148/modifier", data={
        **form, "pref_label": "Aménagement urbain", "version": ""})  # fmt: skip
    assert response.status_code == 400
    assert "cycle dans les termes génériques" in response.get_data(as_text=True)


# -- import by upload -----------------------------------------------------------------------------


def _upload(client, data: bytes, name: str, fmt: str = ""):
    from io import BytesIO

    return client.post(
        "/personnel/thesaurus/import",
        data={"csrf_token": token(client), "format": fmt, "fichier": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_import_by_upload_reports_what_it_did(staff):
    # 100 kB: above the site's 64 kB limit for forms, within THESAURUS_MAX_UPLOAD
    response = _upload(staff, UNESCO.read_bytes(), UNESCO.name)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "unesco-fr-urban-subset.ttl [skos] lus 218, nouveaux 0, mis à jour 0, inchangés 218" in page
    )
    csv = "terme,terme générique,termes non retenus\nQuartier prioritaire,Quartier,QPV\n"
    page = _upload(staff, csv.encode("utf-8-sig"), "qpv.csv").get_data(as_text=True)
    assert "qpv.csv [csv] lus 2, nouveaux 2, mis à jour 0, inchangés 0" in page
    assert "« Quartier » n&#39;est pas un terme du fichier ni du thésaurus, ajouté" in page
    assert "QPV" in staff.get("/personnel/thesaurus/concept/quartier-prioritaire").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"pas du RDF du tout", "x.ttl", "ce n&#39;est pas du RDF"),
        (b"titre;auteurs\nLa ville;Donzelot\n", "x.csv", "colonne « terme » absente"),
        (b"", "vide.csv", "Choisissez un fichier"),
    ],
)
def test_a_bad_upload_is_refused_with_its_reason(app, staff, data, name, message):
    response = _upload(staff, data, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with Store(app.config["STORE_PATH"]) as store:
        assert store.concept_count() == 218


def test_an_upload_without_the_csrf_token_is_refused(staff):
    from io import BytesIO

    response = staff.post(
        "/personnel/thesaurus/import",
        data={"fichier": (BytesIO(b"terme\nX\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_the_pages_in_english(staff):
    staff.get("/langue/en")
    page = staff.get(RENOVATION).get_data(as_text=True)
    assert "Non-preferred terms" in page and "Broader terms" in page


# -- the commands ---------------------------------------------------------------------------------


def test_thesaurus_import_and_show(runner, tmp_path):
    result = runner.invoke(args=["thesaurus", "import", str(UNESCO)])
    assert result.exit_code == 0
    assert result.output.strip() == (
        "unesco-fr-urban-subset.ttl [skos] lus 218, nouveaux 0, mis à jour 0, inchangés 218"
    )
    shown = runner.invoke(args=["thesaurus", "show", "réhabilitation urbaine"])
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    assert lines[0] == "« réhabilitation urbaine » : employer « Rénovation urbaine »"
    assert lines[1] == "Rénovation urbaine (concept15971)"
    assert "  Termes génériques : Aménagement urbain" in lines
    assert "  Chaîne : Aménagement urbain > Développement urbain" in lines
    csv = tmp_path / "thesaurus.txt"
    csv.write_text("terme;termes non retenus\nPolitique de la ville;politique urbaine\n")
    result = runner.invoke(args=["thesaurus", "import", str(csv), "--format", "csv"])
    assert "[csv] lus 1, nouveaux 1" in result.output
    assert (
        "employer « Politique de la ville »"
        in runner.invoke(args=["thesaurus", "show", "POLITIQUE URBAINE"]).output
    )


def test_thesaurus_commands_refuse_bad_input(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(b"ceci n'est pas du RDF")
    result = runner.invoke(args=["thesaurus", "import", str(bad)])
    assert result.exit_code == 1 and "bad.ttl : fichier SKOS illisible" in result.output
    unknown = runner.invoke(args=["thesaurus", "show", "logem"])
    assert unknown.exit_code == 1
    assert "terme inconnu du thésaurus : « logem » ; termes proches : Logement" in unknown.output
    assert "Traceback" not in result.output + unknown.output
