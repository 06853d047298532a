"""PMB's own UNIMARC XML (`<unimarc><notice>`): read and write.

The leader travels in parts (`<rs>` status, `<dt>` type, `<bl>` bibliographic level, `<hl>`
hierarchical level, `<el>` encoding level, `<ru>` descriptive rules), fields as `<f c="200"
ind="1 ">` with `<s c="a">` subfields. Files come in the PMB install's charset (ISO-8859-1 by
default, or UTF-8) and, over OAI-PMH, with `xmlns="http://www.pmbservices.fr"` on each notice:
elements are matched by local name so both read alike. The mapping is UNIMARC's (unimarc.py);
this module only moves fields between the XML and the model's field lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from catalogue import safexml
from catalogue.errors import FormatError, RecordError
from catalogue.marcxml import (
    LATIN1_NAMES,
    check_no_entities,
    element_chunks,
    parse_document,
    text_of,
    xml_attr,
    xml_text,
)
from catalogue.reading import Chunk, read_records
from catalogue.record import Record
from catalogue.xmlrecovery import tolerant

PMB_NS = "http://www.pmbservices.fr"
_LEADER_PARTS = ("rs", "dt", "bl", "hl", "el", "ru")
_LEADER_DEFAULTS = {"rs": "n", "dt": "a", "bl": "m", "hl": "0", "el": " ", "ru": " "}


def _local(tag: object) -> str:
    return safexml.local(tag)


def _leader(parts: dict[str, str]) -> str:
    """A UNIMARC leader from PMB's parts: status, type, levels, then encoding level and rules."""
    get = parts.get
    return (
        f"     {get('rs', 'n')}{get('dt', 'a')}{get('bl', 'm')}{get('hl', ' ')} 22     "
        f"{get('el', ' ')}{get('ru', ' ')} 450 "
    )


def _valid_tag(tag: str) -> bool:
    return len(tag) == 3 and tag.isascii() and tag.isalnum()


def notice_fields(
    notice: etree._Element, latin1: bool = False
) -> tuple[str, list[list[Any]], list[str]]:
    """(leader, UNIMARC fields, warnings) of one `<notice>`; `ValueError` when unusable."""
    parts: dict[str, str] = {}
    fields: list[list[Any]] = []
    warnings: list[str] = []
    for child in notice:
        name = _local(child.tag)
        if name in _LEADER_PARTS:
            value = (child.text or "").strip()[:1] or " "
            if not value.isascii() or not value.isprintable():
                raise ValueError(f"label de notice invalide <{name}> (invalid leader part)")
            parts[name] = value
        elif name == "f":
            tag = child.get("c", "")
            if not _valid_tag(tag):
                raise ValueError(f"étiquette invalide {tag!r} (invalid tag {tag!r})")
            if tag.startswith("00") and tag.isdigit():
                fields.append([tag, text_of(child, latin1)])
                continue
            ind = (child.get("ind") or "  ").ljust(2)[:2]
            if not (ind.isascii() and ind.isprintable()):
                warnings.append(f"{tag} : indicateurs invalides {ind!r} (invalid indicators)")
                ind = "  "
            subfields = []
            for sub in child:
                if _local(sub.tag) != "s":
                    continue
                code = sub.get("c", "")
                if len(code) != 1 or not code.isascii() or not code.isprintable() or code == " ":
                    warnings.append(
                        f"{tag} : code de sous-champ invalide {code!r} (invalid subfield code)"
                    )
                    code = "?"
                subfields.append([code, text_of(sub, latin1)])
            fields.append([tag, ind[0], ind[1], subfields])
    if not fields:
        raise ValueError("notice sans aucun champ (record has no fields)")
    if not parts:
        warnings.append("notice sans label : valeurs par défaut (no leader parts: defaults used)")
        parts = dict(_LEADER_DEFAULTS)
    return _leader(parts), fields, warnings


@tolerant
def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
    """Records of a PMB XML export; a bad `<notice>` is a `RecordError`, the others go on."""
    from catalogue import unimarc  # written alongside; imported when a PMB file is read

    document = parse_document(data)
    notices = list(document.root.iter("{*}notice", "notice"))
    if not notices:
        raise FormatError(
            f"aucune notice PMB dans ce XML (élément racine <{_local(document.root.tag)}>) "
            "(no PMB <notice> in this XML)"
        )
    latin1 = document.charset in LATIN1_NAMES

    def map_notice(chunk: Chunk) -> Record:
        notice = chunk.data
        check_no_entities(notice)
        try:
            leader, marc, warnings = notice_fields(notice, latin1)
        except ValueError as exc:
            raise RecordError(
                str(exc), position=chunk.position, offset=chunk.offset, chunk=chunk.raw
            ) from None
        record = unimarc.to_record(leader, marc, source)
        record.original.warnings[:0] = warnings
        return record

    yield from read_records(
        element_chunks(document, notices),
        map_notice,
        source=source,
        format="pmbxml",
        charset=document.charset,
    )


def notice_xml(leader: str, fields: list[list[Any]]) -> str:
    """One `<notice>` as PMB writes it."""
    leader = (leader + " " * 24)[:24]
    values = dict(
        zip(
            _LEADER_PARTS,
            (leader[5], leader[6], leader[7], leader[8], leader[17], leader[18]),
            strict=True,
        )
    )
    out = ["  <notice>\n    "]
    out.extend(f"<{name}>{xml_text(values[name])}</{name}>" for name in _LEADER_PARTS)
    out.append("\n")
    for f in fields:
        tag = xml_attr(str(f[0]))
        if len(f) == 2:
            out.append(f'    <f c="{tag}">{xml_text(str(f[1]))}</f>\n')
            continue
        ind = xml_attr((str(f[1]) or " ")[:1] + (str(f[2]) or " ")[:1])
        subs = "".join(
            f'<s c="{xml_attr(str(code)[:1] or "?")}">{xml_text(str(value))}</s>'
            for code, value in f[3]
        )
        out.append(f'    <f c="{tag}" ind="{ind}">{subs}</f>\n')
    out.append("  </notice>\n")
    return "".join(out)


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """PMB XML in UTF-8: the header, one notice per chunk, the footer."""
    from catalogue import unimarc

    yield b'<?xml version="1.0" encoding="utf-8"?>\n<unimarc>\n'
    for record in records:
        leader, fields = unimarc.from_record(record)
        yield notice_xml(leader, fields).encode("utf-8")
    yield b"</unimarc>\n"
