"""The MARC21 crosswalk: one row per field family — its `Family`, reader and writer — in the
order `families.regenerate` settles them, and the map's entry points over that table.

Reading runs every row's reader over the decoded fields (the leader and 008 coded values
first); building from the model runs every writer, then puts the fields in tag order.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from catalogue.marc import families
from catalogue.marc.families import Family
from catalogue.marc.field import Field
from catalogue.marc.marc21 import agents, coded, description, host, identifiers, items, subjects
from catalogue.marc.marc21.common import MarcField, Reader, Writer
from catalogue.record import Original, Record


class Unit(NamedTuple):
    family: Family
    read: Reader | None  # None: read with a family above (or, for the type, from the leader)
    write: Writer | None  # None: written with a family above (or in the leader and 008)


TABLE: tuple[Unit, ...] = (
    Unit(coded.TYPE, None, None),
    Unit(identifiers.IDENTIFIERS, identifiers.read_identifiers, identifiers.write_identifiers),
    Unit(coded.LANGUAGES, coded.read_languages, coded.write_languages),
    Unit(coded.COUNTRY, coded.read_country, None),
    Unit(description.TITLE, description.read_title, description.write_title),
    Unit(description.EDITION, description.read_edition, description.write_edition),
    Unit(description.PUBLICATION, description.read_publication, description.write_publication),
    Unit(description.PHYSICAL, description.read_physical, description.write_physical),
    Unit(host.SERIES, host.read_series, host.write_series),
    Unit(description.NOTES, description.read_notes, description.write_notes),
    Unit(description.CONTENTS, None, None),
    Unit(description.ABSTRACT, None, None),
    Unit(subjects.SUBJECTS, subjects.read_subjects, subjects.write_subjects),
    Unit(subjects.KEYWORDS, subjects.read_keywords, subjects.write_keywords),
    Unit(subjects.CLASSIFICATIONS, subjects.read_classifications, subjects.write_classifications),
    Unit(agents.AGENTS, agents.read_agents, agents.write_agents),
    Unit(items.LINKS, items.read_links, items.write_links),
    Unit(host.HOST, host.read_host, host.write_host),
    Unit(items.ITEMS, items.read_items, items.write_items),
)
FAMILIES: list[Family] = [unit.family for unit in TABLE]
_READERS = tuple(unit.read for unit in TABLE if unit.read is not None)
_WRITERS = tuple(unit.write for unit in TABLE if unit.write is not None)


def to_record(leader: str, marc: list[MarcField], source: str = "") -> Record:
    """Map a MARC21 record (leader + decoded fields) to the model; the fields go in `original`."""
    leader = (leader + " " * 24)[:24]
    by_tag: dict[str, list[MarcField]] = {}  # every field, control or data, by tag
    datafields: dict[str, list[MarcField]] = {}
    for f in marc:
        tag = f[0]
        if tag in by_tag:
            by_tag[tag].append(f)
        else:
            by_tag[tag] = [f]
        if len(f) == 4:
            if tag in datafields:
                datafields[tag].append(f)
            else:
                datafields[tag] = [f]
    f008 = next((f[1] for f in by_tag.get("008", ()) if len(f) == 2), "")
    fields = datafields.get

    record = Record(source=source)
    for f in by_tag.get("001", ()):
        if len(f) == 2:
            record.source_id = f[1].strip()
            break
    coded.read_type(record, leader, f008, by_tag)
    for read_family in _READERS:
        read_family(record, fields, marc, f008)
    record.original = Original(format="marc21", flavour="marc21", leader=leader, marc=marc)
    return record


def from_record(record: Record) -> tuple[str, list[list[Any]]]:
    """The MARC21 leader and fields of a record.

    A record read from MARC21 goes out as its original fields, with every field family whose
    model values were edited regenerated from the model (`catalogue.marc.families`); any other
    record is built from the model.
    """
    original = record.original
    if original.flavour == "marc21" and original.marc:
        mapped = to_record(original.leader, original.marc)
        leader, fields = families.regenerate(
            FAMILIES,
            record,
            mapped,
            (original.leader, original.marc),
            build,
            to_record,
        )
        leader = (leader + " " * 24)[:24]
        return leader[:9] + "a" + leader[10:], fields
    return build(record)


def build(record: Record) -> tuple[str, list[list[Any]]]:
    """The leader and fields of a record built from the model alone, family by family."""
    out: list[Field] = []
    if record.source_id:
        out.append(Field("001", value=record.source_id))
    out.append(Field("008", value=coded.write_008(record)))
    for write_family in _WRITERS:
        out += write_family(record)
    fields = [f.to_list() for f in out]
    # tag order, except that subjects keep the model's order (the first is the main one)
    fields.sort(key=lambda f: (f[0][0], "" if f[0][0] == "6" else f[0]))
    return coded.write_leader(record), fields
