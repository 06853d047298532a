"""Curated bibliographies: the commands, the pages, every export, Atom feeds, « Citer »."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from catalogue import formats
from catalogue.ingest import import_paths
from catalogue.record import Record
from catalogue.store import Store

ATOM = "{http://www.w3.org/2005/Atom}"
FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def bib(runner, record_ids):
    """A bibliography with a saved search and two picks, made with the commands."""
    picks = [str(record_ids["book-1"]), str(record_ids["article-1"])]
    result = runner.invoke(
        args=["bibliography", "create", "politique-ville", "--title", "Politique de la ville",
              "--intro", "Une sélection du centre.", "--query", "observatoire quartiers",
              "--group", "type", *picks],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    yield "politique-ville"


@pytest.fixture(scope="module")
def runner(app):
    return app.test_cli_runner()


def test_commands_create_add_remove_show_list_delete(runner, record_ids):
    book, article = record_ids["book-1"], record_ids["article-1"]
    out = runner.invoke(args=["bibliography", "create", "essai", "--title", "Essai", str(book)])
    assert out.exit_code == 0 and "créée" in out.output
    again = runner.invoke(args=["bibliography", "create", "essai", "--title", "Autre"])
    assert again.exit_code != 0 and "existe déjà" in again.output
    assert runner.invoke(args=["bibliography", "add", "essai", str(article)]).exit_code == 0
    shown = json.loads(runner.invoke(args=["bibliography", "show", "essai", "--json"]).output)
    assert shown["records"] == [book, article]
    assert [h["action"] for h in shown["history"]] == ["create", "update"]
    assert shown["history"][1]["changes"] == ["picks"]
    assert runner.invoke(args=["bibliography", "remove", "essai", str(book)]).exit_code == 0
    shown = json.loads(runner.invoke(args=["bibliography", "show", "essai", "--json"]).output)
    assert shown["picks"] == [article]
    assert "essai\tEssai\t1 notices choisies" in runner.invoke(args=["bibliography", "list"]).output
    missing = runner.invoke(args=["bibliography", "add", "essai", "999999"])
    assert missing.exit_code != 0 and "inconnues" in missing.output
    bad = runner.invoke(args=["bibliography", "create", "Mauvais slug", "--title", "X"])
    assert bad.exit_code != 0 and "invalide" in bad.output
    assert runner.invoke(args=["bibliography", "delete", "essai"]).exit_code == 0
    assert "essai" not in runner.invoke(args=["bibliography", "list"]).output
    gone = runner.invoke(args=["bibliography", "show", "essai"])
    assert gone.exit_code != 0 and "inconnue" in gone.output


def test_list_and_home_link(client, bib):
    page = client.get("/bibliographies").get_data(as_text=True)
    assert 'href="/bibliographies/politique-ville"' in page
    home = client.get("/").get_data(as_text=True)
    assert 'href="/bibliographies"' in home and "Politique de la ville" in home


def test_page_groups_formats_and_links_every_export(client, bib, record_ids):
    response = client.get(f"/bibliographies/{bib}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Une sélection du centre." in page
    assert (
        page.index("<h2>Livre</h2>") < page.index("MARTIN, Claire") < page.index("<h2>Article</h2>")
    )
    assert "OBSERVATOIRE NATIONAL DE LA POLITIQUE DE LA VILLE, 2023." in page
    for name, fmt in formats.FORMATS.items():
        if fmt.writer:
            assert fmt.label in page, name
    for ext in ("html", "txt", "odt", "docx"):
        assert f'href="/bibliographies/{bib}.{ext}"' in page
    assert f'href="/bibliographies/{bib}/atom"' in page
    apa = client.get(f"/bibliographies/{bib}?style=apa").get_data(as_text=True)
    assert "Martin, C. (2015)." in apa


def test_every_export_answers(client, bib):
    for fmt in (f for f in formats.FORMATS.values() if f.writer):
        for suffix in {fmt.name, formats.url_suffix(fmt)}:
            response = client.get(f"/bibliographies/{bib}.{suffix}")
            assert response.status_code == 200, suffix
            assert response.mimetype == fmt.mime
            assert response.data
    items = json.loads(client.get(f"/bibliographies/{bib}.json").data)
    assert "Discriminations à l'école : enquête dans les collèges" in [i["title"] for i in items]
    text = client.get(f"/bibliographies/{bib}.txt").get_data(as_text=True)
    assert text.startswith("Politique de la ville\n\nUne sélection du centre.")
    docx = client.get(f"/bibliographies/{bib}.docx?style=chicago-author-date").data
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert "Discriminations" in archive.read("word/document.xml").decode()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/bibliographies/inconnue", 404),
        ("/bibliographies/inconnue.txt", 404),
        ("/bibliographies/inconnue/atom", 404),
        ("/bibliographies/politique-ville.pdf", 404),
        ("/bibliographies/politique-ville?style=harvard", 400),
        ("/bibliographies/politique-ville.odt?style=%3Cscript%3E", 400),
        ("/recherche/atom?f=inconnue:x", 400),
    ],
)
def test_bad_requests_get_french_pages(client, bib, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert "text/html" in response.content_type
    assert "<script>" not in response.get_data(as_text=True)


def test_record_page_cites_in_iso690(client, record_ids):
    page = client.get(f"/notice/{record_ids['book-1']}").get_data(as_text=True)
    assert '<p class="reference" id="cite-reference">MARTIN, Claire, 2015.' in page
    assert 'data-copy="cite-reference"' in page  # the button, shown by the script
    hostile = client.get(f"/notice/{record_ids['hostile-1']}").get_data(as_text=True)
    reference = hostile.split('id="cite-reference">')[1].split("</p>")[0]
    assert "<script>" not in reference and "&lt;script&gt;" in reference


def test_search_atom_is_linked_and_valid(client):
    page = client.get("/recherche?q=observatoire").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/recherche/atom?q=observatoire"' in page
    response = client.get("/recherche/atom?q=observatoire")
    assert response.mimetype == "application/atom+xml"
    feed = etree.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert entries and all(e.find(f"{ATOM}published").text.endswith("Z") for e in entries)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0] == "Rapport annuel de l'observatoire des quartiers 2023"
    assert entries[0].find(f"{ATOM}summary").text.startswith("OBSERVATOIRE NATIONAL")


def test_bibliography_atom(client, bib):
    feed = etree.fromstring(client.get(f"/bibliographies/{bib}/atom").data)
    assert feed.find(f"{ATOM}title").text.startswith("Politique de la ville")
    assert len(feed.findall(f"{ATOM}entry")) > 2


def test_reimport_in_place_does_not_flood_the_feed(tmp_path):
    """« New » is the first history row: re-importing a whole base updates every record
    (new history rows) but the feed still shows only what was really added."""
    from indexer import build
    from web import create_app

    store = Store(tmp_path / "docbase.sqlite3")
    source = FIXTURES / "unimarc" / "medialab_cotes8.mrc"
    import_paths(store, [source], rejects_dir=tmp_path / "rejects", source="cotes8")
    build.update(store, tmp_path / "index")
    app = create_app({"INSTANCE": str(tmp_path), "TESTING": True, "SECRET_KEY": "t"})
    client = app.test_client()
    before = etree.fromstring(client.get("/recherche/atom").data)
    first = [
        (e.find(f"{ATOM}id").text, e.find(f"{ATOM}updated").text)
        for e in before.iter(f"{ATOM}entry")
    ]
    # the same base again, every record changed in place (a note added by the partner)
    for record in list(store.iter_records()):
        record.notes.append("Notice revue par la base partenaire")
        store.save(record, actor="import")
    assert all(len(store.history(r.id)) == 2 for r in store.iter_records())
    new = Record(source="cotes8", source_id="nouvelle", title="Une vraie nouveauté", year=2026)
    store.save(new, actor="import")
    build.update(store, tmp_path / "index")
    after = etree.fromstring(app.test_client().get("/recherche/atom").data)
    again = [
        (e.find(f"{ATOM}id").text, e.find(f"{ATOM}updated").text)
        for e in after.iter(f"{ATOM}entry")
    ]
    assert again[0][0].endswith(f"/notice/{new.id}")
    assert again[1:] == first
    store.close()
    from web.searching import close_searcher

    close_searcher(app)
