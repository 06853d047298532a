"""The records every writer test exports: the demonstration catalogue and the test fixtures.

Read once per test session through the registry's readers, as `docbase import` reads them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from catalogue import formats
from catalogue.errors import FormatError
from catalogue.record import Record

ROOT = Path(__file__).resolve().parent.parent.parent
RECORDS = ROOT / "records"
FIXTURES = ROOT / "tests" / "fixtures"
_DATA = {".mrc", ".dat", ".marc", ".xml", ".ris", ".bib", ".csv"}


def read_files(paths: list[Path]) -> list[Record]:
    out: list[Record] = []
    for path in paths:
        data = path.read_bytes()
        try:
            fmt = formats.detect(data, path.name)
            out += [
                r for r in formats.get(fmt).read(data, source=path.name) if isinstance(r, Record)
            ]
        except FormatError:
            continue  # fixtures of files that are not bibliographic data on purpose
    return out


@cache
def demo_records() -> tuple[Record, ...]:
    """The demonstration catalogue of records/ (what `make run` imports)."""
    return tuple(read_files(sorted(p for p in RECORDS.iterdir() if p.suffix in _DATA)))


@cache
def fixture_records() -> tuple[Record, ...]:
    """Every record of the reader fixtures (RIS, BibTeX, CSV, UNIMARC, MARC21, XML, OAI)."""
    paths = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in _DATA)
    return tuple(read_files([p for p in paths if "relevance" not in p.parts]))


def all_records() -> tuple[Record, ...]:
    return demo_records() + fixture_records()
