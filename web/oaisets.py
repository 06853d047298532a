"""The sets of the OAI-PMH provider: one per source base, one per theme.

`source` holds every record and `source:<base>` the records of one base (the store's
provenance); `theme` holds the records under any theme and `theme:<value>` those under one
(matched as the theme facet matches). A setSpec is the base's name or the theme's value when it
is made of the characters setSpec allows, else its ASCII form followed by a short hash of the
name (`source:PMB-reseau-67fafa`): it stays the same as long as the name does.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from catalogue.record import Record
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


class SetTree:
    """The sets of one request: the store's bases and the instance's themes."""

    def __init__(
        self, sources: list[str], themes: list[Theme], label: Callable[[str], str]
    ) -> None:
        self.sets: dict[str, OaiSet] = {"source": OaiSet("source", "Bases d'origine (sources)")}
        for source in sources:
            spec = f"source:{spec_part(source)}"
            self.sets[spec] = OaiSet(spec, label(source), source=source)
        if themes:
            self.sets["theme"] = OaiSet("theme", "Thèmes (themes)", theme="")
        for theme in themes:
            spec = f"theme:{spec_part(theme.value)}"
            self.sets[spec] = OaiSet(spec, theme.label, theme=theme.value)
        self.source_specs = {s.source: s.spec for s in self.sets.values() if s.source}
        self.theme_specs = {s.theme: s.spec for s in self.sets.values() if s.theme}
        self.themes_of = theme_matcher(themes)

    def get(self, spec: str) -> OaiSet | None:
        return self.sets.get(spec)

    def specs_of(self, record: Record) -> list[str]:
        """The setSpecs a record's header names (the leaves: a base, its themes)."""
        out = [self.source_specs[record.source]] if record.source in self.source_specs else []
        return out + [self.theme_specs[t] for t in self.themes_of(record)]

    def holds(self, oai_set: OaiSet | None, record: Record) -> bool:
        """Whether a record is in a set, for what SQL does not filter (themes)."""
        if oai_set is None or oai_set.theme is None:
            return True
        themes = self.themes_of(record)
        return bool(themes) if oai_set.theme == "" else oai_set.theme in themes
