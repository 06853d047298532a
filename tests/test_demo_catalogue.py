"""The demonstration catalogue of `records/`: what `make run` shows must fit the centre.

`records/` is imported into a throwaway instance as `make run` does (`docbase import records/`),
then the public pages are read: every theme of the sample `indexer/themes.toml` leads to at least three
records, and the words visitors of a centre « Politique de la ville » type first find something.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from indexer.themes import SAMPLE, load_themes

RECORDS = Path(__file__).parent.parent / "records"
THEME_ITEM = re.compile(
    r'<li><a href="[^"]*">([^<]+)</a> <span class="count">\(([\d\s\u202f\u00a0]+)\)</span></li>'
)
QUERIES = ["laïcité", "cités éducatives", "discrimination logement", "politique de la ville"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from web import create_app

    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path_factory.mktemp("demo"))})
    result = app.test_cli_runner().invoke(args=["import", "--json", str(RECORDS)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["rejected"] == 0 and report["read"] == report["new"] > 90, report
    return app.test_client()


def _count(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_every_theme_on_the_home_page_has_three_records(demo) -> None:
    page = demo.get("/").get_data(as_text=True)
    section = page.split('id="themes-title"', 1)[1].split("</section>", 1)[0]
    shown = {html.unescape(label): _count(n) for label, n in THEME_ITEM.findall(section)}
    themes = load_themes(SAMPLE)
    assert len(themes) >= 5
    assert set(shown) == {t.label for t in themes}
    poor = {label: n for label, n in shown.items() if n < 3}
    assert not poor, f"themes with fewer than 3 records: {poor}"


@pytest.mark.parametrize("query", QUERIES)
def test_the_centres_words_find_records(demo, query: str) -> None:
    page = demo.get("/recherche", query_string={"q": query}).get_data(as_text=True)
    assert "Aucun résultat" not in page
    found = re.search(r"([\d\s\u202f\u00a0]+) résultats?", page)
    assert found and _count(found.group(1)) >= 1, query


def test_every_file_has_its_row_in_sources() -> None:
    sources = (RECORDS / "SOURCES.md").read_text("utf-8")
    files = [p.name for p in RECORDS.iterdir() if p.name not in ("SOURCES.md", "themes.toml")]
    assert files
    missing = [name for name in files if f"| {name} |" not in sources]
    assert not missing, missing
