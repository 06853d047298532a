"""One index per session, built from the real fixtures through the import pipeline.

Real records: medialab cotes8 (monographs with call numbers), periouni (French serials with
descriptors and subdivisions) and traject's MARC21 sample. The few analysis cases the corpus lacks
(a ligature, a decomposed accent, a hyphenated place, an ISBN, hostile HTML) are added as records
written here, saved through the same store.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue.ingest import import_paths
from catalogue.record import Agent, CustomField, Identifier, Item, Link, Record, Subject
from catalogue.store import Store
from indexer import build
from indexer.search import Searcher
from indexer.themes import SAMPLE

FIXTURE_FILES = [
    "unimarc/medialab_cotes8.mrc",
    "unimarc/medialab_periouni.mrc",
    "marc21/test_data.utf8.mrc",
]


def written_records() -> list[Record]:
    """Cases the real files lack; each says which analysis rule it exercises."""
    return [
        Record(
            source="tests-indexer",
            source_id="demarches",
            title="Démarches qualité dans les quartiers de Saint-Omer",
            year=2016,
            languages=["fre"],
            agents=[
                Agent(name="Durand", forename="Claire"),
                Agent(name="Benali", forename="Karim", responsibility="other"),
                Agent(name="Lefèvre", forename="Anne", responsibility="secondary"),
            ],
            subjects=[
                Subject(label="Politique de la ville"),
                Subject(label="Discrimination", subdivisions=["Emploi"]),
                Subject(label="Education"),
            ],
            keywords=["égalité des chances", "QPV"],
            abstract="Les discriminations à l'école aujourd’hui : <b>état</b> des lieux & pistes.",
            items=[Item(call_number="307.76 DUR")],
            custom=[CustomField(name="axe", value="transitions")],
        ),
        Record(
            source="tests-indexer",
            source_id="oeuvres",
            title="Œuvres complètes",
            year=1998,
            languages=["fre"],
            agents=[Agent(name="Sand", forename="George")],
            identifiers=[Identifier(scheme="isbn", value="2-7071-4185-7")],
            links=[Link(url="https://example.org/oeuvres")],
        ),
        Record(
            source="tests-indexer",
            source_id="phenix",
            title=unicodedata.normalize("NFD", "Le Phénix des écoles"),
            year=2021,
            languages=["fre"],
            subjects=[Subject(label="Ecole")],
        ),
    ]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, fixtures: Path) -> Iterator[dict]:
    paths = [fixtures / name for name in FIXTURE_FILES]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"fixtures missing: {missing}"
    folder = tmp_path_factory.mktemp("indexer")
    store = Store(folder / "docbase.sqlite3")
    report = import_paths(store, paths, rejects_dir=folder / "rejects")
    assert report.total("new") > 3000, report.to_dict()
    for record in written_records():
        store.save(record)
    stats = build.update(store, folder / "index")
    assert stats["indexed"] == store.count()
    yield {"store": store, "index_dir": folder / "index", "folder": folder}
    store.close()


@pytest.fixture(scope="session")
def records(corpus: dict) -> list[Record]:
    return list(corpus["store"].iter_records())


@pytest.fixture(scope="session")
def searcher(corpus: dict) -> Iterator[Searcher]:
    s = Searcher(corpus["index_dir"], themes_file=SAMPLE)
    yield s
    s.close()


@pytest.fixture(scope="session")
def by_source_id(records: list[Record]) -> dict[str, Record]:
    return {r.source_id: r for r in records if r.source == "tests-indexer"}


@pytest.fixture()
def small(tmp_path: Path, fixtures: Path):
    """A store with the 35 real monographs of cotes8, indexed."""
    path = fixtures / "unimarc" / "medialab_cotes8.mrc"
    store = Store(tmp_path / "docbase.sqlite3")
    import_paths(store, [path], rejects_dir=tmp_path / "rejects")
    build.update(store, tmp_path / "index")
    yield store, tmp_path / "index"
    store.close()
