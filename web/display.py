"""Turning records and hits into what a visitor reads: ISBD, MARC lines, snippets, safe links.

Everything here returns plain text (escaped later by Jinja) except `safe_snippet`, which returns
Markup only after making sure the only markup left is <mark>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from catalogue.record import Record

_ENTITY = re.compile(r"&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)")
_MARK = re.compile(r"(</?mark>)")


def safe_snippet(snippet: str | None) -> Markup:
    """The search API's snippet as Markup: trusted only if, marks aside, it is escaped text."""
    if not snippet:
        return Markup("")
    parts = _MARK.split(snippet)
    text_parts = [p for p in parts if p not in ("<mark>", "</mark>")]
    escaped = all("<" not in p and ">" not in p and not _ENTITY.search(p) for p in text_parts)
    out = []
    depth = 0
    for part in parts:
        if part == "<mark>":
            if depth == 0:
                out.append(Markup("<mark>"))
            depth += 1
        elif part == "</mark>":
            if depth == 1:
                out.append(Markup("</mark>"))
            depth = max(0, depth - 1)
        else:
            out.append(Markup(part) if escaped else escape(part))
    if depth:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def safe_url(url: str | None) -> str | None:
    """Only web and FTP links become hrefs; `javascript:` and friends stay text."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "ftp") or not parts.netloc:
        return None
    return url


def publication_line(record: Record) -> str:
    """ "Paris : La Découverte, 2015" from the publication statements."""
    out = []
    for pub in record.publication:
        piece = pub.place
        if pub.publisher:
            piece = f"{piece} : {pub.publisher}" if piece else pub.publisher
        if pub.date:
            piece = f"{piece}, {pub.date}" if piece else pub.date
        if piece:
            out.append(piece)
    if not out and record.year:
        out.append(str(record.year))
    return " ; ".join(out)


def host_line(record: Record) -> str:
    """The periodical issue of an article: "n° 412, mars 2015, p. 12-18"."""
    host = record.host
    if host is None:
        return ""
    parts = [p for p in (host.volume, host.number, host.issue_title, host.date, host.pages) if p]
    return ", ".join(parts)


def isbd(record: Record) -> list[str]:
    """The record in ISBD punctuation, one area per line (a readable approximation)."""
    lines: list[str] = []
    title = record.title or "[Sans titre]"
    for parallel in record.parallel_titles:
        title += f" = {parallel}"
    if record.other_title:
        title += f" : {record.other_title}"
    responsibility = record.responsibility or " ; ".join(
        a.display_name for a in record.agents if a.responsibility == "main"
    )
    if responsibility:
        title += f" / {responsibility}"
    area = [title]
    if record.edition:
        area.append(record.edition)
    pubs = []
    for pub in record.publication:
        piece = pub.place or "[S.l.]"
        piece += f" : {pub.publisher or '[s.n.]'}"
        if pub.date:
            piece += f", {pub.date}"
        pubs.append(piece)
    if pubs:
        area.append(" ; ".join(pubs))
    elif record.year:
        area.append(str(record.year))
    physical = record.extent
    if record.illustrations:
        physical = f"{physical} : {record.illustrations}" if physical else record.illustrations
    if record.dimensions:
        physical = f"{physical} ; {record.dimensions}" if physical else record.dimensions
    if record.accompanying:
        physical = f"{physical} + {record.accompanying}" if physical else record.accompanying
    if physical:
        area.append(physical)
    for series in record.series:
        piece = series.title
        if series.issn:
            piece += f", ISSN {series.issn}"
        if series.number:
            piece += f" ; {series.number}"
        area.append(f"({piece})")
    lines.append(". - ".join(area))
    if record.host is not None and (record.host.title or host_line(record)):
        host = record.host.title
        if record.host.issn:
            host += f", ISSN {record.host.issn}"
        detail = host_line(record)
        lines.append(f"In : {host}" + (f". - {detail}" if detail else ""))
    lines.extend(record.notes)
    for ident in record.identifiers:
        if ident.scheme in ("isbn", "issn", "doi"):
            piece = f"{ident.scheme.upper()} {ident.value}"
            if ident.qualifier:
                piece += f" ({ident.qualifier})"
            lines.append(piece)
    return lines


@dataclass
class MarcLine:
    tag: str
    indicators: str
    subfields: list[tuple[str, str]]
    value: str  # control fields


def marc_lines(record: Record) -> tuple[str, list[MarcLine]]:
    """(leader, fields) from the record's original MARC, tolerant of odd shapes."""
    original = record.original
    leader = original.leader or ""
    lines: list[MarcLine] = []
    for item in original.marc or []:
        if isinstance(item, str):  # some readers put the leader first
            leader = leader or item
            continue
        if not isinstance(item, list | tuple) or not item:
            continue
        tag = str(item[0])
        if len(item) == 2 and not isinstance(item[1], list | tuple):
            lines.append(MarcLine(tag, "", [], str(item[1])))
            continue
        ind1 = str(item[1]) if len(item) > 1 else " "
        ind2 = str(item[2]) if len(item) > 2 else " "
        subs: list[tuple[str, str]] = []
        raw_subs: Any = item[3] if len(item) > 3 else []
        for sub in raw_subs or []:
            if isinstance(sub, list | tuple) and len(sub) >= 2:
                subs.append((str(sub[0]), str(sub[1])))
        indicators = (ind1 or " ").replace(" ", "_") + (ind2 or " ").replace(" ", "_")
        lines.append(MarcLine(tag, indicators, subs, ""))
    return leader, lines
