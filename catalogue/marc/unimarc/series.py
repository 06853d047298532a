"""Series ↔ 225 (the series statement), 410/411 (series links) and a monograph's 461.

An article's or an issue's 461 is its periodical (the host family's, see `host.read_461`), a
monograph's the set or series it belongs to; PMB writes a series 461 with indicator 2 "0".
Only 225 is written: the links travel unchanged while the series are not edited.
"""

from __future__ import annotations

import re

from catalogue import punctuation
from catalogue.marc.families import Family, MarcField, _tags
from catalogue.marc.unimarc.common import (
    _analytic,
    _Built,
    _clean,
    _field,
    _first,
    _link_subfields,
    _Scan,
    _trim,
)
from catalogue.record import Record, Series


def _series_field(field: MarcField, record: Record) -> bool:
    return field[0] != "461" or not _analytic(record) or field[2] == "0"


SERIES = Family("series", ("series",), _tags("225", "410", "411", "461"), _series_field)


def _add_series(rec: Record, title: str, number: str, issn: str) -> None:
    if not title:
        return
    key = re.sub(r"\W+", "", title.casefold())
    for series in rec.series:  # 225 and 410 often name one series twice
        if re.sub(r"\W+", "", series.title.casefold()) == key:
            series.number = series.number or number
            series.issn = series.issn or issn
            return
    rec.series.append(Series(title, number, issn))


def read_series(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    if field[0] == "225":
        title = _trim(_first(subs, "a"))
        sub = _trim(_first(subs, "i"))
        if sub:
            title = punctuation.join([title, sub], ". ")
    else:
        subs = _link_subfields(subs)
        title = _trim(_first(subs, "t", "a"))
    _add_series(rec, title, _trim(_first(subs, "v")), _clean(_first(subs, "x")))


def write_series(record: Record) -> _Built:
    return [
        _field("225", "2", " ", [("a", s.title), ("v", s.number), ("x", s.issn)])
        for s in record.series
    ]
