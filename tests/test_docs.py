"""The README stays true: every setting, format and command is documented (Datasette's rule)."""

from __future__ import annotations

import re
from pathlib import Path

from catalogue import formats
from web import default_settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def test_every_setting_is_documented(tmp_path):
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README, re.MULTILINE))
    missing = sorted(set(default_settings(tmp_path)) - documented)
    assert not missing, f"settings missing from the README's table: {missing}"


def test_every_format_is_documented():
    table = re.findall(r"^\| `([a-z0-9]+)` \|", README, re.MULTILINE)
    missing = sorted(set(formats.FORMATS) - set(table))
    assert not missing, f"formats missing from the README's table: {missing}"


def test_the_formats_table_says_what_the_registry_reads_and_writes():
    """Each registry format has its row (name, import, export) and a one-line description."""
    rows = {
        name: (imports == "yes", exports == "yes")
        for name, imports, exports in re.findall(
            r"^\| `([a-z0-9]+)` \| (yes|no) \| (yes|no) \|", README, re.MULTILINE
        )
    }
    for name, fmt in formats.FORMATS.items():
        assert rows.get(name) == (bool(fmt.reader), bool(fmt.writer)), name
        assert fmt.description and "\n" not in fmt.description, name


def test_every_command_is_documented(app):
    missing = sorted(name for name in app.cli.commands if f"docbase {name}" not in README)
    assert not missing, f"commands missing from the README: {missing}"


def test_every_csv_column_is_documented():
    from catalogue.csvfile import COLUMNS

    documented = set(re.findall(r"^\| `([^`]+)` \|", README, re.MULTILINE))
    missing = sorted(set(COLUMNS) - documented)
    assert not missing, f"CSV columns missing from the README: {missing}"


def _shape(url: str) -> str:
    """A URL pattern with its variable parts alike: `/notice/<int:record_id>` as `/notice/<>`."""
    return re.sub(r"<[^>]*>", "<>", url.split("?", 1)[0]).rstrip("/") or "/"


def test_every_url_is_documented(app):
    """Each public GET URL (a partner pastes them once) is in the README; POST-only forms and
    static files aside."""
    documented = {_shape(u) for u in re.findall(r"`(/[^`\s]*)`", README)}
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint != "static"
    ]
    missing = sorted(rule.rule for rule in rules if _shape(rule.rule) not in documented)
    assert not missing, f"URLs missing from the README: {missing}"
