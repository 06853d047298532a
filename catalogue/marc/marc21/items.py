"""Holdings: items ↔ 852 (MARC holdings) and 952 (Koha's items), links ↔ 856."""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.field import Field
from catalogue.marc.marc21.common import ByTag, MarcField, clean, data_field, sub_value, sub_values
from catalogue.record import Item, Link, Record

ITEMS = Family("items", ("items",), _tags("852", "952"))
LINKS = Family("links", ("links",), _tags("856"))


def read_links(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Links (856 $u, with $y, $3 or $z as label)."""
    for f in fields("856", ()):
        label = clean(sub_value(f, "y") or sub_value(f, "3") or sub_value(f, "z"))
        for url in sub_values(f, "u"):
            url = url.strip()
            if url:
                record.links.append(Link(url=url, label=label, format=clean(sub_value(f, "q"))))


def read_items(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Items: 852 (MARC holdings) and 952 (Koha)."""
    for f in fields("852", ()):
        call = " ".join(v.strip() for c, v in f[3] if c in "khijm" and v.strip())
        item = Item(
            call_number=call,
            barcode=clean(sub_value(f, "p")),
            location=clean(sub_value(f, "c")),
            location_code=clean(sub_value(f, "b")),
            owner=clean(sub_value(f, "a")),
            note=clean(sub_value(f, "z")),
        )
        if item.call_number or item.barcode or item.location or item.location_code:
            record.items.append(item)
    for f in fields("952", ()):
        item = Item(
            call_number=clean(sub_value(f, "o")),
            barcode=clean(sub_value(f, "p")),
            location_code=clean(sub_value(f, "c")),
            owner=clean(sub_value(f, "a")),
            section_code=clean(sub_value(f, "8")),
            status_code=clean(sub_value(f, "7")),
            doc_type_code=clean(sub_value(f, "y")),
            note=clean(sub_value(f, "z")),
        )
        if item.call_number or item.barcode:
            record.items.append(item)


def write_items(record: Record) -> list[Field]:
    out: list[Field] = []
    for item in record.items:
        if _koha_item(item):
            out += data_field("952", " ", " ", _koha_subfields(item))
            continue
        where = [("a", item.owner), ("b", item.location_code), ("c", item.location or item.section)]
        out += data_field(
            "852",
            " ",
            " ",
            [*where, ("h", item.call_number), ("p", item.barcode), ("z", item.note)],
        )
    return out


def _koha_item(item: Item) -> bool:
    # codes (section, status, document type) only Koha's 952 carries; 852 keeps a location
    codes = item.section_code or item.status_code or item.doc_type_code
    return bool(codes) and not (item.location or item.section or item.status)


def _koha_subfields(item: Item) -> list[tuple[str, str]]:
    return [
        ("a", item.owner),
        ("c", item.location_code),
        ("o", item.call_number),
        ("p", item.barcode),
        ("7", item.status_code),
        ("8", item.section_code),
        ("y", item.doc_type_code),
        ("z", item.note),
    ]


def write_links(record: Record) -> list[Field]:
    out: list[Field] = []
    for link in record.links:
        out += data_field("856", "4", "0", [("u", link.url), ("y", link.label), ("q", link.format)])
    return out
