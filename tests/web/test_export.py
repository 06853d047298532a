"""Exports by URL: one record, the basket and a whole search, in every registry format.

Key fields are read back with pymarc (MARC21) and docbase's own readers, and compared with the
store's record; a whole result set comes out in the search's own order.
"""

from __future__ import annotations

import io
import json
import re

import pymarc
import pytest
from lxml import etree

from catalogue import formats
from catalogue.store import Store


def export_formats():
    return [f for f in formats.FORMATS.values() if f.writer]


def stored(app, record_id: int):
    with Store(app.config["STORE_PATH"]) as store:
        return store.get(record_id)


@pytest.mark.parametrize("fmt", export_formats(), ids=lambda f: f.name)
def test_one_record_in_every_format_reads_back(app, client, record_ids, fmt):
    record_id = record_ids["book-1"]
    response = client.get(f"/notice/{record_id}.{formats.url_suffix(fmt)}")
    assert response.status_code == 200
    assert response.mimetype == fmt.mime
    assert (
        f'filename="notice-{record_id}.{fmt.extension}"' in response.headers["Content-Disposition"]
    )
    original = stored(app, record_id)
    if fmt.reader is None:  # CSL-JSON: written for citation tools, not read back by docbase
        (item,) = json.loads(response.data)
        assert original.title in item["title"] and item["issued"]["date-parts"][0][0] == 2015
        return
    items = list(fmt.read(response.data, source="back"))
    assert len(items) == 1
    # Dublin Core has one title element: « title : other title » comes back whole
    assert items[0].title in (original.title, f"{original.title} : {original.other_title}")
    assert items[0].year == original.year


def test_the_registry_name_is_an_url_suffix_too(client, record_ids):
    record_id = record_ids["book-1"]
    by_name = client.get(f"/notice/{record_id}.marc21")
    by_ext = client.get(f"/notice/{record_id}.{formats.url_suffix(formats.get('marc21'))}")
    assert by_name.status_code == by_ext.status_code == 200
    assert by_name.data == by_ext.data


def test_marc21_export_of_a_unimarc_record_is_read_by_pymarc(app, client):
    with Store(app.config["STORE_PATH"]) as store:
        unimarc = next(r for r in store.iter_records() if r.original.flavour == "unimarc")
    response = client.get(f"/notice/{unimarc.id}.marc21")
    (read,) = list(pymarc.MARCReader(io.BytesIO(response.data), to_unicode=True))
    assert read["245"]["a"].rstrip(" /:;.") == unimarc.title


def test_unknown_format_and_unknown_record_are_404_pages(client, record_ids):
    unknown_format = client.get(f"/notice/{record_ids['book-1']}.docx2")
    assert unknown_format.status_code == 404 and "text/html" in unknown_format.content_type
    assert client.get("/notice/999999999.ris").status_code in (404,)
    assert client.get(f"/notice/{2**70}.marcxml").status_code == 404
    assert client.get("/export/nothing?q=ville").status_code == 404


def test_a_search_exports_its_whole_result_set_in_its_order(app, client):
    page = client.get("/api/search?q=ville&tri=title&par_page=100").get_json()
    assert page["total"] > 20  # more than a page of the site
    response = client.get("/export/marcxml?q=ville&tri=title")
    assert response.status_code == 200 and response.is_streamed
    assert int(response.headers["X-Total-Count"]) == page["total"]
    root = etree.fromstring(response.data)
    records = root.findall("{http://www.loc.gov/MARC21/slim}record")
    assert len(records) == page["total"]
    ids = [h["id"] for h in page["hits"]]
    with Store(app.config["STORE_PATH"]) as store:
        titles = [store.get(i).title for i in ids]
    exported = [read.title for read in formats.get("marcxml").read(response.data)]
    assert exported == titles[: len(exported)]


def test_a_search_export_keeps_its_facets(client):
    everything = client.get("/export/marcxml?q=ville")
    articles = client.get("/export/marcxml?q=ville&f=doc_type:article")
    total = int(everything.headers["X-Total-Count"])
    only = int(articles.headers["X-Total-Count"])
    assert 0 < only < total
    count = client.get("/api/search?q=ville&f=doc_type:article").get_json()["total"]
    assert only == count


def test_a_search_export_is_capped_by_the_setting(app, client):
    app.config["EXPORT_MAX_RECORDS"] = 3
    try:
        response = client.get("/export/marc21?q=ville")
        assert response.headers["X-Total-Count"] == "3"
        assert len(list(pymarc.MARCReader(io.BytesIO(response.data)))) == 3
    finally:
        app.config["EXPORT_MAX_RECORDS"] = 100_000


def test_bad_search_parameters_get_a_400(client):
    assert client.get("/export/marcxml?tri=nowhere").status_code == 400
    assert client.get("/export/marcxml?q=" + "a" * 5000).status_code == 400


def test_the_basket_exports_what_it_holds(client, token, record_ids):
    for key in ("book-1", "article-1"):
        client.post("/selection/ajouter", data={"id": record_ids[key], "csrf_token": token})
    response = client.get("/selection/export/marcxml")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    back = list(formats.get("marcxml").read(response.data))
    assert len(back) == 2
    empty = client.application.test_client().get("/selection/export/marcxml")
    assert formats.get("marcxml").read(empty.data) is not None
    assert b"<record" not in empty.data


def test_pages_offer_the_export_menu(client, token, record_ids):
    record_id = record_ids["book-1"]
    page = client.get(f"/notice/{record_id}").get_data(as_text=True)
    for fmt in export_formats():
        assert f'href="/notice/{record_id}.{formats.url_suffix(fmt)}"' in page
    results = client.get("/recherche?q=ville&f=doc_type:article&page=2").get_data(as_text=True)
    links = re.findall(r'href="(/export/[^"]+)"', results)
    assert len(links) == len(export_formats())
    assert all("q=ville" in link and "page=" not in link for link in links)
    assert all("doc_type" in link for link in links)
    client.post("/selection/ajouter", data={"id": record_id, "csrf_token": token})
    basket = client.get("/selection").get_data(as_text=True)
    assert basket.count('href="/selection/export/') == len(export_formats())


def test_a_result_set_streams_batch_by_batch(app, client, monkeypatch):
    """The first bytes leave after one batch is read, not after the whole result set (memory
    stays flat: bench/export.py measures it at 10,000 records)."""
    from catalogue.store import Store as RealStore
    from web import export

    monkeypatch.setattr(export, "BATCH", 5)
    reads: list[int] = []
    original = RealStore.get_many

    def counting(self, ids):
        reads.append(len(list(ids)))
        return original(self, ids)

    monkeypatch.setattr(RealStore, "get_many", counting)
    response = client.get("/export/marc21?q=*", buffered=False)
    total = int(response.headers["X-Total-Count"])
    assert total > 15
    chunks = iter(response.response)
    first = next(chunks)
    assert first and len(reads) == 1  # one batch read when the first record goes out
    rest = b"".join(chunks)
    assert len(reads) == -(-total // 5)
    assert (first + rest).count(b"\x1d") == total
