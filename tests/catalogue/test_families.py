"""Field families: an edited MARC-origin record exports its edit in every MARC format.

On real records (PMB and Sudoc UNIMARC, MARC21 from pymarc, traject and solrmarc): each family's
model value is edited, the record is written in each format of its flavour and read back with
that format's own reader; the edit is there, every other family is as it was, and every field
no family maps (035, 9xx local fields, 3xx of no family…) is the same, value for value.
"""

from __future__ import annotations

import copy
import dataclasses
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pymarc
import pytest

from catalogue import formats, marc21, unimarc
from catalogue.marc import families
from catalogue.marc import marc21 as marc21_map
from catalogue.marc.unimarc import UNIMARC_FAMILIES
from catalogue.record import (
    Agent,
    Classification,
    CustomField,
    Host,
    Identifier,
    Item,
    Link,
    Publication,
    Record,
    Series,
    Subject,
)
from tests.catalogue.test_unimarc import PMB_ARTICLE

FIXTURES = Path(__file__).parents[1] / "fixtures"
UNIMARC_SOURCES = [
    ("unimarc/medialab_cotes8.mrc", "unimarc", None),  # PMB, Sciences Po: items in 995
    ("unimarc/medialab_cotesBR.mrc", "unimarc", None),
    ("unimarc/medialab_periouni.mrc", "unimarc", 12),  # PMB serials
    ("unimarc/iso5426_sample.mrc", "unimarc", None),  # ISO 5426 bytes
    ("unimarc/pymarc_testunimarc.dat", "unimarc", None),
    ("xml/abes_sudoc_088884074.xml", "unimarcxml", None),  # the Sudoc
    ("xml/abes_sudoc_252383524.xml", "unimarcxml", None),
]
MARC21_SOURCES = [
    ("marc21/test_data.utf8.mrc", "marc21", None),
    ("marc21/pymarc_test.dat", "marc21", None),
    ("marc21/pymarc_marc.dat", "marc21", 8),  # MARC-8
    ("marc21/traject_manuscript_online_thesis.marc", "marc21", None),
    ("marc21/traject_online_only.marc", "marc21", None),
    ("marc21/solrmarc_uva_001-200.mrc", "marc21", 20),
]
OWN_FORMATS = {"unimarc": ("unimarc", "unimarcxml", "pmbxml"), "marc21": ("marc21", "marcxml")}
TABLES = {"unimarc": UNIMARC_FAMILIES, "marc21": marc21_map.FAMILIES}


@cache
def _records(flavour: str) -> tuple[Record, ...]:
    out: list[Record] = []
    for path, fmt, limit in UNIMARC_SOURCES if flavour == "unimarc" else MARC21_SOURCES:
        data = (FIXTURES / path).read_bytes()
        read = [r for r in formats.get(fmt).read(data, source=path) if isinstance(r, Record)]
        assert read, path
        out += read[:limit]
    return tuple(out)


def _copy(record: Record) -> Record:
    return copy.deepcopy(record)  # to_dict shares lists of strings: edits would leak


def _rename_first_agent(record: Record) -> None:
    if record.agents:  # a documentalist corrects an author's name
        record.agents[0].name = "Donzelot"
        record.agents[0].forename = "Jacques" if record.agents[0].kind == "person" else ""
    else:
        record.agents.append(Agent("Donzelot", "Jacques", role="070"))


def _to_web(record: Record) -> None:
    if record.doc_type == "book" and record.bib_level == "m":
        record.doc_type = "web"


# family → an edit of its model values (identifiers and subjects are read in tag order, so the
# new ISBN goes first, as 010/020 does, and the new descriptor after those of its kind)
EDITS: dict[str, Callable[[Record], object]] = {
    "type": _to_web,
    "identifiers": lambda r: r.identifiers.insert(0, Identifier("isbn", "978-2-7071-5403-2", "br.")),
    "languages": lambda r: setattr(r, "languages", ["eng", "fre"]),
    "country": lambda r: setattr(r, "country", "BE"),
    "title": lambda r: setattr(r, "title", "Titre corrigé par la documentaliste"),
    "edition": lambda r: setattr(r, "edition", "2e éd. revue et augmentée"),
    "publication": lambda r: (
        setattr(r, "publication", [Publication("Lyon", "Éditions du Rhône", "2031")]),
        setattr(r, "year", 2031),
    ),
    "physical": lambda r: (setattr(r, "extent", "312 p."), setattr(r, "dimensions", "24 cm")),
    "series": lambda r: setattr(r, "series", [Series("Collection Essais urbains", "12")]),
    "notes": lambda r: r.notes.append("Note ajoutée par le centre"),
    "contents": lambda r: setattr(r, "contents", "Introduction -- Conclusion"),
    "abstract": lambda r: setattr(r, "abstract", "Résumé rédigé par le centre."),
    "host": lambda r: setattr(r, "host", Host(title="Revue urbaine", issn="1234-5679")),
    "subjects": lambda r: r.subjects.append(Subject("Politique de la ville", "geographic")),
    "keywords": lambda r: setattr(r, "keywords", ["mixité sociale", "logement"]),
    "classifications": lambda r: setattr(r, "classifications", [Classification("307.76", scheme="dewey")]),
    "agents": _rename_first_agent,
    "links": lambda r: setattr(r, "links", [Link("https://example.org/rapport.pdf", "Texte intégral")]),
    "items": lambda r: setattr(r, "items", [Item(call_number="307 DON", barcode="B0001", owner="CRPV")]),
    "custom": lambda r: setattr(r, "custom", [CustomField("cp_theme", "Logement", "Thème")]),
}  # fmt: skip


def _write_and_read(record: Record, fmt: str) -> Record:
    (back,) = list(formats.get(fmt).read(b"".join(formats.get(fmt).write([record]))))
    assert isinstance(back, Record), back
    return back


def _unmapped(record: Record, table: list[families.Family]) -> list[list]:
    """The fields no family reads, but those a family patches (100, 008: checked apart)."""
    mapped = (unimarc if record.original.flavour == "unimarc" else marc21).to_record(
        record.original.leader, record.original.marc
    )
    patched = {tag for f in table for tag, _, _ in f.positions}
    return [
        f
        for f in record.original.marc
        if f[0] not in patched and not any(fam.claims(f, mapped) for fam in table)
    ]


def _patched_field(record: Record, tag: str, keep: set[int]) -> str:
    """A coded field (008, 100 $a) with only the positions no edit may change."""
    for f in record.original.marc:
        if f[0] == tag:
            text = f[1] if len(f) == 2 else next(v for c, v in f[3] if c == "a")
            return "".join(ch for i, ch in enumerate(text.ljust(40)) if i in keep)
    return ""


def _check_edit(record: Record, flavour: str, family: families.Family) -> int:
    table = TABLES[flavour]
    edited = _copy(record)
    EDITS[family.name](edited)
    if not family.changed(edited, record):
        return 0  # that edit changes nothing on this record (a serial is never made "web")
    for fmt in OWN_FORMATS[flavour]:
        back = _write_and_read(edited, fmt)
        where = (record.source, record.source_id, fmt, family.name)
        for other in table:
            for attr in other.attrs:
                expected = getattr(edited if other is family else record, attr)
                assert getattr(back, attr) == expected, (*where, attr)
        assert _unmapped(back, table) == _unmapped(record, table), where
        changed = {i for f in table for t, s, e in f.positions if f is family for i in range(s, e)}
        changed |= set(range(26, 30)) if flavour == "unimarc" else set()  # UTF-8 in 100
        keep = set(range(40)) - changed
        tag = "100" if flavour == "unimarc" else "008"
        assert _patched_field(back, tag, keep) == _patched_field(record, tag, keep), where
    return 1


# not checked here: MARC21 has no custom family (marc21.to_record reads no local field), and a
# UNIMARC monograph's 461 is its series (test_an_article_s_host_is_edited covers the host)
NOT_HERE = {("marc21", "custom"), ("unimarc", "host")}


@pytest.mark.parametrize(
    ("flavour", "name"),
    [(f, n) for f in ("unimarc", "marc21") for n in EDITS if (f, n) not in NOT_HERE],
)
def test_an_edited_family_reaches_every_format_of_its_flavour(flavour: str, name: str) -> None:
    (family,) = [f for f in TABLES[flavour] if f.name == name]
    checked = sum(_check_edit(r, flavour, family) for r in _records(flavour))
    assert checked >= 5  # the edit did change the model of real records


def test_an_article_s_host_is_edited() -> None:
    # no real UNIMARC article among the fixtures: the PMB article of test_unimarc
    record = unimarc.to_record("00000naa2 2200000   450 ", PMB_ARTICLE, source="PMB réseau")
    assert record.host is not None and record.host.pages
    family = next(f for f in UNIMARC_FAMILIES if f.name == "host")
    edited = _copy(record)
    edited.host = Host(title="Revue urbaine", issn="1234-5679", number="12", pages="45-67")
    for fmt in OWN_FORMATS["unimarc"]:
        back = _write_and_read(edited, fmt)
        assert back.host == edited.host and back.doc_type == "article"
        assert (back.title, back.agents, back.subjects) == (
            record.title,
            record.agents,
            record.subjects,
        )
        assert _unmapped(back, UNIMARC_FAMILIES) == _unmapped(record, UNIMARC_FAMILIES)
    assert family.changed(edited, record)


@pytest.mark.parametrize("flavour", ["unimarc", "marc21"])
def test_every_model_attribute_has_one_family(flavour: str) -> None:
    attrs = [a for f in TABLES[flavour] for a in f.attrs]
    model = {f.name for f in dataclasses.fields(Record)} - {"id", "source", "source_id"}
    model -= {"original"} | ({"custom"} if flavour == "marc21" else set())
    assert sorted(attrs) == sorted(model)  # each once
    assert set(EDITS) >= {f.name for f in TABLES[flavour]}


@pytest.mark.parametrize("flavour", ["unimarc", "marc21"])
def test_an_untouched_record_goes_out_field_for_field(flavour: str) -> None:
    module = unimarc if flavour == "unimarc" else marc21
    for record in _records(flavour):
        _, fields = module.from_record(record)
        original = [f for f in record.original.marc if len(f) in (2, 4)]
        assert len(fields) == len(original)
        for out, field in zip(fields, original, strict=True):
            assert out is field or (flavour == "unimarc" and field[0] == "100"), field


@pytest.mark.parametrize("fmt", ["unimarc", "unimarcxml", "pmbxml", "marc21", "marcxml"])
def test_a_title_edit_reaches_every_marc_export(fmt: str) -> None:
    # the defect of issue 9: a UNIMARC record's exports kept its original title
    (record,) = [r for r in _records("unimarc") if r.source_id == "097239895"]
    edited = _copy(record)
    edited.title = "Titre corrigé par la documentaliste"
    edited.agents[0].name = "Donzelot"
    edited.subjects.append(Subject("Politique de la ville", "geographic"))
    back = _write_and_read(edited, fmt)
    assert back.title == edited.title
    assert back.agents[0].name == "Donzelot"
    assert "Politique de la ville" in [s.label for s in back.subjects]


def test_an_edit_leaves_the_other_fields_as_they_came() -> None:
    (record,) = [r for r in _records("unimarc") if r.source_id == "097239895"]
    edited = _copy(record)
    edited.title = "Titre corrigé"
    _, fields = unimarc.from_record(edited)
    (f200,) = [f for f in fields if f[0] == "200"]
    assert f200[3][0] == ["a", "Titre corrigé"]
    original = [f for f in record.original.marc if f[0] not in ("100", "200")]
    assert [f for f in fields if f[0] not in ("100", "200")] == original
    assert [f[0] for f in fields] == [f[0] for f in record.original.marc]  # 200 kept its place


def test_pymarc_reads_the_marc21_export_of_an_edit() -> None:
    (record,) = [r for r in _records("marc21") if r.source_id == "43037890"]
    edited = _copy(record)
    edited.title = "Titre corrigé par la documentaliste"
    _rename_first_agent(edited)
    edited.year = 2031
    data = b"".join(marc21.write([edited]))
    (parsed,) = list(pymarc.MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True))
    assert parsed is not None
    assert parsed["245"]["a"] == "Titre corrigé par la documentaliste"
    assert parsed["100"]["a"] == "Donzelot, Jacques"
    assert parsed["008"].data[7:11] == "2031"
    (f008,) = [f[1] for f in record.original.marc if f[0] == "008"]
    assert parsed["008"].data[11:] == f008[11:] and parsed["008"].data[:7] == f008[:7]
    assert [f.tag for f in parsed.get_fields("001", "035")] == [
        f[0] for f in record.original.marc if f[0] in ("001", "035")
    ]


def test_agents_read_from_the_statement_of_responsibility_stay() -> None:
    # no 7xx: the reader takes the agents from 200 $f; once $f is edited, they are written
    # as 7xx so that they read back as they were, not as the new statement
    data = (FIXTURES / "unimarc/medialab_periouni.mrc").read_bytes()
    (record,) = [r for r in unimarc.read(data) if r.source_id == "03746650X"]
    assert isinstance(record, Record)
    assert not [f for f in record.original.marc if f[0][0] == "7"] and record.agents
    edited = _copy(record)
    edited.responsibility = "sous la direction de Jacques Donzelot"
    for fmt in OWN_FORMATS["unimarc"]:
        back = _write_and_read(edited, fmt)
        assert back.responsibility == edited.responsibility
        assert back.agents == record.agents
        assert [f[0] for f in back.original.marc if f[0][0] == "7"] == ["700"]


def test_agents_keep_the_model_s_order_in_unimarc() -> None:
    (record,) = [r for r in _records("unimarc") if r.source_id == "091880394"]
    edited = _copy(record)
    edited.agents.append(Agent("ANRU", kind="corporate", role="070", responsibility="other"))
    edited.agents.append(Agent("Zola", "Émile", role="080", responsibility="secondary"))
    back = _write_and_read(edited, "unimarc")
    assert back.agents == edited.agents


def test_koha_items_and_other_identifiers_survive_the_marc21_builder() -> None:
    (record,) = [r for r in _records("marc21") if r.source_id == "43037890"]
    edited = _copy(record)
    edited.items = [  # 852 are read before 952
        Item(call_number="307 DON", barcode="B3", location="Salle 1", location_code="S1"),
        Item(call_number="307 DON", barcode="B1", location_code="S1", section_code="F"),
        Item(call_number="307 DON", barcode="B2", status_code="1", doc_type_code="BK"),
    ]
    edited.identifiers.append(Identifier("other", "ark:/12148/cb1", "BnF"))
    for fmt in OWN_FORMATS["marc21"]:
        back = _write_and_read(edited, fmt)
        assert back.items == edited.items
        assert back.identifiers == edited.identifiers
        assert [f[0] for f in back.original.marc if f[0] in ("852", "952")] == [
            "852",
            "952",
            "952",
        ]


def test_two_families_of_one_field_both_reach_it() -> None:
    # a PMB issue: 200 holds the title ($a) and the host's number and issue title ($h $i)
    marc = [
        ["001", "88-bull"],
        ["035", " ", " ", [["a", "(PMB)88"]]],
        ["200", "1", " ", [["a", "Problèmes politiques et sociaux"], ["h", "n° 1021"]]],
        ["210", " ", " ", [["d", "mai 2019"]]],
        ["461", " ", " ", [["t", "Problèmes politiques et sociaux"], ["x", "0015-9743"]]],
    ]
    record = unimarc.to_record("00000nas2 2200000   450 ", marc)
    assert record.doc_type == "issue" and record.host is not None
    edited = _copy(record)
    edited.title = "Problèmes politiques et sociaux (Paris)"
    assert edited.host is not None
    edited.host.number = "n° 1022"
    edited.host.issue_title = "L'eau"
    for fmt in OWN_FORMATS["unimarc"]:
        back = _write_and_read(edited, fmt)
        assert [f[0] for f in back.original.marc].count("200") == 1
        assert (back.title, back.host) == (edited.title, edited.host)
        assert back.original.marc[1] == marc[1]  # 035 as it came
