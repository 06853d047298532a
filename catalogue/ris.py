"""RIS import (Zotero, EndNote, Mendeley, databases), and Web of Science's tagged variant.

rispy reads the lines, but not the file as a whole: rispy.load silently returns nothing for a
file that starts with a BOM (EndNote and Windows tools write one), drops a record missing its
TY without a word, and gives no record its text or place. So the file is decoded here (BOM,
UTF-8, else cp1252), split on its TY … ER lines by rispy's own line grammar, and each record is
handed to a rispy parser on its own: a bad record becomes a `RecordError` with its rank and line
and the others go on. Every tag is kept in order (rispy's default keeps one value of most tags);
tags the model has no place for become `CustomField`s, and the record's text stays in
`Original.raw`. A record is mapped by a table of small functions, one per field family
(`_FAMILIES`); Web of Science records by catalogue/webofscience.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import rispy
from rispy.config import WOK_LIST_TYPE_TAGS

from catalogue import webofscience
from catalogue.errors import FormatError, RecordError
from catalogue.reading import Chunk, Fields, read_records
from catalogue.record import (
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

# RIS reference types → doc_type. Conference papers are "proceedings" like their volume (the
# brief's choice, and BibTeX's inproceedings does the same), but analytic with the volume as host.
DOC_TYPES: dict[str, str] = {
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CLSWK": "book", "ANCIENT": "book",
    "DICT": "book", "ENCYC": "book", "PAMP": "book", "CTLG": "book",
    "JOUR": "article", "EJOUR": "article", "MGZN": "article", "NEWS": "article",
    "INPR": "article", "ABST": "article",
    "JFULL": "periodical", "SER": "periodical",
    "THES": "thesis",
    "RPRT": "report", "GOVDOC": "report", "STAND": "report",
    "CHAP": "chapter", "ECHAP": "chapter",
    "CONF": "proceedings", "CPAPER": "proceedings",
    "ELEC": "web", "WEB": "web", "BLOG": "web", "ICOMM": "web", "DBASE": "web",
    "VIDEO": "audiovisual", "MPCT": "audiovisual", "ADVS": "audiovisual",
    "SOUND": "sound", "MUSIC": "score", "MAP": "map",
    "ART": "image", "FIGURE": "image", "SLIDE": "image", "CHART": "image",
    "MANSCPT": "manuscript", "PCOMM": "manuscript",
    "MULTI": "multimedia", "COMP": "multimedia", "DATA": "multimedia",
    "GEN": "other", "UNPB": "other", "PAT": "other", "CASE": "other", "BILL": "other",
    "HEAR": "other", "LEGAL": "other", "STAT": "other", "EQUA": "other", "AGGR": "other",
    "GRANT": "other",
}  # fmt: skip
# component parts: the host (journal, book, proceedings) carries volume, issue, pages, ISSN
ANALYTIC_TYPES = {"JOUR", "EJOUR", "MGZN", "NEWS", "INPR", "ABST", "CHAP", "ECHAP", "CPAPER"}
# types whose T2 is a series title (EndNote's and Zotero's reading of RIS)
_T2_IS_SERIES = {"BOOK", "EBOOK", "EDBOOK", "CLSWK", "RPRT", "GOVDOC", "CTLG", "PAMP", "MULTI"}

# Type names some tools write instead of the code ("Journal Article" from EndNote X, Scopus).
_TYPE_NAMES: dict[str, str] = {
    fold(name): code for code, name in rispy.TYPE_OF_REFERENCE_MAPPING.items()
}
_TYPE_NAMES.update({
    "journal article": "JOUR", "article": "JOUR", "book section": "CHAP", "chapter": "CHAP",
    "conference paper": "CPAPER", "conference proceedings": "CONF", "web page": "ELEC",
    "webpage": "ELEC", "thesis": "THES", "dissertation": "THES", "report": "RPRT",
    "magazine article": "MGZN", "newspaper article": "NEWS", "film or broadcast": "MPCT",
    "edited book": "EDBOOK", "electronic article": "EJOUR", "book": "BOOK",
})  # fmt: skip

_MULTILINE_NOTE_TAGS = {"N1", "RN"}
# "KW  - a; b" (databases) holds two keywords, « Lyon (Rhône ; région) » one descriptor
_KEYWORD_SEP = re.compile(r";(?![^()]*\))")  # continuation lines of notes keep their line breaks


class _FieldsInOrder:
    """Keeps every tag in file order under its own name (rispy maps them to its own keys);
    each grammar says what a continuation line adds to the last field."""

    def _add_tag(
        self, record: dict, tag: str, content: str, extend_multiline: bool = False
    ) -> None:
        fields: list[list[str]] = record.setdefault("fields", [])
        if not extend_multiline:
            fields.append([tag, content])
        elif content and fields:
            self._continue(fields, content)

    def _continue(self, fields: list[list[str]], content: str) -> None:
        last = fields[-1]
        last[1] = f"{last[1]} {content}" if last[1] else content


class _RisTagParser(_FieldsInOrder, rispy.RisParser):
    """rispy's RIS line grammar; continuation lines of notes keep their line breaks."""

    def _continue(self, fields: list[list[str]], content: str) -> None:
        last = fields[-1]
        joiner = "\n" if last[0] in _MULTILINE_NOTE_TAGS else " "
        last[1] = f"{last[1]}{joiner}{content}" if last[1] else content


class _WokTagParser(_FieldsInOrder, rispy.WokParser):
    """rispy's Web of Science grammar: continuation lines of list tags (AU, AF, CR…) are values."""

    def _continue(self, fields: list[list[str]], content: str) -> None:
        if fields[-1][0] in WOK_LIST_TYPE_TAGS:
            fields.append([fields[-1][0], content])
        else:
            super()._continue(fields, content)


@dataclass
class _Chunk:
    position: int
    line: int  # 1-based line of the record's first line
    lines: list[str]  # as in the file
    start_tag: str  # "TY" or "PT"; "" when the record has none
    tagged: list[str] = field(default_factory=list)  # the same lines in rispy's tag layout
    terminated: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def add(self, line: str, tagged: str) -> None:
        self.lines.append(line)
        self.tagged.append(tagged)


def read(
    data: bytes, source: str = "", encoding: str | None = None
) -> Iterator[Record | RecordError]:
    """Yield a Record per RIS record, a RecordError per unreadable one (FormatError: not RIS).

    `encoding` forces a charset; by default a BOM decides, else UTF-8, else cp1252.
    """
    decoded = decode_text(data, encoding)
    text = unix_newlines(decoded.text).replace("\ufeff", "")
    if not text.strip():
        raise FormatError("fichier vide (empty file)")
    lines = text.split("\n")
    ris_parser = _RisTagParser()
    tagged = lines
    if not any(ris_parser.parse_line(line)[0] == "TY" for line in lines):
        # no "TY  -" as the standard lays it out: accept "TY - " and indented tags, but only
        # then, as in a standard file "US - EU relations" may well be a wrapped line of text
        tagged = [_TAG_LAYOUT.sub(r"\1  - ", line, count=1) for line in lines]
    wok = not any(ris_parser.parse_line(line)[0] == "TY" for line in tagged) and _looks_like_wok(
        text
    )
    chunks = _split_wok(lines) if wok else _split_ris(lines, tagged, ris_parser)

    def map_chunk(framed: Chunk) -> Record:
        chunk: _Chunk = framed.data
        if not chunk.start_tag:
            raise _reject(chunk, _missing_start_reason(chunk))
        parser = _WokTagParser() if wok else ris_parser
        end = "" if chunk.terminated else "\nER" if wok else "\nER  - "
        parsed = parser.parse("\n".join(chunk.tagged or chunk.lines) + end)
        if len(parsed) != 1:
            raise _reject(chunk, "notice illisible (record cannot be parsed)")
        start_value = clean_space(str(parsed[0].get(parser.mapping[parser.START_TAG], "")))
        pairs = [(t, v.strip()) for t, v in parsed[0].get("fields", []) if t and v.strip()]
        if wok:
            return webofscience.map_wok(start_value, pairs, framed)
        return _map_ris(start_value, pairs, chunk)

    framed = [
        Chunk(
            chunk.position,
            chunk.line,
            chunk.text,
            chunk.warnings + decoded.warnings_for(chunk.line, len(chunk.lines)),
            chunk,
        )
        for chunk in chunks
    ]
    if not framed:
        raise FormatError(
            "ce fichier n'est pas du RIS : aucune ligne « TY  - » ni notice Web of Science "
            "(not RIS: no 'TY  -' line and no Web of Science record)"
        )
    yield from read_records(
        framed, map_chunk, source=source, format="ris", charset=decoded.charset, unique_ids=True
    )


# -- splitting -------------------------------------------------------------------------------


# "TY - JOUR", "  AU  -Dupont": tools and hand edits that bend the layout rispy expects
_TAG_LAYOUT = re.compile(r"^\s*([A-Z][A-Z0-9]) {1,2}-(?: |(?=\S)|$)")


# a TY line after a few bytes that belong to nothing (the end of a damaged record)
_GLUED_TY = re.compile(r"^(?:ER  - ?)?.{0,8}?(TY  - .*)$", re.S)


def _split_ris(lines: list[str], tagged: list[str], parser: rispy.RisParser) -> Iterator[_Chunk]:
    """Records from TY to ER; tag lines outside any TY (a record that lost it) are one chunk."""
    position = 0
    current: _Chunk | None = None
    for number, (line, layout) in enumerate(zip(lines, tagged, strict=True), start=1):
        tag = parser.parse_line(layout)[0]
        glued = _GLUED_TY.match(layout) if tag in (None, "ER") else None
        if glued and tag == "ER" and current is not None:  # "ER  - TY  - JOUR": a lost line break
            current.add(line, layout)
            current.terminated = True
            yield current
            current = None
        if glued:
            layout, tag = glued.group(1), "TY"  # a damaged neighbour's bytes before TY
        if tag == "TY":
            if current is not None:
                yield _unterminated(current)
            position += 1
            current = _Chunk(position, number, [], "TY")
            current.add(line, layout)
        elif tag == "ER":
            if current is not None:
                current.add(line, layout)
                current.terminated = True
                yield current
                current = None
        elif tag is not None and current is None:
            position += 1
            current = _Chunk(position, number, [], "")
            current.add(line, layout)
        elif current is not None:
            current.add(line, layout)
    if current is not None:
        yield _unterminated(current)


def _split_wok(lines: list[str]) -> Iterator[_Chunk]:
    """Web of Science records, from PT to ER (FN, VR and EF are file headers)."""
    position = 0
    current: _Chunk | None = None
    for number, line in enumerate(lines, start=1):
        tag = line[:2] if line[:2].strip() else None
        if tag == "PT":
            if current is not None:
                yield _unterminated(current)
            position += 1
            current = _Chunk(position, number, [line], "PT")
        elif tag == "ER" and line.rstrip() == "ER":
            if current is not None:
                current.lines.append(line)
                current.terminated = True
                yield current
                current = None
        elif current is not None:
            current.lines.append(line)
    if current is not None:
        yield _unterminated(current)


def _unterminated(chunk: _Chunk) -> _Chunk:
    while chunk.lines and not chunk.lines[-1].strip():
        chunk.lines.pop()
        if chunk.tagged:
            chunk.tagged.pop()
    chunk.warnings.append("notice sans fin (ER) : lue jusqu'à la suivante (record without ER)")
    return chunk


def _looks_like_wok(text: str) -> bool:
    return bool(re.search(r"^PT [A-Z]\s*$", text, re.MULTILINE)) and bool(
        re.search(r"^ER\s*$", text, re.MULTILINE)
    )


def _missing_start_reason(chunk: _Chunk) -> str:
    if chunk.terminated:
        return "notice sans type (TY manquant) (record without TY)"
    return "lignes RIS hors de toute notice (RIS lines outside any record: no TY, no ER)"


def _reject(chunk: _Chunk, reason: str) -> RecordError:
    return RecordError(reason, position=chunk.position, offset=chunk.line, chunk=chunk.text)


# -- mapping ---------------------------------------------------------------------------------


# the labels of the tags kept as custom fields
_LABELS: dict[str, str] = rispy.TAG_KEY_MAPPING


def ris_doc_type(value: str) -> tuple[str, str]:
    """(RIS code, doc_type) of a TY value: a code ("JOUR") or a name ("Journal Article")."""
    code = value.strip().upper()
    if code in DOC_TYPES:
        return code, DOC_TYPES[code]
    code = _TYPE_NAMES.get(fold(value), "")
    return code, DOC_TYPES.get(code, "other")


def _ris_date(value: str) -> tuple[str, str]:
    """(display date, ISO date) of "2014//", "1948/07//", "2020/03/02/Spring", "2009-05-01";
    a date in words ("May 2009") is displayed as written."""
    value = clean_space(value)
    parts = re.split(r"[/\-.]", value)
    iso = iso_date(*(parts + ["", ""])[:3]) if re.fullmatch(r"\d{4}", parts[0]) else ""
    if not iso:
        year = year_of(value)
        return value, str(year) if year else ""
    other = clean_space(parts[3]) if "/" in value and len(parts) > 3 else ""
    return (f"{iso} {other}" if other else iso), iso


@dataclass
class _Tags:
    """What the field families of one RIS record share while they fill it."""

    f: Fields
    record: Record
    code: str  # the RIS type, "" when unknown
    display: str = ""  # the date as displayed
    iso: str = ""

    @property
    def analytic(self) -> bool:
        return self.code in ANALYTIC_TYPES

    @property
    def warnings(self) -> list[str]:
        return self.record.original.warnings


def _start(ty: str, pairs: list[tuple[str, str]], chunk: _Chunk) -> _Tags:
    """The record of a type and title: BT is the whole book's title for books, the host's title
    for parts; a record without a title is rejected."""
    f = Fields(pairs)
    code, doc_type = ris_doc_type(ty)
    warnings: list[str] = []
    if not code:
        warnings.append(f"type RIS inconnu « {ty} », lu comme « autre » (unknown RIS type)")
    m = _Tags(f, Record(doc_type=doc_type, original=Original(warnings=warnings)), code)
    record = m.record
    record.bib_level = "a" if m.analytic else ("s" if doc_type == "periodical" else "m")
    title = f.first("TI", "T1", "CT") or ("" if m.analytic else f.first("BT")) or f.first("ST")
    if not title:
        raise _reject(chunk, "notice sans titre (record has no title: no TI, T1, BT or ST)")
    record.title, record.other_title = _title_parts(clean_space(title), f)
    record.parallel_titles = [clean_space(v) for v in f.all("TT")]
    return m


def _people(m: _Tags) -> None:
    """Names written "Surname, Forename"; the first author is the main one."""
    f, record = m.f, m.record
    for index, name in enumerate(f.all("AU", "A1")):
        _add_agent(record, name, "070", "main" if index == 0 else "other")
    for name in f.all("A2", "ED"):
        _add_agent(record, name, "340", "secondary")
    for name in f.all("A3"):  # series editor; a thesis's advisor
        _add_agent(record, name, "727" if m.code == "THES" else "340", "secondary")
    for name in f.all("A4"):  # translator (Zotero, EndNote)
        _add_agent(record, name, "730", "secondary")


def _publication(m: _Tags) -> None:
    """PY (Y1 in RIS v1), DA the full date when PY has only the year; PB, CY; a thesis's PB is
    its university."""
    f, record = m.f, m.record
    date_value = f.first("PY", "Y1")
    full_value = f.first("DA")
    m.display, m.iso = _ris_date(date_value) if date_value else ("", "")
    if full_value:
        full_display, full_iso = _ris_date(full_value)
        if len(full_iso) > len(m.iso) and (not m.iso or full_iso.startswith(m.iso)):
            m.display, m.iso = full_display, full_iso
    record.year = year_of(m.iso or date_value or full_value)
    publisher = f.first("PB")
    place = f.first("CY")
    if publisher or place or m.display:
        record.publication.append(
            Publication(place=clean_space(place), publisher=clean_space(publisher), date=m.display)
        )
    if m.code == "THES" and publisher:
        record.agents.append(
            Agent(
                name=clean_space(publisher),
                kind="corporate",
                role="295",
                responsibility="secondary",
            )
        )
    record.edition = clean_space(f.first("ET"))


def _host(m: _Tags) -> None:
    """The journal (JF full, JO, T2, abbreviations) or the book of a part (T2, BT), which takes
    the volume, issue, pages and its ISSN or ISBN; a whole document's series and extent."""
    f = m.f
    volume = f.first("VL", "VO")
    issue = f.first("IS")
    start, end = f.first("SP"), f.first("EP")
    pages = start if not end or "-" in start else f"{start}-{end}" if start else end
    numbers = [ident for value in f.all("SN") for ident in identifiers(value)]
    if m.analytic:
        _part_host(m, volume, issue, pages, numbers)
    else:
        _whole(m, volume, issue, pages, numbers)
    volumes = f.first("NV")
    if volumes and not m.record.extent:
        m.record.extent = f"{volumes} vol."


def _part_host(m: _Tags, volume: str, issue: str, pages: str, numbers: list[Identifier]) -> None:
    f, record, code = m.f, m.record, m.code
    if code in {"CHAP", "ECHAP", "CPAPER"}:
        host_title = f.first("T2", "BT", "JF", "JO", "JA", "J2", "J1")
    else:
        host_title = f.first("JF", "JO", "T2", "JA", "J2", "J1", "BT")
    record.host = host = Host(
        title=clean_space(host_title),
        volume=volume,
        number=issue,
        pages=pages,
        date=m.display,
        date_iso=m.iso if len(m.iso) == 10 else "",
    )
    for ident in numbers:
        if ident.scheme == "issn" and not host.issn and code not in {"CHAP", "ECHAP"}:
            host.issn = ident.value
        elif ident.scheme == "isbn" and not host.isbn and code != "JOUR":
            host.isbn = ident.value
        else:
            record.identifiers.append(ident)


def _whole(m: _Tags, volume: str, issue: str, pages: str, numbers: list[Identifier]) -> None:
    """A document that is not a part: T3 (and T2 for some types) its series, VL the series
    number, else a custom field like IS."""
    f, record = m.f, m.record
    record.identifiers.extend(numbers)
    series_titles = f.all("T3")
    if m.code in _T2_IS_SERIES:
        series_titles = f.all("T2") + series_titles
    for index, series_title in enumerate(series_titles):
        record.series.append(
            Series(title=clean_space(series_title), number=volume if index == 0 else "")
        )
    if record.series and volume:
        volume = ""
    if pages:
        record.extent = f"{pages} p." if pages.isdigit() else pages
    for tag, value in {"VL": volume, "IS": issue}.items():
        if value:
            record.custom.append(CustomField(tag, value, _LABELS.get(tag, "")))


_LINK_TAGS = (("UR", "resource"), ("LK", "resource"), ("L2", "resource"), ("L1", "attachment"),
              ("L4", "attachment"))  # fmt: skip


def _links(m: _Tags) -> None:
    """DO; the links of UR, LK, L1, L2, L4; a doi.org link is the DOI when DO has none."""
    f, record = m.f, m.record
    for value in f.all("DO"):
        doi = clean_doi(value)
        if doi:
            record.identifiers.append(Identifier("doi", doi))
        else:
            record.custom.append(CustomField("DO", value, "doi"))
            m.warnings.append(f"DOI illisible « {value} » gardé tel quel (unreadable DOI kept)")
    for tag, kind in _LINK_TAGS:
        for value in f.all(tag):
            for url in re.split(r"[;\s]+", value):
                if url and all(link.url != url for link in record.links):
                    record.links.append(Link(url=url, kind=kind))
    if not record.doi:
        for link in record.links:
            if re.match(r"https?://(dx\.)?doi\.org/", link.url) and clean_doi(link.url):
                record.identifiers.append(Identifier("doi", clean_doi(link.url)))
                break


def _content(m: _Tags) -> None:
    """Abstracts (AB, N2), keywords, notes (N1, RN, OP)."""
    f, record = m.f, m.record
    abstracts = [clean_space(v) for v in f.all("AB", "N2")]
    record.abstract = "\n\n".join(dict.fromkeys(a for a in abstracts if a))
    for value in f.all("KW"):
        for keyword in _KEYWORD_SEP.split(value):
            keyword = clean_space(keyword).lstrip("*").strip()  # "*term": a major MeSH heading
            if keyword and keyword not in record.keywords:
                record.keywords.append(keyword)
    record.notes = [v for v in (f.all("N1") + f.all("RN")) if v]
    original_publication = f.first("OP")
    if original_publication:
        record.notes.append(f"Publication originale : {original_publication}")


def _languages_and_copy(m: _Tags) -> None:
    """LA (an unknown language kept as a custom field); CN, the copy's call number."""
    f, record = m.f, m.record
    for value in f.all("LA"):
        codes, unknown = language_codes(value)
        record.languages.extend(c for c in codes if c not in record.languages)
        for name in unknown:
            record.custom.append(CustomField("LA", name, "language"))
            m.warnings.append(f"langue inconnue « {name} » gardée telle quelle (unknown language)")
    call_number = f.first("CN")
    if call_number:
        record.items.append(Item(call_number=call_number))


# the field families, in the order they fill the record (publication before host: its dates)
_FAMILIES = (_people, _publication, _host, _links, _content, _languages_and_copy)


def _map_ris(ty: str, pairs: list[tuple[str, str]], chunk: _Chunk) -> Record:
    m = _start(ty, pairs, chunk)
    for family in _FAMILIES:
        family(m)
    # the record's id in its base: ID (reference manager), AN (database accession number)
    record = m.record
    record.source_id = clean_space(m.f.first("ID") or m.f.first("AN")) or stable_id(chunk.text)
    record.custom.extend(m.f.leftovers(_LABELS))
    return record


def _title_parts(title: str, f: Fields) -> tuple[str, str]:
    """(title, other title): Zotero and docbase write « Title : subtitle » in TI and the title
    alone in ST, so a TI that starts with its ST and a colon is split there."""
    short = clean_space(next((v for t, v in f.pairs if t == "ST"), ""))
    match = re.match(r"\s*:\s*(\S.*)$", title[len(short) :]) if short else None
    if not match or not title.startswith(short) or short == title:
        return title, ""
    f.first("ST")
    return short, match.group(1)


def _add_agent(record: Record, name: str, role: str, responsibility: str) -> None:
    agent = person_or_body(name, role, responsibility)
    if agent is not None:
        record.agents.append(agent)


# -- export ----------------------------------------------------------------------------------


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """RIS export, one chunk per record (the tags are written in catalogue/risexport.py)."""
    from catalogue import risexport

    return risexport.write(records)
