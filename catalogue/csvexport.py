"""CSV export: the spreadsheet the CSV importer reads (catalogue/csvfile.py), one row a record.

UTF-8 with a BOM (Excel then opens it as UTF-8, not cp1252), « ; » as separator and CRLF line
ends as French Excel writes them, every documented column in the order of `csvfile.COLUMNS`,
repeatable values joined by « ; » as the importer splits them. Exported then imported, a
record comes back the same in every element the columns hold; what no column holds (classification,
custom fields, authority ids…) is not in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from catalogue import exportview as view
from catalogue.record import DOC_TYPES, Agent, Record, relator_label

SEPARATOR = ";"
JOIN = " ; "
# relator code → the short form the importer reads after a name (« Dupont, Jean (dir.) »)
ROLE_SUFFIXES: dict[str, str] = {
    "340": "dir.", "730": "trad.", "440": "ill.", "080": "préf.", "075": "postf.",
    "600": "photogr.", "300": "réal.", "005": "interpr.", "220": "comp.", "205": "collab.",
}  # fmt: skip
_ANALYTIC = {"article", "chapter"}


def person(agent: Agent) -> str:
    """« Nom, Prénom », then its role in brackets unless it is an author."""
    text = f"{agent.name}, {agent.forename}" if agent.forename else agent.name
    if agent.role in view.AUTHOR_ROLES and agent.responsibility != "secondary":
        return view.one_line(text)
    suffix = ROLE_SUFFIXES.get(agent.role) or relator_label(agent.role)
    return view.one_line(f"{text} ({suffix})" if suffix else text)


def _people(record: Record) -> str:
    return JOIN.join(person(a) for a in record.agents if a.kind == "person")


def _bodies(record: Record) -> str:
    """Bodies that are authors; a thesis's column holds its university (as the importer reads)."""
    if record.doc_type == "thesis":
        wanted = [a for a in record.agents if a.kind != "person" and view.is_degree_grantor(a)]
    else:
        wanted = [a for a in view.authors(record) if a.kind != "person"]
    return JOIN.join(view.one_line(a.display_name) for a in wanted)


def _pages(record: Record) -> str:
    if record.doc_type in _ANALYTIC:
        return record.host.pages if record.host else ""
    return view.page_count(record.extent) or record.extent


def _headings(record: Record, geographic: bool) -> str:
    found = [s.heading for s in record.subjects if (s.kind == "geographic") == geographic]
    return JOIN.join(view.one_line(h) for h in found)


def _host(name: str) -> Callable[[Record], str]:
    return lambda r: getattr(r.host, name) if r.host else ""


def _items(name: str) -> Callable[[Record], str]:
    return lambda r: JOIN.join(getattr(i, name) for i in r.items if getattr(i, name))


def _first_series(name: str) -> Callable[[Record], str]:
    return lambda r: getattr(r.series[0], name) if r.series else ""


# column → what it holds of a record (the importer reads them back: catalogue/csvfile.py)
CELLS: dict[str, Callable[[Record], str]] = {
    "titre": lambda r: r.title,
    "sous-titre": lambda r: r.other_title,
    "auteurs": _people,
    "auteurs collectivités": _bodies,
    "type": lambda r: DOC_TYPES.get(r.doc_type, DOC_TYPES["other"])[0],
    "éditeur": lambda r: JOIN.join(p.publisher for p in r.publication if p.publisher),
    "lieu": lambda r: JOIN.join(p.place for p in r.publication if p.place),
    "date": lambda r: r.publication[0].date if r.publication else "",
    "année": lambda r: str(r.year) if r.year else "",
    "édition": lambda r: r.edition,
    "isbn": lambda r: JOIN.join(view.isbns(r)),
    "issn": lambda r: JOIN.join(view.issns(r)),
    "doi": lambda r: r.doi,
    "collection": _first_series("title"),
    "numéro de collection": _first_series("number"),
    "pages": _pages,
    "revue": _host("title"),
    "volume": _host("volume"),
    "numéro": _host("number"),
    "résumé": lambda r: r.abstract,
    "descripteurs": lambda r: _headings(r, geographic=False),
    "mots-clés": lambda r: JOIN.join(r.keywords),
    "géographie": lambda r: _headings(r, geographic=True),
    "langue": lambda r: JOIN.join(r.languages),
    "notes": lambda r: "\n".join(n for n in r.notes if n.strip()),
    "url": lambda r: JOIN.join(u.url for u in r.links if u.kind == "resource" and u.url),
    "cote": _items("call_number"),
    "code-barres": _items("barcode"),
    "localisation": _items("location"),
    "section": _items("section"),
    "identifiant": lambda r: r.source_id or (str(r.id) if r.id else ""),
}


def row(record: Record) -> list[str]:
    return [cell(record) for cell in CELLS.values()]


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """The header, then one row per record, each its own chunk."""
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    out.writerow(CELLS)
    yield b"\xef\xbb\xbf" + flush()
    for record in records:
        out.writerow(row(record))
        yield flush()
