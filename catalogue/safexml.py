"""Parsing XML that comes from outside: no DTD, no entities, no network, ever.

Every XML reader of the catalogue goes through `parse`, so that an external entity, an
entity-expansion bomb or a DTD fetch is refused in one place rather than guarded in each format.
"""

from __future__ import annotations

import re

from lxml import etree

from catalogue.errors import FormatError, MalformedXMLError, UnsafeXMLError

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# text that only looks like markup: a `<!DOCTYPE` there is not a DTD (the parser checks again)
_MARKUP_TEXT = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_REFUSED = (
    "XML refusé : les déclarations DOCTYPE/ENTITY ne sont pas acceptées "
    "(XML with a DTD or entity declarations is refused)"
)


def parse(data: bytes) -> etree._Element:
    """The root element of a document; `UnsafeXMLError` for DTDs and entity declarations.

    Checked twice: in the bytes before parsing (cheap, ASCII-compatible encodings), and in what
    the parser saw (any encoding, UTF-16 and UTF-32 included), with entities never resolved.
    """
    if b"<!" in data and _DOCTYPE.search(_MARKUP_TEXT.sub(b"", data)):
        raise UnsafeXMLError(_REFUSED)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc).lower()
        if any(word in message for word in ("doctype", "entitydecl", "amplification")):
            raise UnsafeXMLError(_REFUSED) from None  # a DTD or a bomb libxml2 stopped itself
        raise MalformedXMLError(f"XML mal formé (malformed XML): {exc}") from None
    if root is None:
        raise FormatError("XML vide (empty XML document)")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXMLError(_REFUSED)
    if any(True for _ in root.iter(etree.Entity)):
        raise UnsafeXMLError(_REFUSED)
    return root


def local(tag: object) -> str:
    """An element's name without its namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
