"""Web of Science's tagged records → Records, one small function per field family.

catalogue/ris.py finds and splits them (PT … ER, rispy's WoS grammar) and calls `map_wok` with
each record's (tag, value) pairs; what no family reads is kept as custom fields, labelled with
rispy's names of the WoS tags.
"""

from __future__ import annotations

from collections.abc import Callable

from rispy.config import WOK_TAG_KEY_MAPPING

from catalogue.errors import RecordError
from catalogue.reading import Chunk, Fields
from catalogue.record import Agent, CustomField, Host, Identifier, Publication, Record, Series
from catalogue.text import (
    clean_doi,
    clean_space,
    fold,
    identifiers,
    language_codes,
    person_or_body,
    stable_id,
    year_of,
)

_WOK_TYPES = {"J": "article", "B": "book", "S": "article", "C": "proceedings", "P": "other"}
_WOK_DT_TYPES = {
    "book chapter": "chapter",
    "book": "book",
    "proceedings paper": "proceedings",
    "meeting abstract": "proceedings",
    "patent": "other",
    "thesis": "thesis",
    "dissertation": "thesis",
}
# tags kept in the raw record only: cited references, citation counts, delivery numbers…
_WOK_SKIPPED = {"CR", "NR", "TC", "Z9", "U1", "U2", "GA", "DA", "J9", "JI", "PA", "FN", "VR"}


def _start(pt: str, f: Fields, chunk: Chunk) -> Record:
    """The record of a type (DT, else PT) and a title (TI); a record without one is rejected."""
    document_type = f.first("DT")
    doc_type = _WOK_DT_TYPES.get(fold(document_type.split(";")[0]), "") or _WOK_TYPES.get(
        pt.strip().upper(), "other"
    )
    record = Record(doc_type=doc_type)
    title = f.first("TI")
    if not title:
        raise RecordError(
            "notice sans titre (record has no title: no TI)",
            position=chunk.position,
            offset=chunk.offset,
            chunk=chunk.raw,
        )
    record.title = clean_space(title)
    analytic = doc_type in {"article", "chapter"} or (doc_type == "proceedings" and f.has("SO"))
    record.bib_level = "a" if analytic else "m"
    return record


def _add_agent(record: Record, name: str, role: str, responsibility: str) -> None:
    agent = person_or_body(name, role, responsibility)
    if agent is not None:
        record.agents.append(agent)


def _people(record: Record, f: Fields) -> None:
    """Authors' full names (AF), else their short ones (AU); groups (CA, GP); editors (BE)."""
    full_names = f.all("AF")
    short_names = f.all("AU")
    for index, name in enumerate(full_names or short_names):
        _add_agent(record, name, "070", "main" if index == 0 else "other")
    for name in f.all("CA", "GP"):
        record.agents.append(Agent(name=clean_space(name), kind="corporate", role="070",
                                   responsibility="other"))  # fmt: skip
    for name in f.all("BE"):
        _add_agent(record, name, "340", "secondary")


def _published(f: Fields) -> str:
    """The date as displayed: « PD PY »."""
    return clean_space(f"{f.first('PD')} {f.first('PY')}")


def _publication(record: Record, f: Fields) -> None:
    """PY, PD, PU, PI (the city, in capitals in WoS)."""
    record.year = year_of(f.first("PY"))
    published = _published(f)
    publisher, place = f.first("PU"), f.first("PI")
    if publisher or place or published:
        record.publication.append(
            Publication(place=clean_space(place).title(), publisher=publisher, date=published)
        )


def _host(record: Record, f: Fields) -> None:
    """The source (SO) of a part with its volume, issue, pages and ISSN or ISBN; a whole
    document's own numbers and page count."""
    numbers = [Identifier("issn", v) for v in f.all("SN", "EI")]
    numbers += [i for v in f.all("BN") for i in identifiers(v)]
    start, end = f.first("BP"), f.first("EP")
    pages = f"{start}-{end}" if start and end else start or f.first("AR")
    if record.bib_level != "a":
        record.identifiers.extend(numbers)
        page_count = f.first("PG")
        record.extent = f"{page_count} p." if page_count.isdigit() else page_count
        return
    record.host = host = Host(
        title=clean_space(f.first("SO")),
        volume=f.first("VL"),
        number=f.first("IS"),
        pages=pages,
        date=_published(f),
    )
    for ident in numbers:
        if ident.scheme == "issn" and not host.issn:
            host.issn = ident.value
        elif ident.scheme == "isbn" and not host.isbn:
            host.isbn = ident.value
        else:
            record.identifiers.append(ident)


def _series_and_identifiers(record: Record, f: Fields) -> None:
    """Series (SE, BS); DOI (DI), PubMed id (PM)."""
    for tag in ("SE", "BS"):
        series = f.first(tag)
        if series:
            record.series.append(Series(title=clean_space(series)))
    doi = clean_doi(f.first("DI"))
    if doi:
        record.identifiers.append(Identifier("doi", doi))
    pmid = f.first("PM")
    if pmid:
        record.identifiers.append(Identifier("pmid", pmid))


def _content(record: Record, f: Fields) -> None:
    """Abstract; author keywords (DE) and Keywords Plus (ID), case aside; languages."""
    record.abstract = clean_space(f.first("AB"))
    for value in f.all("DE", "ID"):
        for keyword in value.split(";"):
            keyword = clean_space(keyword)
            if keyword and keyword.casefold() not in {k.casefold() for k in record.keywords}:
                record.keywords.append(keyword)
    for value in f.all("LA"):
        codes, unknown = language_codes(value)
        record.languages.extend(c for c in codes if c not in record.languages)
        record.custom.extend(CustomField("LA", name, "language") for name in unknown)


# the field families, in the order they fill the record (publication before host: its date)
_FAMILIES: tuple[Callable[[Record, Fields], None], ...] = (
    _people,
    _publication,
    _host,
    _series_and_identifiers,
    _content,
)


def map_wok(pt: str, pairs: list[tuple[str, str]], chunk: Chunk) -> Record:
    """The Record of one WoS record: its PT value, its (tag, value) pairs, its chunk."""
    f = Fields(pairs)
    record = _start(pt, f, chunk)
    for family in _FAMILIES:
        family(record, f)
    record.source_id = f.first("UT") or stable_id(chunk.raw)
    f.all(*_WOK_SKIPPED)
    record.custom.extend(f.leftovers(WOK_TAG_KEY_MAPPING))
    record.original.warnings.append(
        "notice Web of Science (format balisé WoS, pas RIS) (Web of Science tagged record)"
    )
    return record
