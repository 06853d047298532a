"""The bigger wholes a record belongs to: series ↔ 490/440/8xx, host ↔ 773 (the periodical or
book an article or chapter is in)."""

from __future__ import annotations

import re

from catalogue.marc.families import Family, _tags
from catalogue.marc.field import Field
from catalogue.marc.marc21.common import (
    ByTag,
    MarcField,
    clean,
    data_field,
    joined,
    sub_value,
    sub_values,
)
from catalogue.record import YEAR, Host, Record, Series

SERIES = Family("series", ("series",), _tags("440", "490", "800", "810", "811", "830"))
HOST = Family("host", ("host",), _tags("773"))


def read_series(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Series."""
    seen_series: set[str] = set()
    for tag in ("490", "440", "800", "810", "811", "830"):
        for f in fields(tag, ()):
            title = joined(f, "tnp" if tag in ("800", "810", "811") else "anp", ". ")
            if not title:
                continue
            key = re.sub(r"\W+", "", title.lower())
            if key in seen_series:
                continue
            seen_series.add(key)
            record.series.append(
                Series(title=title, number=joined(f, "v"), issn=clean(sub_value(f, "x")))
            )


def write_series(record: Record) -> list[Field]:
    out: list[Field] = []
    for s in record.series:
        out += data_field("490", "0", " ", [("a", s.title), ("x", s.issn), ("v", s.number)])
    return out


def read_host(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Host (the periodical or book an article or chapter is in)."""
    for f in fields("773", ())[:1]:
        record.host = _host(f)


def write_host(record: Record) -> list[Field]:
    h = record.host
    if not h:
        return []
    number = h.number
    if number and not number.lower().startswith(("n", "no")):
        number = f"no. {number}"
    enumeration = ", ".join(
        x
        for x in (
            f"vol. {h.volume}" if h.volume else "",
            number,
            f"({h.date})" if h.date else "",
            f"p. {h.pages}" if h.pages else "",
        )
        if x
    )
    subs = [("t", h.title), ("x", h.issn), ("z", h.isbn), ("w", h.authority_id)]
    return data_field("773", "0", " ", [*subs, ("g", enumeration or h.issue_title)])


def _host(field: MarcField) -> Host:
    host = Host(
        title=clean(sub_value(field, "t") or sub_value(field, "a")),
        issn=clean(sub_value(field, "x")),
        isbn=clean(sub_value(field, "z")),
        authority_id=clean(sub_value(field, "w")),
    )
    related = " ".join(sub_values(field, "g"))
    if related:
        host.issue_title = ""
        _parse_enumeration(related, host)
    enumeration = sub_value(field, "q")
    if enumeration and not (host.volume or host.number or host.pages):
        # 773 $q "12:3<45": volume:issue<start page
        m = re.match(r"^\s*(\w+)(?::(\w+))?(?:<(\w+))?", enumeration)
        if m:
            host.volume, host.number, host.pages = m.group(1), m.group(2) or "", m.group(3) or ""
    return host


_VOLUME = re.compile(r"\b(?:v|vol|volume|bd|t|tome|jahrg|jg|année|annee|anno)\.?\s*(\d+\w*)", re.I)
_NUMBER = re.compile(
    r"(?:\bno|\bnr|\bnum|\bn°|\bissue|\bheft|\bh|\bfasc|\bnº)\.?\s*(\d+[\w/-]*)", re.I
)
_PAGES = re.compile(
    r"(?:\bpp?|\bs|\bpages?)\.?\s*([\divxlcIVXLC]+(?:\s*-\s*[\divxlcIVXLC]+)?)", re.I
)
_COMPACT = re.compile(r"^\s*(\d+)\s*\((\d+[\w/-]*)\)\s*(?:[,:]\s*(\d+(?:\s*-\s*\d+)?))?")
_PAREN_DATE = re.compile(r"\(([^()]*\d{4}[^()]*)\)")


def _parse_enumeration(text: str, host: Host) -> None:
    """Volume, number, pages and date from 773 $g ("Vol. 12, no. 3 (2001), p. 45-67")."""
    compact = _COMPACT.match(text)
    if compact:
        host.volume, host.number = compact.group(1), compact.group(2)
        host.pages = (compact.group(3) or "").replace(" ", "")
    for pattern, attr in ((_VOLUME, "volume"), (_NUMBER, "number"), (_PAGES, "pages")):
        if not getattr(host, attr):
            m = pattern.search(text)
            if m:
                setattr(host, attr, m.group(1).replace(" ", ""))
    date = _PAREN_DATE.search(text)
    if date:
        host.date = date.group(1).strip()
        year = YEAR.search(host.date)
        if year and host.date.strip() == year.group(1):
            host.date_iso = year.group(1)
    if not (host.volume or host.number or host.pages):
        host.issue_title = clean(text)
