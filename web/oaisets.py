"""The sets of the OAI-PMH provider: one per source base, one per theme, one per bibliography.

`source` holds every record and `source:<base>` the records of one base (the store's
provenance); `theme` holds the records under any theme and `theme:<value>` those under one
(matched as the theme facet matches). A setSpec is the base's name or the theme's value when it
is made of the characters setSpec allows, else its ASCII form followed by a short hash of the
name (`source:PMB-reseau-67fafa`): it stays the same as long as the name does. Which records
fall under which theme is kept per process (`ThemeMembers`), followed from the change feed.
`bibliography:<slug>` holds a curated bibliography's records (its picks and what its saved
search finds, as its page shows them), computed once per request.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from catalogue.record import Record
from catalogue.store import Store
from indexer.themes import Theme, theme_matcher

_NOT_SPEC = re.compile(r"[^A-Za-z0-9\-_.!~*'()]+")


def spec_part(name: str) -> str:
    """A name as one setSpec part, stable and told apart from the names it could be mixed with."""
    if name and not _NOT_SPEC.search(name):
        return name
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _NOT_SPEC.sub("-", ascii_).strip("-") or "x"
    return f"{slug}-{hashlib.blake2b(name.encode(), digest_size=3).hexdigest()}"


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    source: str | None = None  # the records of one base
    theme: str | None = None  # the records under one theme ("" for any theme)
    bibliography: str | None = None  # the records of one curated bibliography (its slug)


class SetTree:
    """The sets of one request: the store's bases and the instance's themes."""

    def __init__(
        self,
        sources: list[str],
        themes: list[Theme],
        label: Callable[[str], str],
        bibliographies: dict[tuple[str, str], list[int]] | None = None,
    ) -> None:
        """`bibliographies`: (slug, title) → the record ids it holds."""
        self.sets: dict[str, OaiSet] = {"source": OaiSet("source", "Bases d'origine (sources)")}
        for source in sources:
            spec = f"source:{spec_part(source)}"
            self.sets[spec] = OaiSet(spec, label(source), source=source)
        if themes:
            self.sets["theme"] = OaiSet("theme", "Thèmes (themes)", theme="")
        for theme in themes:
            spec = f"theme:{spec_part(theme.value)}"
            self.sets[spec] = OaiSet(spec, theme.label, theme=theme.value)
        self.members: dict[str, list[int]] = {}
        self.bibliographies_of: dict[int, list[str]] = {}
        for (slug, title), ids in (bibliographies or {}).items():
            spec = f"bibliography:{slug}"  # slugs are setSpec-safe: [a-z0-9-]
            self.sets[spec] = OaiSet(spec, title, bibliography=slug)
            self.members[spec] = sorted(set(ids))
            for record_id in ids:
                self.bibliographies_of.setdefault(record_id, []).append(spec)
        self.source_specs = {s.source: s.spec for s in self.sets.values() if s.source}
        self.theme_specs = {s.theme: s.spec for s in self.sets.values() if s.theme}
        self.themes_of = theme_matcher(themes)

    def get(self, spec: str) -> OaiSet | None:
        return self.sets.get(spec)

    def specs_of(self, record: Record) -> list[str]:
        """The setSpecs a record's header names (the leaves: a base, its themes)."""
        out = [self.source_specs[record.source]] if record.source in self.source_specs else []
        out += [self.theme_specs[t] for t in self.themes_of(record)]
        return out + self.bibliographies_of.get(record.id or 0, [])


class ThemeMembers:
    """Which records fall under which theme, kept per process and brought up to date from the
    store's change feed on each request: a theme set's page is a lookup, not a scan of the
    catalogue (a sparse theme over 100,000 records cost seconds a page)."""

    BATCH = 5000

    def __init__(self, themes: list[Theme]) -> None:
        self.themes_of = theme_matcher(themes)
        self.seq = -1  # the change feed's position this state reflects (-1: never read)
        self.of: dict[int, tuple[str, ...]] = {}
        self.sorted: dict[str, list[int]] = {}
        self.lock = threading.Lock()

    def refresh(self, store: Store) -> None:
        with self.lock:
            last = store.last_seq()  # read first: a change made while reading comes next time
            if last == self.seq:
                return
            if self.seq < 0:
                self._read(store, None)
            else:
                changed: set[int] = set()
                while changes := store.changes_since(self.seq, limit=self.BATCH):
                    changed.update(c.record_id for c in changes)
                    self.seq = changes[-1].seq
                self._read(store, sorted(changed))
            self.seq = last
            self.sorted = {}

    def _read(self, store: Store, ids: list[int] | None) -> None:
        chunks = [ids[i : i + 500] for i in range(0, len(ids), 500)] if ids else []
        after, upto = 0, store.last_id()
        while ids is None or chunks:
            chunk = chunks.pop() if ids is not None else None
            rows = store.stamped(after, upto, ids=chunk, headings_only=True, limit=self.BATCH)
            for row in rows:
                assert row.record.id is not None
                themes = tuple(self.themes_of(row.record))
                if themes:
                    self.of[row.record.id] = themes
                else:
                    self.of.pop(row.record.id, None)
            if ids is None:
                if len(rows) < self.BATCH:
                    return
                after = rows[-1].record.id or after

    def members(self, theme: str) -> list[int]:
        """The ids under one theme ("" for any), in id order."""
        with self.lock:
            if theme not in self.sorted:
                self.sorted[theme] = sorted(
                    i for i, themes in self.of.items() if (theme in themes if theme else themes)
                )
            return self.sorted[theme]
