"""The XML schemas docbase's XML is validated against, offline (tests/fixtures/schemas/)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
# OAI-PMH.xsd checks <metadata> strictly: every format served must be declared beside it
_OAI_WITH_FORMATS = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:docbase:tests">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/" schemaLocation="OAI-PMH.xsd"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/" schemaLocation="oai_dc.xsd"/>
  <xs:import namespace="http://www.loc.gov/MARC21/slim" schemaLocation="MARC21slim.xsd"/>
  <xs:import namespace="info:lc/xmlns/marcxchange-v1" schemaLocation="marcxchange-1-1.xsd"/>
  <xs:import namespace="http://www.pmbservices.fr" schemaLocation="pmb-notice-standin.xsd"/>
</xs:schema>
"""


@cache
def schema(name: str) -> etree.XMLSchema:
    """A schema of tests/fixtures/schemas/ by file name, or "oai" for OAI-PMH with its formats."""
    if name == "oai":
        doc = etree.XML(_OAI_WITH_FORMATS.encode(), base_url=f"{SCHEMAS}/")
        return etree.XMLSchema(doc)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def assert_valid(element: etree._Element, name: str) -> None:
    """Fails with the schema's own messages."""
    xsd = schema(name)
    if not xsd.validate(element):
        errors = "\n".join(f"{e.line}: {e.message}" for e in xsd.error_log)
        raise AssertionError(f"invalide selon {name} (invalid):\n{errors}")
