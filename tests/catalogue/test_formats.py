"""Format and flavour are told from the content, whatever the file is called."""

from __future__ import annotations

import pytest

from catalogue import formats
from catalogue.errors import FormatError


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("unimarc/medialab_periouni.mrc", "unimarc"),
        ("unimarc/medialab_cotes8.mrc", "unimarc"),
        ("unimarc/pymarc_testunimarc.dat", "unimarc"),
        ("marc21/pymarc_marc.dat", "marc21"),
        ("marc21/test_data.utf8.mrc", "marc21"),
        ("marc21/pymarc_bad_indicator.dat", "marc21"),
        ("xml/abes_sudoc_088884074.xml", "unimarcxml"),
        ("xml/solrmarc_specTestRecs_withBOM.xml", "marcxml"),
        ("ris/example_full.ris", "ris"),
        ("ris/example_bom.ris", "ris"),
        ("ris/example_wos.ris", "ris"),
        ("bibtex/input__a_complete_article.bib", "bibtex"),
        ("csv/notices_excel_cp1252.csv", "csv"),
        ("csv/notices_excel_utf8_bom.csv", "csv"),
    ],
)
def test_detect_from_content(fixtures, path, expected):
    data = (fixtures / path).read_bytes()
    # the name says nothing: detection reads the bytes
    assert formats.detect(data, "export") == expected


def test_pmb_xml_is_told_apart(fixtures):
    from catalogue import pmbxml, unimarc

    records = [r for r in unimarc.read((fixtures / "unimarc/medialab_cotes8.mrc").read_bytes())]
    data = b"".join(pmbxml.write(records[:2]))
    assert formats.detect(data) == "pmbxml"


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00", b"Bonjour, ceci est une lettre."],
)
def test_not_bibliographic_data(data):
    with pytest.raises(FormatError):
        formats.detect(data, "lettre.txt")


def test_xml_without_marc_records_is_one_clear_error(fixtures):
    data = (fixtures / "xml/traject_namespace-test.xml").read_bytes()
    with pytest.raises(FormatError):
        list(formats.get(formats.detect(data)).read(data))


def test_every_registered_reader_and_writer_resolves():
    for fmt in formats.FORMATS.values():
        if fmt.reader:
            assert callable(formats._resolve(fmt.reader)), fmt.name
        if fmt.writer:
            assert callable(formats._resolve(fmt.writer)), fmt.name


def test_a_mapping_bug_costs_one_record_not_the_file(fixtures, monkeypatch):
    from catalogue import ris

    calls = []
    real = ris._map_ris

    def flaky(*args):
        calls.append(1)
        if len(calls) == 1:
            raise KeyError("bug")
        return real(*args)

    monkeypatch.setattr(ris, "_map_ris", flaky)
    items = list(ris.read((fixtures / "ris/example_full.ris").read_bytes()))
    assert [type(i).__name__ for i in items] == ["RecordError", "Record"]
    assert "erreur inattendue" in items[0].reason and items[0].position == 1
    assert items[0].chunk.startswith("TY  -")
