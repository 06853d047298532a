"""Dublin Core XML: `oai_dc` records of OAI-PMH responses, and plain DC documents.

A record is any element holding Dublin Core elements (`<oai_dc:dc>`, or a `<record>` of plain
`dc:` children). Inside an OAI-PMH response its header's identifier is the source id, and a
record whose header says `status="deleted"` is skipped (it has no metadata to import). The map
is one small function per DC element, as a crosswalk is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

from catalogue.errors import FormatError, RecordError, salvage
from catalogue.marcxml import check_no_entities, parse_document
from catalogue.record import Agent, Identifier, Link, Publication, Record, Subject
from catalogue.text import clean_doi, language_codes
from catalogue.xmlrecovery import tolerant

DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")  # « 1950s », « 2010-05-02 »
_ISBN = re.compile(r"^(?:urn:isbn:|isbn:?\s*)?([0-9][0-9\- ]{8,15}[0-9Xx])$", re.I)
_ISSN = re.compile(r"^(?:urn:issn:|issn:?\s*)?(\d{4}-?\d{3}[\dXx])$", re.I)
DC_TYPES = {  # dc:type words (DCMI, info:eu-repo, French) → docbase document types
    "article": "article", "journalarticle": "article", "contributiontoperiodical": "article",
    "book": "book", "livre": "book", "ouvrage": "book", "bookpart": "chapter",
    "chapitre": "chapter", "thesis": "thesis", "these": "thesis", "thèse": "thesis",
    "doctoralthesis": "thesis", "masterthesis": "thesis", "report": "report",
    "rapport": "report", "conferenceobject": "proceedings", "image": "image",
    "stillimage": "image", "movingimage": "video", "sound": "sound", "dataset": "other",
    "website": "website", "interactiveresource": "website",
}  # fmt: skip


def _creator(rec: Record, value: str, responsibility: str = "main") -> None:
    name, _, forename = value.partition(",")
    kind = "person" if forename or len(value.split()) <= 4 else "corporate"
    rec.agents.append(Agent(name.strip(), forename.strip(), kind, responsibility=responsibility))


def _title(rec: Record, value: str) -> None:
    if rec.title:
        rec.parallel_titles.append(value)
    else:
        rec.title = value


def _description(rec: Record, value: str) -> None:
    if rec.abstract:
        rec.notes.append(value)
    else:
        rec.abstract = value


def _publisher(rec: Record, value: str) -> None:
    rec.publication.append(Publication(publisher=value))


def _date(rec: Record, value: str) -> None:
    found = _YEAR.search(value)
    if found and rec.year is None:
        rec.year = int(found.group(1))
        if rec.publication:
            rec.publication[0].date = rec.publication[0].date or value
        else:
            rec.publication.append(Publication(date=value))


def _type(rec: Record, value: str) -> None:
    word = re.sub(r"[^a-zà-ÿ]", "", value.rsplit("/", 1)[-1].lower())
    if word in DC_TYPES:
        rec.doc_type = DC_TYPES[word]


def _identifier(rec: Record, value: str) -> None:
    if value.lower().startswith(("http://", "https://")):
        doi = clean_doi(value) if "doi.org/" in value else ""
        if doi:
            rec.identifiers.append(Identifier("doi", doi))
        else:
            rec.links.append(Link(value))
        return
    for scheme, pattern in (("issn", _ISSN), ("isbn", _ISBN)):
        found = pattern.match(value)
        if found:
            rec.identifiers.append(Identifier(scheme, found.group(1)))
            return
    doi = clean_doi(value) if value.lower().startswith(("10.", "doi:")) else ""
    rec.identifiers.append(Identifier("doi", doi) if doi else Identifier("other", value))


def _language(rec: Record, value: str) -> None:
    codes, unknown = language_codes(value)
    rec.languages += [c for c in codes if c not in rec.languages]
    if unknown:
        rec.original.warnings.append(f"langue inconnue « {value} » (unknown language)")


def _note(label: str) -> Callable[[Record, str], None]:
    def add(rec: Record, value: str) -> None:
        rec.notes.append(f"{label} : {value}")

    return add


MAP: dict[str, Callable[[Record, str], None]] = {
    "title": _title,
    "creator": _creator,
    "contributor": lambda rec, v: _creator(rec, v, "secondary"),
    "subject": lambda rec, v: rec.subjects.append(Subject(v)),
    "description": _description,
    "publisher": _publisher,
    "date": _date,
    "type": _type,
    "format": lambda rec, v: setattr(rec, "extent", rec.extent or v),
    "identifier": _identifier,
    "language": _language,
    "source": _note("Source"),
    "relation": _note("Relation"),
    "coverage": lambda rec, v: rec.subjects.append(Subject(v, kind="geographic")),
    "rights": _note("Droits"),
}


def _local(tag: object) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _dc_children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and c.tag.startswith(f"{{{DC_NS}}}")]


def _header(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors(f"{{{OAI_NS}}}record"):
        return ancestor.find(f"{{{OAI_NS}}}header")
    return None


def find_records(root: etree._Element) -> list[etree._Element]:
    """Elements holding DC elements (each one record), in document order."""
    return [e for e in root.iter() if isinstance(e.tag, str) and _dc_children(e)]


def deleted_count(root: etree._Element) -> int:
    return len(root.findall(f".//{{{OAI_NS}}}header[@status='deleted']"))


def to_record(element: etree._Element, source: str = "") -> Record:
    rec = Record(source=source, doc_type="other")
    for child in _dc_children(element):
        value = " ".join("".join(child.itertext()).split())
        if value and _local(child.tag) in MAP:
            MAP[_local(child.tag)](rec, value)
    header = _header(element)
    if header is not None:
        rec.source_id = (header.findtext(f"{{{OAI_NS}}}identifier") or "").strip()
    if not rec.title:
        raise ValueError("notice Dublin Core sans titre (Dublin Core record without a title)")
    rec.original.format = "dc"
    rec.original.raw = etree.tostring(element, encoding="unicode")
    return rec


@tolerant
def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
    """Records of an OAI-PMH `oai_dc` response or a Dublin Core document."""
    root, charset, doc_warnings, settled = parse_document(data)
    records = find_records(root)
    if not records:
        deleted = deleted_count(root)
        raise FormatError(
            f"aucune notice Dublin Core dans ce XML ({deleted} notices supprimées seulement)"
            if deleted
            else "aucune notice Dublin Core dans ce XML (no Dublin Core record in this XML)"
        )

    def read_one(element: etree._Element, position: int) -> Record:
        check_no_entities(element)
        try:
            rec = to_record(element, source)
        except ValueError as exc:
            raise RecordError(str(exc), position=position, offset=element.sourceline) from None
        rec.original.charset = charset
        rec.original.warnings[:0] = doc_warnings + settled.warnings_for(element)
        return rec

    for position, element in enumerate(records, 1):
        yield salvage(
            lambda e=element, p=position: read_one(e, p),
            position=position,
            offset=element.sourceline,
            chunk=etree.tostring(element, encoding="unicode"),
        )
