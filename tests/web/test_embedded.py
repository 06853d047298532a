"""What reference managers read in the pages: unAPI, COinS, `citation_*`/Dublin Core tags, JSON-LD.

Zotero runs one of them per page and never merges them, so each is checked complete on its own,
on the records of the test catalogue (a book with ISBN, an article in a periodical issue, a
thesis from the Sudoc, reports of a corporate body) — read back by independent parsers: pymarc
for the unAPI MARC, the standard library's query-string parser for COinS, json for JSON-LD.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import parse_qs

import pymarc
import pytest
from lxml import etree, html

from tests.web.conftest import HOSTILE_TITLE


def _page(client, path: str) -> html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.fromstring(response.get_data(as_text=True))


def _meta(page: html.HtmlElement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in page.xpath("//head/meta[@name]"):
        out.setdefault(meta.get("name"), []).append(meta.get("content"))
    return out


def _json_ld(page: html.HtmlElement) -> dict:
    (script,) = page.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


# -- record pages: citation_* and Dublin Core ------------------------------------------------


def test_a_book_with_isbn_is_a_book_for_highwire_readers(client, record_ids):
    meta = _meta(_page(client, f"/notice/{record_ids['book-1']}"))
    assert meta["citation_title"] == ["Discriminations à l'école"]
    assert meta["citation_author"] == ["Martin, Claire", "Bernard, Luc"]
    assert meta["citation_isbn"] == ["978-2-7071-8600-0"]  # without it, a journal article
    assert meta["citation_publisher"] == ["La Découverte"]
    assert meta["citation_publication_date"] == ["2015"]
    assert meta["citation_language"] == ["fr"]
    assert "citation_journal_title" not in meta
    assert meta["DC.publisher"] == ["La Découverte"] and "DC.type" not in meta


def test_an_article_carries_its_journal_volume_issue_pages_and_issn(client, record_ids):
    meta = _meta(_page(client, f"/notice/{record_ids['article-1']}"))
    assert meta["citation_journal_title"] == ["Revue urbanisme"]
    assert meta["citation_issue"] == ["412"]  # « n° 412 » as a number
    assert (meta["citation_firstpage"], meta["citation_lastpage"]) == (["12"], ["18"])
    assert meta["citation_issn"] == ["1234-5679"]
    assert meta["citation_author"] == ["Dupont, Marie"]  # the translator is not an author


def test_a_thesis_names_its_university(client):
    found = client.get("/recherche?q=longévité politique").get_data(as_text=True)
    record_id = re.search(r'href="/notice/(\d+)"', found).group(1)
    meta = _meta(_page(client, f"/notice/{record_id}"))
    assert meta["citation_title"] == ["La longévité politique"]
    assert meta["citation_dissertation_institution"] == ["Amiens"]  # from its 328 note
    assert meta["citation_author"][0] == "Carpi, Benjamin"


def test_a_book_without_isbn_gets_no_citation_tags():
    # Zotero's Embedded Metadata translator makes citation_* without an ISBN a journal article
    from catalogue.record import Record
    from web import embedded

    book = Record(doc_type="book", title="Sans ISBN", year=1990)
    assert embedded.highwire(book, "http://x/notice/1") == []
    assert ("DC.title", "Sans ISBN") in embedded.meta_tags(book, "http://x/notice/1")


# -- record pages: JSON-LD ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_id", "schema_type"),
    [("book-1", "Book"), ("article-1", "ScholarlyArticle"), ("report-2001", "Report"),
     ("report-2002", "Thesis")],
)  # fmt: skip
def test_json_ld_types(client, record_ids, source_id, schema_type):
    data = _json_ld(_page(client, f"/notice/{record_ids[source_id]}"))
    assert data["@context"] == "https://schema.org" and data["@type"] == schema_type
    assert data["url"].endswith(f"/notice/{record_ids[source_id]}")


def test_json_ld_of_a_book_and_an_article(client, record_ids):
    book = _json_ld(_page(client, f"/notice/{record_ids['book-1']}"))
    assert book["isbn"] == "978-2-7071-8600-0" and book["numberOfPages"] == 250
    assert book["publisher"] == {
        "@type": "Organization",
        "name": "La Découverte",
        "location": "Paris",
    }
    assert book["author"][0] == {
        "@type": "Person", "name": "Claire Martin", "familyName": "Martin", "givenName": "Claire",
    }  # fmt: skip
    article = _json_ld(_page(client, f"/notice/{record_ids['article-1']}"))
    assert article["isPartOf"] == {
        "@type": "PublicationIssue",
        "issueNumber": "412",
        "isPartOf": {"@type": "Periodical", "name": "Revue urbanisme", "issn": "1234-5679"},
    }
    assert article["pagination"] == "12-18"


def test_json_ld_cannot_close_its_script(client, record_ids):
    text = client.get(f"/notice/{record_ids['hostile-1']}").get_data(as_text=True)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1)
    assert "<" not in script and json.loads(script)["name"] == HOSTILE_TITLE


# -- result lists and basket: COinS --------------------------------------------------------------


def _coins(page: html.HtmlElement) -> list[dict[str, list[str]]]:
    return [parse_qs(span.get("title")) for span in page.xpath('//span[@class="Z3988"]')]


def test_results_carry_one_coins_per_hit(client):
    page = _page(client, "/recherche?q=rénovation urbaine quartiers prioritaires")
    hits = page.xpath('//ol[@class="hits"]/li')
    coins = _coins(page)
    assert len(coins) == len(hits) > 0
    article = next(c for c in coins if c.get("rft.atitle") == [
        "Les quartiers prioritaires face à la rénovation urbaine"
    ])  # fmt: skip
    assert article["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert article["rft.genre"] == ["article"] and article["rft.jtitle"] == ["Revue urbanisme"]
    assert (article["rft.spage"], article["rft.epage"]) == (["12"], ["18"])
    assert article["rft.issn"] == ["1234-5679"] and article["rft.aulast"] == ["Dupont"]


def test_basket_carries_coins_of_a_book(client, record_ids, token):
    client.post("/selection/ajouter", data={"id": record_ids["book-1"], "csrf_token": token})
    (book,) = _coins(_page(client, "/selection"))
    assert book["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:book"] and book["rft.genre"] == ["book"]
    assert book["rft.btitle"] == ["Discriminations à l'école"]
    assert book["rft.pub"] == ["La Découverte"] and book["rft.place"] == ["Paris"]
    assert book["rft.isbn"] == ["978-2-7071-8600-0"] and book["rft.tpages"] == ["250"]
    assert book["rft.date"] == ["2015"]


# -- unAPI ------------------------------------------------------------------------------------


def test_unapi_lists_formats_zotero_knows(client, record_ids):
    response = client.get("/unapi")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    names = etree.fromstring(response.data).xpath("//format/@name")
    assert names[:2] == ["marc", "unimarc"] and "marcxml" in names
    one = client.get(f"/unapi?id={record_ids['book-1']}")
    assert one.status_code == 300  # unAPI 1.0: the formats of one record
    assert etree.fromstring(one.data).get("id") == str(record_ids["book-1"])
    page = _page(client, f"/notice/{record_ids['book-1']}")
    assert page.xpath('//link[@rel="unapi-server"]/@href') == ["/unapi"]
    assert page.xpath('//abbr[@class="unapi-id"]/@title') == [str(record_ids["book-1"])]


def test_unapi_marc_is_a_complete_book(client, record_ids):
    response = client.get(f"/unapi?id={record_ids['book-1']}&format=marc")
    assert response.status_code == 200 and response.mimetype == "application/marc"
    (record,) = list(pymarc.MARCReader(io.BytesIO(response.data), to_unicode=True))
    assert record.leader[6:8] == "am"  # language material, monograph: a book
    assert record["245"]["a"].startswith("Discriminations à l'école")
    assert record["100"]["a"] == "Martin, Claire"
    assert record["020"]["a"] == "978-2-7071-8600-0"
    assert (record["260"]["a"], record["260"]["b"], record["260"]["c"]) == (
        "Paris", "La Découverte", "2015",
    )  # fmt: skip
    assert record["300"]["a"].startswith("250 p")


def test_unapi_errors(client, record_ids):
    assert client.get("/unapi?id=999999999").status_code == 404
    assert client.get("/unapi?id=abc&format=marc").status_code == 404
    assert client.get(f"/unapi?id={record_ids['book-1']}&format=mods").status_code == 406
    assert client.get("/unapi?format=marc").status_code == 400
    assert client.get(f"/unapi?id={10**30}&format=marc").status_code == 404
