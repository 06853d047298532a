"""`docbase import` and `docbase export` on real files, as a documentalist runs them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from catalogue import formats
from catalogue.marc import iso2709
from catalogue.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
COTES8 = FIXTURES / "unimarc" / "medialab_cotes8.mrc"
PERIOUNI = FIXTURES / "unimarc" / "medialab_periouni.mrc"
BAD_RECORDS = FIXTURES / "marc21" / "pymarc_bad_records.mrc"


def run_json(runner, *args):
    result = runner.invoke(args=["import", "--json", *map(str, args)])
    return result, json.loads(result.output.strip().splitlines()[-1])


def test_import_reports_and_reimport_updates_in_place(runner, app):
    result, report = run_json(runner, COTES8)
    assert result.exit_code == 0, result.output
    assert report["read"] == report["new"] == 35
    assert report["rejected"] == 0
    result, again = run_json(runner, COTES8)
    assert again["new"] == 0 and again["unchanged"] == 35
    with Store(app.config["STORE_PATH"]) as store:
        assert store.count() == 35


def test_damaged_file_keeps_good_records_and_writes_rejects(runner, app):
    result, report = run_json(runner, BAD_RECORDS)
    assert result.exit_code == 0, result.output
    assert report["rejected"] >= 1
    assert report["new"] >= 2
    done = report["new"] + report["updated"] + report["unchanged"] + report["rejected"]
    assert done == report["read"]  # every record is accounted for
    lines = Path(report["reject_file"]).read_text("utf-8").splitlines()
    assert len(lines) == report["rejected"]
    first = json.loads(lines[0])
    assert first["file"].endswith("bad_records.mrc")
    assert first["position"] >= 1 and first["reason"]


def test_not_bibliographic_data_is_one_clear_error(runner, tmp_path):
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    result = runner.invoke(args=["import", str(junk)])
    assert result.exit_code != 0
    assert "pas une notice bibliographique" in result.output
    assert "Traceback" not in result.output


def test_a_bad_file_does_not_stop_the_others(runner, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("rien à voir\n", "utf-8")
    result, report = run_json(runner, junk, COTES8)
    assert result.exit_code == 1
    assert report["new"] == 35
    assert len(report["errors"]) == 1 and "notes.txt" in report["errors"][0]


def test_export_unimarc_is_read_back_identically(runner, app, tmp_path):
    runner.invoke(args=["import", str(COTES8)])
    out = tmp_path / "export.mrc"
    result = runner.invoke(args=["export", "--format", "unimarc", "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = [iso2709.parse(c).fields for _, _, c in iso2709.split(out.read_bytes())]
    original = [iso2709.parse(c).fields for _, _, c in iso2709.split(COTES8.read_bytes())]
    assert len(exported) == len(original) == 35
    for got, want in zip(exported, original, strict=True):
        # field 100 says UTF-8 on the way out; every other field is the same, byte for byte
        assert [f for f in got if f[0] != "100"] == [f for f in want if f[0] != "100"]


def test_export_every_format_streams_all_records(runner, tmp_path):
    runner.invoke(args=["import", str(COTES8)])
    for fmt, marker in [
        ("unimarcxml", b"<record"),
        ("marcxml", b"<record"),
        ("marc21", b"\x1d"),
        ("pmbxml", b"<notice"),
    ]:
        out = tmp_path / f"export.{fmt}"
        result = runner.invoke(args=["export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, (fmt, result.output)
        assert out.read_bytes().count(marker) == 35, fmt


def test_export_takes_the_sites_query_and_facets(runner, tmp_path):
    runner.invoke(args=["import", str(COTES8)])
    _, found = run_json_search(runner, "ville")
    assert 0 < found["total"] < 35
    out = tmp_path / "ville.xml"
    result = runner.invoke(args=["export", "--format", "marcxml", "-q", "ville", "-o", str(out)])
    assert result.exit_code == 0, result.output
    titles = [r.title for r in formats.get("marcxml").read(out.read_bytes())]
    assert len(titles) == found["total"]
    assert titles[:20] == [hit["title"] for hit in found["hits"]]  # the search's own order
    facet = next(v for v in found["facets"]["doc_type"])
    narrowed = runner.invoke(
        args=[
            "export",
            "--format",
            "marc21",
            "-q",
            "ville",
            "--facet",
            f"doc_type={facet['value']}",
        ]
    )
    assert narrowed.exit_code == 0
    assert narrowed.stdout_bytes.count(b"\x1d") == facet["count"]
    bad = runner.invoke(args=["export", "-q", "ville", "--facet", "nothing"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def run_json_search(runner, query: str):
    result = runner.invoke(args=["search", query, "--json"])
    return result, json.loads(result.output)


def test_reimport_over_a_local_edit_keeps_it_and_reports_the_conflict(runner, app, tmp_path):
    run_json(runner, COTES8)
    raws = [iso2709.parse(c) for _, _, c in iso2709.split(COTES8.read_bytes())]
    source_id = dict(raws[0].fields)["001"].decode()
    with Store(app.config["STORE_PATH"]) as store:
        record_id = store.find("medialab_cotes8.mrc", source_id)
        record = store.get(record_id)
        source_title = record.title
        record.title = "Titre corrigé par la documentaliste"
        store.save(record, actor="alice")
    # the partner base corrects that title too and sends its export again
    fields = [
        (
            tag,
            data.replace(source_title.encode(), b"Titre revu par la base")
            if tag == "200"
            else data,
        )
        for tag, data in raws[0].fields
    ]
    changed = tmp_path / "medialab_cotes8.mrc"
    changed.write_bytes(
        iso2709.write_raw(raws[0].leader, fields) + b"".join(r.chunk for r in raws[1:])
    )
    result, report = run_json(runner, changed)
    assert report["conflicts"] == 1 and report["unchanged"] == 34  # its original fields: updated
    assert report["files"][0]["conflict_list"] == [{"record_id": record_id, "fields": ["title"]}]
    text = runner.invoke(args=["import", str(changed)]).output
    assert "conflit" not in text  # reported once: the source's version is now known
    with Store(app.config["STORE_PATH"]) as store:
        assert store.get(record_id).title == "Titre corrigé par la documentaliste"
        assert [h.action for h in store.history(record_id)] == [
            "create",
            "edit",
            "update",
            "conflict",
        ]


def _big_file(tmp_path: Path, copies: int) -> Path:
    """Periouni repeated with fresh ids: long enough to be killed in the middle."""
    records = [iso2709.parse(c) for _, _, c in iso2709.split(PERIOUNI.read_bytes())]
    out = bytearray()
    for n in range(copies):
        for i, raw in enumerate(records):
            out += _rewrite(raw, f"K{n}-{i}")
    path = tmp_path / "big.mrc"
    path.write_bytes(bytes(out))
    return path


def _rewrite(raw: iso2709.RawRecord, new_id: str) -> bytes:
    fields = [("001", new_id.encode())] + [(t, d) for t, d in raw.fields if t != "001"]
    return iso2709.write_raw(raw.leader, fields)


def test_killed_import_leaves_a_consistent_store_and_rerun_finishes(tmp_path):
    big = _big_file(tmp_path, copies=5)
    expected = 5 * 3064
    env = {**os.environ, "DOCBASE_INSTANCE": str(tmp_path / "instance")}
    command = [sys.executable, "-m", "web.cli", "import", "--json", str(big)]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE)
    db_path = tmp_path / "instance" / "docbase.sqlite3"
    deadline = time.monotonic() + 120
    count = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                with sqlite3.connect(db_path, timeout=5) as db:
                    count = db.execute("SELECT count(*) FROM records").fetchone()[0]
            except sqlite3.OperationalError:
                count = 0
            if count >= 1000:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed: use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        records = db.execute("SELECT count(*) FROM records").fetchone()[0]
        created = db.execute("SELECT count(*) FROM history WHERE action='create'").fetchone()[0]
    assert 0 < records < expected
    assert records == created  # each record came with its history entry, or not at all

    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert report["new"] == expected - records
    assert report["unchanged"] == records
    with Store(db_path) as store:
        assert store.count() == expected
        ids = store.db.execute("SELECT count(DISTINCT source_id) FROM records").fetchone()[0]
        assert ids == expected


def test_damaged_and_non_marc_oai_files_get_one_clear_error_each(runner):
    """The corpus's broken OAI-PMH responses; the oai_dc one beside them is imported."""
    folder = FIXTURES / "oai"
    names = [
        "pyoai_fake3__00001.xml",  # mismatched tag
        "pyoai_fake4__00001.xml",  # undefined entity
        "sickle_ListRecordsBroken.xml",  # not XML
    ]
    good = folder / "traject_sample-oai-pmh.xml"  # ten oai_dc records
    result, report = run_json(runner, *(folder / n for n in names), good, COTES8)
    assert result.exit_code == 1
    assert report["new"] == 35 + 10  # the good files beside them are imported all the same
    errors = {Path(e.split(": ", 1)[0]).name: e for e in report["errors"]}
    assert sorted(errors) == sorted(names)
    assert "XML mal formé" in errors["pyoai_fake3__00001.xml"]
    assert "XML mal formé" in errors["pyoai_fake4__00001.xml"]  # an undefined entity
    assert all("Traceback" not in e for e in errors.values())


def _session(sid: int) -> dict[int, str]:
    """Live processes of a session (pid → command line), zombies left out."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            cmdline = cmdline.decode("utf-8", "replace")  # any process: a Latin-1 argv too
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            found[int(entry.name)] = cmdline
    return found


def test_import_killed_in_its_index_phase_leaves_no_process(tmp_path):
    """Issue 11: kill -9 of an import while its Whoosh writers run left them alive (with the
    forkserver and the resource tracker, whose pipes they held), ~230 MB, for good. The import
    of 6,128 real records builds the index with two writer processes; once they run, the import
    is killed, and within a bounded wait nothing of its session is left."""
    big = _big_file(tmp_path, copies=2)
    env = {**os.environ, "DOCBASE_INSTANCE": str(tmp_path / "instance")}
    command = [sys.executable, "-m", "web.cli", "import", "--json", str(big)]
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True
    )
    index_dir = tmp_path / "instance" / "index"
    try:
        deadline = time.monotonic() + 240
        writers: list[int] = []
        while time.monotonic() < deadline and proc.poll() is None and len(writers) < 2:
            if any(index_dir.glob("gen-*")):
                main = _session(proc.pid).get(proc.pid, "")
                writers = [
                    p for p, cmd in _session(proc.pid).items() if p != proc.pid and cmd == main
                ]
            time.sleep(0.05)
        assert proc.poll() is None and len(writers) >= 2, "the index phase was not reached"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while _session(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _session(proc.pid) == {}
        killed = list(index_dir.glob("gen-*"))
        assert killed  # the half-built generation of the killed rebuild
        # the next build removes it and leaves one whole generation
        done = subprocess.run(
            [sys.executable, "-m", "web.cli", "index", "--json"],
            env=env, cwd=ROOT, capture_output=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()
        assert json.loads(done.stdout)["indexed"] == 2 * 3064
        assert not any(path.exists() for path in killed)
        assert len(list(index_dir.glob("gen-*"))) == 1 and (index_dir / "current").is_symlink()
    finally:
        for pid in _session(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_search_from_a_latin1_terminal(tmp_path):
    """Issue 11: `docbase search $'soci\\xe9t\\xe9'` (Latin-1 bytes in argv, which Python
    decodes with surrogateescape) failed instead of searching; it now finds what « société »
    typed in UTF-8 finds, in the titles of the real cotes8 records."""
    env = {**os.environ, "DOCBASE_INSTANCE": str(tmp_path / "instance"), "LC_ALL": "C.UTF-8"}
    base = [sys.executable, "-m", "web.cli"]
    subprocess.run([*base, "import", str(COTES8)], env=env, cwd=ROOT, check=True, timeout=300)

    def search(*args: bytes) -> dict:
        done = subprocess.run(
            [*base, "search", "--json", *args], env=env, cwd=ROOT, capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return json.loads(done.stdout)

    utf8 = search("société".encode())
    latin1 = search("société".encode("latin-1"))
    assert utf8["total"] >= 1
    assert latin1["query"] == "société"
    assert [h["id"] for h in latin1["hits"]] == [h["id"] for h in utf8["hits"]]
    assert search("soci\xe9t\xe9".encode("latin-1"), b"--facet", b"doc_type=book")["total"]
