"""The typed exceptions of the catalogue: a rejected record carries where it was and why."""

from __future__ import annotations


class CatalogueError(Exception):
    """Base of every error the catalogue raises on purpose."""


class FormatError(CatalogueError):
    """A whole file is not bibliographic data in any known (or the forced) format."""


class RecordError(CatalogueError):
    """One record cannot be read; the rest of its file can.

    `position` is the record's 1-based rank in its file, `offset` its byte (or line) offset, and
    `chunk` the raw bytes or text of the bad record, kept for the reject file.
    """

    def __init__(
        self,
        reason: str,
        *,
        position: int | None = None,
        offset: int | None = None,
        chunk: bytes | str = b"",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position
        self.offset = offset
        self.chunk = chunk

    def __reduce__(self):  # keep position, offset and chunk across processes (parallel import)
        return (_record_error, (self.reason, self.position, self.offset, self.chunk))

    def __str__(self) -> str:
        where = []
        if self.position is not None:
            where.append(f"record {self.position}")
        if self.offset is not None:
            where.append(f"offset {self.offset}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


def _record_error(
    reason: str, position: int | None, offset: int | None, chunk: bytes | str
) -> RecordError:
    return RecordError(reason, position=position, offset=offset, chunk=chunk)


class UnsafeXMLError(FormatError):
    """XML with a DTD, entities or external references: refused, never resolved."""


class MalformedXMLError(FormatError):
    """XML that does not parse as a whole (its well-formed records may still be read)."""


class StoreError(CatalogueError):
    """The store refused an operation (unknown record, nothing to undo…)."""


class EditConflict(StoreError):
    """Someone saved the record since this edit began: the edit is refused, never merged.

    `current` is the record as it now stands (to show the difference), `version` its version.
    """

    def __init__(self, record_id: int, current: object, version: str) -> None:
        super().__init__(
            f"notice {record_id} modifiée entre-temps par quelqu'un d'autre "
            "(changed by someone else since you opened it)"
        )
        self.record_id = record_id
        self.current = current
        self.version = version
