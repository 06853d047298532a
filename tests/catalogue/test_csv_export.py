"""CSV export: a spreadsheet that the CSV importer reads back into the same records."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from catalogue import csvexport, csvfile, formats
from catalogue.record import Record
from tests.catalogue.exports import demo_records, fixture_records

# what the columns hold of a record, element by element (README: CSV import)
CARRIED = [
    "title", "other_title", "doc_type", "bib_level", "agents", "edition", "publication", "year",
    "identifiers", "series", "extent", "host", "abstract", "subjects", "keywords", "languages",
    "notes", "links", "items", "source_id",
]  # fmt: skip


def carried(record: Record, element: str) -> Any:
    """One element as a spreadsheet can hold it: names, codes and values, not authority ids."""
    r = record
    if element == "agents":  # persons with their role; bodies that are authors
        people = [(a.name, a.forename, a.role or "070") for a in r.agents if a.forename]
        # a name alone may read as a body (« Ministère de l'Education nationale » in a 700)
        named = [a for a in r.agents if a.kind == "person" and not a.forename] + bodies(r)
        return people, sorted((a.display_name, a.role or "070") for a in named)
    if element == "publication":
        date = r.publication[0].date if r.publication else ""
        return [(p.place, p.publisher) for p in r.publication], date
    if element == "identifiers":
        return sorted((i.scheme, i.value) for i in r.identifiers if i.scheme in CODES)
    if element == "series":
        return [(s.title, s.number) for s in r.series[:1]]
    if element == "host":
        h = r.host
        return (h.title, h.volume, h.number, h.pages, h.issn, h.isbn) if h else None
    if element == "subjects":  # two columns: descriptors, then places
        topics = [(s.label, s.subdivisions) for s in r.subjects if s.kind != "geographic"]
        return topics, [(s.label, s.subdivisions) for s in r.subjects if s.kind == "geographic"]
    if element == "notes":
        return "\n".join(r.notes)  # one cell: several notes come back as one, line by line
    if element == "links":
        return [u.url for u in r.links if u.kind == "resource"]
    if element == "items":
        return [(i.call_number, i.barcode, i.location, i.section) for i in r.items]
    return getattr(r, element)


CODES = {"isbn", "issn", "doi"}


def bodies(record: Record) -> list:
    """The bodies a spreadsheet names: authors, or a thesis's university."""
    if record.doc_type == "thesis":
        return [a for a in record.agents if a.kind != "person" and a.role == "295"]
    return [
        a
        for a in sorted(record.agents, key=lambda a: a.responsibility != "main")
        if a.kind != "person" and a.role in ("", "070") and a.responsibility != "secondary"
    ]


@pytest.fixture(scope="module")
def round_trip() -> list[tuple[Record, Record]]:
    records = list(demo_records())
    back = list(formats.get("csv").read(b"".join(formats.get("csv").write(records)), "x.csv"))
    assert all(isinstance(b, Record) for b in back), [b for b in back if not isinstance(b, Record)]
    assert len(back) == len(records) > 90
    return list(zip(records, back, strict=True))


@pytest.mark.parametrize("element", CARRIED)
def test_the_demo_catalogue_round_trips(round_trip, element):
    for record, again in round_trip:
        if element == "host" and record.host is None and record.doc_type in ("article", "chapter"):
            continue  # the importer gives every part a host, if empty
        if element == "source_id" and not record.source_id:
            continue  # the importer makes one from the row
        assert carried(again, element) == carried(record, element), record.source_id


def test_spreadsheet_records_come_back_whole(round_trip):
    """The demo spreadsheet's rows, exported and imported, are the same records entirely."""
    rows = [(r, b) for r, b in round_trip if r.original.format == "csv"]
    assert len(rows) == 27
    for record, again in rows:
        assert again.to_dict() | {"original": {}, "source": ""} == record.to_dict() | {
            "original": {},
            "source": "",
        }


def test_excel_reads_it_as_utf8_with_french_columns():
    data = b"".join(csvfile.write(demo_records()[:2]))
    assert data.startswith("\ufefftitre;sous-titre;auteurs;".encode())
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert header == list(csvfile.COLUMNS)
    assert data.count(b"\r\n") >= 3


def test_one_chunk_per_row_so_exports_stream():
    chunks = list(csvfile.write(demo_records()))
    assert len(chunks) == len(demo_records()) + 1
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)


def test_multi_valued_cells_are_quoted_and_joined_as_the_importer_splits():
    donzelot = next(r for r in demo_records() if r.title == "Faire société")
    cells = dict(zip(csvfile.COLUMNS, csvexport.row(donzelot), strict=True))
    assert cells["auteurs"] == "Donzelot, Jacques ; Mével, Catherine ; Wyvekens, Anne"
    assert cells["descripteurs"] == "Politique de la ville ; Politique urbaine -- États-Unis"
    line = b"".join(csvfile.write([donzelot])).decode("utf-8-sig").split("\r\n")[1]
    assert '"Donzelot, Jacques ; Mével, Catherine ; Wyvekens, Anne"' in line


def test_roles_and_fixtures_come_back():
    """Every record of the fixtures is imported back (none rejected), roles by their label."""
    records = [r for r in fixture_records() if r.title.strip()]
    back = list(csvfile.read(b"".join(csvfile.write(records)), source="x"))
    assert [b for b in back if not isinstance(b, Record)] == []
    odd = 0
    for record, again in zip(records, back, strict=True):
        assert carried(again, "title") == " ".join(record.title.split()), record.source_id
        if any("," in a.name and not a.forename for a in record.agents if a.kind == "person"):
            odd += 1  # « Garde des Sceaux, Ministre… » in a 700 $a: reads as name, forename
            continue
        roles = [a.role or "070" for a in record.agents if a.kind == "person" and a.forename]
        assert [a.role for a in again.agents if a.forename] == roles, record.source_id
    assert odd < 20


def test_the_importer_reads_what_the_exporter_writes():
    """Brackets, relator labels and codes, two languages: the importer's rules the export uses."""
    sheet = (
        "titre;auteurs;descripteurs;langue\n"
        'Revue;"Dupont, Jean (Directeur de publication) ; Durand, Paul (590)";'
        '"Urbanisme -- Lyon (Rhône ; région) ; Jeunesse";"scr, english"\n'
    ).encode()
    (record,) = csvfile.read(sheet, source="x")
    assert [(a.name, a.role) for a in record.agents] == [("Dupont", "651"), ("Durand", "590")]
    assert [(s.label, s.subdivisions) for s in record.subjects] == [
        ("Urbanisme", ["Lyon (Rhône ; région)"]),
        ("Jeunesse", []),
    ]
    assert record.languages == ["scr", "eng"]
