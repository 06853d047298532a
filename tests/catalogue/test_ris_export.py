"""RIS export, read back by rispy and by docbase's own RIS reader, record for record."""

from __future__ import annotations

import re

import pytest
import rispy

from catalogue import formats, ris
from catalogue.record import Agent, Record
from tests.catalogue.exports import all_records, demo_records

# rispy keeps one value of a tag unless told it repeats; SN repeats (ISBN of each volume…)
LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "SN"]


def shown(agent: Agent) -> str:
    return f"{agent.name}, {agent.forename}" if agent.forename else agent.display_name


def authors(record: Record) -> list[str]:
    main = [a for a in record.agents if a.role in ("", "070") and a.responsibility == "main"]
    other = [a for a in record.agents if a.role in ("", "070") and a.responsibility == "other"]
    return [squash(shown(a)) for a in main + other]


def publisher(record: Record) -> str:
    grantors = [a.display_name for a in record.agents if a.role == "295"]
    if record.doc_type == "thesis" and grantors:
        return grantors[0]
    return next((p.publisher for p in record.publication if p.publisher), "")


def numbers(record: Record) -> set[str]:
    """ISBNs and ISSNs; a junk one with a space inside (« SSN 1028-8171 ») aside: any reader
    takes it for two (see test_junk_numbers_are_rare)."""
    host = [record.host.isbn, record.host.issn] if record.host else []
    return {n for n in [*record.isbns, *record.issns, *host] if n and " " not in n.strip()}


def test_junk_numbers_are_rare():
    junk = [n for r in all_records() for n in r.isbns + r.issns if " " in n.strip()]
    assert len(junk) < 10, junk


def squash(text: str) -> str:
    return " ".join(text.split())  # RIS values are one line: runs of spaces are one space


def descriptors(record: Record) -> list[str]:
    words = [" -- ".join([s.label, *s.subdivisions]) for s in record.subjects] + record.keywords
    return list(dict.fromkeys(squash(w) for w in words))


@pytest.fixture(scope="module")
def exported() -> tuple[list[Record], str]:
    records = [r for r in all_records() if r.title]  # docbase rejects a record without title
    text = b"".join(formats.get("ris").write(records)).decode("utf-8")
    return records, text


def test_crlf_and_one_record_per_record(exported):
    records, text = exported
    assert text.count("TY  - ") == len(records) > 3000
    assert "\n" not in text.replace("\r\n", "")
    assert text.count("\r\nER  - \r\n") == len(records)


def test_rispy_reads_every_record_back(exported):
    records, text = exported
    entries = rispy.loads(text, list_tags=LIST_TAGS)
    assert len(entries) == len(records)
    for record, entry in zip(records, entries, strict=True):
        full = f"{record.title} : {record.other_title}" if record.other_title else record.title
        assert entry["title"] == squash(full), record.source_id
        assert entry.get("authors", []) == authors(record), record.source_id
        assert entry.get("year", "") == (str(record.year) if record.year else ""), record.title
        assert entry.get("publisher", "") == squash(publisher(record)), record.title
        written = {re.sub(r"^IS[SB]N:", "", n) for n in entry.get("issn", []) if " " not in n}
        assert written == numbers(record), record.title
        assert entry.get("keywords", []) == descriptors(record), record.title


def test_docbase_reads_every_record_back(exported):
    records, text = exported
    back = list(ris.read(text.encode("utf-8"), source="export.ris"))
    assert len(back) == len(records)
    for record, again in zip(records, back, strict=True):
        assert isinstance(again, Record), again
        assert again.title == squash(record.title), record.source_id
        assert again.other_title == squash(record.other_title), record.source_id
        # the reader spaces the commas of a forename (« Aignan,... Constant » in a 700 $b)
        spaced = [re.sub(r",(?=\S)", ", ", a) for a in authors(record)]
        assert [shown(a) for a in again.agents if a.role == "070"] == spaced, record.title
        assert again.year == record.year
        assert publisher(again) == squash(publisher(record)), record.title
        assert numbers(again) >= numbers(record), record.title  # plus the pieces of junk
        # the reader takes « *term » for a major MeSH heading: the star is not the word's
        assert again.keywords == [w.lstrip("*").strip() for w in descriptors(record)]
        assert again.doc_type == record.doc_type or record.doc_type in {"issue", "object"}


def test_a_demo_article_and_thesis_keep_their_parts():
    thesis = next(r for r in demo_records() if r.doc_type == "thesis")
    (again,) = ris.read(b"".join(ris.write([thesis])))
    assert again.languages == thesis.languages
    assert [u.url for u in again.links] == [u.url for u in thesis.links]
    assert [a.name for a in again.agents if a.role == "295"] == [
        a.name for a in thesis.agents if a.role == "295"
    ]


def test_zotero_title_and_short_title_read_as_title_and_subtitle():
    text = (
        "TY  - BOOK\r\nTI  - Faire société: la politique de la ville\r\nST  - Faire société\r\n"
        "ER  - \r\n\r\nTY  - BOOK\r\nTI  - Faire société\r\nST  - Société\r\nER  - \r\n"
    )
    split, kept = ris.read(text.encode("utf-8"))
    assert (split.title, split.other_title) == ("Faire société", "la politique de la ville")
    assert (kept.title, kept.other_title) == ("Faire société", "")
    assert [(c.name, c.value) for c in kept.custom] == [("ST", "Société")]


def test_a_malformed_number_keeps_its_scheme():
    from catalogue.text import identifier

    assert identifier("ISSN:2532-64314").scheme == "issn"
    record = Record(title="x", identifiers=[identifier("ISSN:2532-64314")])
    (again,) = ris.read(b"".join(ris.write([record])))
    assert again.issns == ["2532-64314"]


def test_contributors_without_a_ris_tag_are_said_in_notes():
    book = Record(
        title="Livre",
        agents=[
            Agent("Donzelot", "Jacques", role="070"),
            Agent("Dupont", "Jean", role="080", responsibility="secondary"),
            Agent("Bellamy", "David", role="727", responsibility="secondary"),
        ],
    )
    text = b"".join(ris.write([book])).decode()
    assert "AU  - Donzelot, Jacques\r\n" in text
    assert "N1  - Préfacier : Dupont, Jean\r\nN1  - Directeur de thèse : Bellamy, David\r\n" in text
    (again,) = ris.read(text.encode())
    assert again.notes == ["Préfacier : Dupont, Jean", "Directeur de thèse : Bellamy, David"]
