"""Result snippets: a window of the abstract around the first match, matches in <mark>.

The text is escaped and only our own <mark> tags are added, so the web layer can output the
snippet as HTML as is. Matching reuses the French analysis, so "ecoles" marks "écoles".
"""

from __future__ import annotations

import html

from indexer import analysis
from indexer.query import Node, query_words

SNIPPET_CHARS = 240
SCAN_CHARS = 2000  # matches are looked for this far: analysing whole long abstracts of every
# hit cost more than a millisecond a page; a later first match shows the abstract's start


def highlight_terms(node: Node) -> set[str]:
    """Stems of the query's positive words (an excluded word is not highlighted)."""
    terms: set[str] = set()
    for field_key, text in query_words(node):
        if field_key in ("all", "abstract", "title", "subject"):
            terms.update(analysis.terms(text))
    return terms


def snippet(text: str, terms: set[str], size: int = SNIPPET_CHARS) -> str:
    """Safe HTML: a window of the text around the first match, matches in <mark>."""
    if not text:
        return ""
    text = analysis.nfc(text)
    scanned = text[:SCAN_CHARS]
    spans = [(s, e) for t, _, s, e in analysis.analyze(scanned) if t in terms] if terms else []
    start = 0
    if spans and spans[0][0] > size // 3:
        start = text.rfind(" ", 0, spans[0][0] - size // 4) + 1
    end = min(len(text), start + size)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s], quote=False))
        out.append(f"<mark>{html.escape(text[s:e], quote=False)}</mark>")
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    if end < len(text):
        out.append("…")
    return "".join(out)
