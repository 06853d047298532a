"""Cataloguing on the web (issue 12): the editor, validation, duplicates, concurrent edits,
history and restore, delete and undelete, periodicals, permissions, and every save reaching the
public search and the UNIMARC export at once."""

from __future__ import annotations

import re

import pytest

from catalogue import formats
from catalogue.store import Store
from tests.test_staff import add, login, token

COTES8 = "tests/fixtures/unimarc/medialab_cotes8.mrc"


@pytest.fixture
def staff(app, client, runner):
    runner.invoke(args=["import", COTES8])
    add(runner, "marie")
    login(client, "marie")
    return client


def form(client, url: str) -> dict[str, str]:
    """The editor's inputs as a browser would post them (first option of a select if none)."""
    html = client.get(url).get_data(as_text=True)
    data: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        if not name.endswith("_remove"):
            data[name] = value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body) or re.search(
            r'<option value="([^"]*)"', body
        )
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = text
    data["csrf_token"] = token(client)
    return data


def unescape(text: str) -> str:
    return text.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")


def stored(app, record_id: int):
    with Store(app.config["STORE_PATH"]) as store:
        return store.get(record_id)


def new_article(client, **extra) -> object:
    data = form(client, "/personnel/notices/nouvelle?type=article")
    data.update(
        {
            "title": "Les conseils citoyens dans les quartiers prioritaires",
            "year": "2021",
            "agents-0-name": "Talpin",
            "agents-0-forename": "Julien",
            "agents-0-role": "070",
            "host-0-title": "Métropolitiques",
            "host-0-issn": "2104-5844",
            "host-0-number": "12",
            "subjects-0-label": "Participation des habitants",
            "languages-0-value": "fre",
            "_save": "1",
        }
    )
    data.update(extra)
    return client.post("/personnel/notices/nouvelle", data=data)


def record_id_of(response) -> int:
    return int(re.search(r"/personnel/notices/(\d+)$", response.headers["Location"]).group(1))


# -- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/personnel/notices/nouvelle", "/personnel/notices/1/modifier",
            "/personnel/notices/1", "/personnel/notices/1/historique",
            "/personnel/notices/1/supprimer", "/personnel/notices/autocompletion/author?q=du"],
)  # fmt: skip
def test_anonymous_visitors_get_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/personnel/connexion" in response.headers["Location"]


def test_anonymous_posts_are_refused(app, client, runner):
    runner.invoke(args=["import", COTES8])
    for url in ("/personnel/notices/1/supprimer", "/personnel/notices/1/retablir"):
        client.post(url, data={"csrf_token": token(client), "confirmer": "1"})
    assert stored(app, 1) is not None  # nothing deleted


def test_a_save_without_csrf_token_is_refused(app, staff):
    data = form(staff, "/personnel/notices/1/modifier")
    data.pop("csrf_token")
    data.update({"title": "Titre forgé", "_save": "1"})
    assert staff.post("/personnel/notices/1/modifier", data=data).status_code == 400
    assert stored(app, 1).title != "Titre forgé"


# -- cataloguing ---------------------------------------------------------------------------------


def test_a_new_article_is_saved_searchable_and_exported_at_once(app, staff):
    response = new_article(staff)
    assert response.status_code == 303
    record_id = record_id_of(response)
    record = stored(app, record_id)
    assert record.doc_type == "article" and record.bib_level == "a"
    assert record.host.title == "Métropolitiques" and record.host.issn == "2104-5844"
    assert [a.name for a in record.agents] == ["Talpin"]
    assert [s.label for s in record.subjects] == ["Participation des habitants"]
    found = staff.get("/api/search?q=conseils+citoyens").get_json()
    assert [h["id"] for h in found["hits"]] == [record_id]
    unimarc = staff.get(f"/notice/{record_id}.unimarc").data
    (back,) = list(formats.get("unimarc").read(unimarc))
    assert back.title == record.title


def test_an_edit_reaches_the_search_and_the_record(app, staff):
    data = form(staff, "/personnel/notices/1/modifier")
    data.update({"title": "Ségrégation urbaine et mixité sociale (édition corrigée)", "_save": "1"})
    assert staff.post("/personnel/notices/1/modifier", data=data).status_code == 303
    assert stored(app, 1).title.endswith("(édition corrigée)")
    hits = staff.get("/api/search?q=corrigée").get_json()["hits"]
    assert [h["id"] for h in hits] == [1]
    for name in ("unimarc", "unimarcxml", "pmbxml", "marc21", "marcxml", "ris", "dc"):
        fmt = formats.get(name)
        (back,) = list(fmt.read(staff.get(f"/notice/1.{formats.url_suffix(fmt)}").data))
        assert back.title.startswith("Ségrégation urbaine et mixité sociale (édition corrigée)"), (
            name
        )
    marc_view = unescape(staff.get("/notice/1/marc").get_data(as_text=True))
    assert "Ségrégation urbaine et mixité sociale (édition corrigée)" in marc_view  # not the old
    with Store(app.config["STORE_PATH"]) as store:
        assert [h.action for h in store.history(1)][-1] == "edit"
        assert store.history(1)[-1].actor == "marie"


def test_fields_the_form_does_not_show_are_kept(app, staff):
    before = stored(app, 1)
    data = form(staff, "/personnel/notices/1/modifier")
    data.update({"title": before.title + " !", "_save": "1"})
    staff.post("/personnel/notices/1/modifier", data=data)
    after = stored(app, 1)
    assert after.original.marc == before.original.marc
    assert [s.authority_id for s in after.subjects] == [s.authority_id for s in before.subjects]
    assert after.items == before.items and after.custom == before.custom


def test_repeatable_rows_are_added_and_removed_without_javascript(app, staff):
    data = form(staff, "/personnel/notices/nouvelle?type=book")
    data.update({"title": "Un livre", "agents-0-name": "Dubet", "_add": "agents"})
    page = staff.post("/personnel/notices/nouvelle", data=data).get_data(as_text=True)
    assert 'name="agents-1-name"' in page and 'value="Dubet"' in page  # one more row, kept
    data = form(staff, "/personnel/notices/1/modifier")
    count = len(stored(app, 1).agents)
    assert count >= 1
    data.update({"agents-0-_remove": "1", "_save": "1"})
    staff.post("/personnel/notices/1/modifier", data=data)
    assert len(stored(app, 1).agents) == count - 1


def test_the_type_decides_the_fields(staff):
    book = staff.get("/personnel/notices/nouvelle?type=book").get_data(as_text=True)
    article = staff.get("/personnel/notices/nouvelle?type=article").get_data(as_text=True)
    assert 'name="host-0-title"' in article and 'name="host-0-title"' not in book
    assert 'name="series-0-title"' in book and 'name="series-0-title"' not in article


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "Le titre est obligatoire."),
        ("year", "99", "L'année s'écrit en quatre chiffres"),
        ("doc_type", "nothing", "Choisissez un type de document."),
        ("identifiers-0-value", "978-2-7071-5462-1", "ISBN invalide : la clé de contrôle"),
        ("identifiers-0-value", "12345", "ISBN invalide : 10 ou 13 chiffres"),
        ("host-0-issn", "2104-5845", "ISSN invalide : la clé de contrôle"),
        ("links-0-url", "javascript:alert(1)", "Adresse invalide"),
    ],
)
def test_each_validation_message(app, staff, field, value, message):
    before = app.config  # nothing saved: the count of records stays
    with Store(before["STORE_PATH"]) as store:
        count = store.count()
    extra = {field: value}
    if field.startswith("identifiers"):
        extra["identifiers-0-scheme"] = "isbn"
    response = new_article(staff, **extra)
    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))
    with Store(before["STORE_PATH"]) as store:
        assert store.count() == count


def test_warnings_do_not_block(app, staff):
    response = new_article(staff, **{"subjects-0-label": "", "languages-0-value": ""})
    assert response.status_code == 303
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aucun descripteur" in page and "Aucune langue" in page


def test_a_likely_duplicate_is_shown_before_saving(app, staff):
    existing = stored(app, 1)
    data = form(staff, "/personnel/notices/nouvelle?type=book")
    isbn = next(iter(existing.isbns), None)
    data.update({"title": existing.title, "_save": "1"})
    if isbn:
        data.update({"identifiers-0-scheme": "isbn", "identifiers-0-value": isbn})
    data.update({"agents-0-name": existing.agents[0].name if existing.agents else ""})
    data.update({"year": str(existing.year or "")})
    first = staff.post("/personnel/notices/nouvelle", data=data)
    assert first.status_code == 409
    page = unescape(first.get_data(as_text=True))
    assert "Une notice semblable existe déjà" in page and "/personnel/notices/1" in page
    data["_force"] = "1"
    assert staff.post("/personnel/notices/nouvelle", data=data).status_code == 303


def test_the_second_of_two_concurrent_edits_is_refused_with_the_difference(app, client, runner):
    runner.invoke(args=["import", COTES8])
    add(runner, "marie")
    add(runner, "paul")
    other = app.test_client()
    login(client, "marie")
    login(other, "paul")
    first = form(client, "/personnel/notices/1/modifier")
    second = form(other, "/personnel/notices/1/modifier")
    first.update({"title": "Titre de Marie", "_save": "1"})
    second.update({"title": "Titre de Paul", "_save": "1"})
    assert client.post("/personnel/notices/1/modifier", data=first).status_code == 303
    refused = other.post("/personnel/notices/1/modifier", data=second)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "modifiée par quelqu" in unescape(page)
    assert "<del>Titre de Marie</del>" in page and "<ins>Titre de Paul</ins>" in page
    assert stored(app, 1).title == "Titre de Marie"  # never a silent overwrite
    # the refused form carries the new version: saving again goes through, knowingly
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    second["version"] = version
    assert other.post("/personnel/notices/1/modifier", data=second).status_code == 303
    assert stored(app, 1).title == "Titre de Paul"


def test_history_shows_who_changed_what_and_restores_a_version(app, staff):
    original_title = stored(app, 1).title
    data = form(staff, "/personnel/notices/1/modifier")
    data.update({"title": "Titre modifié", "_save": "1"})
    staff.post("/personnel/notices/1/modifier", data=data)
    page = staff.get("/personnel/notices/1/historique").get_data(as_text=True)
    assert "marie" in page and "<del>" + original_title[:20] in unescape(page)
    assert "<ins>Titre modifié</ins>" in page
    seqs = re.findall(r'name="seq" value="(\d+)"', page)
    assert seqs  # the first version can be brought back
    response = staff.post(
        "/personnel/notices/1/restaurer", data={"seq": seqs[-1], "csrf_token": token(staff)}
    )
    assert response.status_code == 303
    assert stored(app, 1).title == original_title
    assert staff.get("/api/search?q=modifié").get_json()["total"] == 0


def test_delete_needs_confirmation_and_can_be_undone(app, staff):
    assert (
        staff.post("/personnel/notices/1/supprimer", data={"csrf_token": token(staff)}).status_code
        == 200
    )
    assert stored(app, 1) is not None
    staff.post(
        "/personnel/notices/1/supprimer", data={"csrf_token": token(staff), "confirmer": "1"}
    )
    assert stored(app, 1) is None
    assert staff.get("/notice/1").status_code == 404
    staff.post("/personnel/notices/1/retablir", data={"csrf_token": token(staff)})
    assert stored(app, 1) is not None and staff.get("/notice/1").status_code == 200


def test_an_article_catalogued_from_its_issue_inherits_the_periodical(app, staff):
    data = form(staff, "/personnel/notices/nouvelle?type=periodical")
    data.update({"title": "Urbanisme", "identifiers-0-scheme": "issn",
                 "identifiers-0-value": "1240-0874", "_save": "1"})  # fmt: skip
    periodical = record_id_of(staff.post("/personnel/notices/nouvelle", data=data))
    issue_form = form(staff, f"/personnel/notices/nouvelle?dans={periodical}")
    assert issue_form["doc_type"] == "issue" and issue_form["host-0-title"] == "Urbanisme"
    issue_form.update({"title": "Quartiers en transition", "host-0-number": "n° 412",
                       "_save": "1"})  # fmt: skip
    issue = record_id_of(staff.post("/personnel/notices/nouvelle", data=issue_form))
    article_form = form(staff, f"/personnel/notices/nouvelle?dans={issue}")
    assert article_form["doc_type"] == "article"
    assert article_form["host-0-title"] == "Urbanisme"
    assert article_form["host-0-issn"] == "1240-0874"
    assert article_form["host-0-number"] == "n° 412"
    article_form.update({"title": "La rénovation vue des habitants", "_save": "1"})
    article = record_id_of(staff.post("/personnel/notices/nouvelle", data=article_form))
    assert stored(app, article).host.issn == "1240-0874"
    issue_page = staff.get(f"/personnel/notices/{issue}").get_data(as_text=True)
    assert f"/personnel/notices/{article}" in issue_page
    periodical_page = staff.get(f"/personnel/notices/{periodical}").get_data(as_text=True)
    assert f"/personnel/notices/{issue}" in periodical_page


def test_autocomplete_reads_the_authority_lists(app, staff):
    record = stored(app, 1)
    name = record.agents[0].name
    found = staff.get(f"/personnel/notices/autocompletion/author?q={name[:3]}").get_json()
    assert any(name in value for value in found)
    publisher = next(p.publisher for p in record.publication if p.publisher)
    found = staff.get(f"/personnel/notices/autocompletion/publisher?q={publisher[:3]}").get_json()
    assert publisher in found
    assert staff.get("/personnel/notices/autocompletion/nothing?q=abc").status_code == 404
    assert staff.get("/personnel/notices/autocompletion/author?q=a").get_json() == []


def test_descriptors_link_to_the_thesaurus_and_complete_with_preferred_terms(app, staff, runner):
    result = runner.invoke(
        args=["thesaurus", "import", "tests/fixtures/skos/unesco-fr-urban-subset.ttl"]
    )
    assert result.exit_code == 0, result.output
    found = staff.get("/personnel/notices/autocompletion/descriptor?q=Rénov").get_json()
    assert found[0] == "Rénovation urbaine"
    # a non-preferred term typed in the editor is saved as its preferred term, linked
    response = new_article(staff, **{"subjects-0-label": "réhabilitation urbaine"})
    record = stored(app, record_id_of(response))
    (subject,) = record.subjects
    assert subject.label == "Rénovation urbaine"
    assert subject.uri.startswith("http") and subject.authority_id
