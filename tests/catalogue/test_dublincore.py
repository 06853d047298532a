"""Dublin Core: the oai_dc records of real OAI-PMH responses (traject's, sickle's)."""

from __future__ import annotations

from catalogue import dublincore, formats
from catalogue.record import Record


def _read(fixtures, name: str) -> list:
    data = (fixtures / name).read_bytes()
    assert formats.detect(data, name) == "dc"
    return list(formats.get("dc").read(data, source="oai"))


def test_traject_oai_dc_response(fixtures) -> None:
    records = _read(fixtures, "oai/traject_sample-oai-pmh.xml")
    assert len(records) == 10 and all(isinstance(r, Record) for r in records)
    spice = records[1]
    assert (spice.source_id, spice.title) == ("oai:sciencehistoryorg:fq977t769", "Spice Storage")
    assert [(a.name, a.kind) for a in spice.agents] == [
        ("Norda Essential Oil and Chemical Company", "corporate")
    ]
    assert (spice.year, spice.doc_type, spice.extent) == (1950, "image", "image/tiff")
    assert "Perfumes industry" in [s.label for s in spice.subjects]
    assert spice.abstract.startswith("Interior view of the spice storage area")
    assert spice.links[0].url == "https://digital.sciencehistory.org/works/fq977t769"
    assert spice.original.format == "dc" and "<dc:title>Spice Storage" in spice.original.raw


def test_sickle_list_records_skips_the_deleted_record(fixtures) -> None:
    (record,) = _read(fixtures, "xml/sickle_ListRecords.xml")
    assert (record.source_id, record.title) == ("oai:test.example.com:1585322", "Sample Title")
    assert record.languages == ["eng"] and record.year == 2010
    assert record.publication[0].publisher == "Sample Publisher"
    assert record.doc_type == "article"


def test_identifiers_are_told_apart() -> None:
    rec = Record()
    for value in ("978-2-7071-4185-7", "ISSN 1932-6203", "https://doi.org/10.1000/xyz", "x-1"):
        dublincore.MAP["identifier"](rec, value)
    assert [(i.scheme, i.value) for i in rec.identifiers] == [
        ("isbn", "978-2-7071-4185-7"),
        ("issn", "1932-6203"),
        ("doi", "10.1000/xyz"),
        ("other", "x-1"),
    ]


def test_a_record_without_title_costs_only_itself(fixtures) -> None:
    data = (fixtures / "oai/traject_sample-oai-pmh.xml").read_bytes()
    data = data.replace(b"<dc:title>Warehouses</dc:title>", b"", 1)
    items = list(dublincore.read(data))
    assert "sans titre" in items[0].reason
    assert all(isinstance(r, Record) for r in items[1:]) and len(items) == 10
