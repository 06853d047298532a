"""The staff dashboard (issue 12): counts by type and source, recent changes, imports, the public
searches that found nothing in the last 30 days, additions by month."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.test_staff import add, login

COTES8 = "tests/fixtures/unimarc/medialab_cotes8.mrc"


@pytest.fixture
def staff(client, runner):
    runner.invoke(args=["import", COTES8])
    add(runner, "marie")
    login(client, "marie")
    return client


def test_the_dashboard_needs_a_login(client):
    assert client.get("/personnel/tableau-de-bord").status_code == 302


def test_counts_changes_imports_and_months(staff):
    page = staff.get("/personnel/tableau-de-bord").get_data(as_text=True)
    assert "medialab_cotes8.mrc</th><td>35</td>" in page
    assert "Livre" in page  # document types by their French labels
    month = datetime.now(UTC).strftime("%Y-%m")
    assert f"<title>{month} : 35</title>" in page
    assert "lues 35, nouvelles 35" in page
    assert page.count("· create ·") == 20  # the 20 most recent changes


def test_searches_that_found_nothing_are_listed_by_frequency(app, staff, client):
    visitor = app.test_client()
    for q in ("xylophonie urbaine", "Xylophonie Urbaine", "zzzqqq", "ville"):
        visitor.get("/recherche", query_string={"q": q})
    visitor.get("/recherche", query_string={"q": "zzzqqq", "page": 2})  # not page 1: not logged
    page = staff.get("/personnel/tableau-de-bord").get_data(as_text=True)
    section = page[page.index('id="zero"') :]
    rows = section[: section.index("</table>")]
    assert "xylophonie urbaine</a></th><td>2</td>" in rows  # one search, however it is typed
    assert "zzzqqq</a></th><td>1</td>" in rows
    assert ">ville<" not in rows  # found something


def test_searches_older_than_30_days_are_left_out(app, staff):
    folder = Path(app.config["INSTANCE"]) / "searchlog"
    folder.mkdir(parents=True, exist_ok=True)
    old = datetime.now(UTC) - timedelta(days=40)
    line = json.dumps({"at": old.isoformat(timespec="seconds"), "q": "ancienne", "f": {}})
    (folder / f"zero-{old:%Y-%m}.jsonl").write_text(line + "\n", "utf-8")
    page = staff.get("/personnel/tableau-de-bord").get_data(as_text=True)
    assert "ancienne" not in page
