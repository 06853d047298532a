"""ISO 2709, the exchange structure under UNIMARC and MARC21: split, parse and write.

Our own splitter and parser rather than pymarc's reader: pymarc stops the whole file at the first
mis-sized or truncated record, and decodes by leader/09 only (always blank in UNIMARC). Here a
file is split on the record terminator 0x1D, each chunk parsed on its own (a bad one becomes a
`RecordError` with its position and the rest goes on), and the charset is left to the flavour.

A parsed field is `RawField(tag, indicators, data)`: `data` holds the field's bytes without the
field terminator; `subfields()` splits it on 0x1F.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from catalogue.errors import RecordError

RECORD_TERMINATOR = b"\x1d"
FIELD_TERMINATOR = b"\x1e"
SUBFIELD_DELIMITER = b"\x1f"
LEADER_LENGTH = 24


@dataclass
class RawRecord:
    leader: str
    fields: list[tuple[str, bytes]]  # (tag, field bytes without the terminator)
    chunk: bytes


def split(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """Yield (position, offset, chunk) for each record of a file, terminator included.

    Leading whitespace between records (line breaks some exports add) is skipped; a trailing
    chunk with no terminator is yielded too, so that it is rejected rather than silently lost.
    """
    position = 0
    start = 0
    end = len(data)
    while start < end:
        # skip separators some tools put between records
        while start < end and data[start] in b"\r\n \t\x00":
            start += 1
        if start >= end:
            break
        stop = data.find(RECORD_TERMINATOR, start)
        position += 1
        if stop == -1:
            yield position, start, data[start:]
            break
        yield position, start, data[start : stop + 1]
        start = stop + 1


def parse(chunk: bytes, position: int | None = None, offset: int | None = None) -> RawRecord:
    """Parse one record's bytes; raise `RecordError` with a clear reason when it cannot be read.

    The directory is trusted for where fields start, but a field whose stated length disagrees
    with the terminators is still read up to its terminator (real files carry such errors), as
    long as the directory itself is sound.
    """

    def fail(reason: str) -> RecordError:
        return RecordError(reason, position=position, offset=offset, chunk=chunk)

    if len(chunk) < LEADER_LENGTH + 2:
        raise fail(f"record too short ({len(chunk)} bytes)")
    if not chunk.endswith(RECORD_TERMINATOR):
        raise fail("truncated record: no record terminator (0x1D)")
    try:
        leader = chunk[:LEADER_LENGTH].decode("ascii")
    except UnicodeDecodeError:
        raise fail("leader is not ASCII") from None
    base_text = leader[12:17]
    dir_end = chunk.find(FIELD_TERMINATOR, LEADER_LENGTH)
    if dir_end == -1:
        raise fail("no directory terminator")
    if base_text.isdigit() and int(base_text) not in (0, dir_end + 1):
        # trust the terminator: the base address is often wrong in hand-made files
        pass
    base = dir_end + 1
    directory = chunk[LEADER_LENGTH:dir_end]
    if len(directory) % 12 != 0:
        raise fail(f"directory length {len(directory)} is not a multiple of 12")
    if not directory:
        raise fail("record has no fields")
    fields: list[tuple[str, bytes]] = []
    body_end = len(chunk) - 1
    for i in range(0, len(directory), 12):
        entry = directory[i : i + 12]
        try:
            tag = entry[:3].decode("ascii")
            length = int(entry[3:7])
            start = int(entry[7:12])
        except (UnicodeDecodeError, ValueError):
            raise fail(f"directory entry {i // 12 + 1} is invalid: {entry!r}") from None
        if not tag.isalnum():
            raise fail(f"directory entry {i // 12 + 1} has an invalid tag {tag!r}")
        begin = base + start
        if begin > body_end:
            raise fail(f"field {tag} starts beyond the end of the record")
        stop = chunk.find(FIELD_TERMINATOR, begin, body_end + 1)
        if stop == -1:
            stop = min(begin + length, body_end)
        fields.append((tag, chunk[begin:stop]))
    return RawRecord(leader=leader, fields=fields, chunk=chunk)


def is_control_tag(tag: str) -> bool:
    return tag.startswith("00") and tag.isdigit()


def decode_fields(raw: RawRecord, decode: Callable[[bytes], str]) -> list[list[Any]]:
    """Decode a raw record into the model's MARC field lists (see `record.Original.marc`)."""
    out: list[list[Any]] = []
    for tag, data in raw.fields:
        if is_control_tag(tag):
            out.append([tag, decode(data)])
            continue
        ind = data[:2].decode("latin-1") if len(data) >= 2 else "  "
        ind = ind.replace(SUBFIELD_DELIMITER.decode(), " ").ljust(2)
        subfields = []
        body = data[2:] if not data.startswith(SUBFIELD_DELIMITER) else data
        for part in body.split(SUBFIELD_DELIMITER)[1:]:
            if not part:
                continue
            code = chr(part[0]) if part[0] < 128 else "?"
            subfields.append([code, decode(part[1:])])
        out.append([tag, ind[0], ind[1], subfields])
    return out


def write(leader: str, fields: list[list[Any]], encoding: str = "utf-8") -> bytes:
    """Build one ISO 2709 record; leader positions 0–4, 10–16 and 20–23 are computed."""
    directory = bytearray()
    body = bytearray()
    for f in fields:
        tag = f[0]
        if len(f) == 2:
            data = f[1].encode(encoding) + FIELD_TERMINATOR
        else:
            parts = [(f[1] or " ")[0].encode(encoding) + (f[2] or " ")[0].encode(encoding)]
            for code, value in f[3]:
                parts.append(SUBFIELD_DELIMITER + code.encode(encoding) + value.encode(encoding))
            data = b"".join(parts) + FIELD_TERMINATOR
        directory += f"{tag[:3]:0>3}{len(data):04d}{len(body):05d}".encode("ascii")
        body += data
    directory += FIELD_TERMINATOR
    base = LEADER_LENGTH + len(directory)
    total = base + len(body) + 1
    lead = (leader + " " * 24)[:24]
    lead = f"{total:05d}{lead[5:10]}22{base:05d}{lead[17:20]}{lead[20:24]}"
    return lead.encode("ascii", "replace") + bytes(directory) + bytes(body) + RECORD_TERMINATOR


def write_raw(leader: str, fields: list[tuple[str, bytes]]) -> bytes:
    """Rebuild a record from undecoded fields (tools and benchmarks that rewrite ids)."""
    directory = bytearray()
    body = bytearray()
    for tag, data in fields:
        piece = data + FIELD_TERMINATOR
        directory += f"{tag}{len(piece):04d}{len(body):05d}".encode("ascii")
        body += piece
    directory += FIELD_TERMINATOR
    base = LEADER_LENGTH + len(directory)
    lead = f"{base + len(body) + 1:05d}{leader[5:12]}{base:05d}{leader[17:24]}"
    return lead.encode("ascii") + bytes(directory) + bytes(body) + RECORD_TERMINATOR
