"""OAI-PMH at /oai: every answer valid against OAI-PMH.xsd and its metadata schemas, the errors,
paging while the store changes, and whole harvests by a real client (oaipmh) compared with the
store. The shared web instance is only read; tests that change records build their own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from oaipmh.client import BaseClient
from oaipmh.metadata import MetadataRegistry, oai_dc_reader

from catalogue import dublincore, marcxml
from catalogue.ingest import import_paths
from catalogue.record import Record, Subject
from catalogue.store import Store
from catalogue.store import database as store_database
from tests.web.conftest import FIXTURES, local_records
from tests.xmlschemas import assert_valid
from web import create_app
from web.harvest import Tokens
from web.oaisets import spec_part

NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "m21": "http://www.loc.gov/MARC21/slim",
    "mx": "info:lc/xmlns/marcxchange-v1",
    "pmb": "http://www.pmbservices.fr",
}
METADATA_SCHEMAS = {
    "oai_dc": "oai_dc.xsd",
    "marcxml": "MARC21slim.xsd",
    "marcxchange": "marcxchange-1-1.xsd",
    "pmbxml": "pmb-notice-standin.xsd",
}


def oai(client, method: str = "get", **args: str) -> etree._Element:
    """One request; the answer must be a 200 valid against OAI-PMH.xsd (metadata included)."""
    response = getattr(client, method)(
        "/oai", **{"query_string" if method == "get" else "data": args}
    )
    assert response.status_code == 200 and response.mimetype == "text/xml"
    root = etree.fromstring(response.data)
    assert_valid(root, "oai")
    return root


def error_code(root: etree._Element) -> str | None:
    error = root.find("o:error", NS)
    return error.get("code") if error is not None else None


def ident(record_id: int) -> str:
    return f"oai:docbase.local:{record_id}"


def harvest(client, verb: str = "ListRecords", **args: str) -> list[etree._Element]:
    """Every page of a list request, following the resumption tokens."""
    pages = [oai(client, verb=verb, **args)]
    while token := pages[-1].findtext(f"o:{verb}/o:resumptionToken", namespaces=NS):
        pages.append(oai(client, verb=verb, resumptionToken=token))
    return pages


def headers(pages: list[etree._Element]) -> list[etree._Element]:
    return [h for page in pages for h in page.iterfind(".//o:header", NS)]


def ids_of(pages: list[etree._Element]) -> list[int]:
    return [
        int(h.findtext("o:identifier", namespaces=NS).rsplit(":", 1)[1]) for h in headers(pages)
    ]


# -- the shared instance (read only) ---------------------------------------------------------


def test_identify(client) -> None:
    root = oai(client, verb="Identify")
    assert root.find("o:request", NS).attrib == {"verb": "Identify"}
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://localhost/oai"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert (
        identify.findtext("o:repositoryName", namespaces=NS)
        == client.application.config["SITE_NAME"]
    )


def test_post_is_answered_like_get(client) -> None:
    root = oai(client, "post", verb="ListMetadataFormats")
    prefixes = root.xpath("//o:metadataPrefix/text()", namespaces=NS)
    assert prefixes == ["oai_dc", "marcxml", "marcxchange", "pmbxml"]


def _record_id(app, source: str) -> int:
    with Store(app.config["STORE_PATH"]) as store:
        return next(r.id for r in store.iter_records() if r.source == source)


def test_formats_follow_the_record_flavour(client, app) -> None:
    unimarc_id = _record_id(app, "medialab_cotes8.mrc")
    marc21_id = _record_id(app, "test_data.utf8.mrc")
    ris_id = _record_id(app, "input__a_complete_article.bib")
    for record_id, expected in (
        (unimarc_id, ["oai_dc", "marcxchange", "pmbxml"]),
        (marc21_id, ["oai_dc", "marcxml", "pmbxml"]),
        (ris_id, ["oai_dc", "marcxchange", "pmbxml"]),  # a non-MARC record is written as UNIMARC
    ):
        root = oai(client, verb="ListMetadataFormats", identifier=ident(record_id))
        assert root.xpath("//o:metadataPrefix/text()", namespaces=NS) == expected


@pytest.mark.parametrize("prefix", ["oai_dc", "marcxml", "marcxchange", "pmbxml"])
def test_get_record_in_each_format(client, app, prefix) -> None:
    source = "test_data.utf8.mrc" if prefix == "marcxml" else "medialab_cotes8.mrc"
    record_id = _record_id(app, source)
    root = oai(client, verb="GetRecord", identifier=ident(record_id), metadataPrefix=prefix)
    (metadata,) = root.find("o:GetRecord/o:record/o:metadata", NS)
    assert_valid(metadata, METADATA_SCHEMAS[prefix])
    with Store(app.config["STORE_PATH"]) as store:
        title = store.get(record_id).title
    text = " ".join(metadata.itertext())
    assert title.split()[0] in text
    assert root.find("o:request", NS).get("metadataPrefix") == prefix
    header = root.find("o:GetRecord/o:record/o:header", NS)
    assert header.findtext("o:setSpec", namespaces=NS) == f"source:{source}"


def test_a_unimarc_leader_fails_marc21slim_so_marcxml_is_refused(client, app) -> None:
    record_id = _record_id(app, "medialab_cotes8.mrc")
    with Store(app.config["STORE_PATH"]) as store:
        record = store.get(record_id)
    # the record as UNIMARC in the slim namespace (what Sudoc tools read): its leader ends in 450
    slim = etree.fromstring(b"".join(marcxml.write_unimarc([record])))[0]
    assert slim.findtext("m21:leader", namespaces=NS).endswith("450 ")
    with pytest.raises(AssertionError, match="leader"):
        assert_valid(slim, "MARC21slim.xsd")
    root = oai(client, verb="GetRecord", identifier=ident(record_id), metadataPrefix="marcxml")
    assert error_code(root) == "cannotDisseminateFormat"
    root = oai(client, verb="GetRecord", identifier=ident(record_id), metadataPrefix="marcxchange")
    (mx,) = root.find("o:GetRecord/o:record/o:metadata", NS)
    assert (mx.get("format"), mx.get("type")) == ("UNIMARC", "Bibliographic")
    assert mx.findtext("mx:datafield[@tag='200']/mx:subfield[@code='a']", namespaces=NS)


def test_list_sets_and_their_specs(client, record_ids) -> None:
    root = oai(client, verb="ListSets")
    specs = root.xpath("//o:setSpec/text()", namespaces=NS)
    assert {"source", "source:medialab_cotes8.mrc", "source:tests-web", "theme"} <= set(specs)
    assert "theme:politique-de-la-ville" in specs and "theme:habitat" in specs
    # documented in the README: the same name gives the same setSpec, release after release
    assert spec_part("PMB réseau") == "PMB-reseau-67fafa"
    assert spec_part("medialab_cotes8.mrc") == "medialab_cotes8.mrc"
    assert spec_part("PMB réseau") != spec_part("PMB reseau!")
    pages = harvest(
        client, "ListIdentifiers", metadataPrefix="oai_dc", set="theme:politique-de-la-ville"
    )
    found = ids_of(pages)
    assert record_ids["article-1"] in found and record_ids["book-1"] not in found
    assert record_ids["report-2005"] in found  # "Politique de la ville" descriptor
    assert all(
        "theme:politique-de-la-ville" in h.xpath("o:setSpec/text()", namespaces=NS)
        for h in headers(pages)
    )


def test_a_source_set_is_that_base(client, app) -> None:
    pages = harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", set="source:tests-web")
    with Store(app.config["STORE_PATH"]) as store:
        expected = [r.id for r in store.iter_records() if r.source == "tests-web"]
    assert ids_of(pages) == expected


def test_list_records_pages_in_every_format(client, app) -> None:
    with Store(app.config["STORE_PATH"]) as store:
        records = list(store.iter_records())
    for prefix in ("oai_dc", "marcxml", "marcxchange", "pmbxml"):
        pages = harvest(client, "ListRecords", metadataPrefix=prefix)
        for page in pages:
            for metadata in page.iterfind(".//o:metadata", NS):
                assert_valid(metadata[0], METADATA_SCHEMAS[prefix])
        wanted = [
            r.id
            for r in records
            if (r.original.flavour == "marc21") == (prefix == "marcxml")
            or prefix in ("oai_dc", "pmbxml")
        ]
        assert ids_of(pages) == wanted, prefix
        if len(pages) > 1:  # the last token is empty, with the list's size and cursor
            last = pages[-1].find("o:ListRecords/o:resumptionToken", NS)
            assert last.text is None and int(last.get("completeListSize")) == len(wanted)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "ListThings"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "marcxml"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-01"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T10:00Z"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2020-01-01",
                "until": "2021-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2021-01-01",
                "until": "2020-01-01",
            },
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "source:nowhere"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:docbase.local:999999",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "identifier": "oai:elsewhere.org:1", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:docbase.local:1e3",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": f"oai:docbase.local:{2**64}",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:docbase.local:0"}, "idDoesNotExist"),
        ({"verb": "GetRecord", "identifier": "oai:docbase.local:1"}, "badArgument"),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01"},
            "noRecordsMatch",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "marcxml",
                "set": "source:medialab_cotes8.mrc",
            },
            "noRecordsMatch",
        ),
    ],
)
def test_errors_are_oai_errors(client, args, code) -> None:
    for method in ("get", "post"):
        root = oai(client, method, **args)
        assert error_code(root) == code, (method, args)
        request_attrs = root.find("o:request", NS).attrib
        if code in ("badVerb", "badArgument"):
            assert request_attrs == {}  # OAI-PMH 3.6: no attributes echoed then
        else:
            assert request_attrs["verb"] == args["verb"]


def _first_token(client, verb: str = "ListIdentifiers") -> str:
    root = oai(client, verb=verb, metadataPrefix="oai_dc")
    token = root.find(f"o:{verb}/o:resumptionToken", NS)
    assert token is not None and token.text
    return token


def test_resumption_tokens_are_signed_dated_and_tied_to_their_verb(client, monkeypatch) -> None:
    element = _first_token(client)
    token = element.text
    expires = datetime.strptime(element.get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ")
    minutes = (expires.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds() / 60
    assert 58 < minutes <= 60  # OAI_TOKEN_MINUTES
    assert element.get("cursor") == "0" and int(element.get("completeListSize")) > 100
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (altered, token + "x", "eyJ2ZXJiIjoiTGlzdFJlY29yZHMifQ.abc.def"):
        assert (
            error_code(oai(client, verb="ListIdentifiers", resumptionToken=bad))
            == "badResumptionToken"
        )
    assert (
        error_code(oai(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    )
    other_key = Tokens("another secret", 60).serializer.dumps({"verb": "ListIdentifiers"})
    assert (
        error_code(oai(client, verb="ListIdentifiers", resumptionToken=other_key))
        == "badResumptionToken"
    )
    second = oai(client, verb="ListIdentifiers", resumptionToken=token)
    assert error_code(second) is None
    assert second.find("o:ListIdentifiers/o:resumptionToken", NS).get("cursor") == "100"


def test_an_expired_token_is_refused(client, monkeypatch) -> None:
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 61 * 60)
    token = _first_token(client).text
    monkeypatch.undo()
    root = oai(client, verb="ListIdentifiers", resumptionToken=token)
    assert error_code(root) == "badResumptionToken"
    assert "expir" in root.findtext("o:error", namespaces=NS)


class FlaskHarvester(BaseClient):
    """The oaipmh client with its HTTP call made through Flask's test client; each page it
    reads is checked against OAI-PMH.xsd first."""

    def __init__(self, client) -> None:
        registry = MetadataRegistry()
        registry.registerReader("oai_dc", oai_dc_reader)
        super().__init__(registry)
        self.client = client
        self.requests = 0

    def makeRequest(self, **kw):
        response = self.client.get("/oai", query_string=kw)
        assert response.status_code == 200
        assert_valid(etree.fromstring(response.data), "oai")
        self.requests += 1
        return response.data


def test_a_whole_harvest_by_a_real_client_matches_the_store(client, app) -> None:
    harvester = FlaskHarvester(client)
    harvester.updateGranularity()
    assert harvester.identify().deletedRecord() == "persistent"
    records = list(harvester.listRecords(metadataPrefix="oai_dc"))
    with Store(app.config["STORE_PATH"]) as store:
        expected = list(store.iter_records())
    assert harvester.requests > 2  # Identify twice, then several pages
    assert [h.identifier() for h, _m, _a in records] == [ident(r.id) for r in expected]
    for (header, metadata, _about), record in zip(records, expected, strict=True):
        dc = dublincore.to_element(record)
        assert metadata.getField("title") == dc.xpath("dc:title/text()", namespaces=NS)
        assert metadata.getField("creator") == dc.xpath("dc:creator/text()", namespaces=NS)
        assert metadata.getField("identifier") == dc.xpath("dc:identifier/text()", namespaces=NS)
        assert not header.isDeleted() and header.datestamp().year >= 2024
    sets = {spec for spec, _name, _d in harvester.listSets()}
    assert "source:tests-web" in sets
    some = list(harvester.listIdentifiers(metadataPrefix="oai_dc", set="source:tests-web"))
    assert len(some) == len(local_records())


# -- an instance of its own, changed during the tests ----------------------------------------

OLD = "2020-01-15T10:00:00.250000Z"  # within the second: until …10:00:00Z includes it


@pytest.fixture()
def own(tmp_path: Path, monkeypatch):
    """A store of real and local records, all dated 2020-01-15 10:00 UTC; pages of 5."""
    monkeypatch.setattr(store_database, "_now", lambda: OLD)  # the store's one clock
    with Store(tmp_path / "docbase.sqlite3") as store:
        import_paths(
            store, [FIXTURES / "unimarc" / "medialab_cotes8.mrc"], rejects_dir=tmp_path / "r"
        )
        store.save_many(local_records(), actor="tests")
    monkeypatch.undo()
    app = create_app(
        {"INSTANCE": str(tmp_path), "TESTING": True, "SECRET_KEY": "own", "OAI_PAGE_SIZE": 5}
    )
    return app


def test_from_and_until_at_both_granularities(own) -> None:
    client = own.test_client()
    with Store(own.config["STORE_PATH"]) as store:
        total = store.count()
        record = store.get(3)
        record.title += " (édition revue)"
        store.save(record)  # now
        changed = store.get_stamped(3).updated
    today = changed[:10]
    everything = ids_of(harvest(client, "ListIdentifiers", metadataPrefix="oai_dc"))
    assert len(everything) == total
    for args in ({"from": today}, {"from": changed[:19] + "Z"}):
        assert ids_of(harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", **args)) == [3]
    old = ids_of(harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", until="2020-01-15"))
    assert old == [i for i in everything if i != 3]
    for args in (
        {"from": "2020-01-15T10:00:00Z", "until": "2020-01-15T10:00:00Z"},
        {"from": "2020-01-15", "until": "2020-01-15"},
    ):
        assert (
            len(ids_of(harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", **args)))
            == total - 1
        )
    root = oai(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2020-01-15T09:59:59Z"
    )
    assert error_code(root) == "noRecordsMatch"
    identify = oai(client, verb="Identify")
    assert (
        identify.findtext("o:Identify/o:earliestDatestamp", namespaces=NS) == "2020-01-15T10:00:00Z"
    )


def test_deleted_records_persist_as_headers(own) -> None:
    client = own.test_client()
    with Store(own.config["STORE_PATH"]) as store:
        store.delete(2)
    root = oai(client, verb="GetRecord", identifier=ident(2), metadataPrefix="oai_dc")
    header = root.find("o:GetRecord/o:record/o:header", NS)
    assert header.get("status") == "deleted"
    assert root.find("o:GetRecord/o:record/o:metadata", NS) is None
    pages = harvest(client, "ListRecords", metadataPrefix="marcxchange")
    deleted = [h for h in headers(pages) if h.get("status") == "deleted"]
    assert [h.findtext("o:identifier", namespaces=NS) for h in deleted] == [ident(2)]
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    assert ids_of(harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", **{"from": day})) == [
        2
    ]
    with Store(own.config["STORE_PATH"]) as store:
        store.restore(2)
    root = oai(client, verb="GetRecord", identifier=ident(2), metadataPrefix="oai_dc")
    assert root.find("o:GetRecord/o:record/o:header", NS).get("status") is None


def test_records_saved_mid_harvest_are_neither_skipped_nor_served_twice(own) -> None:
    client = own.test_client()
    with Store(own.config["STORE_PATH"]) as store:
        before = [r.id for r in store.iter_records()]
    first = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    started = first.findtext("o:responseDate", namespaces=NS)
    served_first = ids_of([first])
    assert served_first == before[:5]
    token = first.findtext("o:ListRecords/o:resumptionToken", namespaces=NS)
    with Store(own.config["STORE_PATH"]) as store:
        early, late, gone = before[1], before[12], before[20]
        for record_id in (early, late):
            record = store.get(record_id)
            record.title = f"Titre corrigé {record_id}"
            store.save(record)
        store.delete(gone)
        new = store.save(
            Record(
                source="tests-web",
                source_id="mid-harvest",
                title="Notice ajoutée",
                subjects=[Subject("Politique de la ville")],
            )
        ).record_id
    pages = [first]
    while token:
        pages.append(oai(client, verb="ListRecords", resumptionToken=token))
        token = pages[-1].findtext("o:ListRecords/o:resumptionToken", namespaces=NS)
    served = ids_of(pages)
    assert served == before  # each record of the snapshot once, in order; the new one not yet
    titles = {
        int(r.findtext("o:header/o:identifier", namespaces=NS).rsplit(":", 1)[1]): r.findtext(
            "o:metadata/oai_dc:dc/dc:title", namespaces=NS
        )
        for page in pages
        for r in page.iterfind(".//o:record", NS)
    }
    assert titles[late].startswith(
        f"Titre corrigé {late}"
    )  # reached after its change: served as it is now
    assert not titles[early].startswith("Titre corrigé")  # served before its change
    assert titles[gone] is None  # deleted before the harvester got there: a deleted header
    # the next incremental harvest, from the first response's date, brings every change
    later = ids_of(harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", **{"from": started}))
    assert later == sorted([early, late, gone, new])


def test_theme_sets_agree_with_the_theme_facet(client, app) -> None:
    """A theme set holds the records the search's theme facet finds: every work of the facet
    has a copy in the set, and every record of the set belongs to one of those works."""
    from indexer.search import SearchRequest
    from web.searching import get_searcher

    root = oai(client, verb="ListSets")
    themes = [s[len("theme:") :] for s in root.xpath("//o:setSpec/text()", namespaces=NS)
              if s.startswith("theme:")]  # fmt: skip
    checked = 0
    for value in themes:
        with app.test_request_context():
            result = get_searcher().search(
                SearchRequest(filters={"theme": [value]}, per_page=5000, with_facets=False)
            )
        works = [{hit.id, *hit.copies} for hit in result.hits]
        pages = harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", set=f"theme:{value}")
        in_set = set(ids_of(pages)) if headers(pages) else set()
        assert all(work & in_set for work in works), value
        assert in_set <= set().union(*works), value
        checked += bool(works)
    assert checked >= 3


def test_theme_sets_follow_the_changes_of_records(own) -> None:
    """The process keeps which records fall under which theme, updated from the change feed."""
    client = own.test_client()

    def habitat() -> list[int]:
        pages = harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", set="theme:habitat")
        return ids_of(pages) if error_code(pages[0]) is None else []

    before = habitat()
    with Store(own.config["STORE_PATH"]) as store:
        record = store.get(before[0]) if before else None
        new = store.save(
            Record(source="tests-web", source_id="logement", title="Le logement social en 2024",
                   subjects=[Subject("Logement social")])
        ).record_id  # fmt: skip
        if record is not None:  # its descriptors removed: out of the theme
            record.subjects, record.keywords, record.custom = [], [], []
            store.save(record)
    after = habitat()
    assert new in after and new not in before
    assert before and before[0] not in after
    assert sorted(set(before) - {before[0]} | {new}) == after


def test_a_curated_bibliography_is_a_set(own) -> None:
    """Its picks, paged like any set, named in each member's header, and in ListSets."""
    from catalogue.bibliography import Bibliography

    with Store(own.config["STORE_PATH"]) as store:
        picks = [7, 3, 12, 5, 20, 9, 1]  # more than a page (OAI_PAGE_SIZE 5), not in id order
        store.save_bibliography(Bibliography("mixite", "Mixité sociale", picks=picks))
    client = own.test_client()
    sets = oai(client, verb="ListSets")
    specs = {s.findtext("o:setSpec", namespaces=NS): s.findtext("o:setName", namespaces=NS)
             for s in sets.iterfind(".//o:set", NS)}  # fmt: skip
    assert specs["bibliography:mixite"] == "Mixité sociale"
    pages = harvest(client, "ListIdentifiers", metadataPrefix="oai_dc", set="bibliography:mixite")
    assert len(pages) == 2 and ids_of(pages) == sorted(picks)
    for header in headers(pages):
        assert "bibliography:mixite" in [s.text for s in header.iterfind("o:setSpec", NS)]
    other = ids_of(harvest(client, "ListIdentifiers", metadataPrefix="oai_dc"))
    outside = next(i for i in other if i not in picks)
    record = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=ident(outside))
    assert "bibliography:mixite" not in [s.text for s in record.iterfind(".//o:setSpec", NS)]
