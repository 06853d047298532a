"""ISBN/ISSN check digits are checked once, where every reader's records are prepared for the
store (issue 11, point 5)."""

from __future__ import annotations

from pathlib import Path

from catalogue import bibtex, csvfile, ris
from catalogue.record import Record
from catalogue.store import Store, prepare

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def check_warnings(record: Record) -> list[str]:
    return [w for w in record.original.warnings if "clé de contrôle fausse" in w]


def prepared(items) -> list[Record]:
    records = [item for item in items if isinstance(item, Record)]
    for record in records:
        prepare(record)
    return records


def test_ris_export_with_a_wrong_issn_is_warned():
    # rispy's test export: the SN says 1932-6208 (PLOS ONE's ISSN is 1932-6203), and the
    # second record's 1732-4208 is no ISSN either
    data = (FIXTURES / "ris" / "example_extraneous_data.ris").read_bytes()
    first, second = prepared(ris.read(data))
    assert first.host.issn == "1932-6208"  # kept as written
    (warning,) = check_warnings(first)
    assert warning.startswith("ISSN « 1932-6208 » : clé de contrôle fausse")
    assert second.host.issn == "1732-4208" and len(check_warnings(second)) == 1


def test_csv_isbn_with_a_wrong_check_digit_is_warned_and_the_good_ones_are_not():
    data = (FIXTURES / "csv" / "notices_excel_utf8_bom.csv").read_bytes()
    assert not any(check_warnings(r) for r in prepared(csvfile.read(data)))
    assert data.count(b"979-10-90000-01-8") == 1
    data = data.replace(b"979-10-90000-01-8", b"979-10-90000-01-9")
    warned = [r.source_id for r in prepared(csvfile.read(data)) if check_warnings(r)]
    assert warned == ["PV-2021-001"]


def test_bibtex_isbn_with_a_wrong_check_digit_is_warned():
    data = (FIXTURES / "bibtex" / "input__one_simple_entry.bib").read_bytes()
    (good,) = prepared(bibtex.read(data))
    assert good.isbns == ["2214707786"] and not check_warnings(good)
    (bad,) = prepared(bibtex.read(data.replace(b"2214707786", b"2214707787")))
    assert check_warnings(bad) == [
        "ISBN « 2214707787 » : clé de contrôle fausse, numéro gardé tel quel "
        "(ISBN with a wrong check digit)"
    ]


def test_warning_is_saved_once_and_goes_when_the_number_is_fixed(tmp_path):
    data = (FIXTURES / "bibtex" / "input__one_simple_entry.bib").read_bytes()
    (bad,) = bibtex.read(data.replace(b"2214707786", b"2214707787"))
    with Store(tmp_path / "docbase.sqlite3") as store:
        record_id = store.save(bad).record_id
        store.save(bad)
        saved = store.get(record_id)
        assert len(check_warnings(saved)) == 1
        saved.identifiers[0].value = "2214707786"
        store.save(saved)
        assert not check_warnings(store.get(record_id))
