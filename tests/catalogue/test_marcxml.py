"""MARCXML of both flavours: the shapes real files come in, bad records, writers, fuzzing."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from catalogue import marc21, marcxml
from catalogue.errors import FormatError, RecordError
from catalogue.record import Record

XML = Path(__file__).parent.parent / "fixtures" / "xml"
MARC21 = Path(__file__).parent.parent / "fixtures" / "marc21"
UNIMARC = Path(__file__).parent.parent / "fixtures" / "unimarc"


def read(name: str) -> list[Record | RecordError]:
    return list(marcxml.read((XML / name).read_bytes(), source=name))


def records(name: str) -> list[Record]:
    items = read(name)
    assert all(isinstance(i, Record) for i in items), [str(i) for i in items]
    return items  # type: ignore[return-value]


def test_pymarc_batch_with_slim_namespace_prefix():
    batch = records("pymarc_batch.xml")
    assert [r.title for r in batch] == ["The Great Ray Charles", "The White House"]
    assert {r.original.format for r in batch} == {"marcxml"}
    assert {r.original.flavour for r in batch} == {"marc21"}
    assert batch[0].doc_type == "sound"  # leader "njm"
    assert batch[0].original.raw.startswith("<marc:record")
    assert batch[0].original.leader == "00925njm  22002777a 4500"


@pytest.mark.parametrize(
    "name",
    [
        "solrmarc_specTestRecs.xml",
        "solrmarc_specTestRecs_no_Prolog.xml",
        "solrmarc_specTestRecs_withBOM.xml",
    ],
)
def test_spec_test_records_in_every_variant_match_the_iso2709_file(name):
    iso = [r for r in marc21.read((MARC21 / "solrmarc_specTestRecs.mrc").read_bytes())]
    xml = records(name)
    assert len(xml) == 76
    assert [r.title for r in xml] == [r.title for r in iso]
    assert [r.source_id for r in xml] == [r.source_id for r in iso]


def test_traject_utf8_xml_matches_its_iso2709_twin():
    iso = list(marc21.read((MARC21 / "test_data.utf8.mrc").read_bytes()))
    xml = records("traject_test_data.utf8.marc.xml")  # no prolog
    assert len(xml) == 30
    for a, b in zip(iso, xml, strict=True):
        assert a.original.marc == b.original.marc


def test_bare_record_with_comment_and_no_prolog():
    (record,) = records("solrmarc_1474920681_KOHA_LFL_6_with_comment.xml")
    assert record.title.startswith("Cinema and architecture")
    assert record.original.leader == "00757cam a22002055a 4500"


def test_xml_without_marc_records_is_a_format_error():
    # traject's namespace test: a <record> in a default namespace, but no MARC inside
    with pytest.raises(FormatError, match="aucune notice MARC"):
        read("traject_namespace-test.xml")
    # an OAI-PMH response in oai_dc: XML, but not MARC
    with pytest.raises(FormatError, match="no MARC record"):
        read("sickle_ListRecords.xml")
    with pytest.raises(FormatError, match="mal formé"):
        list(marcxml.read(b"<collection><record>"))


def test_bad_tag_record_is_rejected_with_its_reason():
    (error,) = read("pymarc_bad_tag.xml")
    assert isinstance(error, RecordError)
    assert error.reason.startswith("étiquette invalide '42'")
    assert error.position == 1 and error.offset == 2
    assert "The Untamed" in error.chunk


def test_one_bad_record_does_not_stop_the_others():
    text = (XML / "pymarc_batch.xml").read_text("utf-8")
    broken = text.replace(
        "<marc:leader>00925njm  22002777a 4500</marc:leader>", "<marc:leader>bad</marc:leader>"
    )
    assert broken != text
    items = list(marcxml.read(broken.encode("utf-8")))
    assert isinstance(items[0], RecordError) and "label de notice invalide" in items[0].reason
    assert isinstance(items[1], Record) and items[1].title == "The White House"


def test_oai_pmh_response_wrapping_marc_records():
    """sickle's ListRecords envelope (one deleted record, one oai_dc) with pymarc's batch.xml
    records put in the metadata: the MARC records are read, the deleted one is skipped."""
    oai = etree.fromstring((XML / "sickle_ListRecords.xml").read_bytes())
    marc_records = etree.fromstring((XML / "pymarc_batch.xml").read_bytes()).findall(
        f"{{{marcxml.MARC_NS}}}record"
    )
    ns = "{http://www.openarchives.org/OAI/2.0/}"
    list_records = oai.find(f"{ns}ListRecords")
    live = [r for r in list_records.findall(f"{ns}record") if r.find(f"{ns}metadata") is not None]
    template = live[0]
    metadata = template.find(f"{ns}metadata")
    metadata.remove(metadata[0])
    metadata.append(copy.deepcopy(marc_records[0]))
    second = copy.deepcopy(template)
    second.find(f"{ns}metadata")[0].getparent().replace(
        second.find(f"{ns}metadata")[0], copy.deepcopy(marc_records[1])
    )
    template.addnext(second)
    items = list(marcxml.read(etree.tostring(oai, xml_declaration=True, encoding="UTF-8")))
    assert [r.title for r in items] == ["The Great Ray Charles", "The White House"]


def test_sudoc_unimarc_records():
    (hongrie,) = records("abes_sudoc_088884074.xml")
    assert hongrie.original.format == "unimarcxml" and hongrie.original.flavour == "unimarc"
    assert hongrie.title == "L'adhésion de la Hongrie à l'Union européenne"
    assert hongrie.first_author is not None
    assert (hongrie.first_author.name, hongrie.first_author.forename) == ("Hajduk", "Angéla")
    assert hongrie.doc_type == "thesis"  # a DEA dissertation (328)
    assert (
        hongrie.original.leader == "     cam0 22        450 "
    )  # blank record length, as Sudoc sends it
    (longevite,) = records("abes_sudoc_252383524.xml")
    assert longevite.title == "La longévité politique"
    assert [a.name for a in longevite.agents][:2] == ["Carpi", "Bellamy"]
    assert longevite.original.raw.startswith("<record")


def test_sudoc_electronic_thesis_is_a_thesis():
    (longevite,) = records("abes_sudoc_252383524.xml")
    assert longevite.doc_type == "thesis"


# --- encodings --------------------------------------------------------------------------------


def test_declared_latin1_but_utf8_bytes_is_read_as_utf8():
    data = (XML / "pymarc_utf8.xml").read_bytes()
    assert b'encoding="UTF-8"' in data[:60]
    mislabelled = data.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1)
    good, bad = list(marcxml.read(data)), list(marcxml.read(mislabelled))
    assert [r.original.marc for r in bad] == [r.original.marc for r in good]
    assert any("UTF-8" in w for w in bad[0].original.warnings)


def test_latin1_bytes_declared_utf8_are_read_as_latin1():
    text = (
        (XML / "pymarc_batch.xml")
        .read_text("utf-8")
        .replace("The White House", "La Maison-Blanche, été")
    )
    items = list(marcxml.read(text.encode("latin-1")))  # still says UTF-8 in its prolog
    assert items[1].title == "La Maison-Blanche, été"
    assert items[1].original.charset == "iso-8859-1"


# --- writers ----------------------------------------------------------------------------------


def test_write_marc21_streams_and_reads_back_field_by_field():
    source = list(marc21.read((MARC21 / "solrmarc_uva_001-200.mrc").read_bytes()))[:50]
    chunks = list(marcxml.write_marc21(source))
    assert len(chunks) == 52  # header, one chunk per record, footer
    assert chunks[0].startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(b"".join(chunks))
    assert root.tag == f"{{{marcxml.MARC_NS}}}collection"
    back = list(marcxml.read(b"".join(chunks)))
    for a, b in zip(source, back, strict=True):
        assert b.original.marc == a.original.marc
        assert b.original.leader[9] == "a"


def test_write_unimarc_for_sudoc_tools():
    from catalogue import unimarc

    sudoc = records("abes_sudoc_088884074.xml") + records("abes_sudoc_252383524.xml")
    iso = [
        r
        for r in unimarc.read((UNIMARC / "medialab_cotes8.mrc").read_bytes())
        if isinstance(r, Record)
    ]
    source = sudoc + iso
    data = b"".join(marcxml.write_unimarc(source))
    assert etree.fromstring(data).tag == f"{{{marcxml.MARC_NS}}}collection"
    back = list(marcxml.read(data))
    assert len(back) == len(source) == 37
    for a, b in zip(source, back, strict=True):
        leader, fields = unimarc.from_record(a)
        assert b.original.flavour == "unimarc" and b.original.format == "unimarcxml"
        assert b.original.marc == fields
        assert b.title == a.title


def test_writer_drops_characters_xml_cannot_carry():
    record = Record(title="Bell \x07 here & <there>")
    data = b"".join(marcxml.write_marc21([record]))
    (back,) = list(marcxml.read(data))
    assert back.title == "Bell  here & <there>"


# --- fuzzing ----------------------------------------------------------------------------------

_BATCH = (XML / "pymarc_batch.xml").read_bytes()


def _outcomes(data: bytes) -> None:
    try:
        items = list(marcxml.read(data))
    except FormatError:
        return
    for item in items:
        assert isinstance(item, Record | RecordError)
        if isinstance(item, RecordError):
            assert "erreur inattendue" not in item.reason, item.reason


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes(data):
    _outcomes(data)


_pieces = st.sampled_from(
    [
        "<record>", "</record>", "<leader>", "</leader>", "00925njm  22002777a 4500",
        '<controlfield tag="001">', "</controlfield>", '<datafield tag="245" ind1="1" ind2="0">',
        '<datafield tag="2x">', '<datafield tag="200" ind1="é" ind2="">', "</datafield>",
        '<subfield code="a">', '<subfield code="">', '<subfield code="ab">', "</subfield>", "Titre",
        "&amp;", "&bogus;", "<collection>", "</collection>", "<metadata>", "</metadata>", "é",
        '<marc:record xmlns:marc="http://www.loc.gov/MARC21/slim">', "</marc:record>", "\x00",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, max_size=30))
def test_malformed_marcxml(pieces):
    _outcomes("".join(pieces).encode("utf-8"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(_BATCH) - 1),
    st.integers(0, 40),
    st.sampled_from([b"", b"<", b">", b'"', b"&", b"\xff", b"x"]),
)
def test_mutated_real_marcxml(where, delete, insert):
    _outcomes(_BATCH[:where] + insert + _BATCH[where + delete :])
