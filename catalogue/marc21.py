"""MARC21 (ISO 2709): read, map to the one Record model, and write back.

Reading is per record and never stops a file: every chunk from `iso2709.split` is parsed on its
own; a broken directory is repaired from the field terminators when that is unambiguous, and a
record that cannot be read becomes a `RecordError` with a French-then-English reason.

The charset is decided per record, because real files mix them: leader/09 says UTF-8 ('a') or
MARC-8 (blank), and both are often wrong. We trust the bytes first (valid non-ASCII UTF-8 is
UTF-8 whatever the leader says), then MARC-8, then Latin-1, and record the decoding actually used
and a warning in `Original` (`catalogue.marc.charsets`). Values are decoded by the decoder
UNIMARC uses too (`charsets.SubfieldDecoder`): in a value that is not valid UTF-8, only the bad
bytes are read as Latin-1. The MARC-8 decoder is our own
(`catalogue.marc.marc8`). The map itself is the `catalogue.marc.marc21` package, re-exported here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from catalogue.errors import FormatError, RecordError
from catalogue.marc import charsets, iso2709, marc8
from catalogue.marc.marc21 import (
    RELATOR_TERMS,
    RELATOR_TO_UNIMARC,
    UNIMARC_TO_RELATOR,
    clean,
    clean_brackets,
    from_record,
    to_record,
)
from catalogue.reading import Chunk, read_records
from catalogue.record import (
    Record,
    nfc,
)

# the entry point's names, the map's included (`marc21.to_record`)
__all__ = [
    "C1_AS_CP1252",
    "clean",
    "clean_brackets",
    "decode_record",
    "encode",
    "from_record",
    "marc8_decode",
    "MAX_FIELD",
    "MAX_RECORD",
    "read",
    "read_chunk",
    "RELATOR_TERMS",
    "RELATOR_TO_UNIMARC",
    "to_record",
    "UNIMARC_TO_RELATOR",
    "write",
]

marc8_decode = marc8.decode  # the public name before catalogue.marc
C1_AS_CP1252 = charsets.C1_AS_CP1252
FT = 0x1E
SD = 0x1F
_CONTROL_BYTES = re.compile(rb"[\x00-\x1a\x1c]")  # C0 controls but ESC and the ISO 2709 marks
_CONTROL_BYTES_AND_ESC = re.compile(rb"[\x00-\x1c]")  # ESC is only meaningful in MARC-8
_LEADER_LIKE = re.compile(rb"^\s*\d{5}")

# ---------------------------------------------------------------------------------------------
# Record structure: parse, repair, decode
# ---------------------------------------------------------------------------------------------


def _odd_subfield(text: str, code_byte: int, decoder: charsets.SubfieldDecoder) -> list[str]:
    """A subfield whose code byte is not a printable ASCII character.

    The code is its first decoded character's base letter when there is one ("\x1fá" in UTF-8,
    an ANSEL diacritic before the letter in MARC-8), otherwise "?"; the diacritics that came
    with it are dropped. The raw record keeps the original bytes.
    """
    first = text[0]
    base = unicodedata.normalize("NFD", first)[0]
    letter = base if base.isascii() and base.isalnum() else "?"
    value = text[1:]
    k = 0
    while k < len(value) and unicodedata.combining(value[k]):
        k += 1
    decoder.problems.append(
        f"{decoder.where} : code de sous-champ invalide 0x{code_byte:02x} ({first!r}), lu {letter!r}"
    )
    return [letter, value[k:]]


def _indicators(tag: str, data: bytes, decoder: charsets.SubfieldDecoder) -> tuple[str, bytes]:
    if data[:1] == b"\x1f":
        decoder.problems.append(f"{tag} : indicateurs absents")
        return "  ", data
    if data[1:2] == b"\x1f":
        decoder.problems.append(f"{tag} : un seul indicateur")
        ind, body = data[:1].decode("latin-1") + " ", data[1:]
    else:
        ind, body = data[:2].decode("latin-1").ljust(2), data[2:]
    if not (ind.isascii() and ind.isprintable()):
        decoder.problems.append(f"{tag} : indicateurs invalides {ind!r}")
        ind = "".join(c if c.isascii() and c.isprintable() else " " for c in ind)
    return ind, body


def _decode_datafield(tag: str, data: bytes, decoder: charsets.SubfieldDecoder) -> list[Any]:
    """A data field split on its delimiters first, then each value decoded (MARC-8 resets)."""
    if data.isascii() and data[2:3] == b"\x1f" and b"\x1b" not in data:
        # the usual case, done in one decode: plain ASCII with two indicators
        text = data.decode("ascii")
        ind = text[:2]
        if ind.isprintable() and "\x1f " not in text and "&#x" not in text:
            return [tag, ind[0], ind[1], [[p[0], p[1:]] for p in text[3:].split("\x1f") if p]]
    ind, body = _indicators(tag, data, decoder)
    parts = body.split(b"\x1f")
    if parts[0]:
        decoder.problems.append(f"{tag} : texte hors sous-champ {parts[0][:40]!r} gardé en $?")
        parts[0] = b"?" + parts[0]
    else:
        del parts[0]
    subfields: list[list[str]] = []
    for part in parts:
        if not part:
            continue
        code = part[0]
        if 0x20 < code < 0x7F:
            decoder.where = f"{tag}${chr(code)}"
            subfields.append([chr(code), decoder.decode(part[1:])])
            continue
        decoder.where = f"{tag}$?"
        text = decoder.decode(part)
        if text:
            subfields.append(_odd_subfield(text, code, decoder))
    return [tag, ind[0], ind[1], subfields]


_ODD_CODE = re.compile(rb"\x1f[^\x21-\x7e]")


def _decode_utf8_field(tag: str, data: bytes, decoder: charsets.SubfieldDecoder) -> list[Any]:
    """A UTF-8 data field; decoded whole when a code byte is not ASCII, so that "\x1fá" is
    one (wrong) code character rather than a split multi-byte sequence."""
    if data.isascii() or data[2:3] != b"\x1f" or not _ODD_CODE.search(data):
        return _decode_datafield(tag, data, decoder)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_datafield(tag, data, decoder)
    ind, _ = _indicators(tag, data, decoder)
    subfields: list[list[str]] = []
    for part in text[text.find("\x1f") :].split("\x1f")[1:]:
        if not part:
            continue
        code = part[0]
        decoder.where = f"{tag}${code}"
        if code.isascii() and "\x20" < code < "\x7f":
            subfields.append([code, nfc(part[1:])])
        else:
            subfields.append(_odd_subfield(nfc(part), ord(code), decoder))
    return [tag, ind[0], ind[1], subfields]


_HIGH_UNKNOWN = re.compile(r"caractère inconnu 0x[89a-f][0-9a-f]$")


def decode_record(raw: iso2709.RawRecord) -> tuple[list[list[Any]], str, list[str]]:
    """The record's MARC fields decoded, the charset used and the warnings."""
    charset, warnings = charsets.marc21_charset(raw)
    fields, charset, more = _decode_with(raw, charset)
    if charset == "marc-8":
        unknown = sum(1 for p in more.problems if _HIGH_UNKNOWN.search(p))
        if unknown:
            # bytes that MARC-8 does not define: an 8-bit charset mislabelled as MARC-8
            alternative = charsets.single_byte_charset(raw.chunk)
            fields, charset, more = _decode_with(raw, alternative)
            warnings.append(
                f"MARC-8 illisible ({unknown} caractères inconnus) : notice lue en {alternative} "
                f"(not MARC-8: {unknown} undefined characters; read as {alternative})"
            )
    return fields, charset, warnings + more.warnings


def _control_to_space(match: re.Match[bytes]) -> bytes:
    return b" " if match.group(0) in b"\t\n\r" else b""


class _Decoded:
    def __init__(self, problems: list[str], warnings: list[str]) -> None:
        self.problems = problems
        self.warnings = warnings


def _decode_with(raw: iso2709.RawRecord, charset: str) -> tuple[list[list[Any]], str, _Decoded]:
    warnings: list[str] = []
    decoder = charsets.SubfieldDecoder("utf-8" if charset == "latin-1" else charset)
    fields: list[list[Any]] = []
    stripped = False
    controls = _CONTROL_BYTES if charset == "marc-8" else _CONTROL_BYTES_AND_ESC
    controls_inside = controls.search(raw.chunk, iso2709.LEADER_LENGTH) is not None
    for tag, data in raw.fields:
        if controls_inside and controls.search(data):
            data = controls.sub(_control_to_space, data)
            stripped = True
        if tag[:2] == "00" and tag.isdigit():
            decoder.where = tag
            if b"\x1f" in data:  # a delimiter has no place in a control field
                decoder.problems.append(
                    f"{tag} : délimiteur de sous-champ dans un champ de contrôle"
                )
                data = data.replace(b"\x1f", b" ")
            fields.append([tag, decoder.decode(data)])
        elif charset == "marc-8":
            fields.append(_decode_datafield(tag, data, decoder))
        else:
            fields.append(_decode_utf8_field(tag, data, decoder))
    if (
        charset == "latin-1"
        and any(not v.isascii() for f in fields if len(f) == 4 for _, v in f[3])
        and not decoder.latin1
    ):
        charset = "utf-8"
    if stripped:
        warnings.append("caractères de contrôle supprimés (control characters removed)")
    warnings += decoder.warnings  # values whose bad UTF-8 bytes were read as Latin-1
    if decoder.problems:
        shown = "; ".join(decoder.problems[:8])
        more = f" (+{len(decoder.problems) - 8})" if len(decoder.problems) > 8 else ""
        warnings.append(f"décodage {charset} : {shown}{more}")
    return fields, charset, _Decoded(decoder.problems, warnings)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def read_chunk(
    chunk: bytes, position: int | None = None, offset: int | None = None, source: str = ""
) -> Record:
    """One ISO 2709 record's bytes → Record; `RecordError` when it cannot be read."""
    raw, warnings = iso2709.read(chunk, position, offset)
    marc, charset, decode_warnings = decode_record(raw)
    tags = {f[0] for f in marc}
    record = to_record(raw.leader, marc, source)
    record.original.raw = chunk
    record.original.charset = charset
    record.original.warnings[:0] = warnings + decode_warnings
    if "245" not in tags and ("200" in tags or "210" in tags):
        record.original.warnings.append(
            "notice sans 245 mais avec 200/210 : sans doute de l'UNIMARC "
            "(no 245 but 200/210: probably UNIMARC)"
        )
    return record


def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
    """Every record of a MARC21 ISO 2709 file, or a `RecordError` for each one that is unreadable.

    `FormatError` only when nothing in the file is a record and it does not even start like one
    (a CSV or a PDF sent as MARC21); until a first record is read, rejects are held back for that.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    pending: list[RecordError] = []
    read_any = False
    leader_like = True

    def chunks() -> Iterator[Chunk]:
        nonlocal leader_like
        for position, offset, chunk in iso2709.split(data):
            if position == 1:
                leader_like = _LEADER_LIKE.match(chunk[:24]) is not None
            yield Chunk(position, offset, chunk)

    framed = read_records(
        chunks(), lambda c: read_chunk(c.raw, c.position, c.offset, source), source=source
    )
    for record in framed:
        if isinstance(record, RecordError):
            if read_any:
                yield record
            else:
                pending.append(record)
            continue
        if not read_any:
            read_any = True
            yield from pending
            pending.clear()
        yield record
    if pending and not leader_like:
        raise FormatError(
            "ce fichier n'est pas au format ISO 2709 (MARC21) "
            "(not an ISO 2709 file: no record leader at the start)"
        )
    yield from pending


MAX_FIELD = iso2709.MAX_FIELD
MAX_RECORD = iso2709.MAX_RECORD
encode = iso2709.encode  # the one ISO 2709 encoder, with its limits


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """Each record as one UTF-8 MARC21 ISO 2709 record (leader/09 'a')."""
    for record in records:
        leader, fields = from_record(record)
        leader = (leader + " " * 24)[:24]
        yield encode(leader[:9] + "a" + leader[10:], fields)
