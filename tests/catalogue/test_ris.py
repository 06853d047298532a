"""RIS import against rispy's own test files (tests/fixtures/ris/, see SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import rispy
from hypothesis import given
from hypothesis import strategies as st

from catalogue import formats, ris
from catalogue.errors import FormatError, RecordError
from catalogue.record import Record
from tests.catalogue.fuzzing import FUZZ, MUTATIONS, assert_outcomes_are_typed, mutate

RIS = Path(__file__).resolve().parent.parent / "fixtures" / "ris"
FILES = sorted(RIS.glob("*.ris"))


def read(data: bytes) -> list[Record | RecordError]:
    return list(ris.read(data, source="test.ris"))


def read_file(name: str) -> list[Record | RecordError]:
    return read((RIS / name).read_bytes())


def records(outcomes: list[Record | RecordError]) -> list[Record]:
    return [o for o in outcomes if isinstance(o, Record)]


def errors(outcomes: list[Record | RecordError]) -> list[RecordError]:
    return [o for o in outcomes if isinstance(o, RecordError)]


# (records, rejected) per file: rejected ones have no title (rispy's fixtures test its parser,
# not complete references), and a catalogue record needs one.
EXPECTED = {
    "example_basic.ris": (1, 0),
    "example_bom.ris": (0, 1),
    "example_custom_list_tags.ris": (0, 1),
    "example_empty_tag.ris": (1, 0),
    "example_extraneous_data.ris": (2, 0),
    "example_full.ris": (2, 0),
    "example_full_without_whitespace.ris": (2, 0),
    "example_full_write.ris": (2, 0),
    "example_multi_unknown_tags.ris": (1, 0),
    "example_multiline.ris": (0, 3),
    "example_single_unknown_tag.ris": (1, 0),
    "example_starting_newlines.ris": (1, 0),
    "example_urls.ris": (4, 0),
    "example_utf_chars.ris": (1, 0),
    "example_wos.ris": (2, 0),
}


def test_every_fixture_is_expected():
    assert {f.name for f in FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_fixture_reads_to_the_expected_outcomes(path):
    outcomes = read(path.read_bytes())
    assert (len(records(outcomes)), len(errors(outcomes))) == EXPECTED[path.name]
    for position, outcome in enumerate(outcomes, start=1):
        if isinstance(outcome, RecordError):
            assert outcome.position == position and outcome.offset >= 1 and outcome.chunk
            assert "(" in outcome.reason  # French, then English in brackets
        else:
            assert outcome.title and outcome.source_id and outcome.source == "test.ris"
            assert outcome.original.format == "ris" and outcome.original.charset == "utf-8"
            assert outcome.original.raw.lstrip().startswith(("TY  -", "PT "))


def test_basic_record_is_mapped_field_by_field():
    (record,) = read_file("example_basic.ris")
    assert record.doc_type == "article" and record.bib_level == "a"
    assert record.title == "A Mathematical Theory of Communication"
    (author,) = record.agents
    assert (author.name, author.forename, author.role, author.responsibility) == (
        "Shannon",
        "Claude E.",
        "070",
        "main",
    )
    assert record.year == 1948
    assert record.host.title == "Bell System Technical Journal"
    assert (record.host.volume, record.host.pages, record.host.date) == ("27", "379-423", "1948-07")
    assert record.original.raw == (RIS / "example_basic.ris").read_text().rstrip("\n")


def test_bom_file_is_not_lost_as_with_plain_rispy():
    data = (RIS / "example_bom.ris").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert rispy.loads(data.decode("utf-8")) == []  # rispy alone: nothing, and no word
    (outcome,) = read(data)
    # the one record has a DOI but no title: rejected with its text, not silently dropped
    assert isinstance(outcome, RecordError)
    assert (outcome.position, outcome.offset) == (1, 1)
    assert outcome.chunk.startswith("TY  - JOUR")  # the BOM is gone
    assert "10.1186/s40981-020-0316-0" in outcome.chunk
    assert "titre" in outcome.reason and "title" in outcome.reason


def test_utf_chars_with_bom_keeps_cyrillic_and_german():
    data = (RIS / "example_utf_chars.ris").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and rispy.loads(data.decode("utf-8")) == []
    (record,) = read(data)
    assert record.original.charset == "utf-8"
    # no TI: the short title (ST) is the title
    assert record.title.startswith("Состояние рецепторного аппарата эндометрия")
    assert record.title.endswith("в позднем репродуктивном периоде")
    assert record.notes == ["Ä,Ö,Ü,ä,ö,ü,ß"]
    # "Journal Article" (a name, not a code) is an article; VO is read as the volume
    assert record.doc_type == "article"
    assert record.host.title == "Gynecology, Obstetrics and Perinatology"
    assert (record.host.volume, record.host.number, record.host.pages) == ("8", "3", "52-57")
    assert [(a.name, a.forename) for a in record.agents][:2] == [
        ("Dobrokhotova", "Yu E."),
        ("Yusupova", "R. O."),
    ]
    # the wrapped abstract: its continuation line (the English translation) is kept
    assert record.abstract.endswith("in the late reproductive period")


def test_empty_tag_and_embase_conventions():
    (record,) = read_file("example_empty_tag.ris")
    assert record.source_id == "2006713348"
    assert record.doi == "10.1177/2325967120950040"  # from "http://dx.doi.org/…"
    assert record.host.issn == "2325-9671"  # "2325-9671 (electronic)"
    assert record.host.pages == ""  # "SP  -" is empty
    assert record.keywords == ["athlete", "biomechanics", "bone remodeling"]  # "*athlete"
    assert (record.agents[0].name, record.agents[0].forename) == ("Fanning", "E.")
    assert record.abstract.startswith("Background: Athletic endeavor")
    assert "safe return to sport" in record.abstract  # continuation line
    assert [(c.name, c.value) for c in record.custom] == [("JA", "Orthop. J. Sports Med.")]


def test_extraneous_data_and_duplicate_ids():
    first, second = read_file("example_extraneous_data.ris")
    assert (first.title, second.title) == ("Title of reference", "The title of the reference")
    assert [(a.name, a.role, a.responsibility) for a in first.agents] == [
        ("Marx", "070", "main"),
        ("Lindgren", "070", "other"),
        ("Glattauer", "340", "secondary"),
    ]
    assert first.publication[0].publisher == "Fun Factory"
    assert first.publication[0].place == "United States"
    assert first.host.issn == "1932-6208" and first.host.pages == "e0815"
    assert [link.url for link in first.links] == ["http://example_url.com", "http://example.com"]
    assert ("M1", "1008150341") in [(c.name, c.value) for c in first.custom]
    # both records say "ID - 12345": the second must not overwrite the first in the store
    assert first.source_id == "12345"
    assert second.source_id.startswith("12345:") and second.source_id != first.source_id
    assert any("double" in w for w in second.original.warnings)
    assert "Record #1 of 2" not in first.original.raw  # junk between records is no record


def test_multiline_values_are_joined():
    outcomes = read_file("example_multiline.ris")
    assert [(e.position, e.offset) for e in errors(outcomes)] == [(1, 1), (2, 8), (3, 17)]
    # the same records with a title: the three spellings of N2 give the same abstract
    text = (RIS / "example_multiline.ris").read_text()
    titled = text.replace("TY  - JOUR\n", "TY  - JOUR\nTI  - Multiline\n").encode()
    found = records(read(titled))
    assert len(found) == 3
    assert {r.abstract for r in found} == {
        "first line, ER then second line and at the end the last line"
    }
    assert {tuple(r.notes) for r in found} == {("first line\n* second line\n* last line",)}


def test_urls_separated_by_semicolons():
    found = read_file("example_urls.ris")
    assert [[link.url for link in r.links] for r in found] == [
        ["http://example.com"],
        ["http://example.com", "http://www.example.com"],
        ["http://example.com", "http://www.example.com"],
        ["http://example.com", "http://www.example.com"],
    ]


def test_unknown_tags_are_kept_as_custom_fields():
    (record,) = read_file("example_single_unknown_tag.ris")
    assert [(c.name, c.value) for c in record.custom] == [
        ("JP", "CRISPR"),
        ("JP", "Direct Current"),
    ]


def test_serial_numbers_told_apart_by_shape():
    text = (RIS / "example_custom_list_tags.ris").read_text()
    (error,) = read(text.encode())
    assert isinstance(error, RecordError) and error.offset == 2  # "1." junk line before TY
    titled = text.replace("TY  - JOUR\n", "TY  - BOOK\nTI  - Das Kapital\n")
    titled = titled.replace("SN  - 666666\n", "SN  - 666666\nSN  - 978-2-07-036822-8\n")
    (record,) = read(titled.encode())
    assert [(i.scheme, i.value) for i in record.identifiers] == [
        ("other", "12345"),
        ("other", "ABCDEFG"),
        ("other", "666666"),
        ("isbn", "978-2-07-036822-8"),
    ]
    assert [a.name for a in record.agents] == ["Marx", "Marxus"]


def test_web_of_science_file_is_read_as_such():
    first, second = read_file("example_wos.ris")
    assert first.title == (
        "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of "
        "photosynthetic bacteria and its subunit (B820)"
    )
    assert [a.name for a in first.agents] == ["Parkes-Loach", "Majeed", "Law", "Loach"]
    assert first.doc_type == "article" and first.host.title == "BIOCHEMISTRY"
    assert first.languages == ["eng"] and first.year == 2004
    assert first.source_id == "WOS:000221807500019"
    assert "CHEMICALLY SYNTHESIZED POLYPEPTIDES" in first.keywords
    assert second.doi == "10.1021/bi0497291" and second.identifier_values("pmid") == ["15170339"]
    assert (second.host.volume, second.host.number, second.host.pages) == ("43", "22", "7017-7027")
    assert second.host.issn == "0006-2960"
    assert all("Web of Science" in r.original.warnings[-1] for r in (first, second))
    assert "CR" not in {c.name for c in first.custom}  # cited references stay in the raw text
    assert "ALLEN JP, 1986" in first.original.raw


def test_registry_reads_ris_through_the_format():
    data = (RIS / "example_utf_chars.ris").read_bytes()
    assert formats.detect(data) == "ris"
    (record,) = formats.get("ris").read(data, source="x")
    assert isinstance(record, Record) and record.source == "x"


# -- malformed input -------------------------------------------------------------------------

GOOD = "TY  - BOOK\nTI  - Premier\nAU  - Dupont, Jean\nER  - \n"
GOOD2 = "TY  - BOOK\nTI  - Troisième\nER  - \n"


def test_record_without_ty_is_rejected_and_the_rest_goes_on():
    text = GOOD + "\nAU  - Sans, Type\nTI  - Orphelin\nER  - \n\n" + GOOD2
    first, bad, last = read(text.encode())
    assert (first.title, last.title) == ("Premier", "Troisième")
    assert isinstance(bad, RecordError)
    assert (bad.position, bad.offset) == (2, 6)
    assert "TY" in bad.reason and bad.chunk.startswith("AU  - Sans, Type")


def test_record_without_er_is_read_up_to_the_next_one():
    text = "TY  - BOOK\nTI  - Sans fin\n" + GOOD2
    first, second = read(text.encode())
    assert first.title == "Sans fin" and second.title == "Troisième"
    assert any("ER" in w for w in first.original.warnings)


def test_record_without_title_is_rejected_with_its_place():
    text = GOOD + "TY  - JOUR\nAU  - Anonyme\nER  - \n" + GOOD2
    outcomes = read(text.encode())
    assert [type(o).__name__ for o in outcomes] == ["Record", "RecordError", "Record"]
    assert (outcomes[1].position, outcomes[1].offset) == (2, 5)


@pytest.mark.parametrize(
    "data", [b"", b"   \n\n", b"hello world\n", b"@book{a, title={T}}\n", b"\x00\x01\x02\xff"]
)
def test_not_ris_is_a_format_error(data):
    with pytest.raises(FormatError):
        read(data)


def test_cp1252_file_and_crlf():
    data = "TY  - BOOK\r\nTI  - Économie des quartiers : 15 €\r\nLA  - français\r\nER  - \r\n"
    (record,) = read(data.encode("cp1252"))
    assert record.title == "Économie des quartiers : 15 €"
    assert record.original.charset == "cp1252" and record.languages == ["fre"]


def test_source_id_is_stable_across_line_endings_and_bom():
    lf = "TY  - BOOK\nTI  - Même notice\nPY  - 2020\nER  - \n"
    crlf = "\ufeff" + lf.replace("\n", "\r\n")
    (a,) = read(lf.encode())
    (b,) = read(crlf.encode("utf-8"))
    (c,) = read(lf.replace("2020", "2021").encode())
    assert a.source_id == b.source_id and a.source_id.startswith("sha1:")
    assert c.source_id != a.source_id


@pytest.mark.parametrize(
    ("ty", "doc_type", "bib_level"),
    [
        ("BOOK", "book", "m"),
        ("JOUR", "article", "a"),
        ("MGZN", "article", "a"),
        ("NEWS", "article", "a"),
        ("THES", "thesis", "m"),
        ("RPRT", "report", "m"),
        ("CHAP", "chapter", "a"),
        ("CONF", "proceedings", "m"),
        ("CPAPER", "proceedings", "a"),
        ("ELEC", "web", "m"),
        ("VIDEO", "audiovisual", "m"),
        ("MPCT", "audiovisual", "m"),
        ("JFULL", "periodical", "s"),
        ("GEN", "other", "m"),
        ("Journal Article", "article", "a"),
        ("Book Section", "chapter", "a"),
    ],
)
def test_reference_types(ty, doc_type, bib_level):
    (record,) = read(f"TY  - {ty}\nTI  - T\nER  - \n".encode())
    assert (record.doc_type, record.bib_level) == (doc_type, bib_level)
    assert not record.original.warnings


def test_unknown_type_is_other_with_a_warning():
    (record,) = read(b"TY  - XYZZY\nTI  - T\nER  - \n")
    assert record.doc_type == "other" and "XYZZY" in record.original.warnings[0]


def test_chapter_thesis_and_people():
    text = (
        "TY  - CHAP\nTI  - Le quartier\nT2  - La ville en débat\nA2  - Lefèvre, Anne\n"
        "SN  - 978-2-07-036822-8\nSP  - 12\nEP  - 30\nPY  - 2019/05/14/\nER  - \n"
        "TY  - THES\nT1  - Habiter\nA1  - Benali, Yasmine\nA3  - Roux, Paul\n"
        "PB  - Université Lyon 2\nCY  - Lyon\nY1  - 2018\nLA  - French\nER  - \n"
    )
    chapter, thesis = read(text.encode())
    assert chapter.host.title == "La ville en débat" and chapter.host.pages == "12-30"
    assert chapter.host.isbn == "978-2-07-036822-8" and chapter.host.date_iso == "2019-05-14"
    assert [(a.name, a.role) for a in chapter.agents] == [("Lefèvre", "340")]
    assert [(a.name, a.role, a.kind) for a in thesis.agents] == [
        ("Benali", "070", "person"),
        ("Roux", "727", "person"),
        ("Université Lyon 2", "295", "corporate"),
    ]
    assert thesis.languages == ["fre"] and thesis.publication[0].place == "Lyon"


# -- never another exception -----------------------------------------------------------------


def _outcomes_are_typed(data: bytes) -> None:
    assert_outcomes_are_typed(ris.read, data)


_FUZZ = FUZZ
_RIS_LINES = st.sampled_from(
    ["TY  - JOUR", "TY  - ", "TI  - Titre", "AU  - Nom, Prénom", "ER  - ", "ER  -", "PY  - 2020//",
     "SN  - 1234-5678", "  suite", "", "DO  - x", "SP  - 1", "EP  - 2", "LA  - fr", "UR  - a;b",
     "PT J", "ER", "AU X", "   Y", "\ufeff", "KW  - *mot"]
)  # fmt: skip


@_FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _outcomes_are_typed(data)


@_FUZZ
@given(st.lists(st.one_of(_RIS_LINES, st.text(max_size=40)), max_size=40))
def test_random_ris_like_lines(lines):
    _outcomes_are_typed("\n".join(lines).encode("utf-8", "surrogatepass"))


@_FUZZ
@given(
    st.sampled_from(FILES),
    MUTATIONS,
)
def test_mutated_fixtures(path, mutations):
    _outcomes_are_typed(mutate(path.read_bytes(), mutations))


def test_bent_tag_layout_is_accepted_when_the_file_has_no_standard_ty():
    (record,) = read(b"TY - BOOK\n  TI  -Le titre\nAU - Dupont, Jean\nER -\n")
    assert (record.title, record.agents[0].name, record.doc_type) == ("Le titre", "Dupont", "book")
    # in a standard file, "US - EU" at a line start is wrapped text, not a tag
    (std,) = read(b"TY  - BOOK\nTI  - T\nAB  - first\nUS - EU relations\nER  - \n")
    assert std.abstract == "first US - EU relations" and not std.custom
