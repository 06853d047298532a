"""A MARC field, as pymarc has one: tag, indicators and subfields, or a control field's value.

The store keeps fields in their JSON shape, `[tag, value]` for a control field and
`[tag, ind1, ind2, [[code, value], …]]` for a data field (see `record.Original.marc`); `Field`
is what the maps read, converted at that boundary by `Field.of` and `Field.to_list`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple


class Field(NamedTuple):
    tag: str
    indicators: tuple[str, str] = (" ", " ")
    subfields: tuple[tuple[str, str], ...] = ()
    value: str | None = None  # a control field's data (00X); None for a data field

    @classmethod
    def of(cls, stored: list[Any] | tuple[Any, ...] | Field) -> Field:
        """A field from the store's list shape (or a `Field`, returned as it is)."""
        if isinstance(stored, Field):
            return stored
        if len(stored) == 2:
            return cls(str(stored[0]), value=str(stored[1]))
        tag, ind1, ind2, subs = stored
        return cls(str(tag), (ind1, ind2), tuple((c, v) for c, v in subs))

    @classmethod
    def data(cls, tag: str, ind1: str, ind2: str, subs: Iterable[tuple[str, str]]) -> Field:
        return cls(tag, (ind1, ind2), tuple(subs))

    @property
    def is_control(self) -> bool:
        return self.value is not None

    def get(self, code: str, default: str = "") -> str:
        """The first value of subfield `code` (`default` when there is none)."""
        for c, v in self.subfields:
            if c == code:
                return v
        return default

    def values(self, *codes: str) -> list[str]:
        """Every value of the subfields whose code is one of `codes`, in field order."""
        return [v for c, v in self.subfields if c in codes]

    def to_list(self) -> list[Any]:
        """The store's list shape."""
        if self.value is not None:
            return [self.tag, self.value]
        return [self.tag, *self.indicators, [[c, v] for c, v in self.subfields]]


def fields_of(stored: Iterable[list[Any] | tuple[Any, ...]]) -> list[Field]:
    """The store's field lists as `Field`s, leaving out what is neither shape."""
    return [Field.of(f) for f in stored if isinstance(f, list | tuple) and len(f) in (2, 4)]
