"""A curated thematic bibliography: a saved search and/or hand-picked records, formatted.

The store keeps them (catalogue/store/bibliographies.py, versioned like records); which
records one holds is decided where the search index is (web/bibliographies.py): its picks
first when ordered by hand, then every record its saved search finds.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from catalogue.citations import DEFAULT_STYLE, GROUPINGS, ORDERS, STYLES, CitationError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
MAX_PICKS = 5000


@dataclass
class Bibliography:
    slug: str
    title: str
    introduction: str = ""
    query: str = ""
    filters: list[str] = field(default_factory=list)  # "facet:value", as /recherche's `f`
    excludes: list[str] = field(default_factory=list)  # as `x`
    picks: list[int] = field(default_factory=list)  # hand-picked record ids, in their order
    grouping: str = ""
    order: str = "author"
    style: str = DEFAULT_STYLE
    id: int | None = None
    created: str = ""
    updated: str = ""

    @property
    def has_search(self) -> bool:
        return bool(self.query or self.filters or self.excludes)

    def check(self) -> None:
        """French messages for what a documentalist may mistype."""
        if not SLUG.match(self.slug) or len(self.slug) > MAX_SLUG:
            raise CitationError(
                f"identifiant « {self.slug[:80]} » invalide : lettres minuscules sans accents,"
                " chiffres et tirets (invalid slug)"
            )
        if not self.title.strip():
            raise CitationError("une bibliographie a un titre (a title is required)")
        if self.style not in STYLES:
            raise CitationError(f"style inconnu « {self.style} » ; connus : {', '.join(STYLES)}")
        if self.grouping not in GROUPINGS:
            raise CitationError(f"regroupement inconnu « {self.grouping} » (unknown grouping)")
        if self.order not in ORDERS:
            raise CitationError(f"ordre inconnu « {self.order} » (unknown order)")
        for pair in self.filters + self.excludes:
            if ":" not in pair or not pair.split(":", 1)[1].strip():
                raise CitationError(f"filtre mal formé « {pair} » (attendu facette:valeur)")
        if len(self.picks) > MAX_PICKS:
            raise CitationError(f"au plus {MAX_PICKS} notices choisies (too many records)")

    def search(self) -> dict[str, Any]:
        return {"q": self.query, "f": list(self.filters), "x": list(self.excludes)}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
