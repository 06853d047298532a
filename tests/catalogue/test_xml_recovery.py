"""One malformed byte in an XML file costs its record only (MARCXML, oai_dc)."""

from __future__ import annotations

import pytest

from catalogue import formats
from catalogue.errors import FormatError, RecordError, UnsafeXMLError
from catalogue.record import Record


def _damaged_marcxml(fixtures) -> tuple[bytes, list[str]]:
    data = (fixtures / "xml/solrmarc_specTestRecs.xml").read_bytes()
    titles = [r.title for r in formats.get("marcxml").read(data)]
    at = data.find(b"<datafield", 5000)
    return data[:at] + b"<<" + data[at:], titles


def test_marcxml_keeps_every_well_formed_record(fixtures) -> None:
    damaged, titles = _damaged_marcxml(fixtures)
    items = list(formats.get("marcxml").read(damaged))
    assert len(items) == len(titles) == 76
    bad = [i for i, item in enumerate(items) if isinstance(item, RecordError)]
    assert len(bad) == 1
    assert "illisible" in items[bad[0]].reason and items[bad[0]].offset > 0
    assert [r.title for r in items if isinstance(r, Record)] == (
        titles[: bad[0]] + titles[bad[0] + 1 :]
    )


def test_oai_dc_response_keeps_its_good_records(fixtures) -> None:
    data = (fixtures / "oai/traject_sample-oai-pmh.xml").read_bytes()
    titles = [r.title for r in formats.get("dc").read(data)]
    data = data.replace(b"<dc:title>Spice Storage</dc:title>", b"<dc:title>Spice</dc:titel>")
    items = list(formats.get("dc").read(data))
    assert [type(i) for i in items].count(Record) == 9
    assert isinstance(items[1], RecordError)
    assert [r.title for r in items if isinstance(r, Record)] == titles[:1] + titles[2:]


def test_no_record_element_at_all_is_still_the_files_error() -> None:
    with pytest.raises(FormatError, match="mal formé"):
        list(formats.get("marcxml").read(b"<collection><foo>"))


def test_hostile_xml_is_still_refused_whole() -> None:
    hostile = b'<!DOCTYPE x [<!ENTITY e "boom">]><collection><record>&e;</record><bad></collection>'
    with pytest.raises(UnsafeXMLError):
        list(formats.get("marcxml").read(hostile))
