"""The thesaurus's hierarchy in the descriptor facet: a record indexed « Rénovation urbaine » also
counts under its broader terms, as « Aménagement urbain » and « Aménagement urbain -- Rénovation
urbaine », so that the facet and the browse pages offer the broader term with its narrower ones
beneath it (the facet's own separator, as for a heading's subdivisions).

Loaded once per indexing run from the store's concepts (a few thousand at most); a change of the
thesaurus reaches the index with the next rebuild (`docbase thesaurus import` runs one).
"""

from __future__ import annotations

from catalogue.store import Store
from catalogue.text import fold
from catalogue.thesaurusfiles import Concept
from indexer.schema import HIERARCHY_SEP

MAX_DEPTH = 12  # a broader chain longer than this is a data error: cut, never loop


class Hierarchy:
    def __init__(self, concepts: list[Concept]) -> None:
        by_id = {c.id: c for c in concepts}
        self._paths: dict[str, list[str]] = {}
        for concept in concepts:
            chain = [concept.pref_label]
            current, seen = concept, {concept.id}
            while current.broader and len(chain) < MAX_DEPTH:
                parent = by_id.get(current.broader[0])
                if parent is None or parent.id in seen:
                    break
                chain.append(parent.pref_label)
                current = parent
                seen.add(parent.id)
            if len(chain) > 1:
                self._paths[fold(concept.pref_label)] = list(reversed(chain))

    @classmethod
    def of(cls, store: Store) -> Hierarchy:
        try:
            rows = store.concepts()
        except Exception:  # a store without the thesaurus tables (older schema): no hierarchy
            rows = []
        return cls([Concept.from_data(r) for r in rows])

    def __bool__(self) -> bool:
        return bool(self._paths)

    def values(self, labels: list[str]) -> list[str]:
        """Facet values the broader terms add for these descriptor values."""
        out: list[str] = []
        for label in labels:
            if HIERARCHY_SEP in label:
                continue  # a heading's subdivisions: already a path
            path = self._paths.get(fold(label))
            if path:
                out.extend(HIERARCHY_SEP.join(path[: n + 1]) for n in range(len(path)))
        return out
