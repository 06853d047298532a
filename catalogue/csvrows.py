"""The rows of a CSV file, each with its text and line, a bad row costing only itself.

csv.reader alone lets one bad row take others with it: an unclosed quote runs on to the next
quote, lines later, and the rows in between become one bogus cell (« lues 3 » for five rows);
a ";" inside an unquoted cell (« Dupont ; Martin ») shifts every cell after it into the wrong
column. So a row that swallowed whole rows is cut back to its first line, which is rejected
alone, and the reading resumes on the next line; a row whose width is not the header's is
rejected with its line and why — only empty cells past the header are dropped, the one
repair that cannot put a value in the wrong column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from catalogue.errors import RecordError


@dataclass
class Row:
    cells: list[str]
    raw: str  # the row's lines as in the file
    line: int  # 1-based line of the row's first line
    position: int  # 1-based rank of the row after the header


class Lines:
    """The file's lines as csv.reader consumes them, so that a row's text and line are known
    and the reading can resume on any line."""

    def __init__(self, lines: list[str], start: int = 0) -> None:
        self.lines = lines
        self.consumed = start

    def __iter__(self) -> Lines:
        return self

    def __next__(self) -> str:
        if self.consumed >= len(self.lines):
            raise StopIteration
        self.consumed += 1
        return self.lines[self.consumed - 1]


def header_width(header: list[str]) -> int:
    """Columns of a header, the empty names spreadsheets leave at its end not counted."""
    width = len(header)
    while width > 1 and not header[width - 1].strip():
        width -= 1
    return width


def rows(
    body: list[str], separator: str, width: int, first_line: int
) -> Iterator[Row | RecordError]:
    """The rows of `body` (the lines after the header, `first_line` being the first's number),
    empty rows skipped; a RecordError for each row rejected."""
    lines = Lines(body)
    reader = csv.reader(lines, delimiter=separator)
    position = 0
    while lines.consumed < len(body):
        start = lines.consumed
        try:
            cells: list[str] | None = next(reader)
        except StopIteration:
            break
        except csv.Error:
            cells = None
        lines.consumed = max(lines.consumed, start + 1)
        span = body[start : lines.consumed]
        position += 1
        line = first_line + start
        if cells is not None and not any(cell.strip() for cell in cells):
            continue  # the empty rows spreadsheets leave at the end
        if len(span) > 1 and (cells is None or _swallows_rows(span[1:], separator, width)):
            yield RecordError(
                f"ligne {line} : guillemet ouvert jamais fermé, ligne rejetée seule, les "
                f"suivantes sont lues (unclosed quote on line {line}: this line rejected alone)",
                position=position,
                offset=line,
                chunk=span[0],
            )
            lines.consumed = start + 1
            reader = csv.reader(lines, delimiter=separator)  # a fresh parse from the next line
            continue
        raw = "".join(span)
        if cells is None:
            yield RecordError(
                f"ligne {line} illisible (unreadable CSV row)",
                position=position,
                offset=line,
                chunk=raw,
            )
            continue
        while len(cells) > width and not cells[-1].strip():
            cells.pop()  # trailing separators: nothing moves
        if len(cells) != width:
            yield _width_error(len(cells), width, separator, position, line, raw)
            continue
        yield Row(cells, raw, line, position)


def _swallows_rows(continued: list[str], separator: str, width: int) -> bool:
    """Whether lines read as the inside of a quoted cell are whole rows themselves: a
    multi-line note or abstract does not hold a line with one cell per column."""
    if width < 3:
        return False  # "x;y" inside a two-column note proves nothing
    for text in continued:
        try:
            alone = next(csv.reader([text], delimiter=separator), [])
        except csv.Error:
            continue
        if len(alone) >= width:
            return True
    return False


def _width_error(
    count: int, width: int, separator: str, position: int, line: int, raw: str
) -> RecordError:
    shown = "tabulation" if separator == "\t" else f"« {separator} »"
    if count * 2 >= width * 3 and width > 2:  # about two rows' cells: a row glued to the next
        hint = " : deux lignes collées, un saut de ligne perdu ?"
    elif count > width:
        hint = f" : un séparateur {shown} dans une cellule sans guillemets ?"
    else:
        hint = " : cellules manquantes ?"
    return RecordError(
        f"ligne {line} rejetée : {count} cellules pour {width} colonnes dans l'en-tête{hint} "
        f"(row has {count} cells, the header {width} columns)",
        position=position,
        offset=line,
        chunk=raw,
    )
