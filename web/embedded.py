"""Metadata embedded in the pages, for reference managers and search engines.

Zotero runs one translator per page — unAPI first, then COinS, then embedded metadata — and
never merges them, so each is complete on its own: COinS (OpenURL ContextObjects in spans) on
result lists and the basket, HighWire `citation_*` and Dublin Core `<meta>` tags and schema.org
JSON-LD on record pages. Two traps seen in Zotero's Embedded Metadata translator: `citation_*`
tags without `citation_isbn` make any item a journal article (a book then loses its publisher),
and a Dublin Core `DC.type` « Text » makes a web page. So a book without ISBN gets no
`citation_*` tag (Dublin Core and JSON-LD still describe it) and no `DC.type` is written.

Everything here is read from the current record (never from its original bytes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from markupsafe import Markup

from catalogue.record import Agent, Record
from catalogue.text import iso639_1
from web.display import abstract_paragraphs


@dataclass(frozen=True)
class Kind:
    """How one document type is told to each consumer."""

    coins_format: str  # rft_val_fmt: book, journal, dissertation, dc
    coins_genre: str  # rft.genre ("" for none)
    schema_type: str  # schema.org @type
    highwire: str  # the citation_* tag that tells the type ("" when citation_isbn must)


KINDS: dict[str, Kind] = {
    "book": Kind("book", "book", "Book", ""),
    "proceedings": Kind("book", "proceeding", "Book", ""),
    "chapter": Kind("book", "bookitem", "Chapter", "citation_book_title"),
    "article": Kind("journal", "article", "ScholarlyArticle", "citation_journal_title"),
    "periodical": Kind("journal", "journal", "Periodical", ""),
    "issue": Kind("journal", "issue", "PublicationIssue", ""),
    "thesis": Kind("dissertation", "", "Thesis", "citation_dissertation_institution"),
    "report": Kind("book", "report", "Report", "citation_technical_report_institution"),
    "web": Kind("dc", "", "WebPage", ""),
}
_OTHER = Kind("book", "document", "CreativeWork", "")

_PAGES = re.compile(r"(\d+)\s*[-–]\s*(\d+)")
_PAGE_COUNT = re.compile(r"(\d+)\s*(?:p\b|pages?\b|f\b)")
_THESIS_NOTE = re.compile(r"^\s*(thèse|mémoire|these|memoire|dissertation)", re.I)


def kind(record: Record) -> Kind:
    return KINDS.get(record.doc_type, _OTHER)


# -- the facts every consumer needs, read once from the record --------------------------------


def authors(record: Record) -> list[Agent]:
    """The people and bodies responsible for the work (main and other, not secondary roles)."""
    return [a for a in record.agents if a.responsibility in ("main", "other")] or list(
        record.agents
    )


def person_name(agent: Agent) -> str:
    """« Surname, Forename » as citation_author and DC.creator expect."""
    return agent.sort_name


def publisher_and_place(record: Record) -> tuple[str, str]:
    for pub in record.publication:
        if pub.publisher or pub.place:
            return pub.publisher, pub.place
    return "", ""


def page_range(record: Record) -> tuple[str, str]:
    """(first, last) page of an article or chapter in its host."""
    text = record.host.pages if record.host else ""
    match = _PAGES.search(text or "")
    return (match.group(1), match.group(2)) if match else ("", "")


def page_count(record: Record) -> str:
    match = _PAGE_COUNT.search(record.extent or "")
    return match.group(1) if match else ""


def institution(record: Record) -> str:
    """The university of a thesis: its publisher, or the last part of its thesis note
    (UNIMARC 328: « Mémoire de Master ; Histoire ; 2020 ; Amiens »)."""
    publisher, _ = publisher_and_place(record)
    if publisher:
        return publisher
    for note in record.notes:
        if _THESIS_NOTE.match(note):
            parts = [p.strip() for p in re.split(r"\s[;:]\s", note) if p.strip()]
            places = [p for p in parts[1:] if not p.isdigit()]
            if places:
                return places[-1]
    return ""


def language(record: Record) -> str:
    return iso639_1(record.languages[0]) if record.languages else ""


def year(record: Record) -> str:
    return str(record.year) if record.year else ""


# -- COinS (result lists, basket) ------------------------------------------------------------


def coins(record: Record, url: str) -> Markup:
    """An empty `<span class="Z3988">` whose title is the record's OpenURL ContextObject."""
    return Markup('<span class="Z3988" title="{}"></span>').format(
        urlencode(coins_pairs(record, url))
    )


def coins_pairs(record: Record, url: str) -> list[tuple[str, str]]:
    k = kind(record)
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{k.coins_format}"),
        ("rfr_id", "info:sid/docbase"),
        ("rft_id", url),
    ]
    if k.coins_genre:
        pairs.append(("rft.genre", k.coins_genre))
    pairs.extend(_COINS_BY_FORMAT[k.coins_format](record))
    for agent in authors(record):
        if agent.kind == "person":
            pairs += [("rft.aulast", agent.name), ("rft.aufirst", agent.forename)]
        else:
            pairs.append(("rft.aucorp", agent.display_name))
    pairs += [("rft.date", year(record)), ("rft.language", language(record))]
    pairs += [("rft.isbn", v) for v in record.isbns] + [("rft.issn", v) for v in record.issns]
    return [(key, value) for key, value in pairs if value]


def _coins_book(record: Record) -> list[tuple[str, str]]:
    publisher, place = publisher_and_place(record)
    title_key = "rft.atitle" if record.doc_type == "chapter" else "rft.btitle"
    pairs = [(title_key, record.title), ("rft.pub", publisher), ("rft.place", place)]
    pairs += [("rft.tpages", page_count(record)), ("rft.edition", record.edition)]
    if record.series:
        pairs.append(("rft.series", record.series[0].title))
    if record.doc_type == "chapter" and record.host:
        pairs.append(("rft.btitle", record.host.title))
    return pairs


def _coins_journal(record: Record) -> list[tuple[str, str]]:
    host = record.host
    if host is None:
        return [("rft.jtitle", record.title)]
    first, last = page_range(record)
    pairs = [("rft.atitle", record.title), ("rft.jtitle", host.title)]
    pairs += [("rft.volume", host.volume), ("rft.issue", _issue(host.number))]
    pairs += [("rft.spage", first), ("rft.epage", last), ("rft.issn", host.issn)]
    return pairs


def _coins_dissertation(record: Record) -> list[tuple[str, str]]:
    return [("rft.title", record.title), ("rft.inst", institution(record))]


def _coins_dc(record: Record) -> list[tuple[str, str]]:
    publisher, _ = publisher_and_place(record)
    return [("rft.title", record.title), ("rft.publisher", publisher)]


_COINS_BY_FORMAT = {
    "book": _coins_book,
    "journal": _coins_journal,
    "dissertation": _coins_dissertation,
    "dc": _coins_dc,
}


def _issue(number: str) -> str:
    """« n° 412 » → « 412 »: the issue as a number."""
    return re.sub(r"^\s*(?:n[°o]\.?|no\.?|num(?:éro)?\.?)\s*", "", number or "", flags=re.I)


# -- <meta> tags (record pages) --------------------------------------------------------------


def meta_tags(record: Record, url: str) -> list[tuple[str, str]]:
    """(name, content) of the HighWire `citation_*` and Dublin Core tags of a record page."""
    return [(n, v) for n, v in highwire(record, url) + dublin_core(record, url) if v]


def highwire(record: Record, url: str) -> list[tuple[str, str]]:
    k = kind(record)
    if not k.highwire and not record.isbns:
        return []  # Zotero would make it a journal article: Dublin Core and JSON-LD instead
    publisher, _ = publisher_and_place(record)
    tags = [("citation_title", record.title)]
    tags += [("citation_author", person_name(a)) for a in authors(record)]
    tags += [("citation_publication_date", year(record)), ("citation_language", language(record))]
    tags += [("citation_isbn", v) for v in record.isbns]
    tags += [("citation_doi", record.doi), ("citation_public_url", url)]
    host = record.host
    if k.highwire == "citation_journal_title" and host:
        first, last = page_range(record)
        tags += [("citation_journal_title", host.title), ("citation_volume", host.volume)]
        tags += [("citation_issue", _issue(host.number)), ("citation_issn", host.issn)]
        tags += [("citation_firstpage", first), ("citation_lastpage", last)]
    elif k.highwire == "citation_book_title" and host:
        tags.append(("citation_book_title", host.title))
    elif k.highwire in (
        "citation_dissertation_institution",
        "citation_technical_report_institution",
    ):
        tags.append((k.highwire, institution(record) or publisher))
    if k.highwire != "citation_journal_title":
        tags += [("citation_publisher", publisher)] + [("citation_issn", v) for v in record.issns]
    return tags


def dublin_core(record: Record, url: str) -> list[tuple[str, str]]:
    publisher, _ = publisher_and_place(record)
    tags = [("DC.title", record.title)]
    tags += [("DC.creator", person_name(a)) for a in authors(record)]
    tags += [("DC.date", year(record)), ("DC.publisher", publisher)]
    tags += [("DC.language", language(record)), ("DC.identifier", url)]
    tags += [("DC.identifier", f"urn:isbn:{v}") for v in record.isbns]
    tags += [("DC.identifier", f"urn:issn:{v}") for v in record.issns]
    tags += [("DC.subject", s.label) for s in record.subjects]
    tags += [("DC.description", "\n".join(abstract_paragraphs(record))[:500])]
    return tags


# -- schema.org JSON-LD (record pages) -------------------------------------------------------


def json_ld(record: Record, url: str) -> Markup:
    """The `<script type="application/ld+json">` of a record page; `<` escaped so that no
    value can close the script element."""
    text = json.dumps(schema_org(record, url), ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup('<script type="application/ld+json">{}</script>').format(Markup(text))


def schema_org(record: Record, url: str) -> dict:
    publisher, place = publisher_and_place(record)
    data: dict = {"@context": "https://schema.org", "@type": kind(record).schema_type}
    data.update({"@id": url, "url": url, "name": record.title})
    data["author"] = [_schema_agent(a) for a in authors(record)]
    data["datePublished"] = year(record)
    data["inLanguage"] = language(record)
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
        if place:
            data["publisher"]["location"] = place
    data["isbn"] = record.isbns[0] if record.isbns else ""
    data["issn"] = record.issns[0] if record.issns else ""
    data["numberOfPages"] = int(page_count(record)) if page_count(record) else ""
    data["about"] = [s.label for s in record.subjects]
    data["abstract"] = "\n".join(abstract_paragraphs(record))
    if record.host and record.host.title:
        data["isPartOf"] = _schema_host(record)
        first, last = page_range(record)
        data["pagination"] = f"{first}-{last}" if first else ""
    if record.doc_type == "thesis":
        data["sourceOrganization"] = institution(record)
    return {key: value for key, value in data.items() if value not in ("", [], None)}


def _schema_agent(agent: Agent) -> dict:
    if agent.kind == "person":
        return {"@type": "Person", "name": agent.display_name, "familyName": agent.name} | (
            {"givenName": agent.forename} if agent.forename else {}
        )
    return {"@type": "Organization", "name": agent.display_name}


def _schema_host(record: Record) -> dict:
    host = record.host
    assert host is not None
    periodical: dict = {"@type": "Periodical", "name": host.title}
    if host.issn:
        periodical["issn"] = host.issn
    if record.doc_type == "chapter":
        return {"@type": "Book", "name": host.title} | ({"isbn": host.isbn} if host.isbn else {})
    part = periodical
    if host.volume:
        part = {"@type": "PublicationVolume", "volumeNumber": host.volume, "isPartOf": part}
    if host.number:
        part = {"@type": "PublicationIssue", "issueNumber": _issue(host.number), "isPartOf": part}
    return part
