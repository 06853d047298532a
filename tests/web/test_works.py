"""One hit per work on the public pages: « Equal housing lender », imported from four files,
is one hit naming its four bases, and its record page lists the other three copies."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"
FILES = [
    FIXTURES / "marc21" / "solrmarc_specTestRecs.mrc",
    FIXTURES / "xml" / "solrmarc_specTestRecs.xml",
    FIXTURES / "xml" / "solrmarc_specTestRecs_no_Prolog.xml",
    FIXTURES / "xml" / "solrmarc_specTestRecs_withBOM.xml",
]
HIT = re.compile(r'<h3 id="hit-(\d+)"><a href="[^"]*">([^<]*)</a></h3>')


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from web import create_app

    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path_factory.mktemp("works"))})
    result = app.test_cli_runner().invoke(args=["import", *map(str, FILES)])
    assert result.exit_code == 0, result.output
    return app.test_client()


def test_results_show_a_work_once_with_its_bases(client) -> None:
    page = client.get("/recherche?q=discrimination").get_data(as_text=True)
    hits = [(int(i), html.unescape(t)) for i, t in HIT.findall(page)]
    assert [t for _, t in hits] == ["Equal housing lender"]
    bases = re.search(r'<p class="sources">([^<]*)</p>', page)
    assert bases, page
    stems = [f.stem.replace("_", " ") for f in FILES]
    labels = [s[:1].upper() + s[1:] for s in stems]  # as web.i18n.source_label names them
    assert html.unescape(bases.group(1)) == "Dans 4 bases : " + ", ".join(labels)
    record = client.get(f"/notice/{hits[0][0]}").get_data(as_text=True)
    copies = record.split('id="dups-title"', 1)[1].split("</section>", 1)[0]
    assert [html.unescape(s) for s in re.findall(r"\(([^)]*)\)</li>", copies)] == labels[1:]
