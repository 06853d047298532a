"""PMB's local fields: copies ↔ 995 (PMB's own) and 996 (with location, section and status
labels), custom fields ↔ 900 ($a value, $l label, $n name)."""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import _Built, _clean, _field, _first, _Scan
from catalogue.record import CustomField, Item, Record

ITEMS = Family("items", ("items",), _tags("995", "996"))
CUSTOM = Family("custom", ("custom",), _tags("900"))


def read_item(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    rich = field[0] == "996"
    item = Item(
        call_number=_clean(_first(subs, "k")),
        barcode=_clean(_first(subs, "f")),
        owner=_clean(_first(subs, "a", "c", "b")),
        note=_clean(_first(subs, "u")),
        status_code=_clean(_first(subs, "2", "o") if rich else _first(subs, "o")),
        doc_type_code=_clean(_first(subs, "r")),
        section_code=_clean(_first(subs, "y", "q") if rich else _first(subs, "q")),
        location_code=_clean(_first(subs, "w", "d") if rich else _first(subs, "d")),
    )
    if rich:
        item.location = _clean(_first(subs, "v"))
        item.section = _clean(_first(subs, "x"))
        item.status = _clean(_first(subs, "1"))
    if any(getattr(item, f) for f in item.__dataclass_fields__):
        rec.items.append(item)


def write_items(record: Record) -> _Built:
    out: _Built = []
    for item in record.items:
        common = [("a", item.owner), ("f", item.barcode), ("k", item.call_number), ("u", item.note)]
        common += [("r", item.doc_type_code)]
        if item.location or item.section or item.status:
            subs = common + [
                ("v", item.location),
                ("w", item.location_code),
                ("x", item.section),
                ("y", item.section_code),
                ("1", item.status),
                ("2", item.status_code),
            ]
            out.append(_field("996", " ", " ", subs))
        else:
            subs = common + [
                ("o", item.status_code),
                ("q", item.section_code),
                ("d", item.location_code),
            ]
            out.append(_field("995", " ", " ", subs))
    return out


def read_custom(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    value = _clean(_first(subs, "a"))
    label = _clean(_first(subs, "l"))
    name = _clean(_first(subs, "n")) or label
    if value or name:
        rec.custom.append(CustomField(name, value, label))


def write_custom(record: Record) -> _Built:
    return [
        _field("900", " ", " ", [("a", cf.value), ("l", cf.label), ("n", cf.name)])
        for cf in record.custom
    ]
