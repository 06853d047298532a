"""The description: title ↔ 245/246, edition ↔ 250, publication and year ↔ 260/264, physical
description ↔ 300, notes ↔ 5xx (contents 505, abstract 520)."""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.field import Field
from catalogue.marc.marc21.common import (
    ByTag,
    MarcField,
    clean,
    clean_brackets,
    data_field,
    joined,
    sub_value,
    sub_values,
)
from catalogue.record import YEAR, Publication, Record

_CONTROL_SUBFIELDS = frozenset("0123456789")

# --- title ↔ 245, 246 (880 vernacular titles are read as parallel titles, never written) -----

TITLE = Family(
    "title",
    ("title", "other_title", "parallel_titles", "responsibility"),
    _tags("245", "246"),
)


def read_title(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Title."""
    for f in fields("245", ())[:1]:
        title = clean(sub_value(f, "a"))
        parts = [clean(v) for c, v in f[3] if c in "np" and v.strip()]
        if parts:
            title = ". ".join([title, *parts]) if title else ". ".join(parts)
        record.title = title
        record.other_title = joined(f, "b")
        record.responsibility = joined(f, "c")
    for f in fields("246", ()):
        value = joined(f, "ab", " : ")
        if value and value != record.title and value not in record.parallel_titles:
            record.parallel_titles.append(value)
    for f in fields("880", ()):
        link = sub_value(f, "6")
        if link[:3] in ("245", "246"):
            value = joined(f, "ab", " : ")
            if value and value not in record.parallel_titles:
                record.parallel_titles.append(value)
    if not record.title:
        for tag in ("130", "240", "246"):
            for f in fields(tag, ())[:1]:
                record.title = clean(sub_value(f, "a"))
            if record.title:
                break


def write_title(record: Record) -> list[Field]:
    # 245 ind1: 1 when a main entry (1xx) is written, else 0
    main = any(a.responsibility == "main" for a in record.agents)
    subs = [("a", record.title), ("b", record.other_title), ("c", record.responsibility)]
    out = data_field("245", "1" if main else "0", "0", subs)
    for title in record.parallel_titles:
        out += data_field("246", "3", "1", [("a", title)])
    return out


# --- edition ↔ 250 ---------------------------------------------------------------------------

EDITION = Family("edition", ("edition",), _tags("250"))


def read_edition(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Edition statement."""
    for f in fields("250", ())[:1]:
        record.edition = joined(f, "ab", " ")


def write_edition(record: Record) -> list[Field]:
    return data_field("250", " ", " ", [("a", record.edition)])


# --- publication and year ↔ 260, 264 and 008/07-10 ---------------------------------------------


def _publication_field(field: MarcField, record: Record) -> bool:
    return field[0] != "264" or field[2] != "4"  # 264 _4: a copyright date, not a publication


PUBLICATION = Family(
    "publication",
    ("publication", "year"),
    _tags("260", "264"),
    _publication_field,
    positions=(("008", 7, 11),),
)


def read_publication(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Publication statements, year."""
    for tag in ("260", "264"):
        for f in fields(tag, ()):
            if tag == "264" and f[2] == "4":
                continue  # copyright notice date, not a publication statement
            publication = Publication(
                place=" ; ".join(x for x in (clean_brackets(v) for v in sub_values(f, "ae")) if x),
                publisher=" ; ".join(
                    x for x in (clean_brackets(v) for v in sub_values(f, "bf")) if x
                ),
                date=" ".join(x for x in (clean_brackets(v) for v in sub_values(f, "cg")) if x),
            )
            if publication.place or publication.publisher or publication.date:
                record.publication.append(publication)
    record.year = _year(f008, record.publication, fields("264", ()))


def _year(f008: str, publications: list[Publication], f264: list[MarcField]) -> int | None:
    if len(f008) >= 11:
        date1 = f008[7:11]
        if date1.isdigit() and 1000 <= int(date1) <= 2099:
            return int(date1)
    for publication in publications:
        match = YEAR.search(publication.date)
        if match:
            return int(match.group(1))
    for f in f264:
        match = YEAR.search(" ".join(sub_values(f, "c")))
        if match:
            return int(match.group(1))
    return None


def write_publication(record: Record) -> list[Field]:
    out: list[Field] = []
    for p in record.publication:
        out += data_field("260", " ", " ", [("a", p.place), ("b", p.publisher), ("c", p.date)])
    return out


# --- physical description ↔ 300 --------------------------------------------------------------

PHYSICAL = Family(
    "physical", ("extent", "illustrations", "dimensions", "accompanying"), _tags("300")
)


def read_physical(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Physical description."""
    for f in fields("300", ())[:1]:
        record.extent = joined(f, "af")
        record.illustrations = joined(f, "b")
        record.dimensions = joined(f, "c")
        record.accompanying = joined(f, "e")


def write_physical(record: Record) -> list[Field]:
    physical = [("a", record.extent), ("b", record.illustrations), ("c", record.dimensions)]
    return data_field("300", " ", " ", [*physical, ("e", record.accompanying)])


# --- notes ↔ 5xx, contents ↔ 505, abstract ↔ 520 ---------------------------------------------

NOTES = Family("notes", ("notes",), _tags("500-599") - _tags("505", "510", "520", "583"))
CONTENTS = Family("contents", ("contents",), _tags("505"))
ABSTRACT = Family("abstract", ("abstract",), _tags("520"))


def read_notes(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Notes, contents and abstract, in one pass over the 5xx."""
    contents = []
    abstracts = []
    for f in marc:
        tag = f[0]
        if len(f) != 4 or tag[0] != "5":
            continue
        if tag == "505":
            text = " ".join(v.strip() for c, v in f[3] if c in "agrt" and v.strip())
            if text:
                contents.append(text)
        elif tag == "520":
            text = " ".join(v.strip() for c, v in f[3] if c in "ab" and v.strip())
            if text:
                abstracts.append(text)
        elif tag in ("510", "583"):
            continue  # "indexed in" citations and processing actions: not notes for readers
        elif tag == "502":
            text = sub_value(f, "a").strip() or " -- ".join(
                clean(v) for c, v in f[3] if c in "bcdgo" and v.strip()
            )
            if text:
                record.notes.append(text)
        else:
            text = " ".join(v.strip() for c, v in f[3] if c not in _CONTROL_SUBFIELDS and v.strip())
            if text:
                record.notes.append(text)
    record.contents = " -- ".join(contents)
    record.abstract = "\n\n".join(abstracts)


def write_notes(record: Record) -> list[Field]:
    out: list[Field] = []
    for note in record.notes:
        out += data_field("500", " ", " ", [("a", note)])
    out += data_field("505", "0", " ", [("a", record.contents)])
    for paragraph in record.abstract.split("\n\n"):
        out += data_field("520", " ", " ", [("a", paragraph.strip())])
    return out
