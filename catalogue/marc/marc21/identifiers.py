"""Identifiers ↔ 020 (ISBN, with its qualifiers), 022 (ISSN), 024 (DOI, PMID, EAN, other)."""

from __future__ import annotations

import re

from catalogue.marc.families import Family, _tags
from catalogue.marc.field import Field
from catalogue.marc.marc21.common import ByTag, MarcField, clean, data_field, sub_value, sub_values
from catalogue.record import Identifier, Record

IDENTIFIERS = Family("identifiers", ("identifiers",), _tags("020", "022", "024"))
_ISBN = re.compile(r"^\s*([0-9Xx][0-9Xx\- ]{8,}[0-9Xx])\b\s*(.*)$")
_PARENS = re.compile(r"^\((.*)\)$")


def _identifier_020(field: MarcField) -> Identifier | None:
    value = sub_value(field, "a").strip()
    if not value:
        return None
    qualifiers = []
    match = _ISBN.match(value)
    if match:
        value, rest = match.group(1).replace(" ", ""), match.group(2).strip()
        if rest:
            paren = _PARENS.match(clean(rest))
            qualifiers.append(paren.group(1) if paren else clean(rest))
    else:
        value = clean(value)
    for q in (clean(v) for v in sub_values(field, "q")):
        paren = _PARENS.match(q)
        if q:
            qualifiers.append(paren.group(1) if paren else q)
    price = clean(sub_value(field, "c"))
    if price:
        qualifiers.append(price)
    return Identifier("isbn", value, " ; ".join(q for q in qualifiers if q))


def read_identifiers(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Identifiers: ISBN, ISSN, DOI, PMID, EAN and others."""
    for f in fields("020", ()):
        identifier = _identifier_020(f)
        if identifier:
            record.identifiers.append(identifier)
    for f in fields("022", ()):
        value = clean(sub_value(f, "a"))
        if value:
            record.identifiers.append(Identifier("issn", value))
    for f in fields("024", ()):
        value = clean(sub_value(f, "a"))
        if not value:
            continue
        scheme = "other"
        if f[1] == "7":
            source2 = sub_value(f, "2").strip().lower()
            scheme = {"doi": "doi", "pmid": "pmid", "pubmed": "pmid"}.get(source2, "other")
        elif f[1] in "13":  # EAN, or UPC (an EAN-13 with a leading zero)
            scheme = "ean"
        if scheme == "doi":
            value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        record.identifiers.append(Identifier(scheme, value, clean(sub_value(f, "q"))))


def write_identifiers(record: Record) -> list[Field]:
    out: list[Field] = []
    for identifier in record.identifiers:
        value, qualifier = identifier.value, identifier.qualifier
        if identifier.scheme == "isbn":
            out += data_field("020", " ", " ", [("a", value), ("q", qualifier)])
        elif identifier.scheme == "issn":
            out += data_field("022", " ", " ", [("a", value)])
        elif identifier.scheme in ("doi", "pmid"):
            out += data_field("024", "7", " ", [("a", value), ("2", identifier.scheme)])
        elif identifier.scheme == "ean":
            out += data_field("024", "3", " ", [("a", value)])
        else:
            out += data_field("024", "8", " ", [("a", value), ("q", qualifier)])
    return out
