"""Languages ↔ 101 ($a text, $c original), country of publication ↔ 102 $a."""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import _Built, _clean, _field, _first, _Scan
from catalogue.record import Record

LANGUAGES = Family("languages", ("languages", "original_languages"), _tags("101"))
COUNTRY = Family("country", ("country",), _tags("102"))


def read_languages(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    for c, v in subs:
        if c not in "ac":
            continue
        v = _clean(v).lower()
        # "frefre" or "freeng" in one $a: codes of three letters run together
        codes = [v[i : i + 3] for i in range(0, len(v), 3)] if len(v) % 3 == 0 else [v]
        target = rec.languages if c == "a" else rec.original_languages
        for code in codes:
            if code and code not in target:
                target.append(code)


def write_languages(record: Record) -> _Built:
    if not (record.languages or record.original_languages):
        return []
    subs = [("a", v) for v in record.languages]
    subs += [("c", v) for v in record.original_languages]
    return [_field("101", "1" if record.original_languages else "0", " ", subs)]


def read_country(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    rec.country = rec.country or _clean(_first(subs, "a"))


def write_country(record: Record) -> _Built:
    return [_field("102", " ", " ", [("a", record.country)])] if record.country else []
