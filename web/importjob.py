"""Web imports run outside the web worker: one job folder each, one process per step.

`instance/imports/<job>/` holds the uploaded file, `job.json` (what to do: file, source, format,
who, the store, index and rejects paths) and `state.json` (where it stands: phase, records
processed, the preview, the report), written atomically so any worker can read it. A step runs
as `python -m web.importjob <folder> preview|import`, started detached: a 100,000-record file
blocks no worker and no request times out; the page polls `state.json`. Phases: previewing →
ready (the preview waits for « Confirmer ») → importing → done; failed or cancelled otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

RUNNING = ("previewing", "importing")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    tmp.replace(path)  # readers never see half a state


def read_state(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / "state.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def update_state(folder: Path, **changes: Any) -> dict[str, Any]:
    state = read_state(folder) or {}
    state.update(changes, updated=time.time())
    _write_json(folder / "state.json", state)
    return state


def create(root: Path, filename: str, job: dict[str, Any]) -> Path:
    """A new job folder for an upload (the caller saves the file as `job["file"]`)."""
    folder = root / uuid.uuid4().hex
    folder.mkdir(parents=True)
    job = {**job, "file": str(folder / "upload.dat"), "filename": filename}
    _write_json(folder / "job.json", job)
    update_state(folder, id=folder.name, filename=filename, phase="queued",
                 created=time.time(), processed=0, actor=job["actor"])  # fmt: skip
    return folder


def start(folder: Path, step: str) -> None:
    """Run a step in its own process, detached from the web worker."""
    update_state(folder, phase="previewing" if step == "preview" else "importing", processed=0)
    log = (folder / f"{step}.log").open("ab")
    subprocess.Popen(
        [sys.executable, "-m", "web.importjob", str(folder), step],
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()


def _progress(folder: Path) -> Any:
    count = [0]
    last = [0.0]

    def report(n: int) -> None:  # n more records processed
        count[0] += n
        if time.monotonic() - last[0] > 0.5:  # a state write at most twice a second
            last[0] = time.monotonic()
            update_state(folder, processed=count[0])

    return report


def run_preview(folder: Path, job: dict[str, Any]) -> None:
    from catalogue.preview import preview_file
    from catalogue.store import Store

    with Store(job["store"]) as store:
        preview = preview_file(
            store, Path(job["file"]), source=job["source"], fmt=job["format"],
            progress=_progress(folder),
        )  # fmt: skip
    phase = "failed" if preview.error and not preview.read else "ready"
    update_state(folder, phase=phase, processed=preview.read, preview=preview.to_dict(),
                 error=preview.error)  # fmt: skip


def run_import(folder: Path, job: dict[str, Any]) -> None:
    from catalogue.ingest import import_paths
    from catalogue.store import Store
    from indexer import build

    counted = _progress(folder)
    with Store(job["store"]) as store:
        report = import_paths(
            store, [job["file"]], rejects_dir=Path(job["rejects"]), source=job["source"],
            fmt=job["format"], actor=job["actor"], progress=counted,
        )  # fmt: skip
        build.update(store, Path(job["index"]))
    update_state(folder, phase="done", report=report.to_dict(), finished=time.time())


def main(argv: list[str]) -> int:
    folder, step = Path(argv[1]), argv[2]
    try:
        job = json.loads((folder / "job.json").read_text("utf-8"))
        (run_preview if step == "preview" else run_import)(folder, job)
    except Exception as exc:  # the page says it failed; the log keeps the details
        traceback.print_exc()
        update_state(folder, phase="failed", error=f"{type(exc).__name__}: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
