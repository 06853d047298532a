"""Dublin Core XML: `oai_dc` records of OAI-PMH responses, and plain DC documents; read and write.

A record is any element holding Dublin Core elements (`<oai_dc:dc>`, or a `<record>` of plain
`dc:` children). Inside an OAI-PMH response its header's identifier is the source id, and a
record whose header says `status="deleted"` is skipped (it has no metadata to import). The map
is one small function per DC element, as a crosswalk is written.

The writer (`to_element`, `write`) is the same crosswalk the other way, from the current record:
one `<oai_dc:dc>` per record, valid against oai_dc.xsd; what the reader files under a note
(« Source : », « Relation : », « Droits : ») goes back to its element, so a record read back
keeps its title, creators, subjects, identifiers, languages, year, type and notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from lxml import etree

from catalogue.errors import FormatError, RecordError
from catalogue.marcxml import check_no_entities, element_chunks, parse_document, xml_text
from catalogue.reading import Chunk, read_records
from catalogue.record import Agent, Identifier, Link, Publication, Record, Subject
from catalogue.text import clean_doi, language_codes
from catalogue.xmlrecovery import tolerant

DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
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
    document = parse_document(data)
    records = find_records(document.root)
    if not records:
        deleted = deleted_count(document.root)
        raise FormatError(
            f"aucune notice Dublin Core dans ce XML ({deleted} notices supprimées seulement)"
            if deleted
            else "aucune notice Dublin Core dans ce XML (no Dublin Core record in this XML)"
        )

    def map_element(chunk: Chunk) -> Record:
        check_no_entities(chunk.data)
        try:
            return to_record(chunk.data, source)
        except ValueError as exc:
            raise RecordError(str(exc), position=chunk.position, offset=chunk.offset) from None

    # the raw text keeps the element's tail, as it always has
    chunks = element_chunks(document, records, with_tail=True)
    yield from read_records(
        chunks, map_element, source=source, format="dc", charset=document.charset
    )


# -- writing -----------------------------------------------------------------------------------

# docbase document types → dc:type, in the vocabularies the reader (and harvesters) know:
# info:eu-repo/semantics for texts, DCMI Type for the others
WRITE_TYPES = {
    "book": "info:eu-repo/semantics/book",
    "article": "info:eu-repo/semantics/article",
    "chapter": "info:eu-repo/semantics/bookPart",
    "thesis": "info:eu-repo/semantics/doctoralThesis",
    "report": "info:eu-repo/semantics/report",
    "proceedings": "info:eu-repo/semantics/conferenceObject",
    "image": "StillImage",
    "audiovisual": "MovingImage",
    "sound": "Sound",
    "web": "InteractiveResource",
    "multimedia": "InteractiveResource",
    "object": "PhysicalObject",
}
_NOTE_ELEMENTS = (("Source : ", "source"), ("Relation : ", "relation"), ("Droits : ", "rights"))


def _agent_name(agent: Agent) -> str:
    return agent.sort_name if agent.kind == "person" else agent.display_name


def _subject_label(subject: Subject) -> str:
    return subject.heading


def _identifiers(record: Record) -> list[str]:
    """ISBN and ISSN as URNs, the DOI as its resolver URL, then the online resources."""
    out = []
    for ident in record.identifiers:
        if ident.scheme in ("isbn", "issn"):
            out.append(f"urn:{ident.scheme}:{ident.value}")
        elif ident.scheme == "doi":
            out.append(f"https://doi.org/{ident.value}")
        elif ident.value:
            out.append(ident.value)
    out += [link.url for link in record.links if link.url and link.kind != "thumbnail"]
    return out


def _host(record: Record) -> str:
    """An article's periodical or a chapter's book, as one citation (dc:source)."""
    host = record.host
    if host is None or not host.title:
        return ""
    parts = [host.title, host.volume, host.number, host.date, host.pages]
    return ", ".join(p for p in parts if p)


def _notes(record: Record) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for note in record.notes:
        name = next((n for prefix, n in _NOTE_ELEMENTS if note.startswith(prefix)), "")
        out.append((name, note.split(" : ", 1)[1]) if name else ("description", note))
    return out


def _elements(record: Record) -> Iterator[tuple[str, str]]:
    """(DC element, value) pairs in the order of the 15 elements."""
    title = f"{record.title} : {record.other_title}" if record.other_title else record.title
    yield "title", title
    yield from (("title", t) for t in record.parallel_titles)
    for agent in record.agents:
        role = "contributor" if agent.responsibility == "secondary" else "creator"
        yield role, _agent_name(agent)
    yield from (("subject", _subject_label(s)) for s in record.descriptors)
    yield from (("subject", k) for k in record.keywords)
    yield "description", record.abstract
    yield "description", record.contents
    notes = _notes(record)
    yield from ((n, v) for n, v in notes if n == "description")
    yield from (("publisher", p.publisher) for p in record.publication)
    date = record.host.date_iso if record.host and record.host.date_iso else ""
    yield "date", date or (f"{record.year:04d}" if record.year else "")
    yield "type", WRITE_TYPES.get(record.doc_type, "Text")
    yield "format", record.extent
    yield from (("identifier", i) for i in _identifiers(record))
    yield "source", _host(record)
    yield from ((n, v) for n, v in notes if n == "source")
    yield from (("language", code) for code in record.languages)
    yield from (
        ("relation", f"{s.title} ; {s.number}" if s.number else s.title) for s in record.series
    )
    yield from ((n, v) for n, v in notes if n == "relation")
    yield from (("coverage", g) for g in record.geographic)
    yield from ((n, v) for n, v in notes if n == "rights")


_DC_OPEN = (
    f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" xmlns:xsi="{XSI_NS}"'
    f' xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_SCHEMA}">'
)


def to_xml(record: Record) -> str:
    """One `<oai_dc:dc>` as text (what OAI-PMH pages and `write` are made of: no tree built)."""
    parts = [_DC_OPEN]
    for name, value in _elements(record):
        text = xml_text(value or "").strip()
        if text:
            parts.append(f"<dc:{name}>{text}</dc:{name}>")
    parts.append("</oai_dc:dc>")
    return "".join(parts)


def to_element(record: Record) -> etree._Element:
    """One `<oai_dc:dc>` element (valid against oai_dc.xsd) from the current record."""
    return etree.fromstring(to_xml(record))


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """One XML document: `<collection>` around one `<oai_dc:dc>` per record, streamed."""
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n<collection>\n'
    for record in records:
        yield (to_xml(record) + "\n").encode("utf-8")
    yield b"</collection>\n"
