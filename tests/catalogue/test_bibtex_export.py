"""BibTeX export, read back by bibtexparser (with its LaTeX decoding) and by docbase's reader."""

from __future__ import annotations

import re

import bibtexparser
import pytest
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.names import NameParts
from pylatexenc.latex2text import LatexNodes2Text

from catalogue import bibtex, bibtexexport, formats
from catalogue.record import Agent, Record
from tests.catalogue.exports import all_records, demo_records

DECODER = LatexNodes2Text()


def squash(text: str) -> str:
    return " ".join(text.split())


def as_pylatexenc_reads(text: str) -> str:
    """An unbalanced brace is written \\textbraceleft{} (BibTeX counts even escaped braces, so
    \\{ would break the entry); pylatexenc does not know that LaTeX command and drops it."""
    if text.count("{") != text.count("}"):
        text = text.replace("{", "").replace("}", "")
    return squash(text)


def decoded(text: str) -> str:
    """A value bibtexparser decoded: pylatexenc reads \\textasciicircum as « ˆ », a modifier."""
    return squash(text.replace("ˆ", "^"))


def shown(agent: Agent) -> str:
    return squash(f"{agent.name}, {agent.forename}" if agent.forename else agent.display_name)


def author_agents(record: Record) -> list[Agent]:
    main = [a for a in record.agents if a.role in ("", "070") and a.responsibility == "main"]
    other = [a for a in record.agents if a.role in ("", "070") and a.responsibility == "other"]
    return main + other


def authors(record: Record) -> list[str]:
    return [shown(a) for a in author_agents(record)]


def publisher(record: Record) -> str:
    grantors = [a.display_name for a in record.agents if a.role == "295"]
    if record.doc_type == "thesis" and grantors:
        return squash(grantors[0])
    return squash(next((p.publisher for p in record.publication if p.publisher), ""))


def numbers(record: Record) -> set[str]:
    host = [record.host.isbn, record.host.issn] if record.host else []
    return {n for n in [*record.isbns, *record.issns, *host] if n and " " not in n.strip()}


def descriptors(record: Record) -> list[str]:
    words = [" -- ".join([s.label, *s.subdivisions]) for s in record.subjects] + record.keywords
    return list(dict.fromkeys(squash(w) for w in words if w.strip()))


@pytest.fixture(scope="module")
def exported() -> tuple[list[Record], str]:
    records = [r for r in all_records() if r.title.strip()]  # the reader rejects no title
    return records, b"".join(formats.get("bibtex").write(records)).decode("utf-8")


def test_citation_keys_are_unique_ascii_and_stable(exported):
    records, text = exported
    keys = re.findall(r"^@\w+\{([^,]+),$", text, re.MULTILINE)
    assert len(keys) == len(set(keys)) == len(records)
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys), [k for k in keys if not k.isalnum()]
    again = b"".join(bibtexexport.write(records)).decode("utf-8")
    assert again == text


def test_clashing_keys_get_a_b_suffixes():
    donzelot = next(r for r in demo_records() if r.title == "Faire société")
    text = b"".join(bibtex.write([donzelot, donzelot, donzelot])).decode()
    assert re.findall(r"^@book\{(\w+),", text, re.M) == [
        "donzelot2003faire",
        "donzelot2003fairea",
        "donzelot2003faireb",
    ]


def test_names_keep_their_accents_for_classic_bibtex():
    donzelot = next(r for r in demo_records() if r.title == "Faire société")
    text = b"".join(bibtex.write([donzelot])).decode()
    assert "author = {Donzelot, Jacques and M{\\'e}vel, Catherine and Wyvekens, Anne}," in text
    assert "subtitle = {la politique de la ville aux {États-Unis} et en {France}}," in text


def test_bibtexparser_reads_the_entries_back(exported):
    """bibtexparser as its users call it; on the demo catalogue, the RIS, BibTeX and CSV
    fixtures and every 10th MARC record (its LaTeX decoding takes 10 ms an entry)."""
    records, _text = exported
    sample = [
        r
        for n, r in enumerate(records)
        if r.source.startswith(("centre-", "sudoc-", "unimarc-sciencespo"))
        or r.original.format in ("ris", "bibtex", "csv")
        or n % 10 == 0
    ]
    text = b"".join(bibtex.write(sample)).decode("utf-8")
    library = bibtexparser.parse_string(
        text,
        append_middleware=[SeparateCoAuthors(), SplitNameParts(), LatexDecodingMiddleware()],
    )
    assert not library.failed_blocks
    assert len(library.entries) == len(sample) > 500
    for record, entry in zip(sample, library.entries, strict=True):
        fields = {f.key: f.value for f in entry.fields}
        assert decoded(fields["title"]) == as_pylatexenc_reads(record.title), record.source_id
        assert decoded(fields.get("subtitle", "")) == as_pylatexenc_reads(record.other_title)
        assert [person(n) for n in fields.get("author", [])] == authors(record), record.source_id
        assert fields.get("year", "") == (f"{record.year:04d}" if record.year else "")
        body = fields.get("publisher") or fields.get("institution") or fields.get("school", "")
        assert decoded(body) == publisher(record), record.source_id
        written = re.split(r",\s*", fields.get("isbn", "") + ", " + fields.get("issn", ""))
        written = {re.sub(r"^IS[SB]N:", "", n) for n in written if n and " " not in n}
        assert written >= numbers(record), record.source_id


def person(name: NameParts) -> str:
    """« Last, First » of bibtexparser's name parts, decoded as its middleware decodes values
    (it leaves names in LaTeX)."""
    last = DECODER.latex_to_text(" ".join(name.von + name.last))
    first = DECODER.latex_to_text(" ".join(name.first + name.jr))
    return squash(f"{last}, {first}" if first else last)


def test_docbase_reads_every_entry_back(exported):
    records, text = exported
    back = list(bibtex.read(text.encode("utf-8"), source="export.bib"))
    assert len(back) == len(records)
    for record, again in zip(records, back, strict=True):
        assert isinstance(again, Record), again
        assert again.title == squash(record.title), record.source_id
        assert again.other_title == squash(record.other_title), record.source_id
        # the reader spaces the commas of a person's forename (« Aignan,... Constant »)
        spaced = [
            re.sub(r",(?=\S)", ", ", shown(a)) if a.kind == "person" and a.forename else shown(a)
            for a in author_agents(record)
        ]
        assert [shown(a) for a in again.agents if a.role == "070"] == spaced, record.source_id
        assert again.year == record.year, record.source_id
        assert publisher(again) == publisher(record), record.source_id
        assert numbers(again) >= numbers(record), record.source_id
        assert again.keywords == descriptors(record), record.source_id
        assert again.languages == record.languages, record.source_id
        assert again.doi == record.doi, record.source_id
