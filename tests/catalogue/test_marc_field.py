"""The `Field` type of catalogue.marc: the store's list shape in and out, field for field."""

from __future__ import annotations

from pathlib import Path

from catalogue import marc21, unimarc
from catalogue.marc import iso2709
from catalogue.marc.field import Field, fields_of
from catalogue.record import Record

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _records() -> list[Record]:
    out = []
    for reader, path in (
        (unimarc.read, FIXTURES / "unimarc" / "medialab_periouni.mrc"),
        (marc21.read, FIXTURES / "marc21" / "solrmarc_uva_001-200.mrc"),
    ):
        out += [r for r in reader(path.read_bytes()) if isinstance(r, Record)]
    return out


def test_every_real_field_goes_to_field_and_back_unchanged():
    count = 0
    for record in _records():
        fields = fields_of(record.original.marc)
        assert [f.to_list() for f in fields] == record.original.marc
        count += len(fields)
    assert count > 1000


def test_get_and_values_read_a_real_title_field():
    record = next(r for r in _records() if r.original.flavour == "unimarc" and r.title)
    title = next(f for f in fields_of(record.original.marc) if f.tag == "200")
    stored = next(f for f in record.original.marc if f[0] == "200")
    assert title.indicators == (stored[1], stored[2])
    assert title.get("a") == next(v for c, v in stored[3] if c == "a")
    assert title.get("Z", "none") == "none"
    assert title.values("a", "e") == [v for c, v in stored[3] if c in "ae"]
    assert record.title.startswith(title.get("a").strip()[:10])
    with_001 = next(r for r in _records() if r.original.flavour == "marc21")
    control = next(f for f in fields_of(with_001.original.marc) if f.tag == "001")
    assert control.is_control and control.value.strip() == with_001.source_id
    assert control.get("a") == "" and control.values("a") == [] and not title.is_control


def test_the_encoder_takes_fields_or_lists_alike():
    record = _records()[0]
    as_lists = iso2709.encode(record.original.leader, record.original.marc)
    as_fields = iso2709.encode(record.original.leader, fields_of(record.original.marc))
    assert as_lists == as_fields
    assert Field.data("200", "1", " ", [("a", "T")]).to_list() == ["200", "1", " ", [["a", "T"]]]
