"""MARCXML of either flavour (MARC21 slim, Sudoc/BnF UNIMARC, PMB's "XML MARC"): read and write.

Real files differ in everything but the element names: the MARC21 slim namespace, another one or
none, a bare `<record>` root (Sudoc), a `<collection>`, a BOM, no prolog, or OAI-PMH responses
with the records inside `<metadata>`. So records are found by shape — any element named `record`
with a leader, control or data field child — and each record's flavour is told from its tags,
since a UNIMARC record and a MARC21 one look alike in XML.

Every document goes through `safexml.parse`; what it lets through is checked again here (a DTD
in a UTF-16 document escapes its byte-level check), so that no entity is ever resolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from lxml import etree

from catalogue import formats, marc21, safexml, xmlcharset
from catalogue.errors import FormatError, RecordError, UnsafeXMLError
from catalogue.reading import Chunk, read_records
from catalogue.record import Record, nfc
from catalogue.xmlcharset import LATIN1_NAMES
from catalogue.xmlrecovery import tolerant

MARC_NS = "http://www.loc.gov/MARC21/slim"
_MARC_CHILDREN = frozenset({"leader", "controlfield", "datafield"})
_C1 = re.compile("[\x80-\x9f]")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class XMLDocument(NamedTuple):
    root: etree._Element
    charset: str  # the charset the text was read in
    warnings: list[str]  # about the whole file
    settled: xmlcharset.Settled  # `settled.warnings_for(record)`: that record's stray bytes


def parse_document(data: bytes) -> XMLDocument:
    """The root element, the charset the text was read in, and warnings about it.

    A declared charset that the bytes contradict is corrected rather than trusted
    (`xmlcharset.settle`): a file that says ISO-8859-1 but is UTF-8 is read as UTF-8 (PMB
    installs do this), a mostly UTF-8 file's stray bytes are read as cp1252 one by one, and a
    file that says UTF-8 (or nothing) but is not UTF-8 at all is read as ISO-8859-1.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    settled = xmlcharset.settle(data)
    root = safexml.parse(settled.data)
    tree = root.getroottree()
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.doctype or docinfo.system_url:
        raise UnsafeXMLError(
            "XML refusé : les déclarations DOCTYPE/ENTITY ne sont pas acceptées "
            "(XML with a DTD or entity declarations is refused)"
        )
    charset = (docinfo.encoding or settled.declared or "utf-8").lower()
    return XMLDocument(root, charset, settled.warnings, settled)


def element_chunks(
    document: XMLDocument, elements: list[etree._Element], *, with_tail: bool = False
) -> Iterator[Chunk]:
    """Each record element as a chunk: its rank, line, XML text and warnings (the file's, then
    its own stray bytes'), the element itself for the mapping."""
    for position, element in enumerate(elements, 1):
        yield Chunk(
            position,
            element.sourceline,
            etree.tostring(element, encoding="unicode", with_tail=with_tail),
            document.warnings + document.settled.warnings_for(element),
            element,
        )


def check_no_entities(element: etree._Element) -> None:
    for node in element.iter(etree.Entity):
        raise UnsafeXMLError(
            f"XML refusé : référence d'entité {node.text!r} (entity reference refused)"
        )


def fix_c1(text: str) -> str:
    """Windows-1252 characters that an ISO-8859-1 declaration turned into C1 controls."""
    return text.translate(marc21.C1_AS_CP1252) if _C1.search(text) else text


def text_of(element: etree._Element | None, latin1: bool = False) -> str:
    """An element's text, NFC (and C1 controls repaired for ISO-8859-1 documents)."""
    if element is None or element.text is None:
        return ""
    text = element.text
    if latin1:
        text = fix_c1(text)
    return nfc(text)


def _local(tag: object) -> str:
    return safexml.local(tag)


def find_records(root: etree._Element) -> list[etree._Element]:
    """Every element that is a MARC record: named `record`, with a leader or a field inside."""
    found = []
    for element in root.iter("{*}record", "record"):
        for child in element:
            if _local(child.tag) in _MARC_CHILDREN:
                found.append(element)
                break
    return found


def _valid_tag(tag: str) -> bool:
    return len(tag) == 3 and tag.isascii() and tag.isalnum()


def record_fields(
    element: etree._Element, latin1: bool = False
) -> tuple[str, list[list[Any]], list[str]]:
    """(leader, MARC fields, warnings) of one MARCXML record; `ValueError` when unusable."""
    leader = None
    fields: list[list[Any]] = []
    warnings: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "leader":
            leader = (child.text or "").replace("\n", "").replace("\r", "").replace("\t", "")
        elif name == "controlfield":
            tag = child.get("tag", "")
            if not _valid_tag(tag):
                raise ValueError(f"étiquette invalide {tag!r} (invalid tag {tag!r})")
            fields.append([tag, text_of(child, latin1)])
        elif name == "datafield":
            tag = child.get("tag", "")
            if not _valid_tag(tag):
                raise ValueError(f"étiquette invalide {tag!r} (invalid tag {tag!r})")
            ind1 = _indicator(child.get("ind1"), tag, warnings)
            ind2 = _indicator(child.get("ind2"), tag, warnings)
            subfields = []
            for sub in child:
                if _local(sub.tag) != "subfield":
                    continue
                code = sub.get("code", "")
                if len(code) != 1 or not code.isascii() or not code.isprintable() or code == " ":
                    warnings.append(
                        f"{tag} : code de sous-champ invalide {code!r} (invalid subfield code)"
                    )
                    code = "?"
                subfields.append([code, text_of(sub, latin1)])
            fields.append([tag, ind1, ind2, subfields])
    if leader is None:
        raise ValueError("notice sans label (record without a leader)")
    if len(leader) != 24 or not leader.isascii() or not leader.isprintable():
        raise ValueError(f"label de notice invalide {leader!r} (invalid leader: not 24 characters)")
    if not fields:
        raise ValueError("notice sans aucun champ (record has no fields)")
    return leader, fields, warnings


def _indicator(value: str | None, tag: str, warnings: list[str]) -> str:
    if value is None or value == "":
        return " "
    if len(value) == 1 and value.isascii() and value.isprintable():
        return value
    warnings.append(f"{tag} : indicateur invalide {value!r} (invalid indicator)")
    first = value[:1]
    return first if first.isascii() and first.isprintable() else " "


@tolerant
def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
    """Records of a MARCXML document of either flavour; a bad record is a `RecordError`."""
    from catalogue import unimarc  # written alongside; imported late so MARC21 works without it

    document = parse_document(data)
    records = find_records(document.root)
    if not records:
        raise FormatError(
            f"aucune notice MARC dans ce XML (élément racine <{_local(document.root.tag)}>) "
            "(no MARC record in this XML: no <record> with a leader or fields)"
        )
    latin1 = document.charset in LATIN1_NAMES

    def map_element(chunk: Chunk) -> Record:
        element = chunk.data
        check_no_entities(element)
        try:
            leader, marc, warnings = record_fields(element, latin1)
        except ValueError as exc:
            raise RecordError(
                str(exc), position=chunk.position, offset=chunk.offset, chunk=chunk.raw
            ) from None
        flavour = formats.marc_flavour(f[0] for f in marc)
        if flavour == "unimarc":
            record = unimarc.to_record(leader, marc, source)
            record.original.format = "unimarcxml"
        else:
            record = marc21.to_record(leader, marc, source)
            record.original.format = "marcxml"
        record.original.flavour = flavour
        record.original.warnings[:0] = warnings
        return record

    yield from read_records(
        element_chunks(document, records), map_element, source=source, charset=document.charset
    )


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="' + MARC_NS + '">\n'
_FOOTER = "</collection>\n"


def xml_text(value: str) -> str:
    """Text safe in XML 1.0: escaped, and without the characters XML cannot carry."""
    if _INVALID_XML.search(value):
        value = _INVALID_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(value: str) -> str:
    return xml_text(value).replace('"', "&quot;")


def record_xml(leader: str, fields: list[list[Any]], indent: str = "  ") -> str:
    """One MARCXML `<record>` (no namespace declaration: the enclosing collection has it)."""
    leader = "".join(
        c if c.isascii() and c.isprintable() else " " for c in (leader + " " * 24)[:24]
    )
    out = [f"{indent}<record>\n{indent}  <leader>{xml_text(leader)}</leader>\n"]
    for f in fields:
        tag = xml_attr(str(f[0]))
        if len(f) == 2:
            out.append(
                f'{indent}  <controlfield tag="{tag}">{xml_text(str(f[1]))}</controlfield>\n'
            )
            continue
        ind1 = xml_attr((str(f[1]) or " ")[:1])
        ind2 = xml_attr((str(f[2]) or " ")[:1])
        out.append(f'{indent}  <datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">\n')
        for code, value in f[3]:
            out.append(
                f'{indent}    <subfield code="{xml_attr(str(code)[:1] or "?")}">'
                f"{xml_text(str(value))}</subfield>\n"
            )
        out.append(f"{indent}  </datafield>\n")
    out.append(f"{indent}</record>\n")
    return "".join(out)


def _write(
    records: Iterable[Record], convert: Callable[[Record], tuple[str, list[list[Any]]]]
) -> Iterator[bytes]:
    yield _HEADER.encode("utf-8")
    for record in records:
        leader, fields = convert(record)
        yield record_xml(leader, fields).encode("utf-8")
    yield _FOOTER.encode("utf-8")


def write_marc21(records: Iterable[Record]) -> Iterator[bytes]:
    """MARCXML (MARC21 slim): a header, one record per chunk, the footer."""
    return _write(records, marc21.from_record)


def write_unimarc(records: Iterable[Record]) -> Iterator[bytes]:
    """UNIMARC as MARCXML-shaped XML in the slim namespace, which Sudoc and BnF tools read."""
    from catalogue import unimarc

    return _write(records, unimarc.from_record)
