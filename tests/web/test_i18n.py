"""French by default, English on request; French numbers; translations compiled and complete."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parents[2] / "web" / "translations"


def _translated(string) -> bool:
    return bool(string) if isinstance(string, str) else all(string)


def _plain(string):
    return string if isinstance(string, str) else tuple(string)


def test_french_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Rechercher" in html
    assert 'hreflang="en"' in html


def test_switch_to_english_and_back(client):
    response = client.get("/langue/en?retour=/recherche?q=ville")
    assert response.status_code == 303
    assert response.headers["Location"] == "/recherche?q=ville"
    html = client.get("/recherche?q=ville").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Search results" in html
    assert "Refine your search" in html
    assert "Document type" in html
    client.get("/langue/fr")
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_english_record_page_uses_english_roles(client, record_ids):
    client.get("/langue/en")
    html = client.get(f"/notice/{record_ids['book-1']}").get_data(as_text=True)
    assert '<span class="role">Author</span>' in html
    assert "Editor" in html
    assert "Call number" in html


def test_french_number_format(app, client):
    from web.i18n import fmt_number

    with app.test_request_context():
        assert fmt_number(1234567) == "1\u202f234\u202f567"
        assert fmt_number(999) == "999"
    client.get("/langue/en")
    html = client.get("/recherche").get_data(as_text=True)
    assert re.search(r'id="result-count">\s*[\d,]+ results?', html)


def test_french_dates_on_record_pages(client, record_ids):
    html = client.get(f"/notice/{record_ids['book-1']}").get_data(as_text=True)
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    assert re.search(rf"notice créée le \d{{1,2}} ({months}) \d{{4}}", html)


def test_english_catalogue_is_complete_and_compiled():
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle)
    missing = [m.id for m in po if m.id and not _translated(m.string)]
    assert not missing, missing[:10]
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        mo = read_mo(handle)
    for message in po:
        if message.id and not message.fuzzy:
            compiled = mo.get(message.id)
            assert compiled is not None, f"stale .mo: run `make translations` ({message.id!r})"
            assert _plain(compiled.string) == _plain(message.string), message.id


def test_every_template_string_is_in_the_catalogue():
    from babel.messages.extract import extract_from_dir

    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle)
    root = Path(__file__).parents[2] / "web"
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    found = {
        (msg[2] if isinstance(msg[2], str) else msg[2][0])
        for msg in extract_from_dir(str(root), method_map)
    }
    missing = sorted(m for m in found if m not in po)
    assert not missing, f"run `make translations` and translate: {missing[:10]}"


def test_the_cli_and_the_site_name_every_facet_alike(app, client):
    """One label per facet, the indexer's: the year facet was « Année » in the CLI and
    « Décennie » on the site."""
    import html as html_module

    from indexer.facets import FACETS

    output = app.test_cli_runner().invoke(args=["search", ""]).output
    cli = {line.split(" : ")[0] for line in output.splitlines() if " : " in line and line[0] != " "}
    page = client.get("/recherche?debut=1&fin=9999").get_data(as_text=True)
    site = {html_module.unescape(label) for label in re.findall(r"<legend>([^<]+)</legend>", page)}
    labels = dict(FACETS)
    assert labels["year"] == "Décennie"
    assert {"Décennie", "Type de document", "Langue"} <= cli
    assert cli <= site, (cli, site)
    assert cli <= set(labels.values())
