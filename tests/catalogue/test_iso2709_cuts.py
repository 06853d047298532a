"""Where a damaged record ends, on bytes built by hand: the layouts of lost terminators that no
real file of the corpus has (tests/catalogue/test_iso2709_recovery.py has those that one has).
The helpers are called directly, so that each layout is checked where it is decided."""

from __future__ import annotations

from catalogue.marc import iso2709

FT, RT = iso2709.FIELD_TERMINATOR, iso2709.RECORD_TERMINATOR


def leader(length: int, base: int = 49) -> bytes:
    return b"%05dnam  22%05d   4500" % (length, base)


def test_a_leader_needs_its_length_base_address_and_45() -> None:
    assert iso2709._looks_like_leader(leader(120), 0)
    assert iso2709._looks_like_leader(b"xx" + leader(120), 2)
    assert not iso2709._looks_like_leader(b"00120nam  22X0049   4500", 0)  # leader/12
    assert not iso2709._looks_like_leader(b"00120nam  2200049   4400", 0)  # leader/20
    assert not iso2709._looks_like_leader(leader(120)[:23], 0)


def test_an_unreadable_length_is_0() -> None:
    assert iso2709._declared_length(b"01499nam") == 1499
    assert iso2709._declared_length(b"0149xnam") == 0
    assert iso2709._declared_length(b"xx00755", 2) == 755


def place(pieces: dict[int, bytes], stop: int = 106) -> bytes:
    """Junk bytes with `pieces` at their positions and the record terminator at `stop`; record
    A's leader at 0 says 100 bytes, so that neither 99 nor 100 starts a leader."""
    data = bytearray(b"x" * stop + RT)
    for at, piece in {0: leader(100), **pieces}.items():
        data[at : at + len(piece)] = piece
    return bytes(data)


def test_the_next_leader_is_the_one_after_the_first_terminator_that_precedes_one() -> None:
    """Near A's declared end: a field terminator followed by junk (40), one followed by the
    next leader (60), then that record's own terminators (90, 100). The next record's length
    lies too (999): only the leader after a field terminator tells where A ends."""
    data = place({40: FT, 60: FT, 61: leader(999), 90: FT, 100: FT})
    assert iso2709._lost_terminator_cut(data, 0, 106) == 61


def test_the_next_leader_after_two_terminators_and_a_stray_byte() -> None:
    data = place({58: FT + FT + b"?", 61: leader(999), 90: FT, 100: FT})
    assert iso2709._lost_terminator_cut(data, 0, 106) == 61


def test_a_sound_record_after_two_terminators_and_a_stray_byte_ends_at_the_terminator() -> None:
    """The last resort: the leader whose own length ends exactly at the terminator."""
    data = place({58: FT + FT + b"?", 61: leader(106 - 61 + 1), 90: FT})
    assert iso2709._leader_ending_at(data, 0, 106) == 61
    assert iso2709._leader_ending_at(place({58: FT + FT + b"?", 61: leader(999)}), 0, 106) is None
