"""Turning records and hits into what a visitor reads: ISBD, MARC lines, snippets, safe links.

Everything here returns plain text (escaped later by Jinja) except `safe_snippet`, which returns
Markup only after making sure the only markup left is <mark>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from babel.dates import format_date
from markupsafe import Markup, escape

from catalogue import punctuation
from catalogue.record import Agent, Record, relator_label
from indexer.schema import HIERARCHY_SEP

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


_PARTIAL_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_BARE_NUMBER = re.compile(r"^[0-9IVXLCDMivxlcdm]+(?:\s*[-–/]\s*[0-9IVXLCDMivxlcdm]+)?$")


def reader_date(text: str, locale: str = "fr") -> str:
    """An ISO date as printed ("2023-03" → "mars 2023", "2023-03-12" → "12 mars 2023")."""
    match = _PARTIAL_DATE.match(text.strip()) if text else None
    if not match:
        return text
    year, month, day = (int(g) if g else 0 for g in match.groups())
    try:
        when = date(year, month, day or 1)
    except ValueError:
        return text
    return format_date(when, "d MMMM y" if day else "LLLL y", locale=locale)


def publication_line(record: Record, locale: str = "fr") -> str:
    """ "Paris : La Découverte, 2015" from the publication statements."""
    out = []
    for pub in record.publication:
        piece = pub.place
        if pub.publisher:
            piece = f"{piece} : {pub.publisher}" if piece else pub.publisher
        if pub.date:
            when = reader_date(pub.date, locale)
            piece = f"{piece}, {when}" if piece else when
        if piece:
            out.append(piece)
    if not out and record.year:
        out.append(str(record.year))
    return " ; ".join(out)


def _labelled(value: str, label: str) -> str:
    """A bare number gets its ISBD label ("5" → "vol. 5"); "n° 412" or "Bd. 3" stay as printed."""
    return f"{label}{value}" if _BARE_NUMBER.match(value) else value


def host_line(record: Record, locale: str = "fr") -> str:
    """The periodical issue of an article: "vol. 5, n° 6, février 2020, p. 200-210"."""
    host = record.host
    if host is None:
        return ""
    when = reader_date(host.date or host.date_iso, locale)
    if not when and is_article(record) and record.year:
        when = str(record.year)  # an article's only date is its issue's
    parts = [
        _labelled(host.volume, "vol. ") if host.volume else "",
        _labelled(host.number, "n° ") if host.number else "",
        host.issue_title,
        when,
        _labelled(host.pages, "p. ") if host.pages else "",
    ]
    return ", ".join(p for p in parts if p)


def is_article(record: Record) -> bool:
    """A component part of a periodical: it has no publication area of its own."""
    return record.host is not None and record.doc_type == "article"


def dated_by_host(record: Record) -> bool:
    """An article whose publication is a bare year: its host item's line already dates it."""
    return is_article(record) and not any(p.place or p.publisher for p in record.publication)


def abstract_paragraphs(record: Record) -> list[str]:
    """The abstract's paragraphs, each once (a Sudoc thesis repeats its 330)."""
    paragraphs = (p.strip() for p in record.abstract.split("\n\n"))
    return list(dict.fromkeys(p for p in paragraphs if p))


def geographic_headings(record: Record) -> list[str]:
    """Places with their subdivisions ("France -- 1945-...."): the period is the point."""
    return [
        HIERARCHY_SEP.join([s.label, *(d for d in s.subdivisions if d.strip())])
        for s in record.subjects
        if s.kind == "geographic"
    ]


def _agent_statement(agent: Agent, locale: str) -> str:
    role = agent.role_label or (
        relator_label(agent.role, locale).lower() if agent.role not in ("", "070") else ""
    )
    return f"{agent.display_name} ({role})" if role else agent.display_name


def responsibility(record: Record, locale: str = "fr") -> str:
    """The statement of responsibility: as printed, else every agent in the record's order,
    those of one function joined by ", ", a change of function by " ; " (ISBD 1.4)."""
    if record.responsibility:
        return record.responsibility
    out = ""
    previous = None
    for agent in record.agents:
        function = agent.role_label or agent.role or "070"
        if out:
            out += ", " if function == previous else " ; "
        out += _agent_statement(agent, locale)
        previous = function
    return out


def _title_area(record: Record, locale: str) -> str:
    title = record.title or "[Sans titre]"
    for parallel in record.parallel_titles:
        title = punctuation.join([title, parallel], " = ")
    title = punctuation.join([title, record.other_title], " : ")
    return punctuation.join([title, responsibility(record, locale)], " / ")


def _publication_area(record: Record, locale: str) -> str:
    if is_article(record):
        return ""  # shown by the host item ("In : ...")
    pubs = []
    for pub in record.publication:
        piece = f"{pub.place or '[S.l.]'} : {pub.publisher or '[s.n.]'}"
        pubs.append(punctuation.join([piece, reader_date(pub.date, locale)], ", "))
    if pubs:
        return " ; ".join(pubs)
    return str(record.year) if record.year else ""


def _physical_area(record: Record) -> str:
    physical = punctuation.join([record.extent, record.illustrations], " : ")
    physical = punctuation.join([physical, record.dimensions], " ; ")
    return punctuation.join([physical, record.accompanying], " + ")


def _series_areas(record: Record) -> list[str]:
    out = []
    for series in record.series:
        piece = series.title
        if series.issn:
            piece = punctuation.join([piece, f"ISSN {series.issn}"], ", ")
        out.append(f"({punctuation.join([piece, series.number], ' ; ')})")
    return out


def isbd(record: Record, locale: str = "fr") -> list[str]:
    """The record in ISBD punctuation, one area per line (a readable approximation)."""
    areas = [
        _title_area(record, locale),
        record.edition,
        _publication_area(record, locale),
        _physical_area(record),
        *_series_areas(record),
    ]
    lines = [punctuation.join(areas, ". - ")]
    detail = host_line(record, locale)
    if record.host is not None and (record.host.title or detail):
        host = record.host.title
        if record.host.issn:
            host = punctuation.join([host, f"ISSN {record.host.issn}"], ", ")
        lines.append("In : " + punctuation.join([host, detail], ". - "))
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


def _current_marc(record: Record) -> tuple[str, list[Any]]:
    """The record's MARC as it is now, in its own flavour: its original fields with the field
    families edited here regenerated (what every MARC export writes), not the stale original."""
    from catalogue import marc21, unimarc

    original = record.original
    if not original.marc:  # not imported from MARC: the page says so
        return original.leader or "", []
    writer = marc21 if original.flavour == "marc21" else unimarc
    try:
        return writer.from_record(record)
    except Exception:  # a record a writer cannot build: show what came in rather than nothing
        return original.leader or "", list(original.marc or [])


def marc_lines(record: Record) -> tuple[str, list[MarcLine]]:
    """(leader, fields) of the record's MARC view, tolerant of odd shapes."""
    leader, fields = _current_marc(record)
    lines: list[MarcLine] = []
    for item in fields or []:
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
