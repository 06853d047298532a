"""Field families: the two-way crosswalk between the model and a MARC flavour's fields.

A record that came in as MARC keeps its original fields (its provenance); the model is the
truth. Writing it again = its original fields, with every family whose model values changed
regenerated from the model, and everything no family maps (035, 9xx local fields, …) unchanged.
A family names the model attributes it maps and the fields it reads and writes; `owns` settles
a tag two families share by meaning (UNIMARC 461: a periodical for an article, a series for a
monograph), `positions` the coded values it patches into a field it shares with others
(MARC21 008/35-37 for languages, UNIMARC 100 $a/9-12 for the year, the leader's type).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from catalogue.record import Record

MarcField = list[Any]
Owns = Callable[[MarcField, Record], bool]
Built = tuple[str, list[MarcField]]


@dataclass(frozen=True)
class Family:
    """One field family: model attributes ↔ MARC tags, read and written as one unit."""

    name: str
    attrs: tuple[str, ...]
    tags: frozenset[str] = frozenset()
    owns: Owns | None = None  # when a tag means this family only for some fields or records
    positions: tuple[tuple[str, int, int], ...] = ()  # (tag or "leader", start, end) patched

    def changed(self, current: Record, mapped: Record) -> bool:
        return any(getattr(current, a) != getattr(mapped, a) for a in self.attrs)

    def claims(self, field: MarcField, record: Record) -> bool:
        """Whether this family reads (and so rewrites) a data field of `record`."""
        if not isinstance(field, list | tuple) or len(field) != 4 or field[0] not in self.tags:
            return False
        return self.owns is None or self.owns(field, record)


def _tags(*spans: str) -> frozenset[str]:
    """Tags from "700" or "600-608" spans."""
    out: set[str] = set()
    for span in spans:
        first, _, last = span.partition("-")
        out.update(f"{n:03d}" for n in range(int(first), int(last or first) + 1))
    return frozenset(out)


def changed_families(families: list[Family], current: Record, mapped: Record) -> list[Family]:
    return [f for f in families if f.changed(current, mapped)]


def regenerate(
    families: list[Family],
    current: Record,
    mapped: Record,
    original: Built,
    build: Callable[[Record], Built],
    read: Callable[[str, list[MarcField]], Record],
) -> Built:
    """The leader and fields to write for a MARC-origin record (see the module's docstring).

    `mapped` is what the original fields map to (`to_record(original.leader, original.marc)`),
    `original` the original leader and fields, `build` the flavour's model-only builder and
    `read` its reader. An untouched record gets its original fields back, the same objects.
    Families read from each other's fields (UNIMARC agents from 200 $f when there is no 7xx):
    a family the result would read back otherwise than the model says is regenerated too.
    """
    changed = changed_families(families, current, mapped)
    if not changed:
        return original
    built = build(current)
    while True:
        leader, fields = _merge(changed, current, mapped, original, built)
        again = read(leader, fields)
        more = [f for f in families if f not in changed and f.changed(current, again)]
        if not more:
            return leader, fields
        changed += more


def _merge(
    changed: list[Family], current: Record, mapped: Record, original: Built, built: Built
) -> Built:
    leader, out = original[0], list(original[1])
    built_leader, built_fields = built
    used: set[int] = set()  # generated fields already placed (two families may claim one)
    for family in changed:
        new = [f for f in built_fields if id(f) not in used and family.claims(f, current)]
        # original fields only: a field another family just wrote stays
        claimed = [i for i, f in enumerate(out) if id(f) not in used and family.claims(f, mapped)]
        used.update(id(f) for f in new)
        _replace(out, claimed, new)
        for tag, start, end in family.positions:
            if tag == "leader":
                leader = _patch(leader.ljust(24), built_leader, start, end)
            else:
                _patch_field(out, built_fields, tag, start, end)
    return leader, out


def _replace(out: list[MarcField], claimed: list[int], new: list[MarcField]) -> None:
    # where the family's first original field was, else in tag order
    if claimed:
        at = claimed[0]
        for i in reversed(claimed):
            del out[i]
    elif new:
        first = str(new[0][0])
        at = next((i for i, f in enumerate(out) if str(f[0]) > first), len(out))
    else:
        return
    out[at:at] = new


def _patch(text: str, source: str, start: int, end: int) -> str:
    width = max(end, len(text))
    return text.ljust(width)[:start] + source.ljust(end)[start:end] + text.ljust(width)[end:]


def _patch_field(
    out: list[MarcField], built: list[MarcField], tag: str, start: int, end: int
) -> None:
    """Copy positions start:end of the generated control field (or coded $a) into the original."""
    source = next((f for f in built if f[0] == tag), None)
    if source is None:
        return
    at = next((i for i, f in enumerate(out) if f[0] == tag), None)
    if at is None:
        _replace(out, [], [source])
        return
    field = out[at]
    if len(field) == 2:
        out[at] = [field[0], _patch(str(field[1]), str(source[1]), start, end)]
        return
    coded = next((v for c, v in source[3] if c == "a"), "")
    subs = [list(s) for s in field[3]]
    for sub in subs:
        if sub[0] == "a":
            sub[1] = _patch(str(sub[1]), coded, start, end)
            break
    else:
        subs.insert(0, ["a", coded])
    out[at] = [field[0], field[1], field[2], subs]
