"""CSV import of documentalists' spreadsheets (tests/fixtures/csv/, written for the project)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalogue import csvfile, formats
from catalogue.errors import FormatError, RecordError
from catalogue.record import DOC_TYPES, Record
from tests.catalogue.fuzzing import FUZZ, MUTATIONS, assert_outcomes_are_typed, mutate

CSV = Path(__file__).resolve().parent.parent / "fixtures" / "csv"
CP1252 = CSV / "notices_excel_cp1252.csv"
UTF8_BOM = CSV / "notices_excel_utf8_bom.csv"


def read(data: bytes | str, encoding: str = "utf-8") -> list[Record | RecordError]:
    raw = data.encode(encoding) if isinstance(data, str) else data
    return list(csvfile.read(raw, source="notices.csv"))


def by_id(path: Path) -> dict[str, Record]:
    return {o.source_id: o for o in read(path.read_bytes()) if isinstance(o, Record)}


def test_fixtures_are_what_excel_writes():
    cp, bom = CP1252.read_bytes(), UTF8_BOM.read_bytes()
    assert b"\r\n" in cp and bom.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        cp.decode("utf-8")
    assert "Lœuillet".encode("cp1252") in cp and "€".encode("cp1252") in cp


@pytest.mark.parametrize("path", [CP1252, UTF8_BOM], ids=lambda p: p.name)
def test_both_encodings_read_the_same_spreadsheet(path):
    outcomes = read(path.read_bytes())
    kinds = ["R" if isinstance(o, Record) else "E" for o in outcomes]
    assert kinds == ["R"] * 6 + ["E"] + ["R"] * 2  # the two empty rows at the end: skipped
    bad = outcomes[6]
    assert (bad.position, bad.offset) == (7, 9)  # 7th row, 9th line: a cell above has a newline
    assert "ligne 8" in bad.reason and "titre" in bad.reason
    assert bad.chunk.startswith("PV-2021-007;Livre;;") and "titre manquant" in bad.chunk
    found = [o for o in outcomes if isinstance(o, Record)]
    assert all(r.original.format == "csv" and r.source == "notices.csv" for r in found)
    assert {r.original.charset for r in found} == {"cp1252" if path == CP1252 else "utf-8"}
    assert found[0].title == "Quartiers prioritaires : vingt ans de rénovation urbaine"
    assert found[0].agents[1].name == "Lœuillet" and found[0].agents[1].forename == "François"
    assert found[0].abstract == (
        "Cet ouvrage dresse le bilan du programme national de rénovation urbaine (PNRU).\n"
        "Il s'appuie sur douze monographies de quartiers et chiffre le coût moyen à 45 000 € "
        "par logement reconstruit."
    )
    assert found[-1].title == "Cœur de ville"


def test_book_row_field_by_field():
    book = by_id(CP1252)["PV-2021-001"]
    assert (book.doc_type, book.bib_level) == ("book", "m")
    assert book.other_title == "bilan et perspectives"
    assert [(a.name, a.forename, a.role, a.responsibility) for a in book.agents] == [
        ("Bréchet", "Aurélie", "070", "main"),
        ("Lœuillet", "François", "070", "other"),
    ]
    pub = book.publication[0]
    assert (pub.place, pub.publisher, pub.date, book.year) == (
        "Lyon",
        "Éditions du Faubourg",
        "2021",
        2021,
    )
    assert book.isbns == ["979-10-90000-01-8"] and book.extent == "245 p."
    assert [(s.title, s.number) for s in book.series] == [("Territoires en question", "12")]
    assert [(s.label, s.kind) for s in book.subjects] == [
        ("Rénovation urbaine", "topic"),
        ("Mixité sociale", "topic"),
        ("Logement social", "topic"),
        ("France", "geographic"),
        ("Lyon", "geographic"),
    ]
    assert book.keywords == ["ANRU", "démolition-reconstruction"]
    assert book.languages == ["fre"]
    (item,) = book.items
    assert (item.call_number, item.location, item.section) == (
        "PV 3.2 BRE",
        "Centre de ressources",
        "Fonds général",
    )
    # the unknown column is kept, and said once, on the first record only
    assert [(c.name, c.value) for c in book.custom] == [("Observations", "Don de la DDT du Rhône")]
    assert "« Observations »" in book.original.warnings[0]
    article = by_id(CP1252)["PV-2021-002"]
    assert ("Observations", "À signaler dans la lettre d'information") in [
        (c.name, c.value) for c in article.custom
    ]
    assert not any("Observations" in w for w in article.original.warnings)


def test_article_report_thesis_video_rows():
    found = by_id(CP1252)
    article = found["PV-2021-002"]
    assert (article.doc_type, article.bib_level) == ("article", "a")
    host = article.host
    assert (host.title, host.volume, host.number, host.pages, host.issn) == (
        "Urbanités & territoires",
        "14",
        "2",
        "12-27",
        "2417-8136",
    )
    assert article.publication[0].date == "2020-03" and article.geographic == ["Île-de-France"]
    assert article.links[0].url == "https://example.org/urbanites/2020-2/conseils-citoyens"
    report = found["PV-2021-003"]
    assert [(a.name, a.role, a.responsibility, a.kind) for a in report.agents] == [
        ("Petit", "340", "secondary", "person"),  # "(dir.)"
        ("Garnier", "070", "main", "person"),
        ("Observatoire régional de l'habitat", "070", "other", "corporate"),
    ]
    assert report.publication[0].date == "2019-06-15"  # 15/06/2019, French order
    assert report.languages == ["fre", "eng"]
    assert report.notes == ["Rapport commandé par la préfecture ; résumé en anglais p. 110-118."]
    thesis = found["PV-2021-004"]
    assert thesis.doc_type == "thesis"
    assert ("Université Lumière Lyon 2", "295") in [(a.name, a.role) for a in thesis.agents]
    video = found["PV-2021-005"]
    assert video.doc_type == "audiovisual" and video.agents[0].role == "300"  # "(réal.)"
    proceedings = found["PV-2021-008"]
    assert proceedings.doc_type == "proceedings" and proceedings.agents[0].role == "340"
    periodical = found["PV-2021-009"]
    assert (periodical.doc_type, periodical.bib_level, periodical.issns) == (
        "periodical",
        "s",
        ["1286-9457"],
    )


def test_row_without_id_gets_the_same_stable_id_in_both_files():
    def web(path: Path) -> Record:
        (record,) = [r for r in by_id(path).values() if r.doc_type == "web"]
        return record

    a, b = web(CP1252), web(UTF8_BOM)
    assert a.source_id == b.source_id and a.source_id.startswith("sha1:")
    assert a.title == "Observatoire national de la politique de la ville"
    assert (a.agents[0].name, a.agents[0].kind, a.agents[0].responsibility) == (
        "ONPV",
        "corporate",
        "main",
    )


def test_utf8_bom_file_has_what_cp1252_cannot_hold():
    article = by_id(UTF8_BOM)["PV-2021-002"]
    assert article.original.charset == "utf-8"
    assert (article.agents[2].name, article.agents[2].forename) == ("Nguyễn", "Thị Mai")


def test_registry_detects_and_reads_csv():
    data = CP1252.read_bytes()
    assert formats.detect(data, "notices.csv") == "csv"
    outcomes = list(formats.get("csv").read(data, source="x"))
    assert len(outcomes) == 9


# -- the documented columns ------------------------------------------------------------------


def test_every_documented_column_is_recognised_by_its_name():
    assert len(csvfile.COLUMNS) >= 30
    for name, meaning in csvfile.COLUMNS.items():
        assert csvfile.header_column(name) == name
        assert csvfile.header_column(name.upper()) == name
        assert meaning.strip().endswith(".")


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Mots-clés", "mots-clés"),
        ("mots cles", "mots-clés"),
        ("Keywords", "mots-clés"),
        ("AUTEUR(S)", "auteurs"),
        ("Authors", "auteurs"),
        ("N° de collection", "numéro de collection"),
        ("Pagination", "pages"),
        ("Résumé", "résumé"),
        ("resume", "résumé"),
        ("Abstract", "résumé"),
        ("Géographie", "géographie"),
        ("Editeur", "éditeur"),
        ("Publisher", "éditeur"),
        ("Année", "année"),
        ("Year", "année"),
        ("ID", "identifiant"),
        ("Call number", "cote"),
        ("Code-barres", "code-barres"),
        ("Title", "titre"),
        ("Journal", "revue"),
        ("Language", "langue"),
        ("Observations", None),
    ],
)
def test_header_variants(header, column):
    assert csvfile.header_column(header) == column


@pytest.mark.parametrize(
    ("value", "doc_type"),
    [
        ("Livre", "book"),
        ("ouvrage", "book"),
        ("Texte imprimé", "book"),
        ("ARTICLE", "article"),
        ("Rapport", "report"),
        ("thèse", "thesis"),
        ("Mémoire", "thesis"),
        ("Revue", "periodical"),
        ("Numéro", "issue"),
        ("Chapitre", "chapter"),
        ("Actes de colloque", "proceedings"),
        ("Site web", "web"),
        ("Vidéo", "audiovisual"),
        ("Document projeté ou vidéo", "audiovisual"),
        ("Enregistrement sonore musical", "sound"),
        ("Carte", "map"),
        ("Partition", "score"),
        ("Autre", "other"),
        ("Book", "book"),
        ("Periodical issue", "issue"),
        ("Cafetière", None),
    ],
)
def test_document_types(value, doc_type):
    assert csvfile.doc_type_of(value) == doc_type
    assert doc_type is None or doc_type in DOC_TYPES


# -- other shapes of spreadsheet -------------------------------------------------------------


def test_comma_separated_english_headers():
    text = (
        "Title,Authors,Year,Type,Keywords,Journal,Volume,Issue,Pages\n"
        '"Urban renewal, revisited","Smith, John ; Doe, Jane",2019,article,"housing ; policy",'
        "Urban Studies,56,3,401-420\n"
    )
    (record,) = read(text)
    assert record.title == "Urban renewal, revisited" and record.year == 2019
    assert [a.name for a in record.agents] == ["Smith", "Doe"]
    assert record.keywords == ["housing", "policy"]
    assert (record.host.title, record.host.pages) == ("Urban Studies", "401-420")


def test_tab_separated_unaccented_headers():
    text = "titre\tauteurs\tmots cles\tannee\tlangue\nLa ville\tDupont, Jean\turbanisme\t2020\tfr\n"
    (record,) = read(text)
    assert (record.title, record.year, record.keywords, record.languages) == (
        "La ville",
        2020,
        ["urbanisme"],
        ["fre"],
    )


def test_unknown_type_and_language_are_kept():
    text = "titre;type;langue\nUn titre;Cafetière;klingon\n"
    (record,) = read(text)
    assert record.doc_type == "other"
    assert [(c.name, c.value) for c in record.custom] == [
        ("type", "Cafetière"),
        ("langue", "klingon"),
    ]
    assert len(record.original.warnings) == 2


def test_a_cell_beyond_the_header_rejects_its_row_alone():
    text = "titre;type;langue\nUn titre;Cafetière;klingon;en trop\nDeux;livre;fre;;\n"
    error, record = read(text)
    assert isinstance(error, RecordError) and "4 cellules pour 3 colonnes" in error.reason
    assert error.offset == 2 and error.chunk == "Un titre;Cafetière;klingon;en trop\n"
    assert record.title == "Deux" and record.languages == ["fre"]  # empty trailing cells: fine


def test_type_defaults_and_duplicate_ids():
    text = "titre;revue;identifiant\nUn article;Revue X;1\nUn livre;;1\n"
    first, second = read(text)
    assert (first.doc_type, second.doc_type) == ("article", "book")
    assert first.source_id == "1" and second.source_id.startswith("1:")
    assert any("double" in w for w in second.original.warnings)


@pytest.mark.parametrize(
    ("cell", "shown", "year"),
    [
        ("2019", "2019", 2019),
        ("03/2019", "2019-03", 2019),
        ("12/03/2019", "2019-03-12", 2019),
        ("2019-03-12 00:00:00", "2019-03-12", 2019),
        ("mars 2019", "mars 2019", 2019),
        ("s.d.", "s.d.", None),
    ],
)
def test_dates(cell, shown, year):
    (record,) = read(f"titre;date\nT;{cell}\n")
    assert (record.publication[0].date, record.year) == (shown, year)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\r\n\r\n",
        b"foo;bar;baz\n1;2;3\n",  # no known column
        b"auteurs;date\nDupont, Jean;2020\n",  # known columns but no title
        b"\x00\xff\xfe garbage",
    ],
)
def test_not_a_spreadsheet_of_records_is_a_format_error(data):
    with pytest.raises(FormatError):
        read(data)


# -- never another exception -----------------------------------------------------------------


def _outcomes_are_typed(data: bytes) -> None:
    assert_outcomes_are_typed(csvfile.read, data)


_FUZZ = FUZZ
_CELLS = st.one_of(
    st.sampled_from(["Dupont, Jean (dir.)", "2019", "12/03/2019", "livre", "fre ; xx", '"', ";",
                     "\n", "978-2-07-036822-8", "1234-5678", "doi:10.1/x", "(", ")", ""]),
    st.text(max_size=15),
)  # fmt: skip


@_FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _outcomes_are_typed(data)


@_FUZZ
@given(
    st.lists(st.sampled_from([*csvfile.COLUMNS, "inconnue", ""]), min_size=1, max_size=8),
    st.lists(st.lists(_CELLS, max_size=10), max_size=8),
    st.sampled_from([";", ",", "\t"]),
)
def test_random_spreadsheets(header, rows, separator):
    lines = [separator.join(header)] + [separator.join(row) for row in rows]
    _outcomes_are_typed("\r\n".join(lines).encode("utf-8"))


@_FUZZ
@given(
    st.sampled_from([CP1252, UTF8_BOM]),
    MUTATIONS,
)
def test_mutated_fixtures(path, mutations):
    _outcomes_are_typed(mutate(path.read_bytes(), mutations))


def test_caption_rows_above_the_header_are_skipped_and_said():
    text = "Catalogue du centre de ressources – mars 2021;;\n\nTitre;Auteurs;Cote\nLa ville;Dupont, Jean;PV 1\n"
    (record,) = read(text)
    assert record.title == "La ville" and record.items[0].call_number == "PV 1"
    assert "avant l'en-tête" in record.original.warnings[0]
    assert record.original.raw == "La ville;Dupont, Jean;PV 1\n"


def test_only_line_feeds_end_rows():
    text = "titre;notes\nUn\u2028titre;note\x85suite\u2029fin\nDeux;\n"
    first, second = read(text)
    assert first.title == "Un titre"  # a line separator in a cell is white space
    assert first.notes == ["note\x85suite\u2029fin"] and second.title == "Deux"


# -- rows that would take others with them ---------------------------------------------------


def _fixture_lines() -> list[bytes]:
    return UTF8_BOM.read_bytes().split(b"\n")


def test_unclosed_quote_rejects_its_line_alone():
    lines = _fixture_lines()
    (index,) = [i for i, line in enumerate(lines) if line.startswith(b"PV-2021-002;")]
    # the last quoted cell of the row loses its closing quote: csv.reader runs on into row 3
    assert lines[index].count(b'Conseil citoyen";') == 1
    lines[index] = lines[index].replace(b'Conseil citoyen";', b"Conseil citoyen;")
    found = read(b"\n".join(lines))
    (error,) = [o for o in found if isinstance(o, RecordError) and "guillemet" in o.reason]
    assert error.offset == index + 1 and error.chunk.startswith("PV-2021-002;")
    ids = [o.source_id for o in found if isinstance(o, Record)]
    assert ids == [k for k in by_id(UTF8_BOM) if k != "PV-2021-002"]
    third = next(o for o in found if isinstance(o, Record) and o.source_id == "PV-2021-003")
    assert [a.name for a in third.agents][:2] == ["Petit", "Garnier"]


def test_separator_in_unquoted_cells_rejects_the_row_with_its_line():
    lines = _fixture_lines()
    (index,) = [i for i, line in enumerate(lines) if line.startswith(b"PV-2021-003;")]
    lines[index] = lines[index].replace(b'"', b"")  # what a hand-made export does
    found = read(b"\n".join(lines))
    errors = [o for o in found if isinstance(o, RecordError) and "cellules pour" in o.reason]
    (error,) = errors
    assert error.offset == index + 1 and f"ligne {index + 1} rejetée" in error.reason
    assert "« ; » dans une cellule sans guillemets" in error.reason
    ids = [o.source_id for o in found if isinstance(o, Record)]
    assert ids == [k for k in by_id(UTF8_BOM) if k != "PV-2021-003"]


# every documented column, read into the record: a column the reader recognises but never reads
# (the publisher, say) fails here — recognising its header is not enough
COLUMN_CELLS = {
    "titre": ("Égalité des chances", lambda r: r.title, "Égalité des chances"),
    "sous-titre": ("bilan", lambda r: r.other_title, "bilan"),
    "auteurs": (
        "Dubet, François",
        lambda r: (r.agents[0].name, r.agents[0].forename),
        ("Dubet", "François"),
    ),
    "auteurs collectivités": (
        "Cerema",
        lambda r: (r.agents[0].name, r.agents[0].kind),
        ("Cerema", "corporate"),
    ),
    "type": ("thèse", lambda r: r.doc_type, "thesis"),
    "éditeur": ("La Découverte", lambda r: r.publication[0].publisher, "La Découverte"),
    "lieu": ("Paris", lambda r: r.publication[0].place, "Paris"),
    "date": ("12/03/2019", lambda r: (r.publication[0].date, r.year), ("2019-03-12", 2019)),
    "année": ("2004", lambda r: r.year, 2004),
    "édition": ("2e éd.", lambda r: r.edition, "2e éd."),
    "isbn": ("978-2-7071-5422-0", lambda r: r.identifiers[0].scheme, "isbn"),
    "issn": ("0294-0337", lambda r: r.identifiers[0].scheme, "issn"),
    "doi": ("10.3917/esp.162.0012", lambda r: r.identifiers[0].value, "10.3917/esp.162.0012"),
    "collection": ("Repères", lambda r: r.series[0].title, "Repères"),
    "numéro de collection": ("412", lambda r: r.series[0].number, "412"),
    "pages": ("245", lambda r: r.extent, "245 p."),
    "revue": ("Espaces et sociétés", lambda r: r.host.title, "Espaces et sociétés"),
    "volume": ("12", lambda r: r.host.volume, "12"),
    "numéro": ("162", lambda r: r.host.number, "162"),
    "résumé": ("Une étude.", lambda r: r.abstract, "Une étude."),
    "descripteurs": (
        "mixité sociale",
        lambda r: (r.subjects[0].label, r.subjects[0].kind),
        ("mixité sociale", "topic"),
    ),
    "mots-clés": ("ségrégation", lambda r: r.keywords, ["ségrégation"]),
    "géographie": (
        "Marseille",
        lambda r: (r.subjects[0].label, r.subjects[0].kind),
        ("Marseille", "geographic"),
    ),
    "langue": ("anglais", lambda r: r.languages, ["eng"]),
    "notes": ("Bibliogr.", lambda r: r.notes, ["Bibliogr."]),
    "url": ("https://example.org/a", lambda r: r.links[0].url, "https://example.org/a"),
    "cote": ("300 DUB", lambda r: r.items[0].call_number, "300 DUB"),
    "code-barres": ("0001234", lambda r: r.items[0].barcode, "0001234"),
    "localisation": ("Centre", lambda r: r.items[0].location, "Centre"),
    "section": ("Usuels", lambda r: r.items[0].section, "Usuels"),
    "identifiant": ("X-42", lambda r: r.source_id, "X-42"),
}


def test_every_documented_column_has_a_cell_in_the_next_test():
    assert set(COLUMN_CELLS) == set(csvfile.COLUMNS)


@pytest.mark.parametrize("column", sorted(COLUMN_CELLS))
def test_every_documented_column_is_read_into_the_record(column):
    cell, get, expected = COLUMN_CELLS[column]
    header = ["titre"] if column == "titre" else ["titre", column]
    row = [cell] if column == "titre" else ["Un titre", cell]
    # the host columns of an article, the items of a book: each in the row that has them
    if column in ("revue", "volume", "numéro"):
        header, row = [*header, "type"], [*row, "article"]
    (record,) = read(";".join(header) + "\n" + ";".join(row) + "\n")
    assert isinstance(record, Record), record
    assert get(record) == expected
