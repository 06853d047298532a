"""BibTeX and BibLaTeX import (the export is catalogue/bibtexexport.py).

bibtexparser v2 splits the file into blocks (entries, @string, comments, failed blocks: an
unterminated or malformed entry costs only itself). Its middlewares are not used for the values,
on purpose: `LatexDecodingMiddleware` turns a whole entry into an error block when one field
does not decode (`\\href{…}{…}` does), reads `%` as a LaTeX comment (URLs lose their `%20…`),
and skips name lists; the string middleware does not expand `"a" # foo` concatenations. So the
raw values are expanded here (@string macros, `#`, months), names split on "and" outside braces
and environments, and each value LaTeX-decoded with pylatexenc (bibtexparser's own decoder) on
its own, with a plain fallback, never losing the field.

Entries become Records; `crossref` is resolved the BibLaTeX way (missing fields inherited; a
book's title becomes the booktitle of its chapters, a periodical's the journal of its articles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)
from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec

from catalogue import bibtexlog
from catalogue.errors import FormatError, RecordError
from catalogue.reading import Chunk, Fields, read_records
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
    decode_text,
    identifiers,
    iso_date,
    language_codes,
    stable_id,
    unix_newlines,
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
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12, "janv": 1, "fev": 2, "fevr": 2, "mars": 3, "avr": 4,
    "mai": 5, "juin": 6, "juil": 7, "aou": 8, "aout": 8, "sept": 9, "déc": 12, "févr": 2,
}  # fmt: skip
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]  # fmt: skip
# BibLaTeX: fields never inherited through crossref
_NO_INHERIT = {"crossref", "xref", "ids", "entryset", "entrysubtype", "execute", "label",
               "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
               "shorthand", "shorthandintro", "sortkey", "key"}  # fmt: skip
_TITLE_FIELDS = ("title", "subtitle", "titleaddon")


@dataclass
class _RawEntry:
    position: int
    line: int  # 1-based
    entry_type: str
    key: str
    raw: str
    fields: dict[str, str]  # lower-case name → expanded (still LaTeX) value, first one wins
    warnings: list[str] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)  # differing duplicate fields


def read(
    data: bytes, source: str = "", encoding: str | None = None
) -> Iterator[Record | RecordError]:
    """Yield a Record per entry, a RecordError per failed block (FormatError: not BibTeX).

    `encoding` forces a charset ("gbk"); by default a BOM decides, else UTF-8, else cp1252.
    """
    decoded = decode_text(data, encoding)
    text = unix_newlines(decoded.text).lstrip("\ufeff")
    if not text.strip():
        raise FormatError("fichier vide (empty file)")
    entries: list[_RawEntry | RecordError] = []
    strings: dict[str, str] = {m[:3]: name for m, name in zip(_MONTHS, _MONTH_NAMES, strict=False)}
    with bibtexlog.caught() as messages:
        for block, line_shift, failure in _blocks(text):
            if failure is not None:
                failure.position = len(entries) + 1
                entries.append(failure)
                continue
            if isinstance(block, String):
                strings[block.key.strip().lower()] = _expand(str(block.value), strings)
            elif isinstance(block, Entry | ParsingFailedBlock):
                entries.append(_raw_entry(block, len(entries) + 1, line_shift, strings))
    # said once, on the first record; an aborted block's message is its reject's reason
    file_warnings = [
        f"message de bibtexparser : {clean_space(m)} (bibtexparser message)"
        for m in dict.fromkeys(messages)
        if not bibtexlog.ABORTED_BLOCK.match(m)
    ]
    if not entries:
        raise FormatError(
            "ce fichier n'est pas du BibTeX : aucune entrée @type{clé, …} "
            "(not BibTeX: no @type{key, …} entry)"
        )
    by_key: dict[str, _RawEntry] = {}
    for item in entries:
        if isinstance(item, _RawEntry):  # two entries with one key are both read (their ids
            by_key.setdefault(item.key.lower(), item)  # made unique); crossrefs go to the first
    chunks = [
        item
        if isinstance(item, RecordError)
        else Chunk(
            item.position,
            item.line,
            item.raw,
            item.warnings + decoded.warnings_for(item.line, item.raw.count("\n") + 1),
            item,
        )
        for item in entries
    ]
    yield from read_records(
        chunks,
        lambda chunk: _map(chunk.data, _resolve_crossref(chunk.data, by_key)),
        source=source,
        format="bibtex",
        charset=decoded.charset,
        what="l'entrée",
        unique_ids=True,
        file_warnings=file_warnings,
    )


# -- blocks ----------------------------------------------------------------------------------

_ENTRY_START = re.compile(r"^[ \t]*@", re.MULTILINE)
# where an entry may start when a damaged one ran on: BibTeX itself takes an "@" anywhere
_RUN_ON_START = re.compile(r"@[A-Za-z]+[ \t]*[{(]")


def _blocks(text: str) -> Iterator[tuple[Block | None, int, RecordError | None]]:
    """bibtexparser's blocks with the line shift to add to their `start_line`.

    bibtexparser stops the whole file on what it calls its own bugs (`ParserStateException`, and
    it re-raises anything unexpected); then the file is cut before every line starting with "@"
    and each piece parsed alone, so that one odd entry costs only itself. The same is done
    with a failed block that runs on over other entries (an unclosed brace reads to the end of
    the file): the damaged entry is rejected, the ones after it are read.
    """
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    except Exception:
        library = None
    if library is None:
        yield from _pieces(text, 0, _ENTRY_START)
        return
    for block in library.blocks:
        raw = block.raw or ""
        if isinstance(block, ParsingFailedBlock) and _RUN_ON_START.search(raw, 1):
            yield from _pieces(raw, block.start_line or 0, _RUN_ON_START)
        else:
            yield block, 0, None


def _pieces(
    text: str, first_line: int, entry_start: re.Pattern[str]
) -> Iterator[tuple[Block | None, int, RecordError | None]]:
    """The blocks of `text` (starting at line `first_line` of the file), parsed piece by piece,
    a piece from one entry start to the next."""
    starts = [m.start() for m in entry_start.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    for begin, end in zip(starts, starts[1:], strict=False):
        piece = text[begin:end]
        shift = first_line + text.count("\n", 0, begin)
        try:
            pieces = bibtexparser.parse_string(piece, parse_stack=[]).blocks
        except Exception as exc:
            yield (
                None,
                shift,
                RecordError(
                    f"entrée BibTeX illisible (unreadable BibTeX entry: {type(exc).__name__})",
                    offset=shift + 1,
                    chunk=piece,
                ),
            )
            continue
        for block in pieces:
            yield block, shift, None


def _raw_entry(
    block: Entry | ParsingFailedBlock, position: int, shift: int, strings: dict[str, str]
) -> _RawEntry | RecordError:
    line = (block.start_line or 0) + shift + 1
    raw = (block.raw or "").strip()
    entry = block
    if isinstance(block, DuplicateFieldKeyBlock):
        entry = block.ignore_error_block
    elif isinstance(block, DuplicateBlockKeyBlock):
        entry = block.ignore_error_block  # the reader says so and keeps both (see `read`)
    elif isinstance(block, ParsingFailedBlock):
        reason = getattr(block.error, "abort_reason", "") or "fin de fichier (end of file)"
        return RecordError(
            f"entrée BibTeX mal formée, ignorée (malformed BibTeX entry: {clean_space(reason)})",
            position=position,
            offset=line,
            chunk=raw,
        )
    if not isinstance(entry, Entry):  # a kind of failed block bibtexparser may add one day
        return RecordError(
            "entrée BibTeX illisible (unreadable BibTeX entry)",
            position=position,
            offset=line,
            chunk=raw,
        )
    result = _RawEntry(position, line, entry.entry_type.lower().strip(), entry.key.strip(), raw, {})
    for fld in entry.fields:
        name = fld.key.strip().lower()
        value = _expand(str(fld.value), strings)
        if name not in result.fields:
            result.fields[name] = value
        elif clean_space(result.fields[name]) != clean_space(value):
            result.extra.append((name, value))
            result.warnings.append(
                f"champ « {name} » répété avec une autre valeur, gardée en champ personnalisé "
                "(repeated field with another value, kept as a custom field)"
            )
    return result


def _expand(value: str, strings: dict[str, str]) -> str:
    """The value of a field as written: enclosing removed, @string macros and `#` resolved."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == '"' and depth == 0 and (index == 0 or value[index - 1] != "\\"):
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    out = []
    for part in parts:
        part = part.strip()
        if len(part) >= 2 and (part[0], part[-1]) in {("{", "}"), ('"', '"')}:
            out.append(part[1:-1])
        else:
            out.append(strings.get(part.lower(), part))  # an undefined macro keeps its name
    return "".join(out)


def _resolve_crossref(entry: _RawEntry, by_key: dict[str, _RawEntry]) -> dict[str, str]:
    """The entry's fields with what it inherits from its crossref parent (and grand-parent)."""
    fields = dict(entry.fields)
    seen = {entry.key.lower()}
    parent_key = fields.get("crossref", "").strip()
    child_type = entry.entry_type
    while parent_key and parent_key.lower() not in seen:
        seen.add(parent_key.lower())
        parent = by_key.get(parent_key.lower())
        if parent is None:
            entry.warnings.append(
                f"crossref « {parent_key} » introuvable dans le fichier (crossref not found)"
            )
            break
        mapped = _inherited_titles(child_type, parent.entry_type)
        for name, value in parent.fields.items():
            if name in _NO_INHERIT:
                continue
            if name in _TITLE_FIELDS:
                target = mapped.get(name, name) if mapped else name
                if target not in fields:
                    fields[target] = value
            elif name not in fields:
                fields[name] = value
        parent_key = parent.fields.get("crossref", "").strip()
    return fields


def _inherited_titles(child: str, parent: str) -> dict[str, str]:
    if child in _CHAPTER_TYPES | _PAPER_TYPES and parent in {
        "book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
        "reference", "mvreference",
    }:  # fmt: skip
        return {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
    if child in {"article", "suppperiodical"} and parent == "periodical":
        return {"title": "journaltitle", "subtitle": "journalsubtitle"}
    if parent.startswith("mv"):
        return {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
    return {}


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
            month = _MONTHS.get(word[:4]) or _MONTHS.get(word[:3])
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


def _map(entry: _RawEntry, fields: dict[str, str]) -> Record:
    f = _EntryFields(fields.items())
    warnings: list[str] = []
    doc_type, bib_level = ENTRY_TYPES.get(entry.entry_type, ("", "m"))
    if not doc_type:
        doc_type = "other"
        warnings.append(f"type d'entrée inconnu « @{entry.entry_type} », lu comme « autre » "
                        "(unknown entry type)")  # fmt: skip
    record = Record(doc_type=doc_type, bib_level=bib_level, original=Original(warnings=warnings))

    title = f.text("title")
    if not title:
        raise RecordError(
            "entrée sans titre (entry has no title)",
            position=entry.position,
            offset=entry.line,
            chunk=entry.raw,
        )
    record.title = title
    record.other_title = " : ".join(t for t in (f.text("subtitle"), f.text("titleaddon")) if t)
    original_title = f.text("origtitle")
    if original_title:
        record.notes.append(f"Titre original : {original_title}")

    # people
    for name_field, (role, responsibility) in NAME_ROLES.items():
        raw = f.first(name_field)
        for index, name in enumerate(split_names(raw) if raw else []):
            rank = responsibility if responsibility != "main" or index == 0 else "other"
            agent = name_to_agent(name, role, rank)
            if agent is not None:
                record.agents.append(agent)

    # dates, publication
    date, iso, year = _dates(f)
    record.year = year
    publisher = f.text("publisher")
    place = f.text("address", "location")
    institution = f.text("school", "institution")
    organization = f.text("organization")
    if doc_type == "thesis" and institution:
        record.agents.append(Agent(name=institution, kind="corporate", role="295",
                                   responsibility="secondary"))  # fmt: skip
        kind = f.text("type") or {"phdthesis": "Thèse de doctorat", "mastersthesis": "Mémoire"}.get(
            entry.entry_type, "Thèse"
        )
        record.notes.append(f"{kind} : {institution}")
    elif institution and not publisher:
        publisher = institution  # a report's issuing institution
    elif institution:
        record.agents.append(Agent(name=institution, kind="corporate", responsibility="secondary"))
    if organization:
        if doc_type == "proceedings":
            record.agents.append(Agent(name=organization, kind="corporate", role="557",
                                       responsibility="secondary"))  # fmt: skip
        elif not publisher:
            publisher = organization
        else:
            record.agents.append(
                Agent(name=organization, kind="corporate", responsibility="secondary")
            )
    if publisher or place or date:
        record.publication.append(Publication(place=place, publisher=publisher, date=date))
    record.edition = f.text("edition")

    # host: the journal of an article, the book of a chapter, the volume of a paper
    volume = f.text("volume")
    number = f.text("number", "issue") if doc_type == "article" else f.text("number")
    pages = _text(f.first("pages")).replace("–", "-").replace("--", "-")
    isbns = [i for v in [f.first("isbn")] if v for i in identifiers(_verbatim(v), "isbn")]
    issns = [i for v in [f.first("issn")] if v for i in identifiers(_verbatim(v), "issn")]
    for ident in issns:
        if not re.fullmatch(r"\d{4}-\d{3}[\dX]", ident.value):
            warnings.append(f"ISSN mal formé « {ident.value} » (malformed ISSN)")
    series_title = f.text("series")
    if doc_type == "article":
        host_title = f.text("journaltitle", "journal")
        sub = f.text("journalsubtitle")
        record.host = Host(
            title=f"{host_title} : {sub}" if host_title and sub else host_title,
            issn=issns.pop(0).value if issns else "",
            volume=volume,
            number=number,
            pages=pages,
            date=iso or date,
            date_iso=iso if len(iso) == 10 else "",
        )
        number = ""
    elif bib_level == "a":
        book_title = f.text("booktitle")
        chapter = f.text("chapter")
        if not book_title and entry.entry_type == "inbook":
            book_title = title  # classic BibTeX: an inbook's title is the book's
        sub = " : ".join(t for t in (f.text("booksubtitle"), f.text("booktitleaddon")) if t)
        record.host = Host(
            title=f"{book_title} : {sub}" if book_title and sub else book_title,
            isbn=isbns.pop(0).value if isbns else "",
            volume=volume,
            pages=pages,
            date=iso or date,
            date_iso=iso if len(iso) == 10 else "",
        )
        if chapter:
            record.notes.append(f"Chapitre {chapter}")
    else:
        pagetotal = f.text("pagetotal")
        if pagetotal:
            record.extent = f"{pagetotal} p." if pagetotal.isdigit() else pagetotal
            f.release("pages")  # the pages a book occupies elsewhere: kept as custom
        elif pages and doc_type != "periodical":
            f.mark("pages")
            record.extent = f"{pages} p." if pages.isdigit() else f"p. {pages}"
        if volume:
            f.release("volume")  # volume of a multi-volume book: kept as a custom field
    if series_title:
        record.series.append(Series(title=series_title, number=number))
        number = ""
    if number and doc_type == "report":
        record.identifiers.append(Identifier("other", number, "numéro de rapport"))
    elif number:
        f.release("number")
    record.identifiers.extend(isbns + issns)
    if f.first("type") and doc_type in {"report", "other", "web"}:
        record.notes.append(f.text("type"))

    # identifiers and links
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
    if doc_type == "other" and entry.entry_type == "misc" and record.links:
        record.doc_type = "web"

    # content
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
    for name, target in (("langid", record.languages), ("language", record.languages),
                         ("origlanguage", record.original_languages)):  # fmt: skip
        value = f.text(name)
        if not value:
            continue
        codes, unknown = language_codes(value)
        target.extend(c for c in codes if c not in target)
        for word in unknown:
            record.custom.append(CustomField(name, word))
            warnings.append(f"langue inconnue « {word} » gardée telle quelle (unknown language)")

    if record.host is not None and not any(vars(record.host).values()):
        record.host = None
    f.mark("crossref")
    record.source_id = entry.key or stable_id(entry.raw)
    record.custom.extend(f.leftovers(convert=_custom_value))
    record.custom.extend(CustomField(name, _text(value)) for name, value in entry.extra)
    return record


# -- export ----------------------------------------------------------------------------------


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """BibTeX export, one chunk per entry (the fields are written in catalogue/bibtexexport.py)."""
    from catalogue import bibtexexport

    return bibtexexport.write(records)
