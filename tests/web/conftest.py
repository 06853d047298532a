"""A throwaway instance for the web tests: real records imported, plus a few written here.

Built once per session (import + index take a few seconds); each test gets a fresh client, so
sessions (basket, language) never leak from one test to another.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue.ingest import import_paths
from catalogue.record import (
    Agent,
    Host,
    Identifier,
    Item,
    Link,
    Publication,
    Record,
    Series,
    Subject,
)
from catalogue.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures"
# Real records, copied into tests/fixtures/ with their SOURCES.md rows.
CORPUS_FILES = [
    FIXTURES / "unimarc" / "medialab_cotes8.mrc",
    FIXTURES / "unimarc" / "medialab_periouni.mrc",
    FIXTURES / "marc21" / "test_data.utf8.mrc",
    FIXTURES / "xml" / "abes_sudoc_252383524.xml",  # a thesis: two identical 330, 607 $z
    FIXTURES / "bibtex" / "input__a_complete_article.bib",  # an article, two authors
]

HOSTILE_TITLE = '<script>alert("titre")</script> Ségrégation & "ghettos" urbains'
HOSTILE_ABSTRACT = "<img src=x onerror=alert(1)> Résumé {{ 7*7 }} </textarea><b>gras</b>"


def local_records() -> list[Record]:
    """Records the corpus lacks: an article in a periodical issue, links, holdings, hostile text."""
    return [_article(), _book(), _hostile(), *_yearly_reports()]


def _article() -> Record:
    return Record(
        source="tests-web",
        source_id="article-1",
        doc_type="article",
        bib_level="a",
        title="Les quartiers prioritaires face à la rénovation urbaine",
        agents=[
            Agent("Dupont", "Marie", role="070"),
            Agent("Nguyen", "Paul", role="730", responsibility="secondary"),
        ],
        year=2019,
        languages=["fre"],
        abstract="Une étude de la rénovation urbaine dans les quartiers prioritaires.",
        subjects=[
            Subject("Politique de la ville", subdivisions=["Rénovation urbaine"]),
            Subject("Logement social"),
        ],
        keywords=["ANRU", "mixité sociale"],
        host=Host(
            title="Revue urbanisme",
            issn="1234-5679",
            number="n° 412",
            date="mars 2019",
            date_iso="2019-03-01",
            pages="p. 12-18",
        ),
        links=[Link("https://example.org/article.pdf", "Texte intégral", "application/pdf")],
    )


def _book() -> Record:
    return Record(
        source="tests-web",
        source_id="book-1",
        doc_type="book",
        title="Discriminations à l'école",
        other_title="enquête dans les collèges",
        agents=[Agent("Martin", "Claire", role="070"), Agent("Bernard", "Luc", role="340")],
        publication=[Publication("Paris", "La Découverte", "2015")],
        year=2015,
        extent="250 p.",
        dimensions="22 cm",
        series=[Series("Repères", "654")],
        languages=["fre"],
        identifiers=[Identifier("isbn", "978-2-7071-8600-0")],
        abstract="Les discriminations scolaires et l'éducation prioritaire.",
        subjects=[Subject("Discrimination"), Subject("Éducation prioritaire")],
        items=[
            Item(call_number="370 MAR", location="Salle de lecture", section="Éducation"),
            Item(call_number="370 MAR ex.2", location="Réserve", status="Exclu du prêt"),
        ],
    )


def _hostile() -> Record:
    return Record(
        source="tests-web",
        source_id="hostile-1",
        doc_type="report",
        title=HOSTILE_TITLE,
        agents=[Agent("<b>Mallory</b>", "Eve", role="070")],
        year=2021,
        languages=["fre"],
        abstract=HOSTILE_ABSTRACT,
        subjects=[Subject("<i>Ségrégation</i>")],
        links=[Link("javascript:alert(document.cookie)", "Lien piégé")],
    )


def _yearly_reports() -> list[Record]:
    records = []
    for year in range(2000, 2024):
        records.append(
            Record(
                source="tests-web",
                source_id=f"report-{year}",
                doc_type="report" if year % 2 else "thesis",
                title=f"Rapport annuel de l'observatoire des quartiers {year}",
                agents=[
                    Agent("Observatoire national de la politique de la ville", kind="corporate")
                ],
                publication=[Publication("Saint-Denis", "ONPV", str(year))],
                year=year,
                languages=["fre"] if year % 3 else ["eng"],
                subjects=[Subject("Politique de la ville"), Subject("Statistiques")],
                links=[Link(f"https://example.org/onpv-{year}.pdf")] if year % 4 == 0 else [],
            )
        )
    return records


def build_instance(root: Path) -> Path:
    """Import the corpus and the local records into a store under `root`, then index it."""
    from indexer import build

    store = Store(root / "docbase.sqlite3")
    try:
        present = [p for p in CORPUS_FILES if p.exists()]
        if present:
            import_paths(store, present, rejects_dir=root / "rejects")
        store.save_many(local_records(), actor="tests")
        build.update(store, root / "index")
    finally:
        store.close()
    return root


@pytest.fixture(scope="session")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_instance(tmp_path_factory.mktemp("web-instance"))


@pytest.fixture(scope="session")
def app(instance: Path):
    from web import create_app

    app = create_app({"INSTANCE": str(instance), "TESTING": True, "SECRET_KEY": "tests"})
    yield app
    from web.searching import close_searcher

    close_searcher(app)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def record_ids(instance: Path) -> dict[str, int]:
    """Local ids of the records written above, by source id."""
    store = Store(instance / "docbase.sqlite3")
    try:
        return {r.source_id: store.find("tests-web", r.source_id) for r in local_records()}  # type: ignore[misc]
    finally:
        store.close()


def csrf(client) -> str:
    """A CSRF token installed in the client's session (what a rendered form would carry)."""
    with client.session_transaction() as session:
        session.setdefault("csrf", "test-token")
        return session["csrf"]


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture()
def token(client) -> Iterator[str]:
    yield csrf(client)


# -- the browser, shared by every browser test module (one Playwright per session) -------------
CHROMIUM = Path(os.environ.get("DOCBASE_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).parents[2] / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(what: str) -> None:
    """Fail under CI (a missing tool must not pass silently), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        _missing(f"Chromium introuvable à {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("le paquet Python playwright n'est pas installé")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        _missing(f"axe-core introuvable ({AXE}) : lancez `npm ci`")
    return AXE.read_text("utf-8")
