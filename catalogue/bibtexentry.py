"""One BibTeX entry → a Record: LaTeX decoding, names, and the mapping, one small function per
field family (`_FAMILIES`, read in order by `map_entry`). The file's splitting, @string
expansion and crossref resolution are in catalogue/bibtex.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bibtexparser.middlewares.names import parse_single_name_into_parts
from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec

from catalogue.errors import RecordError
from catalogue.reading import Fields
from catalogue.record import (
    Agent,
    CustomField,
    Host,
    Identifier,
    Link,
    Original,
    Publication,
    Record,
    Series,
)
from catalogue.text import (
    clean_doi,
    clean_space,
    identifiers,
    iso_date,
    language_codes,
    stable_id,
    year_of,
)

# entry type → (doc_type, bib_level). inproceedings is "proceedings" like its volume, analytic
# with the volume as host (RIS's CPAPER does the same); misc becomes "web" when it has a URL.
ENTRY_TYPES: dict[str, tuple[str, str]] = {
    "article": ("article", "a"), "suppperiodical": ("article", "a"), "review": ("article", "a"),
    "book": ("book", "m"), "mvbook": ("book", "m"), "booklet": ("book", "m"),
    "collection": ("book", "m"), "mvcollection": ("book", "m"), "reference": ("book", "m"),
    "mvreference": ("book", "m"), "manual": ("book", "m"),
    "inbook": ("chapter", "a"), "incollection": ("chapter", "a"), "inreference": ("chapter", "a"),
    "bookinbook": ("chapter", "a"), "suppbook": ("chapter", "a"),
    "suppcollection": ("chapter", "a"),
    "inproceedings": ("proceedings", "a"), "conference": ("proceedings", "a"),
    "proceedings": ("proceedings", "m"), "mvproceedings": ("proceedings", "m"),
    "phdthesis": ("thesis", "m"), "mastersthesis": ("thesis", "m"), "thesis": ("thesis", "m"),
    "techreport": ("report", "m"), "report": ("report", "m"),
    "periodical": ("periodical", "s"),
    "online": ("web", "m"), "electronic": ("web", "m"), "www": ("web", "m"),
    "webpage": ("web", "m"),
    "misc": ("other", "m"), "unpublished": ("other", "m"), "patent": ("other", "m"),
    "legislation": ("other", "m"), "jurisdiction": ("other", "m"), "legal": ("other", "m"),
    "standard": ("other", "m"),
    "dataset": ("multimedia", "m"), "software": ("multimedia", "m"),
    "video": ("audiovisual", "m"), "movie": ("audiovisual", "m"),
    "audio": ("sound", "m"), "music": ("sound", "m"),
    "image": ("image", "m"), "artwork": ("image", "m"), "letter": ("manuscript", "m"),
}  # fmt: skip
_CHAPTER_TYPES = {k for k, (t, _) in ENTRY_TYPES.items() if t == "chapter"}
_PAPER_TYPES = {"inproceedings", "conference"}

# name fields → (UNIMARC relator code, responsibility)
NAME_ROLES: dict[str, tuple[str, str]] = {
    "author": ("070", "main"),
    "editor": ("340", "secondary"),
    "editora": ("340", "secondary"),
    "editorb": ("340", "secondary"),
    "editorc": ("340", "secondary"),
    "translator": ("730", "secondary"),
    "annotator": ("020", "secondary"),
    "commentator": ("210", "secondary"),
    "introduction": ("080", "secondary"),
    "foreword": ("080", "secondary"),
    "afterword": ("075", "secondary"),
    "bookauthor": ("070", "secondary"),
    "holder": ("587", "secondary"),
}
_VERBATIM = {"url", "doi", "eprint", "file", "pdf", "urlraw", "verba", "verbb", "verbc"}
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12, "janv": 1, "fev": 2, "fevr": 2, "mars": 3, "avr": 4,
    "mai": 5, "juin": 6, "juil": 7, "aou": 8, "aout": 8, "sept": 9, "déc": 12, "févr": 2,
}  # fmt: skip
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]  # fmt: skip


@dataclass
class RawEntry:
    """One entry as the file holds it, its values expanded but still LaTeX."""

    position: int
    line: int  # 1-based
    entry_type: str
    key: str
    raw: str
    fields: dict[str, str]  # lower-case name → expanded (still LaTeX) value, first one wins
    warnings: list[str] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)  # differing duplicate fields


# -- LaTeX -----------------------------------------------------------------------------------


def _make_decoder() -> LatexNodes2Text:
    context = latex2text.get_default_latex_context_db()
    context.add_context_category(
        "docbase",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("textasciicircum", simplify_repl="^"),  # not « ˆ », a modifier letter
            MacroTextSpec("textbraceleft", simplify_repl="{"),
            MacroTextSpec("textbraceright", simplify_repl="}"),
        ],
    )
    return LatexNodes2Text(latex_context=context, math_mode="text", keep_braced_groups=False)


_DECODER = _make_decoder()
_LATEX_MARKS = re.compile(r"[\\{}$~%]|--|``|''")
_LATEX_COMMANDS = re.compile(r"[\\$~%]|--|``|''")
# \href{url}{text}: pylatexenc's parser does not know its two arguments; keep the text
_HREF = re.compile(r"\\href\s*\{[^{}]*\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")


def latex_to_text(value: str) -> str:
    """Unicode text of a BibTeX value: accents, escapes, dashes, ties; braces and markup gone.

    A bare "%" is a percent sign in a .bib file, not a comment. If pylatexenc gives up, braces
    and commands are stripped plainly: a value is never lost.
    """
    if not _LATEX_MARKS.search(value):
        return value  # plain text, most values: pylatexenc is the slow part of a large file
    if not _LATEX_COMMANDS.search(value):
        return value.replace("{", "").replace("}", "")  # braces alone: « aux {États-Unis} »
    escaped = re.sub(r"(?<!\\)%", r"\\%", _HREF.sub(r"\1", value))
    try:
        text = _DECODER.latex_to_text(escaped)
    except Exception:
        text = re.sub(r"\\[A-Za-z]+\*?|[{}]|\\(?=\W)", "", value)
    return text.replace("\xa0", " ")


def _verbatim(value: str) -> str:
    """URLs and DOIs: `\\url{}` and braces gone, escapes undone, nothing else decoded."""
    value = re.sub(r"\\(?:url|href)\s*\{([^}]*)\}(?:\{[^}]*\})?", r"\1", value.strip())
    value = re.sub(r"\\([_%&#$~])", r"\1", value)
    return value.replace("{", "").replace("}", "").strip()


def _text(value: str) -> str:
    return clean_space(latex_to_text(value))


def _paragraphs(value: str) -> str:
    decoded = latex_to_text(value)
    paras = (clean_space(p) for p in re.split(r"\n\s*\n", decoded))
    return "\n\n".join(p for p in paras if p)


# -- names -----------------------------------------------------------------------------------


def split_names(value: str) -> list[str]:
    """Names of a name list, split on "and" (any case) outside braces and LaTeX environments:
    "{Barnes and Noble}" is one corporate name."""
    names: list[str] = []
    depth = env = start = 0
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            if value.startswith("\\begin", index):
                env += 1
            elif value.startswith("\\end", index):
                env = max(0, env - 1)
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and env == 0 and char.isspace():
            match = re.match(r"\s+and\s+", value[index:], re.IGNORECASE)
            if match:
                names.append(value[start:index])
                index += match.end()
                start = index
                continue
        index += 1
    names.append(value[start:])
    return [clean_space(n) for n in names if clean_space(n)]


_ACCENT = re.compile(r"(?<!\{)(\\[`'^\"~=.](?:\{\w\}|\s*\w))")
_NAMEPART = re.compile(r"^\s*(family|given|prefix|suffix|useprefix)\s*=", re.IGNORECASE)


def name_to_agent(name: str, role: str, responsibility: str) -> Agent | None:
    """An Agent from one BibTeX name: "Last, First", "First Last", "von Last, Jr, First",
    BibLaTeX's "family=…, given=…", or a braced literal ("{World Health Organization}").

    The von part ("von", "van", "de") goes after the forename, as French cataloguing rules file
    "Helmholtz, Hermann von": the display name stays "Hermann von Helmholtz".
    """
    stripped = name.strip().strip(",").strip()
    if not stripped or stripped.lower() == "others":
        return None
    if _is_braced_literal(stripped):
        literal = _text(stripped[1:-1])
        return Agent(name=literal, kind="corporate", role=role, responsibility=responsibility)
    if _NAMEPART.match(stripped):
        parts: dict[str, str] = {}
        for piece in _split_top_level(stripped, ","):
            key, _, val = piece.partition("=")
            parts[key.strip().lower()] = _text(val.strip().strip("{}"))
        family = parts.get("family", "")
        forename = " ".join(p for p in (parts.get("given", ""), parts.get("prefix", "")) if p)
        if parts.get("suffix"):
            forename = f"{forename}, {parts['suffix']}" if forename else parts["suffix"]
        if not family and not forename:
            return None
        return Agent(
            name=family or forename,
            forename=forename if family else "",
            role=role,
            responsibility=responsibility,
        )
    # bibtexparser reads "~" as a space even in "\~n": brace accent commands first
    protected = _ACCENT.sub(r"{\1}", stripped)
    parts_ = parse_single_name_into_parts(protected, strict=False)
    last = _text(" ".join(parts_.last))
    forename = _text(" ".join(parts_.first + parts_.von))
    jr = _text(" ".join(parts_.jr))
    if jr:
        forename = f"{forename}, {jr}" if forename else jr
    if not last and not forename:
        return None
    return Agent(name=last or forename, forename=forename if last else "", role=role,
                 responsibility=responsibility)  # fmt: skip


def _is_braced_literal(name: str) -> bool:
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and index < len(name) - 1:
            return False  # "{A} {B}": two groups, not one literal
    # "{\"O}zt{\"u}rk" starts with a brace group holding an accent command: a person
    return not name.startswith("{\\")


def _split_top_level(value: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(value):
        depth += char == "{"
        depth -= char == "}"
        if char == sep and depth == 0:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return [p for p in parts if p.strip()]


# -- mapping ---------------------------------------------------------------------------------


class _EntryFields(Fields):
    """The entry's fields, consumed as they are mapped; the rest become custom fields."""

    def text(self, *names: str) -> str:
        value = self.first(*names)
        return _text(value) if value else ""


def _custom_value(name: str, value: str) -> str:
    return _verbatim(value) if name in _VERBATIM else _text(value)


def _month(value: str) -> tuple[int | None, int | None]:
    """(month, day) of a month field: "feb", "February", "8", "2 sep", "July 30th"."""
    month = day = None
    for word in re.findall(r"[^\W\d_]+|\d+", value.lower()):
        if word.isdigit():
            number = int(word)
            if month is None and 1 <= number <= 12 and not re.search(r"[a-z]", value.lower()):
                month = number
            elif 1 <= number <= 31:
                day = number
        elif month is None:
            month = MONTHS.get(word[:4]) or MONTHS.get(word[:3])
    return month, day


def _dates(f: _EntryFields) -> tuple[str, str, int | None]:
    """(date as written, ISO date, year) from BibLaTeX's date or BibTeX's year/month/day."""
    date = _text(f.first("date"))
    if date:
        f.mark("year", "month", "day")
        first = re.split(r"/|--", date)[0].strip()
        match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", first)
        iso = iso_date(*match.groups()) if match else ""
        return date, iso, year_of(date)
    year = _text(f.first("year"))
    month, day = _month(_text(f.first("month"))) if f.first("month") else (None, None)
    day_field = f.first("day")
    if day_field.strip().isdigit():
        day = int(day_field)
    iso = iso_date(year, month, day) if re.fullmatch(r"\d{4}", year) else ""
    return year, iso, year_of(year)


@dataclass
class _Mapping:
    """What the field families of one entry share while they fill its record."""

    entry: RawEntry
    f: _EntryFields
    record: Record
    date: str = ""  # as written
    iso: str = ""
    number: str = ""  # the entry's number until a family takes it (issue, series, report)
    isbns: list[Identifier] = field(default_factory=list)
    issns: list[Identifier] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return self.record.original.warnings


def _start(entry: RawEntry, fields: dict[str, str]) -> _Mapping:
    """The record of an entry's type and title; an entry without a title is rejected."""
    f = _EntryFields(fields.items())
    warnings: list[str] = []
    doc_type, bib_level = ENTRY_TYPES.get(entry.entry_type, ("", "m"))
    if not doc_type:
        doc_type = "other"
        warnings.append(f"type d'entrée inconnu « @{entry.entry_type} », lu comme « autre » "
                        "(unknown entry type)")  # fmt: skip
    record = Record(doc_type=doc_type, bib_level=bib_level, original=Original(warnings=warnings))
    record.title = f.text("title")
    if not record.title:
        raise RecordError(
            "entrée sans titre (entry has no title)",
            position=entry.position,
            offset=entry.line,
            chunk=entry.raw,
        )
    return _Mapping(entry, f, record)


def _titles(m: _Mapping) -> None:
    f, record = m.f, m.record
    record.other_title = " : ".join(t for t in (f.text("subtitle"), f.text("titleaddon")) if t)
    original_title = f.text("origtitle")
    if original_title:
        record.notes.append(f"Titre original : {original_title}")


def _people(m: _Mapping) -> None:
    """Every name list of NAME_ROLES; the first author is the main one."""
    for name_field, (role, responsibility) in NAME_ROLES.items():
        raw = m.f.first(name_field)
        for index, name in enumerate(split_names(raw) if raw else []):
            rank = responsibility if responsibility != "main" or index == 0 else "other"
            agent = name_to_agent(name, role, rank)
            if agent is not None:
                m.record.agents.append(agent)


def _publication(m: _Mapping) -> None:
    """Date, publisher and place; a school or institution is a thesis's university, a
    report's publisher, else a body; an organization a conference's organiser."""
    f, record = m.f, m.record
    m.date, m.iso, record.year = _dates(f)
    publisher = f.text("publisher")
    place = f.text("address", "location")
    institution = f.text("school", "institution")
    organization = f.text("organization")
    if record.doc_type == "thesis" and institution:
        record.agents.append(Agent(name=institution, kind="corporate", role="295",
                                   responsibility="secondary"))  # fmt: skip
        kind = f.text("type") or {"phdthesis": "Thèse de doctorat", "mastersthesis": "Mémoire"}.get(
            m.entry.entry_type, "Thèse"
        )
        record.notes.append(f"{kind} : {institution}")
    elif institution and not publisher:
        publisher = institution  # a report's issuing institution
    elif institution:
        record.agents.append(Agent(name=institution, kind="corporate", responsibility="secondary"))
    if organization:
        if record.doc_type == "proceedings":
            record.agents.append(Agent(name=organization, kind="corporate", role="557",
                                       responsibility="secondary"))  # fmt: skip
        elif not publisher:
            publisher = organization
        else:
            record.agents.append(
                Agent(name=organization, kind="corporate", responsibility="secondary")
            )
    if publisher or place or m.date:
        record.publication.append(Publication(place=place, publisher=publisher, date=m.date))
    record.edition = f.text("edition")


def _host(m: _Mapping) -> None:
    """The journal of an article, the book of a chapter, the volume of a paper; a book's own
    extent. ISBN and ISSN go to the host when it has one."""
    f, record = m.f, m.record
    volume = f.text("volume")
    m.number = f.text("number", "issue") if record.doc_type == "article" else f.text("number")
    pages = _text(f.first("pages")).replace("–", "-").replace("--", "-")
    m.isbns = [i for v in [f.first("isbn")] if v for i in identifiers(_verbatim(v), "isbn")]
    m.issns = [i for v in [f.first("issn")] if v for i in identifiers(_verbatim(v), "issn")]
    for ident in m.issns:
        if not re.fullmatch(r"\d{4}-\d{3}[\dX]", ident.value):
            m.warnings.append(f"ISSN mal formé « {ident.value} » (malformed ISSN)")
    if record.doc_type == "article":
        host_title = f.text("journaltitle", "journal")
        sub = f.text("journalsubtitle")
        record.host = Host(
            title=f"{host_title} : {sub}" if host_title and sub else host_title,
            issn=m.issns.pop(0).value if m.issns else "",
            volume=volume,
            number=m.number,
            pages=pages,
            date=m.iso or m.date,
            date_iso=m.iso if len(m.iso) == 10 else "",
        )
        m.number = ""
    elif record.bib_level == "a":
        _book_of_part(m, volume, pages)
    else:
        _extent(m, volume, pages)


def _book_of_part(m: _Mapping, volume: str, pages: str) -> None:
    f, record = m.f, m.record
    book_title = f.text("booktitle")
    chapter = f.text("chapter")
    if not book_title and m.entry.entry_type == "inbook":
        book_title = record.title  # classic BibTeX: an inbook's title is the book's
    sub = " : ".join(t for t in (f.text("booksubtitle"), f.text("booktitleaddon")) if t)
    record.host = Host(
        title=f"{book_title} : {sub}" if book_title and sub else book_title,
        isbn=m.isbns.pop(0).value if m.isbns else "",
        volume=volume,
        pages=pages,
        date=m.iso or m.date,
        date_iso=m.iso if len(m.iso) == 10 else "",
    )
    if chapter:
        record.notes.append(f"Chapitre {chapter}")


def _extent(m: _Mapping, volume: str, pages: str) -> None:
    f, record = m.f, m.record
    pagetotal = f.text("pagetotal")
    if pagetotal:
        record.extent = f"{pagetotal} p." if pagetotal.isdigit() else pagetotal
        f.release("pages")  # the pages a book occupies elsewhere: kept as custom
    elif pages and record.doc_type != "periodical":
        f.mark("pages")
        record.extent = f"{pages} p." if pages.isdigit() else f"p. {pages}"
    if volume:
        f.release("volume")  # volume of a multi-volume book: kept as a custom field


def _series(m: _Mapping) -> None:
    """The series with the number the host left; else a report's number; then ISBN and ISSN."""
    f, record = m.f, m.record
    series_title = f.text("series")
    if series_title:
        record.series.append(Series(title=series_title, number=m.number))
        m.number = ""
    if m.number and record.doc_type == "report":
        record.identifiers.append(Identifier("other", m.number, "numéro de rapport"))
    elif m.number:
        f.release("number")
    record.identifiers.extend(m.isbns + m.issns)
    if f.first("type") and record.doc_type in {"report", "other", "web"}:
        record.notes.append(f.text("type"))


def _identifiers(m: _Mapping) -> None:
    """DOI, eprint (PubMed's as a PMID), PMID."""
    f, record = m.f, m.record
    doi_value = f.first("doi")
    if doi_value:
        doi = clean_doi(_verbatim(doi_value))
        if doi:
            record.identifiers.append(Identifier("doi", doi))
        else:
            f.release("doi")
    eprint, eprint_type = (
        _verbatim(f.first("eprint")),
        f.text("eprinttype", "archiveprefix").lower(),
    )
    if eprint:
        scheme = {"pubmed": "pmid", "pmid": "pmid"}.get(eprint_type, "other")
        record.identifiers.append(
            Identifier(scheme, eprint, "" if scheme == "pmid" else eprint_type)
        )
    pmid = _verbatim(f.first("pmid"))
    if pmid and pmid not in record.identifier_values("pmid"):
        record.identifiers.append(Identifier("pmid", pmid))


def _links(m: _Mapping) -> None:
    """url, and howpublished when it is one (else a note); a misc with a link is a web page."""
    f, record = m.f, m.record
    url = _verbatim(f.first("url"))
    for link in re.split(r"\s+", url) if url else []:
        record.links.append(Link(url=link))
    howpublished = f.first("howpublished")
    if howpublished:
        shown = _verbatim(howpublished) if "\\url" in howpublished else _text(howpublished)
        if re.match(r"https?://", shown):
            record.links.append(Link(url=shown))
        else:
            record.notes.append(shown)
    if record.doc_type == "other" and m.entry.entry_type == "misc" and record.links:
        record.doc_type = "web"


def _content(m: _Mapping) -> None:
    """Abstract, keywords, notes."""
    f, record = m.f, m.record
    record.abstract = _paragraphs(f.first("abstract"))
    # split outside braces: « {Durkheim, Émile} » is one keyword
    for chunk in _split_top_level(f.first("keywords"), ","):
        for part in _split_top_level(chunk, ";"):
            keyword = _text(part)
            if keyword and keyword not in record.keywords:
                record.keywords.append(keyword)
    for name in ("note", "annote", "annotation", "addendum"):
        note = _paragraphs(f.first(name))
        if note:
            record.notes.append(note)


def _languages(m: _Mapping) -> None:
    """langid, language, origlanguage; an unknown language is kept as a custom field."""
    record = m.record
    for name, target in (("langid", record.languages), ("language", record.languages),
                         ("origlanguage", record.original_languages)):  # fmt: skip
        value = m.f.text(name)
        if not value:
            continue
        codes, unknown = language_codes(value)
        target.extend(c for c in codes if c not in target)
        for word in unknown:
            record.custom.append(CustomField(name, word))
            m.warnings.append(f"langue inconnue « {word} » gardée telle quelle (unknown language)")


# the field families, in the order they fill the record (publication before host: its dates)
_FAMILIES = (
    _titles,
    _people,
    _publication,
    _host,
    _series,
    _identifiers,
    _links,
    _content,
    _languages,
)


def map_entry(entry: RawEntry, fields: dict[str, str]) -> Record:
    """The Record of an entry, `fields` being its own with what it inherits through crossref;
    what no family reads is kept as custom fields."""
    m = _start(entry, fields)
    for family in _FAMILIES:
        family(m)
    record = m.record
    if record.host is not None and not any(vars(record.host).values()):
        record.host = None
    m.f.mark("crossref")
    record.source_id = entry.key or stable_id(entry.raw)
    record.custom.extend(m.f.leftovers(convert=_custom_value))
    record.custom.extend(CustomField(name, _text(value)) for name, value in entry.extra)
    return record
