"""Formatted references (pandoc's citeproc, ISO 690 French by default) on French items."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from catalogue import citations, csl, formats
from catalogue.citecache import CitationCache, bibliography, references
from catalogue.record import Record
from catalogue.store import Store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "cite" / "references_fr.csv"


@pytest.fixture(scope="module")
def records() -> list[Record]:
    read = list(formats.get("csv").read(FIXTURE.read_bytes(), source="cite"))
    assert all(isinstance(r, Record) for r in read), read
    for number, record in enumerate(read, 1):
        record.id = number
    return read


def spaces(body: bytes) -> str:
    """pandoc writes French typography: no-break spaces before « : » and « ? »."""
    return body.decode("utf-8").replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(scope="module")
def iso_text(records) -> list[str]:
    return spaces(citations.render(records, "txt")).strip().split("\n\n")


def by_id(records: list[Record], source_id: str) -> Record:
    return next(r for r in records if r.source_id == source_id)


def test_csl_item_of_a_french_book(records):
    item = csl.item(by_id(records, "gaulle-1954"))
    assert item["type"] == "book"
    assert item["language"] == "fr-FR"
    assert item["author"] == [{"family": "Gaulle", "given": "Charles", "dropping-particle": "de"}]
    assert item["title"] == "Mémoires de guerre : L'appel, 1940-1942"
    assert item["issued"] == {"date-parts": [[1954]]}
    assert (item["publisher"], item["publisher-place"]) == ("Plon", "Paris")


def test_csl_item_editors_corporate_article_and_english(records):
    edited = csl.item(by_id(records, "bacque-2011"))
    assert "author" not in edited
    assert [e["family"] for e in edited["editor"]] == ["Bacqué", "Sintomer"]
    assert edited["ISBN"] == "978-2-7071-6632-3"
    corporate = csl.item(by_id(records, "onpv-2020"))
    assert corporate["author"] == [{"literal": "Observatoire national de la politique de la ville"}]
    article = csl.item(by_id(records, "ebrard-2019"))
    assert article["type"] == "article-journal"
    assert (article["container-title"], article["issue"], article["page"]) == (
        "Revue urbanisme",
        "412",
        "12-18",
    )
    assert len(article["author"]) == 4
    assert csl.item(by_id(records, "smith-2001"))["language"] == "en-US"


def test_csljson_export_reads_back_as_json(records):
    fmt = formats.get("csljson")
    assert fmt.mime == "application/vnd.citationstyles.csl+json"
    items = json.loads(b"".join(fmt.write(records)))
    assert [i["title"] for i in items] == [csl.item(r)["title"] for r in records]
    assert items[0]["keyword"] == "Paris, Halles"
    assert json.loads(b"".join(fmt.write([]))) == []


def test_iso690_french_order(iso_text):
    """É with E, Œ with O, « de Gaulle » under G, a corporate body under its name."""
    firsts = [line.split(",")[0] for line in iso_text]
    assert firsts == [
        "BACQUÉ",
        "ÉBRARD",
        "GAULLE",
        "OBSERVATOIRE NATIONAL DE LA POLITIQUE DE LA VILLE",
        "ŒUVRARD",
        "ŒUVRARD",
        "SMITH",
        "ZOLA",
    ]


def test_iso690_cases_of_the_issue(iso_text):
    text = "\n".join(iso_text)
    assert "GAULLE, Charles de, 1954. Mémoires de guerre" in text
    assert "ÉBRARD, Anne, LEFÈVRE, Benoît, NGUYEN, Thi et MARTIN, Claire, 2019." in text
    assert "BACQUÉ, Marie-Hélène et SINTOMER, Yves (éd.), 2011." in text
    # two works of one author in one year, lettered in the order they are listed
    oeuvrard = [line for line in iso_text if line.startswith("ŒUVRARD")]
    assert oeuvrard[0].startswith("ŒUVRARD, Éric, 2006a. La mixité sociale")
    assert oeuvrard[1].startswith("ŒUVRARD, Éric, 2006b. Les quartiers sont-ils des ghettos ?")
    assert "?." not in text and "ghettos ? Paris" in text
    # a French title keeps its case, in an English style too
    assert "Le Ventre de Paris" in text


def test_other_styles_keep_french_titles(records):
    chicago = citations.render(records, "txt", citations.Listing(style="chicago-author-date"))
    text = spaces(chicago)
    assert "Les quartiers sont-ils des ghettos ?" in text
    assert "The Making of the City" in text  # an English title is title-cased by Chicago
    apa = spaces(citations.render(records, "txt", citations.Listing(style="apa")))
    assert "Gaulle, C. de. (1954)." in apa
    numeric = citations.render(records, "txt", citations.Listing(style="iso690-numeric-fr"))
    lines = numeric.decode("utf-8").strip().split("\n\n")
    assert [line.split(".")[0] for line in lines] == [str(n) for n in range(1, 9)]


def test_grouping_by_type_with_headings(records):
    listing = citations.Listing(grouping="type", title="Ville et quartiers", introduction="Choix.")
    text = citations.render(records, "txt", listing).decode("utf-8")
    blocks = text.strip().split("\n\n")
    assert blocks[:2] == ["Ville et quartiers", "Choix."]
    headings = [b for b in blocks if "," not in b and b not in blocks[:2]]
    assert headings == ["Livre", "Article", "Rapport"]
    assert text.index("Livre") < text.index("ZOLA") < text.index("Article") < text.index("ÉBRARD")


def test_grouping_by_year_newest_first_and_date_order(records):
    listing = citations.Listing(grouping="year", order="date")
    text = citations.render(records, "txt", listing).decode("utf-8")
    years = [b for b in text.strip().split("\n\n") if b.isdigit()]
    assert years == ["2020", "2019", "2011", "2006", "2001", "1954", "1873"]


def test_grouping_by_descriptor_in_french_order(records):
    text = citations.render(records, "txt", citations.Listing(grouping="descriptor"))
    headings = [b for b in text.decode().strip().split("\n\n") if "," not in b]
    assert headings == sorted(headings, key=citations.french_key)
    assert headings.index("Démocratie participative") < headings.index("Histoire")


def test_french_key_sorts_accents_and_ligatures_with_their_letter():
    names = ["Zola", "Œuvrard", "Ébrard", "Durand", "oeillet", "Eluard"]
    assert sorted(names, key=citations.french_key) == [
        "Durand",
        "Ébrard",
        "Eluard",
        "oeillet",
        "Œuvrard",
        "Zola",
    ]


def test_html_is_escaped_and_odt_docx_are_documents(records):
    hostile = Record(id=99, title='<script>alert("x")</script> & *gras*', languages=["fre"])
    html = citations.render([hostile], "html").decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    for output, member in (("odt", "content.xml"), ("docx", "word/document.xml")):
        body = citations.render(records, output, citations.Listing(grouping="type"))
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            xml = archive.read(member).decode("utf-8")
        assert "Ventre de Paris" in xml and "Livre" in xml


def test_unknown_style_output_grouping_are_refused(records):
    with pytest.raises(citations.CitationError):
        citations.render(records, "txt", citations.Listing(style="harvard"))
    with pytest.raises(citations.CitationError):
        citations.render(records, "pdf")
    with pytest.raises(citations.CitationError):
        citations.render(records, "txt", citations.Listing(grouping="colour"))


def test_entries_one_reference_per_record(records):
    found = citations.entries(records[:3])
    assert set(found) == {"1", "2", "3"}
    assert (
        spaces(citations.plain(found["1"]).encode())
        == "ZOLA, Émile, 1873. Le Ventre de Paris. Paris : Charpentier."
    )


def test_cache_is_invalidated_by_the_store_changes(tmp_path, records):
    store = Store(tmp_path / "s.sqlite3")
    for r in records:
        r.id = None
    store.save_many(records)
    ids = [r.id for r in records]
    cache = CitationCache(tmp_path / "cache")
    listing = citations.Listing()
    first = bibliography(store, ids, "txt", listing, cache)
    with pytest.MonkeyPatch.context() as patch:  # a cached pull never reaches pandoc
        patch.setattr(citations, "render", lambda *a: pytest.fail("rendered again"))
        again = bibliography(store, ids, "txt", listing, cache)
    assert again == first
    assert bibliography(store, ids, "txt", listing, CitationCache(tmp_path / "cache")) == first
    zola = store.get(ids[0])
    zola.title = "Le Ventre de Paris (nouvelle édition)"
    store.save(zola)
    assert b"nouvelle" in bibliography(store, ids, "txt", listing, cache)
    refs = references([zola], "iso690-author-date-fr", cache)
    assert "nouvelle" in refs[str(zola.id)]
    store.close()
    for number, record in enumerate(records, 1):
        record.id = number
