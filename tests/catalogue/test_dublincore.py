"""Dublin Core: the oai_dc records of real OAI-PMH responses (traject's, sickle's)."""

from __future__ import annotations

from catalogue import dublincore, formats
from catalogue.record import Record
from catalogue.text import language_code


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


# -- the writer ------------------------------------------------------------------------------


def _real_records(fixtures) -> list[Record]:
    out = []
    for name in ("unimarc/medialab_cotes8.mrc", "marc21/test_data.utf8.mrc"):
        data = (fixtures / name).read_bytes()
        fmt = formats.get(formats.detect(data, name))
        out += [r for r in fmt.read(data, source=name) if isinstance(r, Record)]
    return out


def test_written_records_are_valid_oai_dc(fixtures) -> None:
    from lxml import etree

    from tests.xmlschemas import assert_valid

    records = _real_records(fixtures)
    assert len(records) > 20
    root = etree.fromstring(b"".join(dublincore.write(records)))
    elements = root.findall(f"{{{dublincore.OAI_DC_NS}}}dc")
    assert len(elements) == len(records)
    for element in elements:
        assert_valid(element, "oai_dc.xsd")


def test_round_trip_through_the_reader(fixtures) -> None:
    records = _real_records(fixtures)
    data = b"".join(formats.get("dc").write(records))
    assert formats.detect(data, "export.xml") == "dc"
    back = list(formats.get("dc").read(data, source="dc"))
    assert len(back) == len(records)
    for before, after in zip(records, back, strict=True):
        title = f"{before.title} : {before.other_title}" if before.other_title else before.title
        assert after.title == " ".join(title.split())
        assert [a.sort_name for a in after.agents] == [
            dublincore._agent_name(a) for a in before.agents
        ]
        # secondary responsibility goes out as dc:contributor and comes back so
        assert [a.responsibility == "secondary" for a in after.agents] == [
            a.responsibility == "secondary" for a in before.agents
        ]
        assert after.isbns == before.isbns and after.issns == before.issns
        # written as stored (ISO 639-2); the reader knows the centre's languages only
        assert after.languages == [c for c in before.languages if language_code(c)]
        assert after.year == before.year
        assert after.doc_type == (before.doc_type if before.doc_type in WRITTEN else "other")
        labels = [dublincore._subject_label(s) for s in before.descriptors] + before.keywords
        topics = [s.label for s in after.subjects if s.kind != "geographic"]
        assert topics == [" ".join(x.split()) for x in labels]
        assert [s.label for s in after.subjects if s.kind == "geographic"] == before.geographic
    assert any(r.isbns for r in back) and any(r.agents for r in back)
    assert any(a.responsibility == "secondary" for r in back for a in r.agents)


WRITTEN = {"book", "article", "chapter", "thesis", "report", "proceedings", "image", "sound"}


def test_notes_go_back_to_their_element() -> None:
    rec = Record(
        title="Notice",
        notes=["Source : Revue X", "Droits : CC-BY", "Note libre"],
        abstract="Résumé",
        doc_type="audiovisual",
    )
    element = dublincore.to_element(rec)
    values = [(e.tag.split("}")[1], e.text) for e in element]
    assert ("source", "Revue X") in values and ("rights", "CC-BY") in values
    assert ("description", "Note libre") in values and ("type", "MovingImage") in values
    (back,) = dublincore.read(b"".join(dublincore.write([rec])))
    assert back.notes == ["Note libre", "Source : Revue X", "Droits : CC-BY"]
    assert back.abstract == "Résumé" and back.doc_type == "video"
