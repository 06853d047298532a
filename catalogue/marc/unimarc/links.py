"""Links ↔ 856 (online resource: $u URL, $q format, $z label), 896 (PMB's thumbnail), 897
(PMB's attached document)."""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import _Built, _clean, _field, _first, _Scan, _values
from catalogue.record import Link, Record

LINKS = Family("links", ("links",), _tags("856", "896", "897"))


def read_links(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    if tag == "856":
        label = _clean(_first(subs, "z", "2", "y"))
        fmt = _clean(_first(subs, "q"))
        for url in _values(subs, "u"):
            rec.links.append(Link(_clean(url), label, fmt, "resource"))
    elif tag == "896":
        for url in _values(subs, "a"):
            rec.links.append(Link(_clean(url), kind="thumbnail"))
    else:  # 897
        for url in _values(subs, "a") or _values(subs, "u"):
            rec.links.append(
                Link(
                    _clean(url), _clean(_first(subs, "b")), _clean(_first(subs, "t")), "attachment"
                )
            )


def write_links(record: Record) -> _Built:
    out: _Built = []
    for link in record.links:
        if link.kind == "thumbnail":
            out.append(_field("896", " ", " ", [("a", link.url)]))
        elif link.kind == "attachment":
            subs = [("a", link.url), ("b", link.label), ("t", link.format)]
            out.append(_field("897", " ", " ", subs))
        else:
            subs = [("u", link.url), ("q", link.format), ("z", link.label)]
            out.append(_field("856", "4", " ", subs))
    return out
