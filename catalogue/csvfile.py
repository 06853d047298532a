"""CSV import of documentalists' spreadsheets, with French column names (export: csvexport.py).

What a documentation centre keeps in Excel or LibreOffice: one row per document, one column per
element, several values in a cell separated by ";" ("Dupont, Jean ; Martin, Sophie"). Excel
saves "CSV (séparateur : point-virgule)" in cp1252 and "CSV UTF-8" with a BOM; both are read,
and the separator (; , tab |) is taken from the header line. Column names are matched without
case, accents or punctuation ("Mots-clés", "mots cles", "Keywords"; catalogue/csvcolumns.py),
so a sheet made by hand still imports. Columns nobody knows are kept as custom fields, never
dropped, and named once in the first record's warnings. A row is mapped by a table of small
functions, one per field family (`_FAMILIES`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import zip_longest

from catalogue import csvrows
from catalogue.csvcolumns import COLUMNS as COLUMNS  # re-exported: the export's order
from catalogue.csvcolumns import header_column as header_column
from catalogue.errors import FormatError, RecordError
from catalogue.reading import Chunk, read_records
from catalogue.record import (
    DOC_TYPES,
    RELATORS,
    Agent,
    CustomField,
    Host,
    Identifier,
    Item,
    Link,
    Original,
    Publication,
    Record,
    Series,
    Subject,
)
from catalogue.text import (
    clean_doi,
    clean_space,
    decode_text,
    fold,
    identifiers,
    iso_date,
    language_codes,
    person_or_body,
    stable_id,
    unix_newlines,
    year_of,
)

# Types as documentalists write them (folded) → doc_type. DOC_TYPES' own keys and labels too.
_TYPES: dict[str, str] = {
    "livre": "book", "ouvrage": "book", "monographie": "book", "brochure": "book",
    "texte imprime": "book", "guide": "book",
    "article": "article", "article de revue": "article", "article de periodique": "article",
    "depouillement": "article",
    "rapport": "report", "rapport d etude": "report", "etude": "report",
    "litterature grise": "report",
    "these": "thesis", "memoire": "thesis", "these memoire": "thesis",
    "revue": "periodical", "periodique": "periodical", "magazine": "periodical",
    "numero": "issue", "numero de revue": "issue", "fascicule": "issue", "bulletin": "issue",
    "chapitre": "chapter", "chapitre d ouvrage": "chapter", "partie d ouvrage": "chapter",
    "actes": "proceedings", "actes de colloque": "proceedings", "colloque": "proceedings",
    "congres": "proceedings",
    "site web": "web", "site internet": "web", "site": "web", "page web": "web",
    "ressource en ligne": "web", "web": "web",
    "video": "audiovisual", "dvd": "audiovisual", "film": "audiovisual",
    "audiovisuel": "audiovisual", "documentaire": "audiovisual",
    "document projete ou video": "audiovisual",
    "son": "sound", "cd": "sound", "audio": "sound", "podcast": "sound",
    "enregistrement sonore": "sound",
    "image": "image", "photo": "image", "photographie": "image", "affiche": "image",
    "carte": "map", "plan": "map", "partition": "score", "manuscrit": "manuscript",
    "multimedia": "multimedia", "cederom": "multimedia", "cd rom": "multimedia",
    "logiciel": "multimedia",
    "objet": "object", "jeu": "object", "exposition": "object", "malle": "object",
    "autre": "other", "divers": "other",
}  # fmt: skip
for _key, (_fr, _en) in DOC_TYPES.items():
    for _name in (_key, _fr, _en):
        _TYPES.setdefault(fold(_name), _key)
# word stems for the rest (PMB's "Enregistrement sonore musical", "Document cartographique…")
_TYPE_STEMS = (
    ("video", "audiovisual"), ("film", "audiovisual"), ("projete", "audiovisual"),
    ("sonore", "sound"), ("audio", "sound"), ("cartograph", "map"), ("partition", "score"),
    ("manuscrit", "manuscript"), ("graphique", "image"), ("photo", "image"),
    ("multimedia", "multimedia"), ("electronique", "web"), ("en ligne", "web"),
    ("internet", "web"), ("objet", "object"), ("these", "thesis"), ("memoire", "thesis"),
    ("rapport", "report"), ("chapitre", "chapter"), ("article", "article"),
    ("actes", "proceedings"), ("colloque", "proceedings"), ("numero", "issue"),
    ("revue", "periodical"), ("periodique", "periodical"), ("livre", "book"),
    ("ouvrage", "book"), ("imprime", "book"),
)  # fmt: skip

# roles written after a name in the "auteurs" column → UNIMARC relator codes
_ROLES: dict[str, str] = {
    "dir": "340", "sous la dir": "340", "sous la direction de": "340", "ed": "340",
    "eds": "340", "editeur scientifique": "340", "coord": "340", "coordination": "340",
    "trad": "730", "traduction": "730", "traducteur": "730", "ill": "440",
    "illustrations": "440", "illustrateur": "440", "pref": "080", "preface": "080",
    "postf": "075", "photogr": "600", "photographies": "600", "real": "300",
    "realisateur": "300", "interpr": "005", "comp": "220", "compilateur": "220",
    "collab": "205", "collaborateur": "205", "aut": "070", "auteur": "070",
}  # fmt: skip

# and any relator's French label (« Dupont, Jean (Directeur de publication) »), as exported
for _code, (_label, _english) in RELATORS.items():
    _ROLES.setdefault(fold(_label), _code)
_ANALYTIC = {"article", "chapter"}
_BIB_LEVELS = {"article": "a", "chapter": "a", "periodical": "s", "issue": "s"}
_SEPARATORS = (";", ",", "\t", "|")


def read(
    data: bytes, source: str = "", encoding: str | None = None
) -> Iterator[Record | RecordError]:
    """Yield a Record per row, a RecordError per row without a title (FormatError: no header).

    `encoding` forces a charset; by default a BOM decides, else UTF-8, else cp1252.
    """
    decoded = decode_text(data, encoding)
    text = unix_newlines(decoded.text).lstrip("\ufeff")
    # only LF ends a line: str.splitlines would also cut at U+2028, NEL… inside a cell
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    header_at = _header_line(lines)
    if header_at is None:
        raise FormatError("fichier vide (empty file)")
    separator = sniff_separator(lines[header_at])
    source_lines = csvrows.Lines(lines[header_at:])
    reader = csv.reader(source_lines, delimiter=separator)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FormatError(f"en-tête CSV illisible (unreadable CSV header: {exc})") from None
    columns = [header_column(name) for name in header]
    if not any(columns):
        raise FormatError(
            "aucune colonne reconnue dans la première ligne : ce n'est pas un tableau de notices "
            "(no recognisable header: expected columns such as titre, auteurs, date)"
        )
    if "titre" not in columns:
        raise FormatError(
            "pas de colonne « titre » : aucune ligne ne pourrait être lue (no title column)"
        )
    body_at = header_at + source_lines.consumed
    rows = csvrows.rows(lines[body_at:], separator, csvrows.header_width(header), body_at + 1)
    chunks = (
        row
        if isinstance(row, RecordError)
        else Chunk(
            row.position,
            row.line,
            row.raw,
            decoded.warnings_for(row.line, row.raw.count("\n")),
            row,
        )
        for row in rows
    )

    yield from read_records(
        chunks,
        lambda chunk: _map(header, columns, chunk),
        source=source,
        format="csv",
        charset=decoded.charset,
        what="la ligne",
        unique_ids=True,
        file_warnings=_file_warnings(lines, header_at, header, columns),
    )


def _file_warnings(
    lines: list[str], header_at: int, header: list[str], columns: list[str | None]
) -> list[str]:
    """Said once, on the first record: what of the file is not in any record's columns."""
    file_warnings = []
    if any(skipped.strip() for skipped in lines[:header_at]):
        file_warnings.append(
            f"{header_at} ligne(s) avant l'en-tête ignorée(s) (lines before the header ignored)"
        )
    unknown = [name.strip() for i, name in enumerate(header) if columns[i] is None and name.strip()]
    if unknown:
        names = ", ".join(f"« {name} »" for name in unknown)
        file_warnings.append(
            f"colonnes non reconnues, gardées en champs personnalisés : {names} "
            "(unknown columns kept as custom fields)"
        )
    return file_warnings


def _header_line(lines: list[str]) -> int | None:
    """The header's line: the first non-empty one, or, when a caption comes first ("Catalogue
    du centre, mars 2021"), the first of the next few lines that names a title column."""
    filled = [i for i, line in enumerate(lines[:50]) if line.strip()]
    if not filled:
        return None
    for index in filled[:10]:
        line = lines[index]
        try:
            cells = next(csv.reader([line], delimiter=sniff_separator(line)), [])
        except csv.Error:
            continue
        if any(header_column(cell) == "titre" for cell in cells):
            return index
    return filled[0]


def sniff_separator(header_line: str) -> str:
    """The separator of a CSV file from its header line: the most frequent of ; , tab | outside
    quotes (";" on a tie: the French Excel default)."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def doc_type_of(value: str) -> str | None:
    """The doc_type of a "type" cell ("Livre", "thèse", "Document projeté ou vidéo"), or None."""
    key = fold(value)
    if key in _TYPES:
        return _TYPES[key]
    for stem, doc_type in _TYPE_STEMS:
        if stem in key:
            return doc_type
    return None


# -- mapping ---------------------------------------------------------------------------------


# « ; » between values, not inside brackets: « Lyon (Rhône ; région) » is one descriptor
_VALUE_SEP = re.compile(r";(?![^()]*\))")


def _split(value: str) -> list[str]:
    return [clean_space(v) for v in _VALUE_SEP.split(value) if clean_space(v)]


def _subject(heading: str, kind: str = "topic") -> Subject:
    """« Politique urbaine -- États-Unis »: a descriptor and its subdivisions, as the index and
    the export write them."""
    label, *subdivisions = [p.strip() for p in heading.split(" -- ")]
    return Subject(label, kind=kind, subdivisions=[s for s in subdivisions if s])


def _csv_date(value: str) -> tuple[str, str]:
    """(date as displayed, ISO date) of a date cell, Excel's forms included."""
    value = clean_space(re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", value.strip()))
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    if match:  # French order: day/month/year
        iso = iso_date(match.group(3), match.group(2), match.group(1))
        return (iso, iso) if len(iso) == 10 else (value, iso)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", value)
    if match:
        iso = iso_date(match.group(2), match.group(1))
        return (iso, iso) if len(iso) == 7 else (value, iso)
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if match:
        iso = iso_date(*match.groups())
        return (iso or value), iso
    year = year_of(value)
    return value, str(year) if year else ""


@dataclass
class _Row:
    """One row's cells by documented column, and what its field families share."""

    cells: dict[str, list[str]]
    dated: bool  # the sheet has a date column
    record: Record = field(default_factory=Record)
    display: str = ""  # the date as displayed
    iso: str = ""
    main_given: bool = False  # the main author is named
    isbns: list[Identifier] = field(default_factory=list)
    issns: list[Identifier] = field(default_factory=list)

    @property
    def custom(self) -> list[CustomField]:
        return self.record.custom

    @property
    def warnings(self) -> list[str]:
        return self.record.original.warnings

    def one(self, column: str) -> str:
        return clean_space(self.cells.get(column, [""])[0])

    def many(self, column: str) -> list[str]:
        return [v for cell in self.cells.get(column, []) for v in _split(cell)]


def _cells(
    header: list[str], columns: list[str | None], row: list[str]
) -> tuple[dict[str, list[str]], list[CustomField]]:
    """The row's non-empty cells by documented column; the others as custom fields."""
    cells: dict[str, list[str]] = {}
    custom: list[CustomField] = []
    for index, cell in enumerate(row):
        value = cell.strip()
        if not value:
            continue
        column = columns[index] if index < len(columns) else None
        if column is not None:
            cells.setdefault(column, []).append(value)
        else:
            name = header[index].strip() if index < len(header) else ""
            custom.append(CustomField(name=name or f"colonne {index + 1}", value=value))
    return cells, custom


def _start(
    cells: dict[str, list[str]], custom: list[CustomField], dated: bool, chunk: Chunk
) -> _Row:
    """The record of a row's title and type; a row without a title is rejected."""
    r = _Row(cells, dated)
    title = r.one("titre")
    if not title:
        position = chunk.position
        raise RecordError(
            f"ligne {position + 1} sans titre (row {position + 1} has no title)",
            position=position,
            offset=chunk.offset,
            chunk=chunk.raw,
        )
    warnings: list[str] = []
    type_text = r.one("type")
    doc_type = doc_type_of(type_text) if type_text else None
    if doc_type is None:
        if type_text:
            warnings.append(f"type de document inconnu « {type_text} », lu comme « autre » "
                            "(unknown document type)")  # fmt: skip
            custom.append(CustomField("type", type_text))
            doc_type = "other"
        else:
            doc_type = "article" if cells.get("revue") else "book"
    r.record = Record(
        doc_type=doc_type,
        bib_level=_BIB_LEVELS.get(doc_type, "m"),
        title=title,
        other_title=r.one("sous-titre"),
        edition=r.one("édition"),
        custom=custom,
        original=Original(format="csv", raw=chunk.raw, warnings=warnings),
    )
    return r


def _people(r: _Row) -> None:
    """Persons with their role in brackets; the first author is the main one."""
    for text in r.many("auteurs"):
        match = re.search(r"\(([^()]*)\)\s*$", text)
        role = ""
        if match:
            said = match.group(1).strip()  # a short form, a relator's label or its code
            role = _ROLES.get(fold(said), "") or (said if re.fullmatch(r"\d{3}", said) else "")
            if role:
                text = text[: match.start()].strip()
        agent = person_or_body(text, role or "070", "other")
        if agent is None:
            continue
        if role in ("", "070"):
            agent.responsibility = "main" if not r.main_given else "other"
            r.main_given = True
        else:
            agent.responsibility = "secondary"
        r.record.agents.append(agent)


def _bodies(r: _Row) -> None:
    for name in r.many("auteurs collectivités"):
        if r.record.doc_type == "thesis":  # a thesis's body is the university granting the degree
            r.record.agents.append(Agent(name=name, kind="corporate", role="295",
                                         responsibility="secondary"))  # fmt: skip
            continue
        r.record.agents.append(Agent(name=name, kind="corporate", role="070",
                                     responsibility="other" if r.main_given else "main"))  # fmt: skip
        r.main_given = True


def _publication(r: _Row) -> None:
    """Date and year; places and publishers paired in order."""
    record = r.record
    r.display, r.iso = _csv_date(r.one("date")) if r.one("date") else ("", "")
    year_cell = r.one("année")
    record.year = year_of(year_cell) or year_of(r.iso or r.display)  # a year column says the year
    if not r.display and year_cell and not r.dated:
        r.display = year_cell  # the year stands for the date only in a sheet without a date column
    places, publishers = r.many("lieu"), r.many("éditeur")
    for index, (place, publisher) in enumerate(zip_longest(places, publishers, fillvalue="")):
        record.publication.append(Publication(place, publisher, r.display if index == 0 else ""))
    if not record.publication and r.display:
        record.publication.append(Publication(date=r.display))


def _numbers(r: _Row) -> None:
    """ISBN and ISSN (placed by the host), DOI."""
    r.isbns = [i for cell in r.cells.get("isbn", []) for i in identifiers(cell, "isbn")]
    r.issns = [i for cell in r.cells.get("issn", []) for i in identifiers(cell, "issn")]
    for cell in r.cells.get("doi", []):
        doi = clean_doi(cell)
        if doi:
            r.record.identifiers.append(Identifier("doi", doi))
        else:
            r.custom.append(CustomField("doi", cell))
            r.warnings.append(f"DOI illisible « {cell} » gardé tel quel (unreadable DOI kept)")


def _host(r: _Row) -> None:
    """The journal of an article, the book of a chapter, with their ISSN or ISBN; the extent;
    the series."""
    record, doc_type = r.record, r.record.doc_type
    pages = r.one("pages")
    host_title, volume, number = r.one("revue"), r.one("volume"), r.one("numéro")
    if host_title or volume or number or doc_type in _ANALYTIC:
        record.host = Host(title=host_title, volume=volume, number=number, date=r.display,
                           date_iso=r.iso if len(r.iso) == 10 else "")  # fmt: skip
        if doc_type in _ANALYTIC:
            record.host.pages = pages
            pages = ""
        if doc_type == "chapter" and r.isbns:
            record.host.isbn = r.isbns.pop(0).value
        elif doc_type in {"article", "issue"} and r.issns:
            record.host.issn = r.issns.pop(0).value
    if pages:
        record.extent = f"{pages} p." if pages.isdigit() else pages
    record.identifiers = r.isbns + r.issns + record.identifiers
    series = r.one("collection")
    if series or r.one("numéro de collection"):
        record.series.append(Series(title=series, number=r.one("numéro de collection")))


def _content(r: _Row) -> None:
    """Abstract (its line breaks kept), descriptors and their subdivisions, keywords."""
    record = r.record
    record.abstract = "\n".join(
        clean_space(line) for cell in r.cells.get("résumé", []) for line in cell.split("\n")
    ).strip()
    record.subjects = [_subject(label) for label in r.many("descripteurs")]
    record.subjects += [_subject(label, "geographic") for label in r.many("géographie")]
    record.keywords = list(dict.fromkeys(r.many("mots-clés")))


def _languages(r: _Row) -> None:
    for cell in r.cells.get("langue", []):
        codes, unknown = language_codes(cell)
        r.record.languages.extend(c for c in codes if c not in r.record.languages)
        for name in unknown:
            r.custom.append(CustomField("langue", name))
            r.warnings.append(f"langue inconnue « {name} » gardée telle quelle (unknown language)")


def _notes_and_links(r: _Row) -> None:
    record = r.record
    record.notes = [cell.strip() for cell in r.cells.get("notes", [])]
    for cell in r.cells.get("url", []):
        for url in re.split(r"[;\s]+", cell):
            if url and all(link.url != url for link in record.links):
                record.links.append(Link(url=url))


def _copies(r: _Row) -> None:
    """One copy per call number, barcode, location and section, in order."""
    copies = zip_longest(r.many("cote"), r.many("code-barres"), r.many("localisation"),
                         r.many("section"), fillvalue="")  # fmt: skip
    for call_number, barcode, location, section in copies:
        r.record.items.append(Item(call_number=call_number, barcode=barcode, location=location,
                                   section=section))  # fmt: skip


# the field families, in the order they fill the record (publication and numbers before host:
# it takes their dates, ISBN and ISSN)
_FAMILIES = (
    _people,
    _bodies,
    _publication,
    _numbers,
    _host,
    _content,
    _languages,
    _notes_and_links,
    _copies,
)


def _map(header: list[str], columns: list[str | None], chunk: Chunk) -> Record:
    row = chunk.data.cells
    r = _start(*_cells(header, columns, row), "date" in columns, chunk)
    for family in _FAMILIES:
        family(r)
    identifier = r.one("identifiant")
    if identifier:
        r.record.source_id = identifier
    else:  # the row's content, whatever the column order or line endings
        pairs = sorted(
            (fold(header[i]) if i < len(header) else str(i), clean_space(cell))
            for i, cell in enumerate(row)
            if cell.strip()
        )
        r.record.source_id = stable_id("\n".join(f"{name}={value}" for name, value in pairs))
    return r.record


# -- export ----------------------------------------------------------------------------------


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """CSV export, one chunk per row (the columns are written in catalogue/csvexport.py)."""
    from catalogue import csvexport

    return csvexport.write(records)
