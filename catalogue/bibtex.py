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
The LaTeX decoding, the names and the mapping of one entry are in catalogue/bibtexentry.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import bibtexparser
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)

from catalogue import bibtexlog
from catalogue.bibtexentry import ENTRY_TYPES, MONTH_NAMES, MONTHS, RawEntry, map_entry
from catalogue.errors import FormatError, RecordError
from catalogue.reading import Chunk, read_records
from catalogue.record import Record
from catalogue.text import clean_space, decode_text, unix_newlines

_CHAPTER_TYPES = {k for k, (t, _) in ENTRY_TYPES.items() if t == "chapter"}
_PAPER_TYPES = {"inproceedings", "conference"}
# BibLaTeX: fields never inherited through crossref
_NO_INHERIT = {"crossref", "xref", "ids", "entryset", "entrysubtype", "execute", "label",
               "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
               "shorthand", "shorthandintro", "sortkey", "key"}  # fmt: skip
_TITLE_FIELDS = ("title", "subtitle", "titleaddon")


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
    entries: list[RawEntry | RecordError] = []
    strings: dict[str, str] = {m[:3]: name for m, name in zip(MONTHS, MONTH_NAMES, strict=False)}
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
    by_key: dict[str, RawEntry] = {}
    for item in entries:
        if isinstance(item, RawEntry):  # two entries with one key are both read (their ids
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
        lambda chunk: map_entry(chunk.data, _resolve_crossref(chunk.data, by_key)),
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
) -> RawEntry | RecordError:
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
    result = RawEntry(position, line, entry.entry_type.lower().strip(), entry.key.strip(), raw, {})
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


def _resolve_crossref(entry: RawEntry, by_key: dict[str, RawEntry]) -> dict[str, str]:
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


# -- export ----------------------------------------------------------------------------------


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """BibTeX export, one chunk per entry (the fields are written in catalogue/bibtexexport.py)."""
    from catalogue import bibtexexport

    return bibtexexport.write(records)
