"""bench/README.md holds one section per benchmark script, between its own markers; a script
rewrites only its section (or appends it), never the others'."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def markers(script: str) -> tuple[str, str]:
    return f"<!-- bench/{script}: begin -->", f"<!-- bench/{script}: end -->"


def write_section(readme: Path, text: str, script: str) -> None:
    """Replace (or append) the section of `script` (e.g. "export.py") in `readme`."""
    begin, end_mark = markers(script)
    current = readme.read_text("utf-8") if readme.exists() else "# Benchmarks\n"
    block = f"{begin}\n{text.rstrip()}\n{end_mark}\n"
    start, end = current.find(begin), current.find(end_mark)
    if start >= 0 and end > start:
        current = current[:start] + block + current[end + len(end_mark) :].lstrip("\n")
    else:
        current = current.rstrip("\n") + "\n\n" + block
    readme.write_text(current, "utf-8")
