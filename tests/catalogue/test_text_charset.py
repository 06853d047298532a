"""Charset of the text formats (RIS, BibTeX, CSV): one stray byte costs only its record, and a
non-Western file is detected (issue 11, points 1 and 2)."""

from __future__ import annotations

from pathlib import Path

from catalogue import bibtex, csvfile, ris
from catalogue.record import Record
from catalogue.text import decode_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BOM = b"\xef\xbb\xbf"


def records(items: list) -> list[Record]:
    assert all(isinstance(item, Record) for item in items), items
    return items


def stray_warnings(record: Record) -> list[str]:
    return [w for w in record.original.warnings if "octet non UTF-8" in w]


def test_csv_stray_latin1_byte_costs_only_its_row():
    data = (FIXTURES / "csv" / "notices_excel_utf8_bom.csv").read_bytes().removeprefix(BOM)
    # one hand-typed Latin-1 "ï" in row 3 (PV-2021-003), the rest of the file UTF-8
    assert data.count("Éloïse".encode()) == 1
    data = data.replace("Éloïse".encode(), "Élo".encode() + b"\xefse")
    found = {
        r.source_id: r for r in csvfile.read(data) if isinstance(r, Record)
    }  # one has no title
    good = found["PV-2021-001"]
    assert good.title == "Quartiers prioritaires : vingt ans de rénovation urbaine"
    assert good.agents[1].name == "Lœuillet" and not stray_warnings(good)
    assert found["PV-2021-002"].agents[2].name == "Nguyễn"
    bad = found["PV-2021-003"]
    assert bad.title == "Évaluation du contrat de ville de l'agglomération"
    assert [a.forename for a in bad.agents if a.name == "Garnier"] == ["Éloïse"]
    (warning,) = stray_warnings(bad)
    assert "cp1252" in warning and "ligne 5" in warning  # row 1 spans two lines
    assert [r.source_id for r in found.values() if stray_warnings(r)] == ["PV-2021-003"]


def test_ris_stray_latin1_byte_costs_only_its_record():
    utf = (FIXTURES / "ris" / "example_utf_chars.ris").read_bytes().removeprefix(BOM)
    basic = (FIXTURES / "ris" / "example_basic.ris").read_bytes()
    data = utf + b"\n" + basic.replace(b"Claude E.", b"Claude \xc9.")
    first, second = records(list(ris.read(data)))
    assert first.agents[0].name == "Dobrokhotova"
    assert first.abstract.startswith("Состояние рецепторного")
    assert any(n.startswith("Ä,Ö,Ü,ä,ö,ü,ß") for n in first.notes) and not stray_warnings(first)
    assert second.agents[0].forename == "Claude É."
    assert len(stray_warnings(second)) == 1


def test_bibtex_stray_latin1_byte_costs_only_its_entry():
    data = (FIXTURES / "bibtex" / "mapping__biblatex-input.bib").read_bytes()
    assert data.count("Tölgyesi".encode()) == 1
    data = data.replace("Tölgyesi".encode(), b"T\xf6lgyesi")
    found = records(list(bibtex.read(data)))
    hungarian = [r for r in found if any(a.name == "Bátori" for a in r.agents)]
    (entry,) = hungarian
    assert [a.name for a in entry.agents][:4] == ["Bátori", "Kiss", "Tölgyesi", "Deák"]
    assert len(stray_warnings(entry)) == 1
    assert [r for r in found if stray_warnings(r)] == [entry]


def test_file_mostly_cp1252_is_still_read_whole_as_cp1252():
    data = (FIXTURES / "csv" / "notices_excel_cp1252.csv").read_bytes()
    decoded = decode_text(data)
    assert decoded.charset == "cp1252" and not decoded.stray_lines and not decoded.guessed
    assert "Lœuillet" in decoded.text and "45 000 €" in decoded.text


def test_latin1_file_is_read_as_before():
    text = "TY  - BOOK\nTI  - Égalité des chances à l'école\nAU  - Lœuillet, François\nER  - \n"
    (record,) = records(list(ris.read(text.encode("latin-1", "replace"))))
    assert record.title == "Égalité des chances à l'école"
    assert record.original.charset == "cp1252" and not record.original.warnings


def test_gbk_bibtex_is_detected_and_warned():
    data = (FIXTURES / "bibtex" / "gbk_test.bib").read_bytes()
    (record,) = records(list(bibtex.read(data)))
    assert record.agents[0].name == "凯撒" and record.host.title == "测试期刊"
    assert record.original.charset == "gb18030"
    assert any("jeu de caractères deviné : gb18030" in w for w in record.original.warnings)
