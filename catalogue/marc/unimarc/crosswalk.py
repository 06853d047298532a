"""The UNIMARC crosswalk: one row per field family — the family, the tags it reads, its writers.

Reading (`to_record`) sends each field to the reader of its tag in the table (a "3xx" key
takes every tag of its block), then the finishing steps settle what needs every field (year,
contents, agents from 200 $f, host, doc type). Writing from the model (`_build`) calls the
writers row by row, then sorts by tag. `from_record` writes a UNIMARC-origin record as its
original fields with the edited families regenerated (`families.regenerate`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalogue.marc import families
from catalogue.marc.families import Family
from catalogue.marc.unimarc import (
    agents,
    description,
    host,
    identifiers,
    items,
    languages,
    leader,
    links,
    notes,
    series,
    subjects,
)
from catalogue.marc.unimarc.common import _Built, _clean, _Scan, _undouble_fields
from catalogue.record import BIB_LEVELS, Original, Record

Reader = Callable[[Record, _Scan, list, list], None]
Writer = Callable[[Record], _Built]


def _each(tags: tuple[str, ...] | dict[str, str], reader: Reader) -> dict[str, Reader]:
    return dict.fromkeys(tags, reader)


# family, what it reads (tag → reader), what writes it; in this order (regeneration follows it)
_CROSSWALK: tuple[tuple[Family, dict[str, Reader], tuple[Writer, ...]], ...] = (
    # leader/06-08; 100 coded data (its year is the publication's), 105 thesis/report codes
    (
        leader.TYPE,
        {"100": leader.read_100, "105": leader.read_105},
        (leader.write_100, leader.write_105),
    ),
    (
        identifiers.IDENTIFIERS,
        {
            "001": identifiers.read_001,
            **_each(("010", "011", "014", "017", "073"), identifiers.read_identifiers),
        },
        (identifiers.write_identifiers,),
    ),
    (languages.LANGUAGES, {"101": languages.read_languages}, (languages.write_languages,)),
    (languages.COUNTRY, {"102": languages.read_country}, (languages.write_country,)),
    (description.TITLE, {"200": description.read_title}, (description.write_title,)),
    (description.EDITION, {"205": description.read_edition}, (description.write_edition,)),
    (
        description.PUBLICATION,
        {"210": description.read_210, "214": description.read_214},
        (description.write_publication,),
    ),
    (description.PHYSICAL, {"215": description.read_physical}, (description.write_physical,)),
    (series.SERIES, _each(("225", "410", "411"), series.read_series), (series.write_series,)),
    (notes.NOTES, {"3xx": notes.read_3xx}, (notes.write_notes,)),  # 327, 330 too
    (notes.CONTENTS, {}, (notes.write_contents,)),
    (notes.ABSTRACT, {}, (notes.write_abstract,)),
    (host.HOST, {"461": host.read_461, "463": host.read_463}, (host.write_host,)),
    (
        subjects.SUBJECTS,
        _each(tuple(subjects.SUBJECT_KINDS), subjects.read_subject),
        (subjects.write_subjects,),
    ),
    (subjects.KEYWORDS, {"610": subjects.read_keywords}, (subjects.write_keywords,)),
    (
        subjects.CLASSIFICATIONS,
        _each(tuple(subjects.CLASSIFICATION_TAGS), subjects.read_classification),
        (subjects.write_classifications,),
    ),
    (
        agents.AGENTS,
        {
            **_each(("700", "701", "702", "720", "721", "722"), agents.read_person),
            **_each(("710", "711", "712"), agents.read_corporate),
        },
        (agents.write_agents,),
    ),
    (links.LINKS, _each(("856", "896", "897"), links.read_links), (links.write_links,)),
    (items.ITEMS, _each(("995", "996"), items.read_item), (items.write_items,)),
    (items.CUSTOM, {"900": items.read_custom}, (items.write_custom,)),
)

UNIMARC_FAMILIES: list[Family] = [family for family, _, _ in _CROSSWALK]
_READERS: dict[str, Reader] = {tag: r for _, readers, _ in _CROSSWALK for tag, r in readers.items()}
_WRITERS: tuple[Writer, ...] = tuple(w for _, _, writers in _CROSSWALK for w in writers)
# what needs every field read first, in this order
_FINISH = (
    description.finish_publication,  # 214 after 210, then the year
    notes.finish_notes,
    agents.from_statement,
    host.finish_host,
)


# --------------------------------------------------------------------------------------------
# UNIMARC → Record
# --------------------------------------------------------------------------------------------


def _read_fields(rec: Record, scan: _Scan, marc: list[list[Any]]) -> None:
    for field in marc:
        if not isinstance(field, list | tuple):
            continue
        tag = field[0]
        if len(field) == 2:
            if tag == "001":
                rec.source_id = _clean(field[1])
            continue
        if len(field) != 4 or not isinstance(tag, str) or len(tag) != 3:
            continue
        subs = field[3]
        if not isinstance(subs, list | tuple):
            continue
        reader = _READERS.get(tag) or _READERS.get(tag[0] + "xx")
        if reader is not None:
            reader(rec, scan, field, subs)


def to_record(leader_: str, marc: list[list[Any]], source: str = "") -> Record:
    """Map decoded UNIMARC fields to a Record; every field stays in `original.marc`.

    Tolerant by design: an absent or unexpected subfield leaves its element empty, never raises.
    """
    leader_ = (leader_ or "").ljust(24)[:24]
    rec = Record(source=source)
    rec.original = Original(format="unimarc", flavour="unimarc", leader=leader_, marc=marc)
    marc = _undouble_fields(marc, rec.original.warnings)
    level = leader_[7]
    rec.bib_level = level if level in BIB_LEVELS else "m"
    scan = _Scan()
    _read_fields(rec, scan, marc)
    for finish in _FINISH:
        finish(rec, scan)
    rec.doc_type = leader.doc_type(leader_, rec, scan)
    if not rec.title:
        rec.original.warnings.append("notice sans titre, pas de 200 $a (record has no title)")
    return rec


# --------------------------------------------------------------------------------------------
# Record → UNIMARC
# --------------------------------------------------------------------------------------------


def _build(record: Record) -> tuple[str, list[list[Any]]]:
    """UNIMARC fields from the model alone (a MARC21, RIS or BibTeX record going out as UNIMARC)."""
    fields = [f for write in _WRITERS for f in write(record) if f is not None]
    # tag order (stable: repeated fields keep theirs), except that subjects and agents keep
    # the model's order whatever their tags: it must read back the same (the first subject is
    # the main one)
    fields.sort(key=_build_order)
    return leader.write_leader(record), fields


def _build_order(field: list[Any]) -> str:
    tag = field[0]
    if tag in subjects.SUBJECT_TAG_SET:
        return "600"
    if tag[0] == "7" and tag[1] in "01":
        return "700"
    return tag


def from_record(record: Record) -> tuple[str, list[list[Any]]]:
    """The leader and UNIMARC fields to write for a record.

    A record read from UNIMARC goes out as its original fields, with every field family whose
    model values were edited regenerated from the model (`catalogue.marc.families`), declared
    UTF-8 in 100 and with PMB's leader: untouched, it goes out field for field. Any other record
    is built from the model.
    """
    original = record.original
    if original.flavour == "unimarc" and original.marc:
        fields = [f for f in original.marc if isinstance(f, list | tuple) and len(f) in (2, 4)]
        mapped = to_record(original.leader, original.marc)
        leader_, fields = families.regenerate(
            UNIMARC_FAMILIES, record, mapped, (original.leader, fields), _build, to_record
        )
        return leader.leader_for_pmb(leader_), leader.with_utf8_100(fields)
    return _build(record)
