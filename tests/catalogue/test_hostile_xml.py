"""Hostile XML through both XML readers: refused with UnsafeXMLError, nothing ever resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue import marcxml, pmbxml
from catalogue.errors import FormatError, UnsafeXMLError
from catalogue.record import Record

PASSWD = Path("/etc/passwd")
SECRET = PASSWD.read_text()[:20] if PASSWD.exists() else "root:x:0:0"

MARC_BODY = (
    '<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
    "<leader>00000nam a2200000 a 4500</leader>"
    '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{value}</subfield></datafield>'
    "</record></collection>"
)
PMB_BODY = (
    "<unimarc><notice><rs>n</rs><dt>a</dt><bl>m</bl><hl>0</hl>"
    '<f c="200" ind="1 "><s c="a">{value}</s></f></notice></unimarc>'
)

ATTACKS = {
    "billion_laughs": (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
        '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
        '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
        '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
        '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
        '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>',
        "&lol9;",
    ),
    "external_entity": ('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
    "parameter_entity": (
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
        "parameter",
    ),
    "external_dtd": ('<!DOCTYPE r SYSTEM "file:///etc/passwd">', "dtd"),
    "network_dtd": ('<!DOCTYPE r PUBLIC "-//X//EN" "http://127.0.0.1:9/evil.dtd">', "net"),
}


def documents(body: str) -> list[tuple[str, bytes]]:
    out = []
    for name, (doctype, value) in ATTACKS.items():
        text = f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{body.format(value=value)}'
        out.append((name, text.encode("utf-8")))
        # UTF-16/32 hide the DOCTYPE from a byte-level check: the readers must still refuse it
        for codec in ("utf-16", "utf-32"):
            wide = text.replace('encoding="UTF-8"', f'encoding="{codec.upper()}"').encode(codec)
            out.append((f"{name}_{codec}", wide))
    return out


CASES = [("marcxml", marcxml.read, doc) for doc in documents(MARC_BODY)] + [
    ("pmbxml", pmbxml.read, doc) for doc in documents(PMB_BODY)
]


@pytest.mark.parametrize(
    ("reader", "doc"), [(c[1], c[2]) for c in CASES], ids=[f"{c[0]}-{c[2][0]}" for c in CASES]
)
def test_hostile_xml_is_refused(reader, doc):
    _name, data = doc
    with pytest.raises(UnsafeXMLError) as caught:
        list(reader(data))
    assert SECRET not in str(caught.value)
    assert "lollollol" not in str(caught.value)


def test_xinclude_is_never_processed():
    value = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>'
    for reader, body in ((marcxml.read, MARC_BODY), (pmbxml.read, PMB_BODY)):
        try:
            items = list(reader(body.format(value=value).encode("utf-8")))
        except FormatError:
            continue
        for item in items:
            text = (
                item.original.raw + repr(item.original.marc)
                if isinstance(item, Record)
                else str(item)
            )
            assert SECRET not in text


def test_doctype_inside_cdata_or_a_comment_is_text_not_a_dtd(fixtures) -> None:
    """A record whose note quotes `<!DOCTYPE html>` in CDATA is read; a real DTD still is not."""
    from catalogue import safexml

    data = (fixtures / "xml" / "pymarc_batch.xml").read_bytes()
    quoted = data.replace(
        b"<marc:record>",
        b'<marc:record><!-- <!DOCTYPE x> --><marc:datafield tag="500" ind1=" " ind2=" ">'
        b'<marc:subfield code="a"><![CDATA[<!DOCTYPE html><p>page</p>]]></marc:subfield>'
        b"</marc:datafield>",
        1,
    )
    assert quoted != data
    records = list(marcxml.read(quoted))
    assert len(records) == len(list(marcxml.read(data)))
    assert any(
        sf[1] == "<!DOCTYPE html><p>page</p>"
        for f in records[0].original.marc
        if f[0] == "500"
        for sf in f[3]
    )
    real = (
        b'<?xml version="1.0"?>\n<!DOCTYPE collection [<!ENTITY x "y">]>' + data.split(b"?>", 1)[1]
    )
    with pytest.raises(UnsafeXMLError):
        safexml.parse(real)
