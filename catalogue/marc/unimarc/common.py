"""What every UNIMARC field family shares: model text, subfield look-ups, the reading scan.

No family and no tag of its own: the helpers the family modules (`identifiers`, `description`,
`agents`…) read and write with, the `_Scan` that collects across fields what decides the doc
type and the host, and the repair of UTF-8 encoded twice, done once before any family reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from catalogue.record import Publication, Record, year_of

UTF8_CHARSET = "50  "  # field 100 $a/26–29 for UTF-8

# UTF-8 encoded twice through Latin-1: "°" (C2 B0) became "Â°" (C3 82 C2 B0), "é" "Ã©". Only
# Â or Ã before a Latin-1 symbol or control: "CAFÉ" + no-break space (C3 89 C2 A0) is real text.
_DOUBLE_UTF8_TEXT = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")

# Non-sorting markers (UNIMARC NSB/NSE, MARC21's), direction marks, combining grapheme joiner:
# kept in the MARC fields, removed from the model's text.
_INVISIBLE = re.compile("[\x88\x89\x98\x9c\u200e\u200f\u034f\ufeff]")
_ISBD_TAIL = " ,;:/="
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# --------------------------------------------------------------------------------------------
# Text and subfields
# --------------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Model text: no invisible markers, no surrounding spaces."""
    if not text.isascii():
        if _INVISIBLE.search(text):
            text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
        elif not unicodedata.is_normalized("NFC", text):  # from a reader that did not normalise
            text = unicodedata.normalize("NFC", text)
    return text.strip()


def _trim(text: str) -> str:
    """Also drop the ISBD separator a field ends with ("Paris :", "Connaissance de l'emploi,")."""
    return _clean(text).rstrip(_ISBD_TAIL).strip()


def _values(subfields: list, code: str) -> list[str]:
    return [v for c, v in subfields if c == code and v]


def _first(subfields: list, *codes: str) -> str:
    for wanted in codes:
        for c, v in subfields:
            if c == wanted and v:
                return v
    return ""


def _pmb_keys(subfields: list) -> dict[str, str]:
    """PMB's $9 "key:value" pairs (id:, idthes:, uri:, lnk:, lang:…); first value wins."""
    keys: dict[str, str] = {}
    for c, v in subfields:
        if c == "9" and ":" in v:
            key, _, value = v.partition(":")
            keys.setdefault(key.strip().lower(), value.strip())
    return keys


def _authority(subfields: list, keys: dict[str, str] | None = None) -> str:
    keys = _pmb_keys(subfields) if keys is None else keys
    return keys.get("id") or _clean(_first(subfields, "3"))


def _dates(text: str) -> str:
    text = _clean(text)
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def _join(parts: Iterable[str], sep: str) -> str:
    return sep.join(p for p in parts if p)


_year = year_of


def _link_subfields(subfields: list) -> list[list[str]]:
    """Flatten a 4xx link: embedded fields ($1 + tag) become the codes PMB uses directly.

    Standard UNIMARC embeds the linked record's fields ($1 2001  $a Title $1 011   $a ISSN); PMB
    writes $t/$x/$9 directly. Both come out as $t title, $x ISSN, $y ISBN, $0 id, $v number.
    """
    if not any(c == "1" for c, _ in subfields):
        return subfields
    out: list[list[str]] = []
    tag = ""
    for c, v in subfields:
        if c == "1":
            tag = v[:3]
            if tag == "001":
                out.append(["0", v[3:]])
            continue
        if tag == "200" and c == "a":
            out.append(["t", v])
        elif tag == "011" and c == "a":
            out.append(["x", v])
        elif tag == "010" and c == "a":
            out.append(["y", v])
        elif c in "v9" or not tag:
            out.append([c, v])
    return out


def _analytic(record: Record) -> bool:
    # an article's (or an issue's) 461 is its periodical; a monograph's is its series
    return record.bib_level == "a" or record.doc_type == "issue"


# --------------------------------------------------------------------------------------------
# Reading: what the families learn on the way
# --------------------------------------------------------------------------------------------


class _Scan:
    """What the mapping learns on the way that decides the doc type and the host."""

    __slots__ = (
        "thesis",
        "report",
        "proceedings",
        "host_461",
        "host_463",
        "pages",
        "title_f",
        "part",
        "year100",
        "contents",
        "abstracts",
        "publications_214",
        "has_7xx",
    )

    def __init__(self) -> None:
        self.thesis = False
        self.report = False
        self.proceedings = False
        self.host_461: list | None = None
        self.host_463: list | None = None
        self.pages = ""
        self.title_f: list[tuple[str, str]] = []
        self.part: tuple[str, str] | None = None  # 200 $h/$i: a part, or an issue's number
        self.year100: int | None = None
        self.contents: list[str] = []  # 327
        self.abstracts: list[str] = []  # 330
        self.publications_214: list[Publication] = []
        self.has_7xx = False  # else the agents come from 200 $f/$g


def _undouble(match: re.Match[str]) -> str:
    try:
        return match.group().encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


def _undouble_fields(marc: list[list[Any]], warnings: list[str]) -> list[list[Any]]:
    """The fields with double-encoded UTF-8 repaired, for the model only: the original fields
    stay as they came (whatever the format they came in), so that they go out field for field."""
    text = "\x1f".join(
        [v for f in marc if len(f) == 4 for _, v in f[3] if isinstance(v, str) and not v.isascii()]
    )
    if not _DOUBLE_UTF8_TEXT.search(text):
        return marc
    fixed: list[list[Any]] = []
    for f in marc:
        if not (isinstance(f, list | tuple) and len(f) == 4):
            fixed.append(f)
            continue
        subs = []
        for code, value in f[3]:
            if isinstance(value, str) and _DOUBLE_UTF8_TEXT.search(value):
                repaired = _DOUBLE_UTF8_TEXT.sub(_undouble, value)
                if repaired != value:
                    warnings.append(
                        f"UTF-8 doublement encodé réparé : « {value} » → « {repaired} » "
                        f"(double-encoded UTF-8 repaired)"
                    )
                value = repaired
            subs.append([code, value])
        fixed.append([f[0], f[1], f[2], subs])
    return fixed


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _field(tag: str, ind1: str, ind2: str, subs: Iterable[tuple[str, str]]) -> list[Any] | None:
    subfields = [[c, v] for c, v in subs if v]
    return [tag, ind1, ind2, subfields] if subfields else None


_Built = list[list[Any] | None]  # fields as `_field` makes them (None: nothing to write)
