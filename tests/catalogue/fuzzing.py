"""What the readers' property tests share: the settings, byte mutations, and the one rule —
every outcome is a Record or a clean rejection, never an unexpected error."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from catalogue.errors import FormatError, RecordError
from catalogue.record import Record

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# (where, byte, insert?) edits of a real file
MUTATIONS = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 255), st.booleans()), max_size=20
)


def mutate(data: bytes, mutations: list[tuple[int, int, bool]]) -> bytes:
    out = bytearray(data)
    for where, byte, insert in mutations:
        where %= len(out) + 1
        if insert:
            out[where:where] = bytes([byte])
        elif where < len(out):
            del out[where]
    return bytes(out)


def assert_outcomes_are_typed(read: Callable[[bytes], Iterator], data: bytes) -> None:
    """A whole-file FormatError, or Records and RecordErrors none of which hides a bug."""
    try:
        outcomes = list(read(data))
    except FormatError:
        return
    for outcome in outcomes:
        assert isinstance(outcome, Record | RecordError)
        if isinstance(outcome, RecordError):
            assert not outcome.reason.startswith("erreur inattendue"), outcome.reason
