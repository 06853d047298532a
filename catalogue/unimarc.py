"""UNIMARC ISO 2709 ↔ the Record model, with PMB's conventions and BnF/Sudoc's standard ones.

Reading trusts the bytes, not field 100: real files declare the wrong charset (see
docs/unimarc-pmb.md). Each record is tried as UTF-8, then ISO 5426, then Latin-1, and the
decoding used is kept in `Original.charset`. Every decoded field stays in `Original.marc`, so that
a UNIMARC record goes out again field for field; the mapping (`catalogue.marc.unimarc`,
re-exported here) only fills the model. Charset detection is `catalogue.marc.charsets`.

Mapping decisions worth knowing (the module's tests pin them):

- doc type: the bibliographic level wins (s → periodical, s + hierarchical level 2 → issue,
  a → article, or chapter when the host link carries an ISBN); for monographs, 328 or 105 $a/4–7
  "m"/"v" make a thesis whatever the carrier, then leader/06 decides (g audiovisual, l web, i/j
  sound, …) except that text (a, b, l) with 105 "p" is a report and with 105 $a/8 "1" proceedings;
- 610 free keywords: each $a is split on ";" when it has one, else on ","; never on spaces (a
  space-separated string from an old PMB install is kept whole: splitting "Marché du travail"
  would be worse than not splitting);
- text UTF-8 encoded twice ("8Â°…" in real Sciences Po 995 $k call numbers) is repaired in the
  model, with a warning; the original fields keep it as it came, so that it goes out unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from catalogue.errors import RecordError
from catalogue.marc import charsets, iso2709, iso5426
from catalogue.marc.unimarc import UTF8_CHARSET, from_record, split_keywords, to_record
from catalogue.reading import Chunk, read_records
from catalogue.record import (
    Record,
)

# the entry point's names, the map's included (`unimarc.to_record`)
__all__ = [
    "decode_raw",
    "detect_charset",
    "from_record",
    "read",
    "read_chunk",
    "split_keywords",
    "to_record",
    "UTF8_CHARSET",
    "write",
]

detect_charset = charsets.unimarc_charset  # the public name before catalogue.marc

_ISO5426_DANGLING = re.compile(rb"[\xc0-\xdf]+(?=[\x1d\x1e\x1f])")


def _decoder(charset: str, warnings: list[str]) -> Callable[[bytes], str]:
    """A per-subfield decoder for `iso2709.decode_fields`; warnings are appended to `warnings`
    (the one fallback chain of both flavours: `charsets.SubfieldDecoder`)."""
    return charsets.SubfieldDecoder(charset, warnings).decode


def decode_raw(raw: iso2709.RawRecord) -> tuple[list[list[Any]], str, list[str]]:
    """Decode a parsed record: its MARC fields (NFC text), the charset actually used, warnings."""
    chunk = raw.chunk
    charset = charsets.unimarc_charset(chunk)
    warnings: list[str] = []
    whole: Callable[[bytes], str] | None = None  # decodes all of a record's fields at once
    if charset == "iso5426":
        # offsets relative to the record, as a cataloguer looking at the bytes would count them
        warnings += iso5426.unknown_byte_warnings(chunk)
        marked = chunk.translate(charsets.DIACRITICS_AS_C0)
        dangling = b"\xc0\x1f" in marked or b"\xc0\x1e" in marked or b"\xc0\x1d" in marked
        for match in _ISO5426_DANGLING.finditer(chunk) if dangling else ():
            warnings.append(
                f"diacritique sans lettre en fin de sous-zone à la position {match.start()} "
                f"(diacritic with no base letter at the end of a subfield, offset {match.start()})"
            )
        if not warnings:  # else subfield by subfield, so that no mark jumps over a delimiter
            whole = _iso5426_by_field
    elif charset == "latin-1":
        whole = charsets.latin1
    else:
        whole = _utf8_text
    decode = _decoder(charset, warnings)
    if whole is not None:
        return _fast_fields(raw, whole, decode), charset, warnings
    return iso2709.decode_fields(raw, decode), charset, warnings


def _iso5426_by_field(blob: bytes) -> str:
    # field by field: most fields are ASCII, and the diacritic regex is the slow part
    return "\x1e".join([iso5426.decode_text(part) for part in blob.split(b"\x1e")])


def _utf8_text(data: bytes) -> str:
    return data.decode("utf-8")  # UnicodeDecodeError: the caller goes subfield by subfield


def _fast_fields(
    raw: iso2709.RawRecord, whole: Callable[[bytes], str], decode: Callable[[bytes], str]
) -> list[list[Any]]:
    """`iso2709.decode_fields`, same output, but the record's text is decoded and normalised in
    one go: the ingest benchmark wants decode + map under ~100 µs a record."""
    blob = b"\x1e".join([data for _, data in raw.fields])
    try:
        text = whole(blob)
    except UnicodeDecodeError:
        return iso2709.decode_fields(raw, decode)
    if not text.isascii():
        if _ODD_LAYOUT.search(text):
            return iso2709.decode_fields(raw, decode)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    parts = text.split("\x1e")
    if len(parts) != len(raw.fields):
        return iso2709.decode_fields(raw, decode)
    out: list[list[Any]] = []
    for (tag, data), part in zip(raw.fields, parts, strict=True):
        if tag[0] == "0" and tag[1] == "0" and tag.isdigit():
            out.append([tag, part])
        elif len(part) < 2 or part[0] == "\x1f" or part[0] > "\x7f" or part[1] > "\x7f":
            out.extend(iso2709.decode_fields(iso2709.RawRecord("", [(tag, data)], b""), decode))
        else:
            out.append(
                [
                    tag,
                    part[0],
                    " " if part[1] == "\x1f" else part[1],
                    [[sub[0], sub[1:]] for sub in part[2:].split("\x1f")[1:] if sub],
                ]
            )
    return out


# A non-ASCII subfield code: byte-level rules (decode_fields) apply to that record.
_ODD_LAYOUT = re.compile("\x1f[^\x00-\x7f]")


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
    """Read a UNIMARC ISO 2709 file; a record that cannot be read becomes a RecordError."""
    chunks = (Chunk(position, offset, chunk) for position, offset, chunk in iso2709.split(data))
    yield from read_records(
        chunks, lambda c: read_chunk(c.raw, c.position, c.offset, source), source=source
    )


def read_chunk(chunk: bytes, position: int, offset: int, source: str = "") -> Record:
    """One record's bytes → Record; `RecordError` when its structure cannot be read."""
    raw, repairs = iso2709.read(chunk, position, offset)
    marc, charset, warnings = decode_raw(raw)
    record = to_record(raw.leader, marc, source)
    original = record.original
    original.charset = charset
    original.raw = chunk
    original.warnings[:0] = repairs + warnings
    return record


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """UNIMARC ISO 2709 in UTF-8, one record per chunk, so that exports stream."""
    for record in records:
        leader, fields = from_record(record)
        yield iso2709.encode(leader, fields)
