"""The registry of formats: name → reader, writer, MIME type, extension; and detection.

Import and export both go through it; adding a format is one module and one line here. Readers
are permissive: `read(data, source=...)` yields `Record`s and `RecordError`s (a bad record never
stops its file) and raises `FormatError` only when the whole file is unreadable. Writers take an
iterable of records and yield bytes, so that exports stream.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from catalogue.errors import FormatError, RecordError
from catalogue.record import Record

Reader = Callable[..., Iterator[Record | RecordError]]
Writer = Callable[[Iterable[Record]], Iterator[bytes]]


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    mime: str
    extension: str
    reader: str | None = None  # "module:function", imported on first use
    writer: str | None = None
    description: str = ""  # one line, for export menus and the README's formats table

    def read(self, data: bytes, source: str = "") -> Iterator[Record | RecordError]:
        if not self.reader:
            raise FormatError(f"le format {self.name} ne s'importe pas (not an import format)")
        return _resolve(self.reader)(data, source=source)

    def write(self, records: Iterable[Record]) -> Iterator[bytes]:
        if not self.writer:
            raise FormatError(f"le format {self.name} ne s'exporte pas (not an export format)")
        return _resolve(self.writer)(records)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("unimarc", "UNIMARC ISO 2709", "application/marc", "mrc",
               "catalogue.unimarc:read", "catalogue.unimarc:write",
               "UNIMARC ISO 2709 as PMB, the BnF and the Sudoc write it"),
        Format("unimarcxml", "UNIMARC XML", "application/xml", "xml",
               "catalogue.marcxml:read", "catalogue.marcxml:write_unimarc",
               "MARCXML-shaped UNIMARC"),
        Format("marc21", "MARC21 ISO 2709", "application/marc", "mrc",
               "catalogue.marc21:read", "catalogue.marc21:write",
               "MARC21 ISO 2709, MARC-8 or UTF-8"),
        Format("marcxml", "MARCXML (MARC21)", "application/marc+xml", "xml",
               "catalogue.marcxml:read", "catalogue.marcxml:write_marc21",
               "MARCXML (MARC21 slim), also inside OAI-PMH responses"),
        Format("pmbxml", "PMB XML (UNIMARC)", "application/xml", "xml",
               "catalogue.pmbxml:read", "catalogue.pmbxml:write",
               "PMB's own XML export"),
        Format("dc", "Dublin Core XML (oai_dc, OAI-PMH)", "application/xml", "xml",
               "catalogue.dublincore:read", "catalogue.dublincore:write",
               "Dublin Core XML: oai_dc records of OAI-PMH responses, plain DC documents"),
        Format("ris", "RIS", "application/x-research-info-systems", "ris",
               "catalogue.ris:read", "catalogue.ris:write",
               "RIS for Zotero, EndNote, Mendeley and databases"),
        Format("bibtex", "BibTeX", "application/x-bibtex", "bib",
               "catalogue.bibtex:read", "catalogue.bibtex:write",
               "BibTeX / BibLaTeX for LaTeX, JabRef and Zotero"),
        Format("csv", "CSV (colonnes en français)", "text/csv", "csv",
               "catalogue.csvfile:read", "catalogue.csvfile:write",
               "documentalists' spreadsheets with French column names"),
        Format("csljson", "CSL-JSON (Zotero, pandoc, citeproc)",
               "application/vnd.citationstyles.csl+json", "json", None, "catalogue.csl:write",
               "CSL-JSON items for citation processors (pandoc, citeproc, Zotero)"),
    )
}  # fmt: skip

IMPORT_FORMATS = [name for name, f in FORMATS.items() if f.reader]
EXPORT_FORMATS = [name for name, f in FORMATS.items() if f.writer]


def url_suffix(fmt: Format) -> str:
    """The suffix of a format's export URLs (`/notice/12.ris`): its file extension when no other
    export format shares it, else its registry name (`.marcxml`, `.pmbxml`, `.unimarc`)."""
    shared = sum(1 for f in FORMATS.values() if f.writer and f.extension == fmt.extension)
    return fmt.extension if shared == 1 else fmt.name


def by_suffix(suffix: str) -> Format | None:
    """The export format an URL suffix names: its own suffix or its registry name."""
    for fmt in FORMATS.values():
        if fmt.writer and suffix in (fmt.name, url_suffix(fmt)):
            return fmt
    return None


def get(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise FormatError(f"format inconnu « {name} » (unknown format; known: {known})") from None


def _resolve(path: str) -> Callable:
    module, _, func = path.partition(":")
    return getattr(importlib.import_module(module), func)


_RIS_LINE = re.compile(rb"^\s*TY  ?-", re.MULTILINE)
_WOS_RECORD = re.compile(rb"^(FN |PT [A-Z]\s*$)", re.MULTILINE)  # Web of Science tagged export
_BIBTEX_ENTRY = re.compile(rb"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_ISO2709_LEADER = re.compile(rb"^\s*\d{5}[ a-z]{3}[ a-z0-9]{2}[0-9 ]{2}\d{5}")


def marc_flavour(tags: Iterable[str]) -> str:
    """UNIMARC or MARC21 from the tags present: 200 is UNIMARC's title, 245 MARC21's."""
    tags = set(tags)
    if "245" in tags:
        return "marc21"
    if "200" in tags or "210" in tags or "215" in tags:
        return "unimarc"
    return "marc21" if tags & {"100", "260", "264", "300", "650"} else "unimarc"


def _iso2709_flavour(data: bytes) -> str:
    from catalogue.marc import iso2709

    tags: list[str] = []
    for count, (_pos, _off, chunk) in enumerate(iso2709.split(data)):
        if count >= 20:
            break
        try:
            tags.extend(tag for tag, _ in iso2709.read(chunk)[0].fields)
        except RecordError:
            continue
    return marc_flavour(tags)


def _xml_format(data: bytes) -> str:
    head = data[:65536]
    if re.search(rb"<(\w+:)?unimarc[\s>]", head) or re.search(rb"<notice[\s>]", head):
        return "pmbxml"
    tags = re.findall(rb'<(?:\w+:)?datafield[^>]*\btag="(\d{3})"', head)
    if not tags and b"http://purl.org/dc/elements/1.1/" in head:
        return "dc"
    return "unimarcxml" if marc_flavour(t.decode() for t in tags) == "unimarc" else "marcxml"


def detect(data: bytes, filename: str = "") -> str:
    """The registry name of a file's format, from its content (the file name only breaks ties)."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    stripped = body.lstrip()
    if not stripped:
        raise FormatError("fichier vide (empty file)")
    if stripped.startswith(b"<"):
        return _xml_format(stripped)
    if _ISO2709_LEADER.match(body[:64]):
        return _iso2709_flavour(body)
    if _RIS_LINE.search(body[:8192]) or _WOS_RECORD.search(body[:8192]):
        return "ris"
    if _BIBTEX_ENTRY.search(body[:65536]):
        return "bibtex"
    lower = filename.lower()
    if lower.endswith((".csv", ".tsv")) or _looks_like_csv(body):
        return "csv"
    raise FormatError(
        "ce fichier n'est pas une notice bibliographique reconnue "
        "(not bibliographic data: expected UNIMARC/MARC21 ISO 2709 or XML, PMB XML, RIS, BibTeX or CSV)"
    )


def _looks_like_csv(data: bytes) -> bool:
    first = data.split(b"\n", 1)[0].lower()
    return any(sep in first for sep in (b";", b",", b"\t")) and any(
        name in first for name in (b"titre", b"title")
    )
