"""Atom 1.0 feeds (RFC 4287) of new records: of a search, of a bibliography.

« New » is when a record first came into the catalogue (its first history row): an entry's
`published` and `updated` are that date, so an in-place re-import of a partner base, which
touches every record, neither floods a feed nor brings old titles back up in feed readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

ENTRIES = 50  # newest first
CANDIDATES = 500  # newest record ids looked at (ids grow as records are first added)


@dataclass
class Entry:
    url: str
    title: str
    added: str  # ISO 8601, UTC
    summary: str = ""


def _text(value: str) -> str:
    # XML 1.0 has no place for most control characters: a damaged record must not break a feed
    return escape("".join(c for c in value if c >= " " or c in "\t\n"))


def atom(title: str, self_url: str, alternate: str, entries: list[Entry]) -> bytes:
    updated = max((e.added for e in entries), default="1970-01-01T00:00:00Z")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
        f"  <title>{_text(title)}</title>",
        f"  <id>{_text(self_url)}</id>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(alternate)}/>',
        f"  <updated>{_date(updated)}</updated>",
        "  <author><name>docbase</name></author>",
    ]
    for entry in entries:
        lines += [
            "  <entry>",
            f"    <title>{_text(entry.title)}</title>",
            f"    <id>{_text(entry.url)}</id>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(entry.url)}/>',
            f"    <published>{_date(entry.added)}</published>",
            f"    <updated>{_date(entry.added)}</updated>",
        ]
        if entry.summary:
            lines.append(f"    <summary>{_text(entry.summary)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>\n")
    return "\n".join(lines).encode("utf-8")


def _date(stamp: str) -> str:
    """The store's « 2026-12-03T05:34:54.123456Z » as RFC 3339 without the microseconds."""
    return stamp.split(".")[0].rstrip("Z") + "Z"
