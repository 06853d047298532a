"""RIS export: one tagged record per record, in UTF-8 with CRLF line ends as the RIS spec says.

The tags are those reference managers read (Zotero's and EndNote's reading of the 2011 RIS
spec), each written by a small function of the record, in the order below; docbase's own RIS
reader (catalogue/ris.py) reads every one of them back to the same place. Multi-line values
(notes, abstracts) go on continuation lines, which RIS allows; a continuation line that would
read as a tag is indented so that it does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from catalogue import exportview as view
from catalogue.record import Agent, Record, relator_label
from catalogue.text import iso639_1

# doc_type → RIS reference type; a conference paper (analytic) is CPAPER, its volume CONF
TYPES: dict[str, str] = {
    "book": "BOOK", "periodical": "JFULL", "issue": "JFULL", "article": "JOUR",
    "thesis": "THES", "report": "RPRT", "chapter": "CHAP", "proceedings": "CONF",
    "web": "ELEC", "audiovisual": "VIDEO", "sound": "SOUND", "image": "ART", "map": "MAP",
    "score": "MUSIC", "manuscript": "MANSCPT", "multimedia": "MULTI", "object": "GEN",
    "other": "GEN",
}  # fmt: skip
EOL = "\r\n"
_LOOKS_LIKE_TAG = re.compile(r"^[A-Z][A-Z0-9]  -")


def ris_type(record: Record) -> str:
    if record.doc_type == "proceedings" and record.bib_level == "a":
        return "CPAPER"
    return TYPES.get(record.doc_type, "GEN")


def _analytic(record: Record) -> bool:
    return ris_type(record) in {"JOUR", "CHAP", "CPAPER"}


def name(agent: Agent) -> str:
    """« Surname, Forename » for a person (what RIS readers split), a body as it is named."""
    if agent.kind == "person" and agent.forename:
        return f"{agent.name}, {agent.forename}"
    return agent.display_name


# -- one function per tag family: record → values ---------------------------------------------


def _titles(record: Record) -> list[tuple[str, str]]:
    out = []
    if record.other_title:  # Zotero's layout: the full title, and the title alone as short one
        out += [("TI", f"{record.title} : {record.other_title}"), ("ST", record.title)]
    else:
        out.append(("TI", record.title))
    out += [("TT", t) for t in record.parallel_titles]
    if _analytic(record) and record.host and record.host.title:
        out.append(("T2", record.host.title))
    elif not _analytic(record):
        out += [("T3", s.title) for s in record.series if s.title]
    return out


def _people(record: Record) -> list[tuple[str, str]]:
    thesis = record.doc_type == "thesis"
    out = [("AU", name(a)) for a in view.authors(record)]
    out += [("A2", name(a)) for a in view.editors(record)]
    out += [("A2", name(a)) for a in view.other_contributors(record) if not a.role]
    out += [("A3", name(a)) for a in view.agents_with(record, "727")] if thesis else []
    out += [("A4", name(a)) for a in view.agents_with(record, "730")]
    return out


def _publication(record: Record) -> list[tuple[str, str]]:
    year, month, day = view.iso_date(record)
    out = [("PY", year)]
    if month:
        out.append(("DA", f"{year}/{month}/{day}/"))
    publication = view.publisher(record)
    body = publication.publisher
    grantors = [a for a in record.agents if view.is_degree_grantor(a)]
    if record.doc_type == "thesis" and grantors:  # a thesis's PB is its university
        body = grantors[0].display_name
    out += [("PB", body), ("CY", publication.place), ("ET", record.edition)]
    return out


def _numbering(record: Record) -> list[tuple[str, str]]:
    out = [("SN", view.labelled(n, "isbn")) for n in view.isbns(record)]
    out += [("SN", view.labelled(n, "issn")) for n in view.issns(record)]
    if _analytic(record) and record.host:
        start, end = view.page_range(record.host.pages)
        out += [("VL", record.host.volume), ("IS", record.host.number)]
        out += [("SP", start), ("EP", end)]
    else:
        if record.series and record.series[0].number:
            out.append(("VL", record.series[0].number))
        out.append(("SP", view.page_count(record.extent)))
    return out


def _content(record: Record) -> list[tuple[str, str]]:
    words = [s.heading for s in record.subjects] + record.keywords
    out = [("KW", w) for w in dict.fromkeys(w for w in words if w.strip())]
    out.append(("AB", record.abstract))
    out += [("N1", note) for note in record.notes]
    advisors = [] if record.doc_type == "thesis" else view.agents_with(record, "727")
    for agent in view.other_contributors(record) + advisors:
        if agent.role:  # no RIS tag for a preface writer, an illustrator…: said in a note
            out.append(("N1", f"{relator_label(agent.role)} : {name(agent)}"))
    out += [("LA", iso639_1(code) or code) for code in record.languages]
    return out


def _links(record: Record) -> list[tuple[str, str]]:
    out = [("DO", record.doi)]
    out += [("UR", u.url) for u in record.links if u.kind == "resource" and u.url]
    out += [("L1", u.url) for u in record.links if u.kind == "attachment" and u.url]
    calls = [i.call_number for i in record.items if i.call_number]
    out += [("CN", calls[0] if calls else ""), ("ID", record.source_id or str(record.id or ""))]
    return out


TAG_FAMILIES: list[Callable[[Record], list[tuple[str, str]]]] = [
    _people, _titles, _publication, _numbering, _content, _links,
]  # fmt: skip
_MULTILINE = {"N1", "AB"}


def _line(tag: str, value: str) -> str:
    if tag not in _MULTILINE:
        return f"{tag}  - {view.one_line(value)}{EOL}"
    lines = [" ".join(line.split()) for line in value.split("\n")]
    lines = [f" {ln}" if _LOOKS_LIKE_TAG.match(ln) else ln for ln in lines if ln]
    return f"{tag}  - " + EOL.join(lines) + EOL


def record_text(record: Record) -> str:
    """One record as RIS text, from TY to ER."""
    parts = [f"TY  - {ris_type(record)}{EOL}"]
    for family in TAG_FAMILIES:
        parts += [_line(tag, value) for tag, value in family(record) if value and value.strip()]
    parts.append(f"ER  - {EOL}{EOL}")
    return "".join(parts)


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """RIS in UTF-8 (no BOM: rispy and older EndNote refuse one), one chunk per record."""
    for record in records:
        yield record_text(record).encode("utf-8")
