"""A hit as the results page, the API and the CLI show it, made from a document's stored fields."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from indexer.query import Node
from indexer.reader import State
from indexer.snippets import highlight_terms, snippet


@dataclass
class Hit:
    id: int
    title: str
    year: int | None
    doc_type: str
    authors: list[str]
    publisher: str
    host_title: str
    snippet: str
    score: float
    online: bool
    # one hit per work: the source bases holding it, the record ids of its other copies
    sources: list[str] = field(default_factory=list)
    copies: list[int] = field(default_factory=list)


def make_hits(state: State, docs: np.ndarray, scores: np.ndarray, node: Node) -> list[Hit]:
    """The hits of document numbers, in their order, with snippets marking `node`'s words."""
    marks = highlight_terms(node)
    hits = []
    for doc in docs:
        stored = state.stored(int(doc))
        hits.append(
            Hit(
                id=int(stored.get("id", 0)),
                title=stored.get("title", ""),
                year=stored.get("year"),
                doc_type=stored.get("doc_type", ""),
                authors=list(stored.get("authors") or []),
                publisher=stored.get("publisher_name", ""),
                host_title=stored.get("host_title", ""),
                snippet=snippet(stored.get("summary", ""), marks),
                score=round(float(scores[doc]), 4),
                online=bool(stored.get("online")),
                sources=list(stored.get("sources") or []),
                copies=list(stored.get("copies") or []),
            )
        )
    return hits
