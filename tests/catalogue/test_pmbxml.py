"""PMB's UNIMARC XML. No real PMB XML file is public, so the files are written here from real
UNIMARC records (Sciences Po's cotes8.mrc, via catalogue.unimarc) in the shapes PMB produces:
UTF-8, ISO-8859-1 (a PMB install's default), and the namespaced notices of PMB's OAI server."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue import pmbxml, unimarc
from catalogue.errors import FormatError, RecordError
from catalogue.record import Record

UNIMARC = Path(__file__).parent.parent / "fixtures" / "unimarc"


@pytest.fixture(scope="module")
def source() -> list[Record]:
    items = list(unimarc.read((UNIMARC / "medialab_cotes8.mrc").read_bytes()))
    assert len(items) == 35 and all(isinstance(r, Record) for r in items)
    return items  # type: ignore[return-value]


@pytest.fixture(scope="module")
def utf8_xml(source) -> bytes:
    return b"".join(pmbxml.write(source))


def assert_same(source: list[Record], back: list) -> None:
    assert len(back) == len(source)
    for a, b in zip(source, back, strict=True):
        assert isinstance(b, Record), str(b)
        leader, fields = unimarc.from_record(a)
        assert b.original.marc == fields  # field by field, subfield by subfield
        for pos in (5, 6, 7, 8, 17, 18):  # what PMB's leader parts carry
            assert b.original.leader[pos] == leader[pos]
        assert b.original.format == "pmbxml" and b.original.flavour == "unimarc"
        assert (b.title, b.isbns, [i.call_number for i in b.items]) == (
            a.title,
            a.isbns,
            [i.call_number for i in a.items],
        )


def test_utf8_round_trip(source, utf8_xml):
    chunks = list(pmbxml.write(source))
    assert len(chunks) == 37  # header, one notice per chunk, footer
    assert utf8_xml.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<unimarc>')
    assert b"<rs>c</rs><dt>a</dt><bl>m</bl><hl>0</hl>" in utf8_xml
    back = list(pmbxml.read(utf8_xml, source="pmb"))
    assert_same(source, back)
    assert {r.original.charset for r in back} == {"utf-8"}
    assert back[0].title == "Traité de la science des finances"


def test_iso_8859_1_round_trip(source, utf8_xml):
    text = utf8_xml.decode("utf-8").replace('encoding="utf-8"', 'encoding="iso-8859-1"', 1)
    latin1 = text.encode("iso-8859-1", "xmlcharrefreplace")  # œ, ’… become &#...; as PMB does
    assert "Traité".encode("iso-8859-1") in latin1 and b"Trait\xc3\xa9" not in latin1
    back = list(pmbxml.read(latin1))
    assert_same(source, back)
    assert {r.original.charset for r in back} == {"iso-8859-1"}


def test_namespaced_notices_as_served_over_oai(source, utf8_xml):
    namespaced = utf8_xml.replace(b"<notice>", b'<notice xmlns="http://www.pmbservices.fr">')
    assert_same(source, list(pmbxml.read(namespaced)))


def test_the_documented_example():
    data = """<?xml version="1.0" encoding="iso-8859-1"?>
<unimarc>
  <notice>
    <rs>n</rs><dt>a</dt><bl>a</bl><hl>2</hl><el>1</el><ru>i</ru>
    <f c="001">1234</f>
    <f c="200" ind="1 "><s c="a">Titre</s><s c="e">Complément</s></f>
    <f c="461" ind="  "><s c="t">Revue</s><s c="x">1234-5678</s><s c="9">lnk:perio</s></f>
  </notice>
</unimarc>""".encode("iso-8859-1")
    (record,) = list(pmbxml.read(data))
    assert record.original.leader == "     naa2 22     1i 450 "
    assert record.original.marc[1] == ["200", "1", " ", [["a", "Titre"], ["e", "Complément"]]]
    assert (record.source_id, record.title, record.other_title) == ("1234", "Titre", "Complément")
    assert record.doc_type == "article"
    assert record.host is not None and (record.host.title, record.host.issn) == (
        "Revue",
        "1234-5678",
    )


def test_windows_1252_quotes_in_a_latin1_file():
    data = (
        b'<?xml version="1.0" encoding="iso-8859-1"?><unimarc><notice><rs>n</rs><dt>a</dt>'
        b'<bl>m</bl><hl>0</hl><f c="200" ind="1 "><s c="a">L\x92\xe9t\xe9</s></f></notice></unimarc>'
    )
    (record,) = list(pmbxml.read(data))
    assert record.title == "L’été"


def test_bad_notice_does_not_stop_the_file(utf8_xml):
    broken = utf8_xml.replace(b'<f c="001">', b'<f c="0 1">', 1)
    items = list(pmbxml.read(broken))
    assert isinstance(items[0], RecordError)
    assert items[0].reason.startswith("étiquette invalide '0 1'")
    assert items[0].position == 1 and items[0].offset == 3
    assert all(isinstance(i, Record) for i in items[1:]) and len(items) == 35


def test_not_pmb_xml():
    with pytest.raises(FormatError, match="aucune notice PMB"):
        list(pmbxml.read(b'<?xml version="1.0"?><collection><record/></collection>'))
    with pytest.raises(FormatError):
        list(pmbxml.read(b"<unimarc><notice>"))


_pieces = st.sampled_from(
    [
        "<unimarc>", "</unimarc>", "<notice>", "</notice>", "<rs>n</rs>", "<dt>é</dt>", "<bl></bl>",
        '<f c="001">', '<f c="200" ind="1 ">', '<f c="2">', '<f c="300" ind="ééé">', "</f>",
        '<s c="a">', '<s c="">', '<s c="aa">', "</s>", "Titre", "&amp;", "&#1;", "<hl>2</hl>",
        '<notice xmlns="http://www.pmbservices.fr">',
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, max_size=30), st.sampled_from(["utf-8", "iso-8859-1"]))
def test_malformed_pmb_xml(pieces, encoding):
    data = f'<?xml version="1.0" encoding="{encoding}"?>{"".join(pieces)}'.encode(
        encoding, "replace"
    )
    try:
        items = list(pmbxml.read(data))
    except FormatError:
        return
    for item in items:
        assert isinstance(item, Record | RecordError)
        if isinstance(item, RecordError):
            assert "erreur inattendue" not in item.reason, item.reason


# -- one bad byte spoils one notice at most (issue 11) -------------------------------------------


def _with_stray_bytes(utf8_xml: bytes) -> bytes:
    """The UTF-8 export with a Latin-1 « é » in a comment and another in the second notice."""
    head, _, rest = utf8_xml.partition(b"<notice>")
    first, _, others = rest.partition(b"<notice>")
    second = others.replace(b'<s c="a">', b'<s c="a">Caf\xe9 ', 1)
    return head + b"<!-- export r\xe9vis\xe9 -->\n<notice>" + first + b"<notice>" + second


def test_a_stray_latin1_byte_spoils_no_other_notice(source, utf8_xml):
    data = _with_stray_bytes(utf8_xml)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    back = list(pmbxml.read(data))
    assert len(back) == len(source) and all(isinstance(r, Record) for r in back)
    # the good notices keep their UTF-8: « 8°… » call numbers, not « 8Ã‚°… »
    for before, after in zip(source[2:], back[2:], strict=True):
        assert [i.call_number for i in after.items] == [i.call_number for i in before.items]
        assert after.title == before.title and not _stray(after)
    assert back[0].items[0].call_number == "8°007.775(1892-1)" and not _stray(back[0])
    assert {r.original.charset for r in back} == {"utf-8"}
    # the notice that held the byte reads it as cp1252, and says so
    assert "Café " in str(back[1].original.marc)
    line = data[: data.index(b"Caf\xe9")].count(b"\n") + 1
    assert line == 44  # the line in the file, for the documentalist to find it
    assert [w for w in back[1].original.warnings if "octet non UTF-8" in w] == [
        f"octet non UTF-8 lu en cp1252 (ligne {line}), à vérifier "
        f"(invalid UTF-8 byte read as cp1252, line {line})"
    ]


def _stray(record: Record) -> list[str]:
    return [w for w in record.original.warnings if "octet non UTF-8" in w or "ISO-8859-1" in w]


def test_a_file_declared_latin1_but_written_in_utf8_with_a_stray_byte(source, utf8_xml):
    data = _with_stray_bytes(utf8_xml).replace(b'encoding="utf-8"', b'encoding="ISO-8859-1"', 1)
    back = list(pmbxml.read(data))
    assert back[0].title == "Traité de la science des finances"
    assert back[0].items[0].call_number == "8°007.775(1892-1)"
    assert _stray(back[1]) and not _stray(back[2])


def test_a_malformed_notice_loses_only_itself(source, utf8_xml):
    notices = utf8_xml.split(b"<notice>")
    notices[3] = notices[3].replace(b"</s>", b"</t>", 1)  # one damaged element
    items = list(pmbxml.read(b"<notice>".join(notices)))
    assert len(items) == len(source)
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [e.position for e in errors] == [3] and "XML illisible" in errors[0].reason
    good = [i for i in items if isinstance(i, Record)]
    assert [r.title for r in good] == [r.title for r in source[:2] + source[3:]]
    assert good[0].items[0].call_number == "8°007.775(1892-1)"
