"""Notes ↔ 300-399 but 327 and 330, contents ↔ 327, abstract ↔ 330.

Every 3xx is read as text (its subfields joined by « ; »); 328 (a thesis note) also makes the
record a thesis. Notes are written as 300, one per note.
"""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import _Built, _clean, _field, _join, _Scan
from catalogue.record import Record

NOTES = Family("notes", ("notes",), _tags("300-399") - _tags("327", "330"))
CONTENTS = Family("contents", ("contents",), _tags("327"))
ABSTRACT = Family("abstract", ("abstract",), _tags("330"))


def read_3xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    """Any 3xx tag (the block, not only the tags the families write)."""
    tag = field[0]
    text = _join((_clean(v) for _, v in subs), " ; ")
    if tag == "328":
        scan.thesis = True
    if not text:
        return
    if tag == "327":
        scan.contents.append(text)
    elif tag == "330":
        scan.abstracts.append(text)
    else:
        rec.notes.append(text)


def finish_notes(rec: Record, scan: _Scan) -> None:
    if scan.contents:
        rec.contents = "\n".join(scan.contents)
    if scan.abstracts:
        rec.abstract = "\n\n".join(scan.abstracts)


def write_notes(record: Record) -> _Built:
    return [_field("300", " ", " ", [("a", note)]) for note in record.notes]


def write_contents(record: Record) -> _Built:
    return [_field("327", "1", " ", [("a", record.contents)])] if record.contents else []


def write_abstract(record: Record) -> _Built:
    return [_field("330", " ", " ", [("a", record.abstract)])] if record.abstract else []
