"""Good + mutated + good: does a damaged record ever cost its neighbours?

For every reader, real records are cut out of a real file (or, for PMB XML and UNIMARC XML, of
files written from real UNIMARC records, since no such file is public). A case takes three of
them, damages the middle one with a few byte edits chosen for the format (its delimiters and
a stray Latin-1 byte among them), reads the three as one file through the registry, and counts a
loss when either good record is missing or differs from the same record read on its own file.
The damaged record itself may come back, warned, or be rejected: only its neighbours count.

Used by `bench/fuzz.py` (long runs, figures in bench/README.md) and `tests/fuzz/` (a short,
seeded run that must find no loss).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from catalogue import formats, marcxml, pmbxml, unimarc
from catalogue.errors import FormatError, RecordError
from catalogue.marc import iso2709
from catalogue.record import Record

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RECORDS = Path(__file__).resolve().parent.parent.parent / "records"

_XML_RECORD = re.compile(rb"<((?:[\w.-]+:)?(?:record|notice))(?=[\s>]).*?</\1>", re.S)
_RIS_RECORD = re.compile(rb"^TY  -.*?^ER  -[^\n]*\n?", re.S | re.M)
_BIBTEX_ENTRY = re.compile(rb"^@(?!(?:string|preamble|comment)\b).*?(?=^@|\Z)", re.S | re.M | re.I)


@dataclass
class Sample:
    """A reader's real records, each as the bytes of one record, and how to make a file of them."""

    fmt: str
    load: Callable[[], tuple[bytes, list[bytes], bytes]]  # head, records, tail
    specials: bytes  # the bytes that matter to this format's parser

    @cached_property
    def parts(self) -> tuple[bytes, list[bytes], bytes]:
        head, records, tail = self.load()
        # only records that read alone as one good record can be told intact or not
        good = [r for r in records if _alone(self.fmt, head + r + tail) is not None]
        return head, good, tail

    def file(self, *records: bytes) -> bytes:
        head, _, tail = self.parts
        return head + b"".join(records) + tail


def _alone(fmt: str, data: bytes) -> Record | None:
    items = list(formats.get(fmt).read(data))
    return items[0] if len(items) == 1 and isinstance(items[0], Record) else None


def _iso(path: Path) -> Callable[[], tuple[bytes, list[bytes], bytes]]:
    return lambda: (b"", [c for _, _, c in iso2709.split(path.read_bytes())], b"")


def _split(pattern: re.Pattern[bytes], data: bytes) -> tuple[bytes, list[bytes], bytes]:
    matches = list(pattern.finditer(data))
    head, tail = data[: matches[0].start()], data[matches[-1].end() :]
    return head, [m.group(0) + b"\n" for m in matches], tail


def _file(path: Path, pattern: re.Pattern[bytes]) -> Callable[[], tuple[bytes, list[bytes], bytes]]:
    return lambda: _split(pattern, path.read_bytes())


def _files(paths: list[Path], pattern: re.Pattern[bytes]) -> Callable:
    def load() -> tuple[bytes, list[bytes], bytes]:
        records = [m.group(0) + b"\n" for p in paths for m in pattern.finditer(p.read_bytes())]
        return b"", records, b""

    return load


def _written(writer: Callable) -> Callable[[], tuple[bytes, list[bytes], bytes]]:
    """A file written from Sciences Po's real UNIMARC records (cotes8)."""

    def load() -> tuple[bytes, list[bytes], bytes]:
        source = (FIXTURES / "unimarc" / "medialab_cotes8.mrc").read_bytes()
        records = [r for r in unimarc.read(source) if isinstance(r, Record)]
        return _split(_XML_RECORD, b"".join(writer(records)))

    return load


def _csv() -> tuple[bytes, list[bytes], bytes]:
    lines = (RECORDS / "centre-ouvrages-de-reference.csv").read_bytes().splitlines(keepends=True)
    return lines[0], lines[1:], b""


_XML = b'<>/&"=\n \xe9'
SAMPLES = {
    s.fmt: s
    for s in (
        Sample("unimarc", _iso(FIXTURES / "unimarc" / "medialab_cotes8.mrc"),
               b"\x1d\x1e\x1f0\xc2\xa0"),
        Sample("marc21", _iso(FIXTURES / "marc21" / "solrmarc_uva_001-200.mrc"),
               b"\x1d\x1e\x1f0\xc2\xa0"),
        Sample("marcxml", _file(FIXTURES / "xml" / "traject_test_data.utf8.marc.xml",
                                _XML_RECORD), _XML),
        Sample("unimarcxml", _written(marcxml.write_unimarc), _XML),
        Sample("pmbxml", _written(pmbxml.write), _XML),
        Sample("dc", _file(FIXTURES / "oai" / "traject_sample-oai-pmh.xml", _XML_RECORD), _XML),
        Sample("ris", _files(sorted((FIXTURES / "ris").glob("example_*.ris")), _RIS_RECORD),
               b"\n\r -TYER\xe9"),
        Sample("bibtex", _files(sorted((FIXTURES / "bibtex").glob("input__a_complete_*.bib")),
                                _BIBTEX_ENTRY), b'@{},="\n%\\\xe9'),
        Sample("csv", _csv, b';"\n\r,\xe9'),
    )
}  # fmt: skip


def mutate(data: bytes, specials: bytes, rng: random.Random) -> bytes:
    """One to eight byte edits (change, insert, delete), half of them with a special byte."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        where = rng.randrange(len(out) + 1)
        byte = rng.choice(specials) if rng.random() < 0.5 else rng.randrange(256)
        action = rng.randrange(3)
        if action == 0 and where < len(out):
            out[where] = byte
        elif action == 1:
            out[where:where] = bytes([byte])
        elif where < len(out):
            del out[where]
    return bytes(out)


def content(record: Record) -> str:
    """What must come back unchanged: the whole record but its id in the file (a damaged
    neighbour may take it, and the second then gets `id~2`), raw bytes and warnings."""
    original = record.original
    return repr(
        (
            {k: v for k, v in vars(record).items() if k not in ("source_id", "original", "id")},
            original.leader,
            original.marc,
        )
    )


@dataclass
class Case:
    fmt: str
    data: bytes
    lost: list[int]  # 0 the first, 2 the last good record, when lost
    silent: list[int]  # lost without a trace: not even inside a rejected record's text


def run_case(sample: Sample, rng: random.Random) -> Case:
    _, records, _ = sample.parts
    first, bad, last = rng.sample(records, 3)
    data = sample.file(first, mutate(bad, sample.specials, rng), last)
    outcomes = _outcomes(sample.fmt, data)
    got = {content(r) for r in outcomes if isinstance(r, Record)}
    rejected = [_text(e.chunk) for e in outcomes if isinstance(e, RecordError)]
    lost, silent = [], []
    for position, good in ((0, first), (2, last)):
        record = _alone(sample.fmt, sample.file(good))
        if content(record) in got:
            continue
        lost.append(position)
        if not any(record.title[:40] in text for text in rejected):
            silent.append(position)
    return Case(sample.fmt, data, lost, silent)


def _text(chunk: bytes | str | None) -> str:
    if isinstance(chunk, bytes):
        return chunk.decode("utf-8", "replace")
    return chunk or ""


def _outcomes(fmt: str, data: bytes) -> list:
    try:
        return list(formats.get(fmt).read(data))
    except FormatError:  # the whole file refused: both good records lost
        return []
