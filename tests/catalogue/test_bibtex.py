"""BibTeX import against citation.js's and bibtexparser's test files (tests/fixtures/bibtex/)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalogue import bibtex, formats
from catalogue.errors import FormatError, RecordError
from catalogue.record import Record
from tests.catalogue.fuzzing import FUZZ, MUTATIONS, assert_outcomes_are_typed, mutate

BIB = Path(__file__).resolve().parent.parent / "fixtures" / "bibtex"
ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(BIB.glob("*.bib"))


def read(data: bytes | str, encoding: str | None = None) -> list[Record | RecordError]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(bibtex.read(raw, source="test.bib", encoding=encoding))


def read_file(name: str) -> list[Record | RecordError]:
    return read((BIB / name).read_bytes())


def by_key(name: str) -> dict[str, Record]:
    return {o.source_id: o for o in read_file(name) if isinstance(o, Record)}


def titled(name: str) -> str:
    """The fixture with a title added to every entry: citation.js tests one feature per file,
    often in entries without a title, which the catalogue rejects (see test_titleless…)."""
    text = (BIB / name).read_text("utf-8")
    return re.sub(r"(@\w+\{[^,\s]+,)", r"\1 title = {T},", text)


# (records, rejected) per file
EXPECTED = {
    "gbk_test.bib": (1, 0),
    "input__a_complete_article.bib": (1, 0),
    "input__a_complete_book.bib": (1, 0),
    "input__a_complete_booklet.bib": (1, 0),
    "input__a_complete_inbook.bib": (1, 0),
    "input__a_complete_incollection.bib": (1, 0),
    "input__a_complete_inproceedings.bib": (1, 0),
    "input__a_complete_manual.bib": (1, 0),
    "input__a_complete_mastersthesis.bib": (1, 0),
    "input__a_complete_misc.bib": (1, 0),
    "input__a_complete_phdthesis.bib": (1, 0),
    "input__a_complete_proceedings.bib": (1, 0),
    "input__a_complete_techreport.bib": (1, 0),
    "input__a_complete_unpublished.bib": (1, 0),
    "input__authors_with_non-ASCII_characters.bib": (0, 1),
    "input__commands.bib": (5, 0),
    "input__crossref.bib": (5, 1),
    "input__date-range.bib": (0, 1),
    "input__different_delimiters.bib": (1, 1),
    "input__escaped_and.bib": (0, 2),
    "input__escaped_characters.bib": (2, 0),
    "input__howpublished.bib": (1, 0),
    "input__langid.bib": (1, 0),
    "input__literals.bib": (0, 1),
    "input__math.bib": (1, 0),
    "input__nameparts.bib": (0, 8),
    "input__one_simple_entry.bib": (1, 0),
    "input__orcid.bib": (1, 0),
    "input__rich_text.bib": (6, 1),
    "input__string_and_preamble.bib": (1, 0),
    "input__unicode_and_capitalized_types.bib": (1, 0),
    "input__uppercase_and.bib": (1, 0),
    "input__uri.bib": (0, 3),
    "input__whitespace_and_unknown_fields.bib": (1, 0),
    "input__year_and_month_with_date.bib": (0, 1),
    "input__year_and_month_without_date.bib": (0, 1),
    "mapping__biblatex-input.bib": (28, 0),
    "mapping__bibtex-input.bib": (16, 0),
}


def test_every_fixture_is_expected():
    assert {f.name for f in FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_fixture_reads_to_the_expected_outcomes(path):
    outcomes = read(path.read_bytes())
    found = [o for o in outcomes if isinstance(o, Record)]
    assert (len(found), len(outcomes) - len(found)) == EXPECTED[path.name]
    for position, outcome in enumerate(outcomes, start=1):
        assert outcome.position == position if isinstance(outcome, RecordError) else True
        if isinstance(outcome, RecordError):
            assert outcome.offset >= 1 and outcome.chunk.startswith("@")
        else:
            assert outcome.title and outcome.source_id and outcome.original.format == "bibtex"
            assert outcome.original.raw.startswith("@")
            assert "{" not in outcome.title and not re.search(r"\\[A-Za-z]", outcome.title)


def test_complete_article():
    (record,) = read_file("input__a_complete_article.bib")
    assert (record.doc_type, record.bib_level, record.source_id) == ("article", "a", "Article")
    assert record.title == "Lorem Ipsum"
    assert [(a.name, a.forename, a.responsibility) for a in record.agents] == [
        ("Adams", "Alice", "main"),
        ("Brody", "Bob", "other"),
    ]
    host = record.host
    assert (host.title, host.volume, host.number, host.pages) == (
        "The BibTeX Journal",
        "5",
        "6",
        "200-210",
    )
    assert host.date == "2020-02" and record.year == 2020  # month = feb (a macro)
    assert record.notes == ["This is a note."]


def test_complete_book_and_friends():
    (book,) = read_file("input__a_complete_book.bib")
    assert book.doc_type == "book" and book.edition == "Second"
    pub = book.publication[0]
    assert (pub.place, pub.publisher, pub.date) == ("Goodville", "BibTeX Publishers", "2020")
    assert [(s.title, s.number) for s in book.series] == [("Good Series", "6")]
    assert [(a.name, a.role) for a in book.agents][-1] == ("Coburn", "340")
    assert ("volume", "5") in [(c.name, c.value) for c in book.custom]

    (chapter,) = read_file("input__a_complete_incollection.bib")
    assert (chapter.doc_type, chapter.bib_level) == ("chapter", "a")
    assert (chapter.host.title, chapter.host.pages) == ("Dolor Sit Amet", "200-210")
    assert "Chapitre 3" in chapter.notes

    (paper,) = read_file("input__a_complete_inproceedings.bib")
    assert (paper.doc_type, paper.bib_level, paper.host.title) == (
        "proceedings",
        "a",
        "Dolor Sit Amet",
    )
    assert ("The Organizers", "557", "corporate") in [
        (a.name, a.role, a.kind) for a in paper.agents
    ]

    (thesis,) = read_file("input__a_complete_phdthesis.bib")
    assert thesis.doc_type == "thesis"
    assert ("The University", "295") in [(a.name, a.role) for a in thesis.agents]
    assert "Doctoral Thesis : The University" in thesis.notes

    (report,) = read_file("input__a_complete_techreport.bib")
    assert report.doc_type == "report" and report.publication[0].publisher == "The Institution"
    assert [(i.scheme, i.value) for i in report.identifiers] == [("other", "ABC-123")]

    (misc,) = read_file("input__a_complete_misc.bib")
    assert misc.doc_type == "other"  # no URL: not a web resource
    (web,) = read_file("input__howpublished.bib")
    assert web.doc_type == "web" and web.links[0].url.startswith("https://www.mla.org/Resources/")
    assert (web.agents[0].name, web.agents[0].kind) == ("Modern Language Association", "corporate")


def test_non_ascii_author_names_in_every_spelling():
    (error,) = read_file("input__authors_with_non-ASCII_characters.bib")
    assert isinstance(error, RecordError) and "titre" in error.reason  # no title: rejected
    (record,) = read(titled("input__authors_with_non-ASCII_characters.bib"))
    # UTF-8, \"o, {\"o}: the same name; "von" goes after the forename (French filing rule)
    assert [(a.name, a.forename) for a in record.agents] == [
        ("Helmholtz", "Hermann von"),
        ("Helmhöltz", "Hermänñ von"),
        ("Helmhöltz", "Hermänñ von"),
        ("Helmhöltz", "Hermänñ von"),
    ]
    assert record.agents[1].display_name == "Hermänñ von Helmhöltz"


def test_escaped_characters_math_and_commands():
    escape, ligature = read_file("input__escaped_characters.bib")
    # \textasciicircum is the caret « ^ » (pylatexenc's default gives the modifier letter « ˆ »)
    assert escape.title == "a&b%c$d#e_f~^\\"
    assert ligature.title == "—"
    (math,) = read_file("input__math.bib")
    assert math.title == "e=mc^2"
    titles = [r.title for r in read_file("input__commands.bib")]
    assert titles == [
        "url: https://example.org",
        "href: Example",  # pylatexenc alone fails on \href: the whole entry used to be lost
        "ElsevierGlyph: 2014",
        "unknown:",
        "Phi: Φ",
    ]
    (faust,) = read_file("input__unicode_and_capitalized_types.bib")
    assert faust.title == "Faust. Der Tragödie Erster Teil" and faust.doc_type == "book"
    assert (faust.agents[0].name, faust.agents[0].forename) == ("Goethe", "J.W.")


def test_nameparts():
    records = {r.source_id: r for r in read(titled("input__nameparts.bib"))}
    names = {key: [(a.name, a.forename) for a in r.agents] for key, r in records.items()}
    assert names == {
        "a": [("B", "A")],  # given=A, family=B
        "b": [("C", "A=B")],
        "c": [("B", "C")],  # the later "given" wins
        "d": [("C", "A-B")],
        "e": [("A-b C", "D")],
        "f": [("B-C", "A")],
        "g": [("A", "")],  # "A and ,": the empty name is dropped
        "h": [("B", "A-12")],
    }


def test_and_inside_braces_environments_and_upper_case():
    a, b = read(titled("input__escaped_and.bib"))
    assert [(x.name, x.kind) for x in a.agents] == [("A and B", "corporate")]
    assert len(b.agents) == 1  # "and" inside \begin{center}…\end{center}: one name
    (lit,) = read(titled("input__literals.bib"))
    assert [(x.name, x.forename, x.kind) for x in lit.agents] == [
        ("a and b", "", "corporate"),
        ("c", "", "person"),
        ("E", "D", "person"),
    ]
    assert lit.publication[0].date == "13th Century" and lit.year is None
    (upper,) = read_file("input__uppercase_and.bib")
    assert [(x.name, x.forename) for x in upper.agents] == [
        ("Lesk", "M. E."),
        ("Kernighan", "B. W."),
    ]
    assert upper.doi == "10.1145/1499402.1499562" and upper.host.isbn == "9781450379144"
    assert upper.host.pages == "879-888"


def test_crossref():
    outcomes = read_file("input__crossref.bib")
    found = {o.source_id: o for o in outcomes if isinstance(o, Record)}
    assert [a.name for a in found["a"].agents] == ["Last"]  # inherited from b
    assert found["c"].host.title == "Bar"  # the book's title is the chapter's booktitle
    assert found["c"].title == "Baz" and [a.name for a in found["c"].agents] == ["Family"]
    assert found["d"].title == "Bar"  # article ← book: BibLaTeX inherits the title as is
    assert found["e"].other_title == "Bar" and found["e"].doc_type == "periodical"
    (f,) = [o for o in outcomes if isinstance(o, RecordError)]
    assert f.position == 6 and "titre" in f.reason  # f gets the periodical as journal only
    assert set(found) == {"a", "b", "c", "d", "e"}  # b's crossref to itself does not loop


def test_dates_and_string_macros():
    (ym,) = read(titled("input__year_and_month_with_date.bib"))
    assert ym.publication[0].date == "2016-12-13" and ym.year == 2016  # date wins over year
    (no_date,) = read(titled("input__year_and_month_without_date.bib"))
    assert no_date.year == 2017 and no_date.publication[0].date == "2017"
    (rng,) = read(titled("input__date-range.bib"))
    assert rng.year == 2016 and rng.publication[0].date == "2016/2017"
    (macro,) = read_file("input__string_and_preamble.bib")
    assert macro.title == "Foobarbar"  # "Foo" # foo # bar, with @string{foo = "bar"}
    assert macro.doc_type == "other" and "@a" in macro.original.warnings[0]


def test_identifiers_languages_and_keywords():
    (simple,) = read_file("input__one_simple_entry.bib")  # "pmid" twice, same value: kept
    assert simple.host.issn == "0095-2338" and simple.doi == "10.1021/ci025584y"
    assert simple.identifier_values("pmid") == ["12653513"]
    assert simple.title.startswith("The Chemistry Development Kit (CDK)")
    (langid,) = read_file("input__langid.bib")
    assert langid.languages == ["ita"] and langid.keywords == ["montessori"]
    assert langid.title == "La libertà"
    assert any("ISSN" in w for w in langid.original.warnings)  # 2532-64314: nine digits
    (wiki,) = read_file("input__whitespace_and_unknown_fields.bib")
    assert wiki.keywords == ["Wiki", "Wikipedia", "article history", "visualization"]
    assert [a.name for a in wiki.agents] == ["Ekstrand", "Riedl"]
    assert {"articleno", "acmid", "numpages"} <= {c.name for c in wiki.custom}
    records = {o.source_id: o for o in read(titled("input__uri.bib"))}
    assert records["b"].links[0].url.endswith("%D1%88%D0%B5%D0%BB%D0%BB%D1%8B")  # % kept
    assert records["a"].links[0].url.endswith("JavaScript_шеллы")


def test_biblatex_mapping_file():
    found = by_key("mapping__biblatex-input.bib")
    article = found["hutchinson:article"]
    assert (article.host.title, article.host.issn, article.host.pages) == (
        "Journal of Physiology",
        "0022-3751",
        "279-289",
    )
    assert article.identifier_values("pmid") == ["5500723"] and article.year == 1970
    assert article.title == "Conduction velocity in myelinated nerve fibres of Xenopos laevis"
    renner = found["renner:single"]
    assert renner.other_title == "Transformaties van het werkelijke : 1882-1967"
    assert renner.publication[0].place == "Köln, Germany" and renner.languages == ["dut"]
    assert renner.series[0].title == "De Volkskrant — Moderne Meesters"
    assert renner.extent == "96 p."
    gowers = found["gowers:book"]
    assert gowers.original_languages == ["eng"]
    assert ("Mulder", "730") in [(a.name, a.role) for a in gowers.agents]
    batori = found["batori_river_2020"]
    assert [a.name for a in batori.agents][:3] == ["Bátori", "Kiss", "Tölgyesi"]
    assert found["loir:B6"].host.date_iso == "2012-05-14"  # year, month, day fields
    assert found["willighagen:blog"].doc_type == "web"
    assert found["yakovlev:thesis"].languages == ["rus"]


def test_gbk_file_does_not_crash_and_says_its_charset():
    data = (BIB / "gbk_test.bib").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (record,) = read(data)
    assert record.title == "Test Title" and record.year == 2013
    assert record.original.charset == "gb18030"  # no BOM, not UTF-8: detected (and warned)
    (forced,) = read(data, encoding="gbk")
    assert forced.original.charset == "gbk"
    assert forced.agents[0].name == "凯撒" and forced.host.title == "测试期刊"


def test_registry_reads_bibtex_through_the_format():
    data = (BIB / "input__a_complete_book.bib").read_bytes()
    assert formats.detect(data) == "bibtex"
    (record,) = formats.get("bibtex").read(data, source="x")
    assert record.source == "x"


# -- malformed input -------------------------------------------------------------------------


def test_unterminated_entry_amid_good_ones():
    text = (
        "@book{good1,\n  title = {Premier},\n  year = 2001\n}\n\n"
        "@article{bad,\n  title = {Jamais fermé,\n  year = 2002\n\n"
        "@book{good2,\n  title = {Deuxième},\n  year = 2003\n}\n"
        "@book{good3, title = {Troisième}}\n"
    )
    outcomes = read(text)
    assert [type(o).__name__ for o in outcomes] == ["Record", "RecordError", "Record", "Record"]
    bad = outcomes[1]
    assert (bad.position, bad.offset) == (2, 6) and bad.chunk.startswith("@article{bad")
    assert "mal formée" in bad.reason
    assert [o.title for o in outcomes if isinstance(o, Record)] == [
        "Premier",
        "Deuxième",
        "Troisième",
    ]


def test_different_delimiters_fixture_keeps_the_good_entry():
    good, bad = read_file("input__different_delimiters.bib")
    assert good.title == "Title" and isinstance(bad, RecordError) and bad.offset == 7


def test_duplicate_keys_and_fields():
    text = (
        "@book{k, title = {Un}}\n@book{k, title = {Deux}}\n"
        "@book{m, title = {Trois}, note = {a}, note = {b}}\n"
    )
    first, dup, dup_fields = read(text)
    assert first.title == "Un" and dup.title == "Deux"  # both kept, the second's id made unique
    assert first.source_id == "k" and dup.source_id.startswith("k:")
    assert any("en double" in w for w in dup.original.warnings)
    assert dup_fields.notes == ["a"] and ("note", "b") in [
        (c.name, c.value) for c in dup_fields.custom
    ]
    assert dup_fields.original.warnings


def test_encoded_accents_cp1252_and_bom():
    text = (
        "@book{x, title = {L'{\\'E}cole de la r\\'epublique : co\\^ut 15 €}, langid = {french}}\n"
    )
    (cp,) = read(text.encode("cp1252"))
    (bom,) = read(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert cp.title == bom.title == "L'École de la république : coût 15 €"
    assert (cp.original.charset, bom.original.charset) == ("cp1252", "utf-8")
    assert cp.languages == ["fre"]


def test_when_bibtexparser_gives_up_on_the_file_each_entry_is_parsed_alone(monkeypatch):
    real = bibtex.bibtexparser.parse_string

    def fragile(text, **kwargs):  # bibtexparser re-raises what it calls its own bugs
        if "@misc{boom" in text:
            raise RuntimeError("internal parser state")
        return real(text, **kwargs)

    monkeypatch.setattr(bibtex.bibtexparser, "parse_string", fragile)
    text = "@book{a, title = {Un}}\n@misc{boom, title = {X}}\n\n@book{b, title = {Deux}}\n"
    first, bad, last = read(text)
    assert (first.title, last.title) == ("Un", "Deux")
    assert isinstance(bad, RecordError) and bad.offset == 2 and bad.chunk.startswith("@misc{boom")
    assert bad.position == 2 and last.original.raw == "@book{b, title = {Deux}}"


@pytest.mark.parametrize("data", [b"", b"\n\n", b"just some text", b"% only a comment\n"])
def test_not_bibtex_is_a_format_error(data):
    with pytest.raises(FormatError):
        read(data)


# -- never another exception -----------------------------------------------------------------


def _outcomes_are_typed(data: bytes) -> None:
    assert_outcomes_are_typed(bibtex.read, data)


_FUZZ = FUZZ
_BIB_BITS = st.sampled_from(
    ["@article{", "@book(", "@string{", "@comment{", "@preamble{", "}", ")", "{", '"', ",", "=",
     " # ", "title", "author", " and ", "{\\'e}", "\\", "$", "%", "crossref = {k}", "k", "\n",
     "given=", "month = feb", "@"]
)  # fmt: skip


@_FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _outcomes_are_typed(data)


@_FUZZ
@given(st.lists(st.one_of(_BIB_BITS, st.text(max_size=20)), max_size=60))
def test_random_bibtex_like_text(parts):
    _outcomes_are_typed("".join(parts).encode("utf-8"))


@_FUZZ
@given(
    st.sampled_from(FILES),
    MUTATIONS,
)
def test_mutated_fixtures(path, mutations):
    _outcomes_are_typed(mutate(path.read_bytes(), mutations))


def test_import_json_prints_nothing_on_stderr(tmp_path):
    # this real file makes bibtexparser log "Parsing of `@book` block (line 6) aborted…"; run as
    # a user does, since under pytest its log would reach pytest's handler, not stderr
    env = {**os.environ, "DOCBASE_INSTANCE": str(tmp_path / "instance")}
    path = BIB / "input__different_delimiters.bib"
    command = [sys.executable, "-m", "web.cli", "import", "--json", str(path)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == 0 and done.stderr == b""
    report = json.loads(done.stdout)
    assert (report["new"], report["rejected"]) == (1, 1)
    (reject,) = (tmp_path / "instance").rglob("rejets-*.jsonl")
    assert "Unexpectedly reached end of file" in reject.read_text()  # the message, as reason


def test_bibtexparser_messages_become_warnings(capfd, monkeypatch):
    data = (BIB / "input__different_delimiters.bib").read_bytes()
    # a message about no block in particular goes on the first record, said once
    real_parse = bibtex.bibtexparser.parse_string

    def parse_and_log(*args, **kwargs):
        logging.getLogger("bibtexparser.splitter").error("detected an invalid state")
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(bibtex.bibtexparser, "parse_string", parse_and_log)
    first, *others = [o for o in read(data) if isinstance(o, Record)]
    assert capfd.readouterr().err == ""
    note = "message de bibtexparser : detected an invalid state (bibtexparser message)"
    assert first.original.warnings == [note]
    assert not any(note in o.original.warnings for o in others)


def test_two_entries_with_one_key_are_both_read_for_the_import_frame():
    # the same export twice, the second copy edited: two records, neither dropped nor merged
    book = (BIB / "input__a_complete_book.bib").read_text()
    (original,) = read(book)
    edited = book.replace(original.title, f"{original.title}, 2e édition", 1)
    assert edited != book
    first, second = read(f"{book}\n{edited}")
    assert (first.title, second.title) == (original.title, f"{original.title}, 2e édition")
    assert first.source_id == original.source_id != second.source_id
    assert second.source_id.startswith(f"{original.source_id}:")
