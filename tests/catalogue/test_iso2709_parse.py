"""parse() on records built byte by byte: the exact reason of each refusal (an import report
shows it), a field without its terminator cut at its stated length, fields that overlap."""

from __future__ import annotations

import pytest

from catalogue.errors import RecordError
from catalogue.marc import iso2709

LEADER_TAIL = b"nam  22"  # leader/05-11; the base address and the rest come after


def record(entries: list[bytes], body: bytes, leader: bytes | None = None) -> bytes:
    """A record from raw directory entries and body bytes; the leader's numbers computed."""
    directory = b"".join(entries) + b"\x1e"
    base = 24 + len(directory)
    length = base + len(body) + 1
    head = leader or b"%05d" % length + LEADER_TAIL + b"%05d" % base + b"   4500"
    return head + directory + body + b"\x1d"


def reason(chunk: bytes) -> str:
    with pytest.raises(RecordError) as refused:
        iso2709.parse(chunk, position=3, offset=120)
    assert (refused.value.position, refused.value.offset, refused.value.chunk) == (3, 120, chunk)
    return refused.value.reason


def test_each_refusal_says_why():
    sound = record([b"001000600000"], b"id 42\x1e")
    assert iso2709.parse(sound).fields == [("001", b"id 42")]
    assert reason(b"00026nam  2200025   450\x1e\x1d"[:25]) == (
        "notice trop courte (25 octets) (record too short)"
    )
    assert reason(sound[:-1] + b" ") == (
        "notice tronquée : pas de fin de notice (truncated record: no record terminator 0x1D)"
    )
    assert reason(b"\xe900" + sound[3:]) == "label de notice non ASCII (leader is not ASCII)"
    assert reason(sound.replace(b"\x1e", b" ")) == (
        "répertoire sans fin de répertoire (no directory terminator)"
    )


def test_a_field_starting_past_the_record_terminator_is_refused_at_it_read_empty():
    # body "id 42\x1e" is 6 bytes: start 6 is the record terminator itself, 7 is past it
    at_end = record([b"001000600000", b"245000100006"], b"id 42\x1e")
    assert iso2709.parse(at_end).fields == [("001", b"id 42"), ("245", b"")]
    past = record([b"001000600000", b"245000100007"], b"id 42\x1e")
    assert reason(past) == (
        "le champ 245 commence au-delà de la fin de la notice "
        "(field starts beyond the end of the record)"
    )


def test_a_last_field_without_terminator_is_cut_at_its_stated_length():
    # 245 says 7 bytes but its terminator is lost and 20 bytes follow: the 7 are kept
    chunk = record([b"001000600000", b"245000700006"], b"id 42\x1e10\x1faTitre et suite lue")
    assert iso2709.parse(chunk).fields == [("001", b"id 42"), ("245", b"10\x1faTit")]
    # a length of 1,050 bytes keeps its thousands digit: 1,050 of the 1,109 bytes are kept
    long = record([b"001000600000", b"245105000006"], b"id 42\x1e10\x1faTitre" + b"x" * 1100)
    assert iso2709.parse(long).fields[1] == ("245", b"10\x1faTitre" + b"x" * 1041)


def test_fields_overlapping_up_to_the_record_length_are_read_past_it_refused():
    # four entries on one 25-byte field: 4 × 25 = 100 bytes, the record's own length
    field = b"10\x1fa" + b"x" * 21
    chunk = record([b"245002600000"] * 4, field + b"\x1e")
    assert len(chunk) == 100
    assert iso2709.parse(chunk).fields == [("245", field)] * 4
    five = record([b"245002600000"] * 5, field + b"\x1e")  # 125 bytes read from 112
    assert reason(five) == (
        "répertoire invalide : des champs se chevauchent, leur longueur totale dépasse "
        "celle de la notice (112 octets) (directory fields overlap)"
    )
