"""What a documentalist reads on the pages (issue 8), on the real records that showed each fault."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from catalogue import formats
from catalogue.record import Record
from catalogue.store import Store
from web.display import abstract_paragraphs, geographic_headings, host_line, isbd
from web.opac import histogram

FIXTURES = Path(__file__).parents[1] / "fixtures"
DOUBLED_STOP = re.compile(r"(?<![.,])\.\.(?!\.)")  # not an ellipsis, nor ",.." (words left out)


def read(relative: str) -> list[Record]:
    data = (FIXTURES / relative).read_bytes()
    fmt = formats.detect(data, relative)
    return [r for r in formats.get(fmt).read(data, source=relative) if isinstance(r, Record)]


def one(records: list[Record], title_start: str) -> Record:
    found = [r for r in records if r.title.startswith(title_start)]
    assert found, title_start
    return found[0]


def text(response) -> str:
    return response.get_data(as_text=True)


def record_id(app, source: str, title_start: str) -> int:
    store = Store(app.config["STORE_PATH"])
    try:
        row = store.db.execute(
            "SELECT id FROM records WHERE source = ? AND title LIKE ?",
            (source, f"{title_start}%"),
        ).fetchone()
    finally:
        store.close()
    assert row, (source, title_start)
    return row[0]


# -- ISBD punctuation once --------------------------------------------------------------------
def test_a_prescribed_mark_replaces_the_final_full_stop():
    books = read("unimarc/medialab_cotes8.mrc")
    line = isbd(one(books, "De la colonisation"))[0]
    assert "4e éd. rev., corr. et augm. - Paris : Guillaumin, 1891" in line
    marc21 = read("marc21/test_data.utf8.mrc")
    line = isbd(one(marc21, "Koryŏ inmul"))[0]
    assert "255 p. ; 19 cm. - (Sŏmun munʼgo ; 237)" in line
    for record in books + marc21:
        for line in isbd(record):
            assert not DOUBLED_STOP.search(line), line


def test_a_title_and_its_part_take_one_full_stop():
    serials = read("unimarc/medialab_periouni.mrc")
    record = one(serials, "Actualité juridique")
    assert record.title == "Actualité juridique. Droit administratif"
    assert isbd(record)[0].startswith("Actualité juridique. Droit administratif. - Paris")


# -- statement of responsibility, article, dates ---------------------------------------------
def test_the_statement_of_responsibility_names_every_author():
    (article,) = read("bibtex/input__a_complete_article.bib")
    assert isbd(article)[0] == "Lorem Ipsum / Alice Adams, Bob Brody"
    (book,) = read("bibtex/input__a_complete_book.bib")
    assert "/ Alice Adams, Bob Brody ; Carol Coburn (éditeur scientifique). - " in isbd(book)[0]


def test_a_spreadsheet_report_names_its_director_and_reads_its_date():
    records = read("csv/notices_excel_cp1252.csv")
    report = one(records, "Évaluation du contrat de ville")  # "Petit, Jean-Luc (dir.) ; Garnier…"
    assert isbd(report)[0] == (
        "Évaluation du contrat de ville de l'agglomération : rapport final"
        " / Jean-Luc Petit (éditeur scientifique) ; Éloïse Garnier,"
        " Observatoire régional de l'habitat. - Marseille : ORH, 15 juin 2019. - 118 p."
    )
    article = one(records, "Les conseils citoyens")  # Date "03/2020"
    assert isbd(article)[:2] == [
        "Les conseils citoyens, cinq ans après / Sophie Martin, Moussa Diallo",
        "In : Urbanités & territoires, ISSN 2417-8136. - vol. 14, n° 2, mars 2020, p. 12-27",
    ]


def test_an_article_shows_its_host_not_a_publication_area():
    (article,) = read("bibtex/input__a_complete_article.bib")
    lines = isbd(article)
    assert not any("[S.l.]" in line or "[s.n.]" in line for line in lines), lines
    assert "In : The BibTeX Journal. - vol. 5, n° 6, février 2020, p. 200-210" in lines
    assert host_line(article, "en") == "vol. 5, n° 6, February 2020, p. 200-210"


def test_a_host_number_as_printed_keeps_its_own_label():
    serials = read("unimarc/medialab_periouni.mrc")
    labelled = [r for r in serials if r.host and re.match(r"^\D", r.host.number or "0")]
    for record in labelled:
        assert "n° n°" not in host_line(record)


# -- abstract once, places with their periods, labelled host ---------------------------------
def test_a_repeated_abstract_is_shown_once(client, app):
    (thesis,) = read("xml/abes_sudoc_252383524.xml")
    assert thesis.abstract.count("Le dessein de ce travail") == 2  # two identical 330
    assert len(abstract_paragraphs(thesis)) == 1
    html = text(client.get(f"/notice/{record_id(app, 'abes_sudoc_252383524.xml', 'La longévité')}"))
    body = lxml.html.fromstring(html).body.text_content()  # what the reader sees
    assert body.count("Le dessein de ce travail") == 1
    # and once in each kind of embedded metadata (Dublin Core, JSON-LD): not twice in either
    assert html.count("Le dessein de ce travail") == 3


def test_places_keep_their_periods(client, app):
    (thesis,) = read("xml/abes_sudoc_252383524.xml")
    assert geographic_headings(thesis) == [
        "France -- 1944-1958 (4e République)",
        "France -- 1958-.... (5e République)",
    ]
    html = text(client.get(f"/notice/{record_id(app, 'abes_sudoc_252383524.xml', 'La longévité')}"))
    assert "France -- 1944-1958 (4e République) ; France -- 1958-.... (5e République)" in html


def test_the_record_page_labels_the_host_item(client, app):
    page = text(client.get(f"/notice/{record_id(app, 'input__a_complete_article.bib', 'Lorem')}"))
    assert "The BibTeX Journal</a>, vol. 5, n° 6, février 2020, p. 200-210" in page


# -- MARC view only for MARC records ----------------------------------------------------------
def test_only_marc_records_have_a_marc_tab(client, app):
    bibtex = record_id(app, "input__a_complete_article.bib", "Lorem")
    assert f"/notice/{bibtex}/marc" not in text(client.get(f"/notice/{bibtex}"))
    unimarc = record_id(app, "medialab_cotes8.mrc", "De la colonisation")
    html = text(client.get(f"/notice/{unimarc}"))
    assert f'href="/notice/{unimarc}/marc"' in html and "Vue UNIMARC" in html


def test_marc_subfields_wrap_between_words_only():
    css = (Path(__file__).parents[2] / "web" / "static" / "docbase.css").read_text("utf-8")
    marc_rules = " ".join(re.findall(r"\.marc-table[^{]*\{([^}]*)\}", css))
    assert "break-all" not in marc_rules and "anywhere" not in marc_rules


# -- facets: corporate headings, themes, sources, languages -----------------------------------
def test_corporate_authors_keep_their_subordinate_bodies(client):
    html = text(client.get("/recherche/facette/author?filtre=France"))
    assert 'value="author:France. Ministère de la justice"' in html
    assert 'value="author:France"' not in html  # thirteen ministries were lumped under it
    html = text(client.get("/recherche/facette/author?filtre=Plan+urbain"))
    assert 'value="author:France. Plan urbain"' in html
    browse = text(client.get("/parcourir/auteurs?prefixe=France.+Plan"))
    assert "France. Plan urbain" in browse


def test_the_record_page_links_a_corporate_author_to_its_facet_value(client, app):
    record = record_id(app, "medialab_periouni.mrc", "Les Annales de la recherche urbaine")
    html = text(client.get(f"/notice/{record}"))
    assert "f=author:France.+Plan+urbain" in html or "f=author%3AFrance.+Plan+urbain" in html


def test_a_theme_chip_shows_the_theme_label(client):
    html = text(client.get("/recherche?f=theme:politique-de-la-ville"))
    assert "Thème : Politique de la ville" in html
    assert "Thème : politique-de-la-ville" not in html


def test_source_bases_have_readable_names(client):
    html = text(client.get("/recherche"))
    facet = html[html.index('id="facette-source"') :]
    facet = facet[: facet.index("</fieldset>")]
    assert "Medialab cotes8" in facet
    assert re.search(r">medialab_cotes8\.mrc", facet) is None


@pytest.fixture()
def labelled_client(instance):
    from web import create_app
    from web.searching import close_searcher

    labels = {"medialab_cotes8.mrc": "Sciences Po – monographies"}
    app = create_app(
        {"INSTANCE": str(instance), "TESTING": True, "SECRET_KEY": "t", "SOURCE_LABELS": labels}
    )
    yield app.test_client()
    close_searcher(app)


def test_the_centre_labels_its_sources(labelled_client):
    html = text(labelled_client.get("/recherche"))
    assert "Sciences Po – monographies" in html
    assert "Medialab cotes8" not in html


def test_every_language_code_gets_its_capitalised_name(client):
    html = text(client.get("/recherche/facette/language"))
    labels = re.findall(r'<label for="v-\d+">([^<(]+)', html)
    assert "Croate " in labels and "Multilingue " in labels and "Tibétain " in labels
    for label in labels:
        name = label.strip()
        assert name[0].isupper() and name != name.upper(), label  # not "scr", nor "KAN"
    client.get("/langue/en")
    english = text(client.get("/recherche/facette/language"))
    assert "Multilingual" in english and "multilingual" not in english


# -- histogram ---------------------------------------------------------------------------------
def test_histogram_bars_are_as_wide_as_the_years_they_span():
    pairs = [(1990, 3), (1991, 1), (2000, 5), (2023, 2)]  # 34 years: 40 one-year bins
    bars, top = histogram(pairs)
    assert top == 5 and [b.start for b in bars] == [1990, 1991, 2000, 2023]
    assert bars[2].x == 100.0 and bars[3].x == 330.0  # empty years keep their place
    wide = [(y, 1) for y in range(1700, 2024)]  # 324 years: 9-year bins, the last of 0
    bars, _ = histogram(wide)
    widths = {round(b.w, 6) for b in bars[:-1]}
    assert widths == {10.0}
    last = bars[-1]
    assert last.end - last.start + 1 == (2023 - 1700 + 1) % 9 or 9
    assert round(last.w, 6) == round(10.0 * (last.end - last.start + 1) / 9, 6)


def test_histogram_title_agrees_in_number(client):
    html = text(client.get("/recherche?q=Lorem+Ipsum+BibTeX+Journal"))
    assert "maximum 1 notice." in html and "maximum 1 notices" not in html


# -- phones: a way to the facets, whole call numbers --------------------------------------------
def test_results_link_to_the_facets(client):
    html = text(client.get("/recherche?q=ville"))
    link = html.index('href="#facets-title"')
    assert link < html.index('class="hits"')  # before the results
    assert 'id="facets-title"' in html


def test_holdings_table_scrolls_instead_of_splitting(client, app):
    record = record_id(app, "medialab_cotes8.mrc", "De la colonisation")
    html = text(client.get(f"/notice/{record}"))
    assert '<div class="table-scroll" tabindex="0" role="region"' in html
    assert '<td class="call-number">' in html


def test_an_article_page_has_no_bare_publication_year(client, app):
    page = text(client.get(f"/notice/{record_id(app, 'input__a_complete_article.bib', 'Lorem')}"))
    assert "<dt>Publication</dt>" not in page
