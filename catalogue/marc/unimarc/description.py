"""The description: title ↔ 200, edition ↔ 205, publication and year ↔ 210/214 (and 100
$a/9-12), physical description ↔ 215.

200 is shared with the host family (an issue's number and title are 200 $h $i, see `host`), 215
too (an article's extent is its pages in the host); the agents are read from 200 $f/$g when a
record has no 7xx (`agents.from_statement`).
"""

from __future__ import annotations

from catalogue import punctuation
from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import (
    _Built,
    _clean,
    _field,
    _first,
    _join,
    _Scan,
    _trim,
    _values,
    _year,
)
from catalogue.record import Publication, Record

TITLE = Family("title", ("title", "other_title", "parallel_titles", "responsibility"), _tags("200"))
EDITION = Family("edition", ("edition",), _tags("205"))
PUBLICATION = Family(
    "publication", ("publication", "year"), _tags("210", "214"), positions=(("100", 9, 13),)
)
PHYSICAL = Family(
    "physical", ("extent", "illustrations", "dimensions", "accompanying"), _tags("215")
)


# --------------------------------------------------------------------------------------------
# Title ↔ 200
# --------------------------------------------------------------------------------------------


def read_title(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    if rec.title:  # the first 200 is the record's
        return
    titles = [_trim(v) for v in _values(subs, "a")]
    rec.title = _join(titles, " ; ")
    others = [_trim(v) for v in _values(subs, "c")]
    if others:
        rec.title = punctuation.join([rec.title, *others], ". ")
    rec.other_title = _join((_trim(v) for v in _values(subs, "e")), " : ")
    rec.parallel_titles = [t for t in (_trim(v).lstrip("= ") for v in _values(subs, "d")) if t]
    statements = [(c, _trim(v)) for c, v in subs if c in "fg" and v]
    scan.title_f = [(c, v) for c, v in statements if v]
    rec.responsibility = _join((v for _, v in scan.title_f), " ; ")
    number = _trim(_first(subs, "h"))
    part = _trim(_first(subs, "i"))
    if number or part:
        scan.part = (number, part)


def write_title(record: Record) -> _Built:
    title = [("a", record.title or "[sans titre]")]
    title += [("d", t) for t in record.parallel_titles]
    title += [("e", record.other_title), ("f", record.responsibility)]
    if record.doc_type == "issue" and record.host:
        title += [("h", record.host.number), ("i", record.host.issue_title)]
    return [_field("200", "1", " ", title)]


# --------------------------------------------------------------------------------------------
# Edition ↔ 205
# --------------------------------------------------------------------------------------------


def read_edition(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    edition = _join([_trim(_first(subs, "a")), _trim(_first(subs, "b"))], ", ")
    statement = _trim(_first(subs, "f"))
    edition = _join([edition, statement], " / ")
    rec.edition = _join([rec.edition, edition], " ; ")


def write_edition(record: Record) -> _Built:
    return [_field("205", " ", " ", [("a", record.edition)])] if record.edition else []


# --------------------------------------------------------------------------------------------
# Publication and year ↔ 210, 214 (100 $a/9-12: `leader.read_100`, `leader.write_100`)
# --------------------------------------------------------------------------------------------


def _publications(rec: Record, subs: list) -> None:
    places: list[str] = []
    date_text = _trim(_first(subs, "d")) or _trim(_first(subs, "h"))
    publishers = 0
    new_place = False  # "$a Paris $c A $a Fès $c B": each publisher with its own place
    for c, v in subs:
        if c == "a":
            if new_place:
                places, new_place = [], False
            places.append(_trim(v))
        elif c == "c":
            rec.publication.append(Publication(_join(places, " ; "), _trim(v), date_text))
            publishers += 1
            new_place = True
    if not publishers and (places or date_text):
        rec.publication.append(Publication(_join(places, " ; "), "", date_text))


def read_210(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    _publications(rec, subs)


def read_214(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    before = len(rec.publication)
    _publications(rec, subs)
    scan.publications_214.extend(rec.publication[before:])
    del rec.publication[before:]


def finish_publication(rec: Record, scan: _Scan) -> None:
    """214 after every 210, then the year: the first publication date's, else 100's."""
    # PMB writes every 210 again as 214: keep a 214 only when it says something new
    for publication in scan.publications_214:
        if publication not in rec.publication:
            rec.publication.append(publication)
    for publication in rec.publication:
        rec.year = _year(publication.date)
        if rec.year is not None:
            break
    if rec.year is None:
        rec.year = scan.year100


def write_publication(record: Record) -> _Built:
    out: _Built = []
    for p in record.publication:
        out.append(_field("210", " ", " ", [("a", p.place), ("c", p.publisher), ("d", p.date)]))
    if record.year is not None and not any(p.date for p in record.publication):
        out.append(_field("210", " ", " ", [("d", str(record.year))]))
    return out


# --------------------------------------------------------------------------------------------
# Physical description ↔ 215
# --------------------------------------------------------------------------------------------


def read_physical(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    extent = _join((_clean(v) for v in _values(subs, "a")), " ; ")
    rec.extent = _join([rec.extent, extent], " ; ")
    rec.illustrations = rec.illustrations or _clean(_first(subs, "c"))
    rec.dimensions = rec.dimensions or _clean(_first(subs, "d"))
    rec.accompanying = rec.accompanying or _clean(_first(subs, "e"))


def write_physical(record: Record) -> _Built:
    extent = record.extent
    if not extent and record.host and record.doc_type in ("article", "chapter"):
        extent = record.host.pages
    physical = [("a", extent), ("c", record.illustrations), ("d", record.dimensions)]
    return [_field("215", " ", " ", [*physical, ("e", record.accompanying)])]
