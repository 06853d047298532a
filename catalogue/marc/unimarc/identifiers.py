"""Identifiers ↔ 001 (the record id), 010 ISBN, 011 ISSN, 014 DOI/PMID, 017 other, 073 EAN.

A 001 written as a data field (some tools do) is read as the record id too; only the data
fields 010-073 belong to the family: 001 is the record's own number and travels unchanged.
"""

from __future__ import annotations

import re

from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import _Built, _clean, _field, _first, _join, _Scan, _values
from catalogue.record import Identifier, Record

IDENTIFIERS = Family("identifiers", ("identifiers",), _tags("010", "011", "014", "017", "073"))

_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_PRICE = re.compile(r"\d.*(€|eur|EUR|F|FRF|\$|£)|^(€|EUR|\$|£)\s*\d")


def read_001(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    # a control field written as a data field by some tools
    rec.source_id = rec.source_id or _clean(_first(subs, "a"))


def read_identifiers(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    if tag == "010":
        qualifier = _join((_clean(v) for c, v in subs if c in "bd"), " ; ")
        for value in _values(subs, "a"):
            value = _clean(value)
            scheme = "issn" if _ISSN.match(value) else "isbn"
            rec.identifiers.append(Identifier(scheme, value, qualifier))
    elif tag == "011":
        qualifier = _clean(_first(subs, "b", "d"))
        for value in _values(subs, "a"):
            rec.identifiers.append(Identifier("issn", _clean(value), qualifier))
    elif tag == "014":
        _read_014(rec, subs)
    elif tag == "017":
        system = _clean(_first(subs, "2")).lower()
        for value in _values(subs, "a"):
            value = _clean(value)
            scheme = system or ("doi" if value.startswith("10.") else "other")
            rec.identifiers.append(Identifier(scheme, value))
    elif tag == "073":
        qualifier = _clean(_first(subs, "b", "d"))
        for value in _values(subs, "a"):
            rec.identifiers.append(Identifier("ean", _clean(value), qualifier))


def _read_014(rec: Record, subs: list) -> None:
    # PMB: $b DOI or PMID; standard UNIMARC: $a article identifier, $2 its system
    system = _first(subs, "2").lower()
    for c, v in subs:
        if c not in "ab" or not v:
            continue
        value = _clean(v)
        if value.lower().startswith("doi:"):
            value = value[4:].strip()
        if value.startswith("10.") or system == "doi":
            scheme = "doi"
        elif value.isdigit() and (c == "b" or system == "pmid"):
            scheme = "pmid"
        elif value.upper() in ("DOI", "PMID"):
            continue  # a type label, not a value
        else:
            scheme = "other"
        rec.identifiers.append(Identifier(scheme, value))


def write_identifiers(record: Record) -> _Built:
    out: _Built = []
    ident = str(record.id) if record.id is not None else record.source_id
    if ident:
        out.append(["001", ident])
    for i in record.identifiers:
        q = i.qualifier
        if i.scheme == "isbn":
            out.append(
                _field("010", " ", " ", [("a", i.value), ("d" if _PRICE.search(q) else "b", q)])
            )
        elif i.scheme == "issn":
            out.append(_field("011", " ", " ", [("a", i.value), ("b", q)]))
        elif i.scheme in ("doi", "pmid"):
            out.append(_field("014", " ", " ", [("b", i.value)]))
        elif i.scheme == "ean":
            out.append(_field("073", " ", " ", [("a", i.value), ("b", q)]))
        else:
            out.append(_field("017", " ", " ", [("a", i.value), ("2", i.scheme)]))
    return out
