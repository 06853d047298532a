"""The metadata formats of the OAI-PMH provider: each one written from the current record.

`oai_dc` for every record; `marcxml` (MARC21 slim) for records that came in as MARC21, whose
leader ends in `4500`; `marcxchange` (ISO 25577, `format="UNIMARC"`, as the BnF serves it) for
the others — UNIMARC records and records from RIS, BibTeX, CSV, Dublin Core, which docbase
writes as UNIMARC; `pmbxml` (PMB's `<notice>` in its OAI namespace) for every record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalogue import dublincore, marc21, marcxml, pmbxml, unimarc
from catalogue.record import Record

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
MARC21_NS = "http://www.loc.gov/MARC21/slim"
MARC21_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
MARCXCHANGE_NS = "info:lc/xmlns/marcxchange-v1"
MARCXCHANGE_SCHEMA = "http://www.loc.gov/standards/iso25577/marcxchange-1-1.xsd"
PMB_NS = pmbxml.PMB_NS  # PMB publishes no schema: its namespace stands for it


def is_marc21(record: Record) -> bool:
    """The flavour a record came in as (the store filters on the same value)."""
    return record.original.flavour == "marc21"


def _oai_dc(record: Record) -> str:
    return dublincore.to_xml(record)


def _marcxml(record: Record) -> str:
    leader, fields = marc21.from_record(record)
    xml = marcxml.record_xml(leader, fields, indent="")
    head = f'<record xmlns="{MARC21_NS}" {XSI} xsi:schemaLocation="{MARC21_NS} {MARC21_SCHEMA}">'
    return xml.replace("<record>", head, 1)


def _digits(text: str, default: str) -> str:
    return text if text.isdigit() else default


def marcxchange_leader(leader: str) -> str:
    """MarcXchange wants digits where ISO 2709 has numbers (length, base address, entry map);
    a leader written for XML leaves blanks there."""
    leader = (leader + " " * 24)[:24]
    return (
        _digits(leader[0:5], "00000")
        + leader[5:10]
        + _digits(leader[10:12], "22")
        + _digits(leader[12:17], "00000")
        + leader[17:20]
        + _digits(leader[20:23], "450")
        + leader[23]
    )


def _marcxchange(record: Record) -> str:
    leader, fields = unimarc.from_record(record)
    xml = marcxml.record_xml(marcxchange_leader(leader), fields, indent="")
    head = (
        f'<record xmlns="{MARCXCHANGE_NS}" {XSI} xsi:schemaLocation="{MARCXCHANGE_NS}'
        f' {MARCXCHANGE_SCHEMA}" format="UNIMARC" type="Bibliographic">'
    )
    return xml.replace("<record>", head, 1)


def _pmbxml(record: Record) -> str:
    leader, fields = unimarc.from_record(record)
    xml = pmbxml.notice_xml(leader, fields).strip()
    return xml.replace("<notice>", f'<notice xmlns="{PMB_NS}">', 1)


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    write: Callable[[Record], str]  # the content of <metadata>
    marc21: bool | None = None  # only MARC21 records (True), only the others (False), all (None)
    uses_marc: bool = True  # reads the record's original MARC fields (MARC writers do)

    def disseminates(self, record: Record) -> bool:
        return self.marc21 is None or is_marc21(record) == self.marc21


METADATA_FORMATS: dict[str, MetadataFormat] = {
    f.prefix: f
    for f in (
        MetadataFormat(
            "oai_dc", dublincore.OAI_DC_SCHEMA, dublincore.OAI_DC_NS, _oai_dc, uses_marc=False
        ),
        MetadataFormat("marcxml", MARC21_SCHEMA, MARC21_NS, _marcxml, marc21=True),
        MetadataFormat(
            "marcxchange", MARCXCHANGE_SCHEMA, MARCXCHANGE_NS, _marcxchange, marc21=False
        ),
        MetadataFormat("pmbxml", PMB_NS, PMB_NS, _pmbxml),
    )
}
