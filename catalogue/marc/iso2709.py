"""ISO 2709, the exchange structure under UNIMARC and MARC21: split, parse and write.

Our own splitter and parser rather than pymarc's reader: pymarc stops the whole file at the first
mis-sized or truncated record, and decodes by leader/09 only (always blank in UNIMARC). Here a
file is split on the record terminator 0x1D, each chunk parsed on its own (a bad one becomes a
`RecordError` with its position and the rest goes on), and the charset is left to the flavour.

A parsed field is `RawField(tag, indicators, data)`: `data` holds the field's bytes without the
field terminator; `subfields()` splits it on 0x1F.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from catalogue.errors import RecordError
from catalogue.marc.field import Field

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
        junk = _stray_bytes_before_leader(data, start, len(data) if stop == -1 else stop)
        if junk:  # a few bytes between two records: rejected on their own, not glued to the next
            yield position, start, data[start : start + junk]
            start += junk
            position += 1
        cut = _lost_terminator_cut(data, start, len(data) if stop == -1 else stop)
        if cut is not None:  # the next record starts before the next terminator
            yield position, start, data[start:cut]
            start = cut
            continue
        if stop == -1:
            yield position, start, data[start:]
            break
        yield position, start, data[start : stop + 1]
        start = stop + 1


def _declared_length(data: bytes, start: int = 0) -> int:
    """The record length of the leader at `start` (0 when unreadable)."""
    digits = data[start : start + 5]
    return int(digits) if digits.isdigit() else 0


def _looks_like_leader(data: bytes, at: int) -> bool:
    """Record length, base address and the "45" of leader/20–21, as every flavour writes."""
    lead = data[at : at + LEADER_LENGTH]
    return (
        len(lead) == LEADER_LENGTH
        and lead[:5].isdigit()
        and lead[12:17].isdigit()
        and (lead[20:22] == b"45")
    )


def _lost_terminator_cut(data: bytes, start: int, stop: int) -> int | None:
    """Where the record at `start` ends when its terminator is lost (deleted or overwritten):
    the leader's length points at another leader before the next terminator. Without this,
    the record swallows the next one."""
    length = _declared_length(data, start)
    if length == stop - start + 1:
        return None  # sound: the leader's length ends at the terminator
    if length <= LEADER_LENGTH:
        return _leader_ending_at(data, start, stop)
    for cut in (start + length - 1, start + length):  # terminator deleted, or overwritten
        if cut < stop and _looks_like_leader(data, cut):
            return cut
    # bytes inserted or deleted besides: the next leader right after a field terminator
    # (maybe the overwritten terminator between them), near the declared end
    low = max(start + LEADER_LENGTH, start + length - 64)
    at = data.find(FIELD_TERMINATOR, low, min(stop, start + length + 64))
    while at != -1:
        for cut in (at + 1, at + 2):
            if cut < stop and _looks_like_leader(data, cut):
                return cut
        at = data.find(FIELD_TERMINATOR, at + 1, min(stop, start + length + 64))
    return _leader_ending_at(data, start, stop)


def _leader_ending_at(data: bytes, start: int, stop: int) -> int | None:
    """The last resort when the damaged record's own length misleads: a leader, right after a
    field terminator (or one byte on, the terminator overwritten), whose record length ends
    exactly at the terminator at `stop` — the next record, sound, after a lost terminator."""
    at = data.find(FIELD_TERMINATOR, start + LEADER_LENGTH, stop)
    while at != -1:
        for cut in (at + 1, at + 2):
            if _looks_like_leader(data, cut) and cut + _declared_length(data, cut) - 1 == stop:
                return cut
        at = data.find(FIELD_TERMINATOR, at + 1, stop)
    return None


def _stray_bytes_before_leader(data: bytes, start: int, stop: int) -> int:
    """How many bytes (at most 8) sit before a record's leader: junk after the previous
    record's terminator, which would otherwise make this record unreadable."""
    if _looks_like_leader(data, start):
        return 0
    for skip in range(1, min(9, stop - start)):
        if _looks_like_leader(data, start + skip):
            return skip
    return 0


def parse(chunk: bytes, position: int | None = None, offset: int | None = None) -> RawRecord:
    """Parse one record's bytes; raise `RecordError` with a clear reason when it cannot be read.

    The directory is trusted for where fields start, but a field whose stated length disagrees
    with the terminators is still read up to its terminator (real files carry such errors), as
    long as the directory itself is sound.
    """

    def fail(reason: str) -> RecordError:
        return RecordError(reason, position=position, offset=offset, chunk=chunk)

    leader, dir_end = _leader_and_directory_end(chunk, fail)
    # the base address is often wrong in hand-made files: trust the directory terminator
    base = dir_end + 1
    directory = chunk[LEADER_LENGTH:dir_end]
    if len(directory) % 12 != 0:
        raise fail(
            f"répertoire invalide : longueur {len(directory)} non multiple de 12 "
            "(directory length is not a multiple of 12)"
        )
    if not directory:
        raise fail("notice sans aucun champ (record has no fields)")
    fields = _directory_fields(chunk, directory, base, fail)
    return RawRecord(leader=leader, fields=fields, chunk=chunk)


def _leader_and_directory_end(chunk: bytes, fail: Callable[[str], RecordError]) -> tuple[str, int]:
    """The leader and where the directory ends, or the reason the record cannot be read."""
    if len(chunk) < LEADER_LENGTH + 2:
        raise fail(f"notice trop courte ({len(chunk)} octets) (record too short)")
    if not chunk.endswith(RECORD_TERMINATOR):
        raise fail(
            "notice tronquée : pas de fin de notice (truncated record: no record terminator 0x1D)"
        )
    try:
        leader = chunk[:LEADER_LENGTH].decode("ascii")
    except UnicodeDecodeError:
        raise fail("label de notice non ASCII (leader is not ASCII)") from None
    dir_end = chunk.find(FIELD_TERMINATOR, LEADER_LENGTH)
    if dir_end == -1:
        raise fail("répertoire sans fin de répertoire (no directory terminator)")
    return leader, dir_end


def _directory_entry(
    entry: bytes, number: int, fail: Callable[[str], RecordError]
) -> tuple[str, int, int]:
    """(tag, length, start) of one 12-byte directory entry, the `number`th (from 1)."""
    try:
        tag = entry[:3].decode("ascii")
        length = int(entry[3:7])
        start = int(entry[7:12])
    except (UnicodeDecodeError, ValueError):
        raise fail(
            f"entrée {number} du répertoire invalide : {entry!r} (invalid directory entry)"
        ) from None
    if not tag.isalnum():
        raise fail(
            f"étiquette invalide {tag!r} dans l'entrée {number} du répertoire "
            "(invalid tag in the directory)"
        )
    return tag, length, start


def _directory_fields(
    chunk: bytes, directory: bytes, base: int, fail: Callable[[str], RecordError]
) -> list[tuple[str, bytes]]:
    """Each entry's field, read up to its terminator (or its stated length when it has none)."""
    fields: list[tuple[str, bytes]] = []
    body_end = len(chunk) - 1
    total = 0
    for i in range(0, len(directory), 12):
        tag, length, start = _directory_entry(directory[i : i + 12], i // 12 + 1, fail)
        begin = base + start
        if begin > body_end:
            raise fail(
                f"le champ {tag} commence au-delà de la fin de la notice "
                "(field starts beyond the end of the record)"
            )
        stop = chunk.find(FIELD_TERMINATOR, begin, body_end + 1)
        if stop == -1:
            stop = min(begin + length, body_end)
        total += stop - begin
        if total > len(chunk):  # entries pointing at one body: gigabytes from a small record
            raise fail(
                "répertoire invalide : des champs se chevauchent, leur longueur totale dépasse "
                f"celle de la notice ({len(chunk)} octets) (directory fields overlap)"
            )
        fields.append((tag, chunk[begin:stop]))
    return fields


def is_control_tag(tag: str) -> bool:
    return tag.startswith("00") and tag.isdigit()


def decode_fields(raw: RawRecord, decode: Callable[[bytes], str]) -> list[list[Any]]:
    """Decode a raw record into the model's MARC field lists (see `record.Original.marc`)."""
    out: list[list[Any]] = []
    for tag, data in raw.fields:
        if is_control_tag(tag):
            out.append([tag, decode(data)])
            continue
        first = data.find(SUBFIELD_DELIMITER)
        if first == -1:
            first = len(data)
        # indicators are what stands before the first subfield: usually 2 bytes, 0 or 1 in
        # damaged records (which must not cost the first subfield)
        ind = data[: min(first, 2)].decode("latin-1").ljust(2)
        body = data[first:]
        subfields = []
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
    # the entry map is fixed by the standard: a leader read from damaged bytes must not carry
    # its junk there, or the record written would not be read back
    entry_map = "450" + (lead[23] if lead[23] in "0 " else "0")
    lead = f"{total:05d}{lead[5:10]}22{base:05d}{lead[17:20]}{entry_map}"
    return lead.encode("ascii", "replace") + bytes(directory) + bytes(body) + RECORD_TERMINATOR


MAX_FIELD = 9999  # a directory entry's length has four digits
MAX_RECORD = 99999  # the leader's record length has five
_STRUCTURE_CHARS = re.compile("[\x00-\x1f]")
_SURROGATES = re.compile("[\ud800-\udfff]")  # bytes decoded with surrogateescape: no UTF-8


def _safe(value: str) -> str:
    """No control characters in ISO 2709 data (the structure marks would cut the record), and
    nothing UTF-8 cannot write (a lone surrogate becomes U+FFFD)."""
    if _STRUCTURE_CHARS.search(value):
        value = _STRUCTURE_CHARS.sub(" ", value)
    return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value


def _safe_tag(tag: Any) -> str:
    """Three ASCII characters: what ASCII lacks becomes « ? » (the directory is ASCII)."""
    text = str(tag)[:3].rjust(3, "0")
    return text if text.isascii() else "".join(c if c.isascii() else "?" for c in text)


def _truncate(value: str, max_bytes: int) -> str:
    raw = value.encode("utf-8")
    if len(raw) <= max_bytes:
        return value
    return raw[: max(0, max_bytes - 3)].decode("utf-8", "ignore") + "…"


def _one_byte(value: Any, default: str) -> str:
    """An indicator or subfield code: one printable ASCII character, or the directory lies."""
    text = str(value)[:1] if value is not None else ""
    return text if text.isascii() and text.isprintable() and text else default


def _fit_subfields(subs: list[list[str]]) -> list[list[str]]:
    """Cut the longest values until the field fits in `MAX_FIELD` bytes; when all are cut
    to nothing, drop the last subfields."""
    if 3 + sum(2 + 4 * len(v) for _, v in subs) <= MAX_FIELD:
        return subs  # fits even at four bytes a character: no need to encode
    size = 3 + sum(2 + len(v.encode("utf-8")) for _, v in subs)
    while size > MAX_FIELD and subs:
        longest = max(range(len(subs)), key=lambda k: len(subs[k][1].encode("utf-8")))
        excess = size - MAX_FIELD
        current = len(subs[longest][1].encode("utf-8"))
        if current <= 3:  # every value is down to « … » or less: too many subfields
            subs.pop()
        else:
            subs[longest][1] = _truncate(subs[longest][1], max(0, current - excess - 8))
        size = 3 + sum(2 + len(v.encode("utf-8")) for _, v in subs)
    return subs


def safe_field(stored: list[Any] | tuple[Any, ...] | Field) -> list[Any]:
    """One field as ISO 2709 can hold it: safe values, one-byte codes, within `MAX_FIELD`."""
    if isinstance(stored, Field):
        stored = stored.to_list()
    tag = _safe_tag(stored[0])
    if len(stored) == 2:
        return [tag, _truncate(_safe(str(stored[1])), MAX_FIELD - 1)]
    subs = [[_one_byte(_safe(str(c)), "?"), _safe(str(v))] for c, v in stored[3]]
    return [tag, _one_byte(stored[1], " "), _one_byte(stored[2], " "), _fit_subfields(subs)]


def encode(leader: str, fields: Iterable[list[Any] | Field]) -> bytes:
    """One record as UTF-8 ISO 2709, whatever its fields hold: values made safe, fields cut to
    9999 bytes, and the last fields dropped while the record exceeds 99999 bytes (rather than
    write a record no reader can read back). Both flavours write through here."""
    out = [safe_field(f) for f in fields]
    leader = "".join(
        c if c.isascii() and c.isprintable() else " " for c in (leader + " " * 24)[:24]
    )
    chunk = write(leader, out)
    while len(chunk) > MAX_RECORD and len(out) > 1:
        out.pop()
        chunk = write(leader, out)
    return chunk


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


_DIRECTORY_ENTRY = re.compile(rb"([0-9A-Za-z]{3})(\d{4})(\d{5})")


def _repair(chunk: bytes) -> tuple[RawRecord, list[str]] | None:
    """Re-read a record whose directory is wrong, from its field terminators.

    Only when unambiguous: the directory must yield exactly as many entries as the body has
    fields; the tags come from the directory (in the order of their start positions), the data
    from the terminators. A field whose tag is unreadable is left out and named in a warning.
    """
    if len(chunk) < LEADER_LENGTH + 2 or not chunk.endswith(RECORD_TERMINATOR):
        return None
    try:
        leader = chunk[:LEADER_LENGTH].decode("ascii")
    except UnicodeDecodeError:
        return None
    dir_end = chunk.find(FIELD_TERMINATOR, LEADER_LENGTH)
    if dir_end == -1:
        return None
    directory = chunk[LEADER_LENGTH:dir_end]
    pieces = chunk[dir_end + 1 : -1].split(FIELD_TERMINATOR)
    if pieces and pieces[-1] == b"":
        pieces.pop()
    if not pieces:
        return None
    entries: list[tuple[bytes, bytes]]
    if len(directory) == 12 * len(pieces):
        entries = [
            (directory[i : i + 3], directory[i + 7 : i + 12]) for i in range(0, len(directory), 12)
        ]
    else:
        found = _DIRECTORY_ENTRY.findall(directory)
        entries = [(tag, start) for tag, _length, start in found]
    if len(entries) != len(pieces):
        return None
    if all(start.isdigit() for _, start in entries):
        entries.sort(key=lambda e: int(e[1]))
    warnings = []
    fields: list[tuple[str, bytes]] = []
    for (tag_bytes, _), data in zip(entries, pieces, strict=True):
        tag = tag_bytes.decode("latin-1")
        if not tag.isalnum() or not tag.isascii():
            warnings.append(
                f"champ à l'étiquette invalide {tag!r} ignoré : {data[:60]!r} "
                f"(field with invalid tag {tag!r} left out)"
            )
            continue
        fields.append((tag, data))
    if not fields:
        return None
    return RawRecord(leader=leader, fields=fields, chunk=chunk), warnings


def read(
    chunk: bytes, position: int | None = None, offset: int | None = None
) -> tuple[RawRecord, list[str]]:
    """Parse one record's bytes, repairing what can be repaired; `RecordError` otherwise.

    The permissive reading every flavour uses: a directory that disagrees with the field
    terminators is re-read from them when that is unambiguous, and each repair is a warning.
    """
    chunk, lost = _restore_terminator(chunk)
    raw, warnings = _read_sound(chunk, position, offset)
    return raw, lost + warnings


def _restore_terminator(chunk: bytes) -> tuple[bytes, list[str]]:
    """A chunk as long as its leader says but for its terminator (split cut it there, the
    terminator being lost) gets it back, with a warning; any other chunk is left as it is."""
    declared = _declared_length(chunk)
    if chunk.endswith(RECORD_TERMINATOR) or declared not in (len(chunk), len(chunk) + 1):
        return chunk, []
    # overwritten: the last byte stood where the terminator should; deleted: nothing did
    body = chunk[:-1] if declared == len(chunk) else chunk
    return body + RECORD_TERMINATOR, [
        "fin de notice 0x1D manquante : notice délimitée par la longueur de son label "
        "(record terminator lost; record cut at the length its leader gives)"
    ]


def _read_sound(
    chunk: bytes, position: int | None, offset: int | None
) -> tuple[RawRecord, list[str]]:
    warnings: list[str] = []
    try:
        raw = parse(chunk, position, offset)
    except RecordError as exc:
        repaired = _repair(chunk)
        if repaired is None:
            raise
        raw, warnings = repaired
        warnings.insert(
            0,
            f"structure réparée d'après les fins de champ : {exc.reason} "
            "(structure repaired from the field terminators)",
        )
        return raw, warnings
    dir_end = chunk.find(FIELD_TERMINATOR, LEADER_LENGTH)
    body_length = len(chunk) - dir_end - 2
    if sum(len(data) + 1 for _, data in raw.fields) != body_length:
        # the directory's lengths/starts disagree with the terminators: fields would be cut
        repaired = _repair(chunk)
        if repaired is not None:
            raw, warnings = repaired
            warnings.insert(
                0,
                "répertoire incohérent, champs relus d'après les fins de champ "
                "(directory inconsistent with the field terminators; fields re-read from them)",
            )
        else:
            warnings.append(
                "répertoire incohérent avec les fins de champ "
                "(directory inconsistent with the field terminators)"
            )
    base = chunk[12:17]
    if not base.isdigit() or int(base) != dir_end + 1:
        warnings.append(
            f"adresse de base erronée {base.decode('latin-1')!r} au lieu de {dir_end + 1:05d}, "
            "corrigée (wrong base address, corrected)"
        )
    length = chunk[:5]
    if not length.isdigit() or int(length) != len(chunk):
        warnings.append(
            f"longueur de notice déclarée {length.decode('latin-1')!r}, réelle {len(chunk)} "
            "(record length in the leader is wrong)"
        )
    return raw, warnings
