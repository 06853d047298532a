"""What the reference-manager writers (RIS, BibTeX, CSV) read off a record, said once.

The three writers flatten the same model into tags, fields or columns; the questions they share
— which agents are authors, what a descriptor's heading is, which date is the publication's —
are answered here so that the three exports agree with each other and with the readers.
"""

from __future__ import annotations

import re

from catalogue.record import Agent, Publication, Record
from catalogue.text import identifier

# roles that make an agent an author of the work (no role: a main or added entry, 700/701)
AUTHOR_ROLES = {"", "070"}
EDITOR_ROLES = {"340", "651", "220"}  # scientific editor, publishing director, compiler
_PAGE_COUNT = re.compile(r"^(\d+) ?p\.?$")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def is_degree_grantor(agent: Agent) -> bool:
    return agent.role == "295"


def authors(record: Record) -> list[Agent]:
    """The agents that are authors (persons and bodies), the main one first."""
    found = [a for a in record.agents if a.role in AUTHOR_ROLES and a.responsibility != "secondary"]
    return sorted(found, key=lambda a: a.responsibility != "main")


def editors(record: Record) -> list[Agent]:
    return [a for a in record.agents if a.role in EDITOR_ROLES]


def agents_with(record: Record, *roles: str) -> list[Agent]:
    return [a for a in record.agents if a.role in roles]


def other_contributors(record: Record) -> list[Agent]:
    """Agents that are neither authors, editors, translators nor a thesis's university."""
    named = AUTHOR_ROLES | EDITOR_ROLES | {"730", "727", "295"}
    return [
        a
        for a in record.agents
        if a.role not in named or (a.role in AUTHOR_ROLES and a.responsibility == "secondary")
    ]


def publisher(record: Record) -> Publication:
    """The first publication statement holding a publisher, else the first one, else empty."""
    for publication in record.publication:
        if publication.publisher:
            return publication
    return record.publication[0] if record.publication else Publication()


def iso_date(record: Record) -> tuple[str, str, str]:
    """(year, month, day) of the publication as far as known: an article's issue date first."""
    if not record.year:
        return "", "", ""  # a date the readers could not read a year from is no date
    candidates = [record.host.date_iso, record.host.date] if record.host else []
    candidates += [p.date for p in record.publication]
    for value in candidates:
        match = _ISO_DATE.match((value or "").strip())
        if match and match.group(1) == f"{record.year:04d}":
            return match.group(1), match.group(2) or "", match.group(3) or ""
    return f"{record.year:04d}", "", ""


def page_range(pages: str) -> tuple[str, str]:
    """("12", "18") of « 12-18 », « p. 12–18 »; (pages, "") when it is not a range."""
    cleaned = re.sub(r"^p+\.\s*", "", pages.strip())
    match = re.fullmatch(r"(\w+)\s*(?:-|–|--)\s*(\w+)", cleaned)
    return (match.group(1), match.group(2)) if match else (cleaned, "")


def page_count(extent: str) -> str:
    """« 245 » of a book's « 245 p. »; "" when the extent is not a plain page count."""
    match = _PAGE_COUNT.match(extent.strip())
    return match.group(1) if match else ""


def isbns(record: Record) -> list[str]:
    """ISBNs, the host book's first (a chapter's)."""
    host = [record.host.isbn] if record.host and record.host.isbn else []
    return list(dict.fromkeys(host + record.isbns))


def issns(record: Record) -> list[str]:
    """ISSNs, the host journal's first (an article's)."""
    host = [record.host.issn] if record.host and record.host.issn else []
    return list(dict.fromkeys(host + record.issns))


def labelled(number: str, scheme: str) -> str:
    """A number as written, « ISSN:2532-64314 » when its shape does not tell what it is
    (no space: readers split a cell on the space before a number)."""
    found = identifier(number)
    return number if found and found.scheme == scheme else f"{scheme.upper()}:{number}"


def resource_urls(record: Record) -> list[str]:
    return [link.url for link in record.links if link.kind != "thumbnail" and link.url]


def one_line(text: str) -> str:
    """A value for a one-line tag or field: line breaks as spaces."""
    return " ".join(text.split())
