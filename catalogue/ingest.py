"""A file → its detected format → records → the store, with a report and a reject file.

A bad record never stops its file: it goes to the reject file with its position and the reason.
A file that is not bibliographic data at all is reported once and the other files go on.
Records are saved in batches, each one transaction, and matched on source + source id: killing
an import leaves whole batches only, and running it again finishes the job without duplicates.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from catalogue import formats
from catalogue.errors import CatalogueError, FormatError, RecordError
from catalogue.marc import iso2709
from catalogue.record import Record
from catalogue.store import Outcome, Prepared, Store, prepare

BATCH = 500
# ISO 2709 files this big are cut on record terminators and read by worker processes, which
# parse, map and serialise while this process only writes SQL.
PARALLEL_MIN_BYTES = 4 << 20
SLICE_BYTES = 1 << 20
SPLITTABLE = {"unimarc", "marc21"}
SKIPPED_NAMES = {"SOURCES.md", "README.md", "themes.toml"}
WARNINGS_LISTED = 50  # per file in the report; every warning stays in its record anyway


@dataclass
class FileReport:
    path: str
    format: str = ""
    source: str = ""
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    warned: int = 0  # records read with warnings
    conflicts: int = 0  # re-imported records whose local edits were kept over the source's
    conflict_list: list[dict] = field(default_factory=list)  # the first WARNINGS_LISTED
    warnings: list[dict] = field(default_factory=list)  # the first WARNINGS_LISTED of them
    error: str = ""  # the whole file could not be read

    def count(self, outcomes: Iterable[Outcome]) -> None:
        """Count what the store did with a batch."""
        for outcome in outcomes:
            if outcome.action == "new":
                self.new += 1
                self.duplicates += outcome.duplicate_of is not None
            elif outcome.action == "updated":
                self.updated += 1
            else:
                self.unchanged += 1
            if outcome.conflicts:
                self.conflicts += 1
                if len(self.conflict_list) < WARNINGS_LISTED:
                    entry = {"record_id": outcome.record_id, "fields": outcome.conflicts}
                    self.conflict_list.append(entry)

    def note(self, item: Prepared) -> None:
        """Count a record's warnings; list the first ones with their position and id."""
        if not item.warnings:
            return
        self.warned += 1
        if len(self.warnings) < WARNINGS_LISTED:
            entry = {"position": self.read, "id": item.source_id, "warnings": item.warnings}
            self.warnings.append(entry)


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    reject_file: str = ""

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def failed_files(self) -> list[FileReport]:
        return [f for f in self.files if f.error]

    def to_dict(self) -> dict:
        keys = (
            "read", "new", "updated", "unchanged", "duplicates", "rejected", "warned", "conflicts",
        )  # fmt: skip
        return {
            **{k: self.total(k) for k in keys},
            "files": [asdict(f) for f in self.files],
            "errors": [f"{f.path}: {f.error}" for f in self.failed_files],
            "reject_file": self.reject_file,
        }


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to import: each file named, and every file under each directory (sorted)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and p.name not in SKIPPED_NAMES
            )
        else:
            out.append(path)
    return out


class RejectFile:
    """JSON lines, one rejected record each: file, position, offset, reason, the raw chunk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path: Path | None = None
        self._handle = None

    def write(self, file: Path, error: RecordError) -> None:
        if self._handle is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            self.path = self.folder / f"rejets-{stamp}.jsonl"
            self._handle = self.path.open("a", encoding="utf-8")
        chunk = error.chunk
        text = chunk.decode("utf-8", "backslashreplace") if isinstance(chunk, bytes) else chunk
        line = {
            "file": str(file),
            "position": error.position,
            "offset": error.offset,
            "reason": error.reason,
            "raw": text,
        }
        self._handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


class FileIds:
    """The ids met in one file. Two different records of one file are never one record: the
    second with an id already taken is kept under that id and its occurrence rank (`123~2`),
    which stays the same at every re-import of the file. The same record twice is one record."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}  # id → fingerprint of its record
        self.ranks: dict[str, int] = {}

    def place(self, item: Prepared) -> Prepared:
        taken = self.seen.setdefault(item.source_id, item.fingerprint)
        if taken == item.fingerprint:
            return item
        first = item.source_id
        rank = self.ranks.get(first, 2)
        while f"{first}~{rank}" in self.seen:
            rank += 1
        self.ranks[first] = rank
        new_id = f"{first}~{rank}"
        record = Record.from_dict(json.loads(item.text))
        record.id, record.source_id = item.record_id, new_id
        record.original.raw = item.raw.decode("utf-8") if item.raw_format == "text" else item.raw
        record.original.warnings.append(
            f"identifiant {first} déjà porté par une autre notice du fichier : notice gardée"
            f" sous l'identifiant {new_id} (duplicate id in the file, both records kept)"
        )
        placed = prepare(record)
        self.seen[new_id] = placed.fingerprint
        return placed


def _slices(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of about SLICE_BYTES, each ending on a record terminator."""
    out = []
    start = 0
    while start < len(data):
        stop = data.find(iso2709.RECORD_TERMINATOR, start + SLICE_BYTES)
        stop = len(data) if stop == -1 else stop + 1
        out.append((start, stop))
        start = stop
    return out


def _prepare_slice(job: tuple[str, bytes, str]) -> list[Prepared | RecordError]:
    fmt, data, source = job
    out: list[Prepared | RecordError] = []
    for item in formats.get(fmt).read(data, source=source):
        if isinstance(item, RecordError):
            out.append(item)
        else:
            item.source = source
            out.append(prepare(item))
    return out


def read_items(fmt: str, data: bytes, source: str) -> Iterator[Record | Prepared | RecordError]:
    """The file's records in order; big ISO 2709 files are read by a pool of processes."""
    workers = min(os.cpu_count() or 1, 4)
    if fmt not in SPLITTABLE or len(data) < PARALLEL_MIN_BYTES or workers < 2:
        yield from formats.get(fmt).read(data, source=source)
        return
    slices = _slices(data)
    jobs = ((fmt, data[a:b], source) for a, b in slices)
    context = multiprocessing.get_context("forkserver")
    with context.Pool(workers) as pool:
        before = 0
        for (start, _stop), items in zip(slices, pool.imap(_prepare_slice, jobs), strict=True):
            for item in items:
                if isinstance(item, RecordError):
                    item.position = (item.position or 0) + before
                    item.offset = (item.offset or 0) + start
                yield item
            before += len(items)


class _Batches:
    """Prepared records saved BATCH at a time, each batch one transaction; a batch the store
    refuses is saved record by record, so that one record it refuses costs only itself."""

    def __init__(
        self,
        store: Store,
        path: Path,
        rejects: RejectFile,
        report: FileReport,
        who: str,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.store, self.path, self.rejects, self.report = store, path, rejects, report
        self.who, self.progress = who, progress
        self.items: list[Prepared] = []

    def add(self, item: Prepared) -> None:
        self.items.append(item)
        if len(self.items) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.items:
            return
        try:
            outcomes = self.store.save_many(self.items, actor=self.who)
        except (sqlite3.Error, CatalogueError, TypeError, ValueError):
            outcomes = self._one_by_one()
        self.report.count(outcomes)
        if self.progress:
            self.progress(len(self.items))
        self.items.clear()

    def _one_by_one(self) -> list[Outcome]:
        outcomes = []
        first = self.report.read - len(self.items) + 1  # the batch's first position in the file
        for position, item in enumerate(self.items, first):
            try:
                outcomes.append(self.store.save(item, actor=self.who))
            except (sqlite3.Error, CatalogueError, TypeError, ValueError) as exc:
                self.report.rejected += 1
                reason = f"enregistrement refusé (store refused the record): {exc}"
                error = RecordError(reason, position=position, chunk=item.raw or b"")
                self.rejects.write(self.path, error)
        return outcomes


def _open(path: Path, fmt: str | None, report: FileReport) -> tuple[bytes, str, str] | None:
    """The file's bytes, its format's name and its reader's; None (the report says why) when
    it cannot be read or its format is unknown."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error = f"lecture impossible (cannot read): {exc.strerror or exc}"
        return None
    try:
        name = fmt or formats.detect(data, path.name)
        reader = formats.get(name)
    except FormatError as exc:
        report.error = str(exc)
        return None
    return data, name, reader.name


def _read_into(
    batches: _Batches,
    items: Iterator[Record | Prepared | RecordError],
    rejects: RejectFile,
    progress: Callable[[int], None] | None,
) -> None:
    """Every record of the file to the batches, every reject to the reject file; a file that
    fails midway keeps what was read and says why."""
    report, path, ids = batches.report, batches.path, FileIds()
    try:
        for item in items:
            report.read += 1
            if isinstance(item, RecordError):
                report.rejected += 1
                rejects.write(path, item)
                if progress:
                    progress(1)
                continue
            if isinstance(item, Record):
                item.source = report.source
                item = prepare(item)
            item = ids.place(item)
            report.note(item)
            batches.add(item)
    except CatalogueError as exc:
        # the whole file (or the rest of it) is unreadable: keep what was read, say why
        report.error = str(exc)
    except Exception as exc:  # a reader bug must not cost the other files or the batch read
        report.error = (
            f"erreur inattendue du lecteur {report.format} (unexpected reader error): {exc!r}"
        )


def import_file(
    store: Store,
    path: Path,
    rejects: RejectFile,
    *,
    source: str | None = None,
    fmt: str | None = None,
    actor: str = "import",
    progress: Callable[[int], None] | None = None,
) -> FileReport:
    """Import one file: its records saved in batches, its rejects written, and its report."""
    report = FileReport(path=str(path))
    opened = _open(path, fmt, report)
    if opened is None:
        return report
    data, report.format, reader = opened
    report.source = source or path.name
    import_id = store.start_import(str(path), report.source, report.format, actor)
    batches = _Batches(store, path, rejects, report, f"{actor}:{import_id}", progress)
    _read_into(batches, read_items(reader, data, report.source), rejects, progress)
    try:
        batches.flush()
    except Exception as exc:  # memory or disk gone while saving the last batch: say so, go on
        report.error = report.error or f"dernier lot non enregistré (last batch not saved): {exc!r}"
    if report.read == 0 and not report.error:
        report.error = "aucune notice trouvée (no records found)"
    store.finish_import(import_id, asdict(report))
    return report


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    rejects_dir: Path,
    source: str | None = None,
    fmt: str | None = None,
    actor: str = "import",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every file of `paths` (directories recursively) and report what happened."""
    if fmt is not None:
        formats.get(fmt)  # an unknown forced format fails before anything is read
    report = ImportReport()
    rejects = RejectFile(rejects_dir)
    try:
        for path in collect_files(paths):
            if not path.exists():
                report.files.append(
                    FileReport(path=str(path), error="fichier introuvable (no such file)")
                )
                continue
            report.files.append(
                import_file(
                    store,
                    path,
                    rejects,
                    source=source,
                    fmt=fmt,
                    actor=actor,
                    progress=progress,
                )
            )
    finally:
        rejects.close()
    report.reject_file = str(rejects.path) if rejects.path else ""
    return report
