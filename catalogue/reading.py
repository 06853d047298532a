"""The reading frame every reader goes through: a format supplies how to split its file into
chunks and how to map one chunk; the frame does the rest, once for all formats.

- salvage: a chunk whose mapping raises costs that record, not its file — it becomes a
  `RecordError` with its position, offset and raw text (hostile XML still stops the file);
- stamping: source, `original.format`, the file's charset, the raw text, and the warnings the
  splitting found (said before the mapping's own; the file's warnings on the first record only);
- duplicate ids within a file (RIS, BibTeX, CSV): two records with one id are both kept, the
  later one's id completed by its text's hash, with a warning.

`Fields` is the mapping side's helper for tagged formats: the record's (name, value) pairs,
consumed as they are mapped, the rest kept as custom fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from catalogue.errors import RecordError, UnsafeXMLError
from catalogue.record import CustomField, Record
from catalogue.text import fingerprint

T = TypeVar("T")


@dataclass
class Chunk:
    """One record as its format split it out of the file.

    `position` is its 1-based rank, `offset` its line or byte offset, `raw` its text or bytes
    (kept as `Original.raw` and in a reject), `warnings` what the splitting or the decoding
    noticed in it, `data` whatever the format's mapping reads (an element, cells, an entry).
    """

    position: int
    offset: int | None
    raw: bytes | str
    warnings: list[str] = field(default_factory=list)
    data: Any = None


MapChunk = Callable[[Chunk], Record]


def read_records(
    chunks: Iterable[Chunk | RecordError],
    map_chunk: MapChunk,
    *,
    source: str,
    format: str | None = None,
    charset: str | None = None,
    what: str = "la notice",
    unique_ids: bool = False,
    file_warnings: Sequence[str] = (),
) -> Iterator[Record | RecordError]:
    """Each chunk mapped to a Record, or a RecordError for a chunk that cannot be.

    A `RecordError` among the chunks (the splitter rejected it) passes through as is. `format`
    and `charset`, when None, are the mapping's to set (MARCXML has two formats, an ISO 2709
    record its own charset). `what` names the record in messages ("la ligne", "l'entrée");
    `unique_ids` keeps records with one id apart; `file_warnings` go on the first record read.
    """
    seen: set[str] | None = set() if unique_ids else None
    pending = list(file_warnings)
    for chunk in chunks:
        if isinstance(chunk, RecordError):
            yield chunk
            continue
        record = salvage(
            lambda c=chunk: map_chunk(c),
            position=chunk.position,
            offset=chunk.offset,
            chunk=chunk.raw,
            what=what,
        )
        if isinstance(record, RecordError):
            yield record
            continue
        if seen is not None:
            unique_source_id(record, seen, chunk.raw, what)
        _stamp(record, chunk, source, format, charset, pending)
        pending = []
        yield record


def _stamp(
    record: Record,
    chunk: Chunk,
    source: str,
    format: str | None,
    charset: str | None,
    file_warnings: list[str],
) -> None:
    original = record.original
    record.source = source
    if format is not None:
        original.format = format
    if charset is not None:
        original.charset = charset
    original.raw = chunk.raw
    original.warnings[:0] = file_warnings + chunk.warnings


def salvage(
    read_one: Callable[[], T],
    *,
    position: int | None,
    offset: int | None,
    chunk: bytes | str,
    what: str = "la notice",
) -> T | RecordError:
    """Read one record so that whatever goes wrong with it costs that record, not its file.

    Its own `RecordError` is returned as is; any other exception (a mapping bug) becomes one,
    with the record's place and raw text. Hostile XML is the file's fault: it goes through.
    """
    try:
        return read_one()
    except RecordError as exc:
        return exc
    except UnsafeXMLError:
        raise
    except Exception as exc:
        return RecordError(
            f"erreur inattendue en lisant {what} (unexpected error): {exc!r}",
            position=position,
            offset=offset,
            chunk=chunk,
        )


def unique_source_id(record: Record, seen: set[str], raw: bytes | str, what: str) -> None:
    """Keep two records of one file that claim the same id apart, both of them: the later one
    gets its text's hash after the id, and a warning. `what` names the record for the warning
    ("la ligne", "la notice", "l'entrée"); `seen` holds the ids given so far."""
    if record.source_id in seen:
        record.original.warnings.append(
            f"identifiant « {record.source_id} » en double dans le fichier, complété par "
            f"l'empreinte de {what} (duplicate id in the file, made unique with a hash)"
        )
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        record.source_id = f"{record.source_id}:{fingerprint(text)[:12]}"
    seen.add(record.source_id)


class Fields:
    """The (name, value) pairs of one record, consumed as they are mapped.

    Whatever no rule consumed ends up in `Record.custom` (`leftovers`), so nothing of the
    record is dropped from the model silently. Blank values count as absent.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = list(pairs)
        self.used: set[int] = set()
        self.at: dict[str, list[int]] = {}  # name → indices of its pairs, for quick lookups
        for index, (name, _) in enumerate(self.pairs):
            self.at.setdefault(name, []).append(index)

    def all(self, *names: str) -> list[str]:
        """Every non-blank value of `names`, in the record's order; marks them used."""
        out = []
        for index, (name, value) in enumerate(self.pairs):
            if name in names and value.strip():
                self.used.add(index)
                out.append(value)
        return out

    def first(self, *names: str) -> str:
        """The first non-blank value of the first of `names` present (in the order of
        `names`); marks it used."""
        for wanted in names:
            for index in self.at.get(wanted, ()):
                value = self.pairs[index][1]
                if value.strip():
                    self.used.add(index)
                    return value
        return ""

    def has(self, name: str) -> bool:
        return any(self.pairs[i][1].strip() for i in self.at.get(name, ()))

    def mark(self, *names: str) -> None:
        """Count `names` as mapped, whether or not a rule read them."""
        self.used.update(i for name in names for i in self.at.get(name, ()))

    def release(self, *names: str) -> None:
        """Give `names` back to the leftovers: read, but kept as custom fields as well."""
        self.used.difference_update(i for name in names for i in self.at.get(name, ()))

    def leftovers(
        self,
        labels: Mapping[str, str] | None = None,
        convert: Callable[[str, str], str] | None = None,
    ) -> list[CustomField]:
        """The unused pairs as custom fields, labelled from `labels`, values through `convert`."""
        labels = labels or {}
        return [
            CustomField(
                name=name,
                value=convert(name, value) if convert else value,
                label=labels.get(name, ""),
            )
            for index, (name, value) in enumerate(self.pairs)
            if index not in self.used and value.strip()
        ]
