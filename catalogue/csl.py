"""Record → CSL-JSON item: the input of citation processors (pandoc, Zotero, citeproc-js).

CSL-JSON is also an export format (`csljson`). Each item says its language as BCP 47
(« fr-FR »): styles change the case of English titles only, so a French title keeps its case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from catalogue.record import Agent, Record

# document type → CSL type (CSL 1.0.2 names; pandoc knows them all)
CSL_TYPES: dict[str, str] = {
    "book": "book",
    "periodical": "periodical",
    "issue": "periodical",
    "article": "article-journal",
    "thesis": "thesis",
    "report": "report",
    "chapter": "chapter",
    "proceedings": "book",  # a whole volume of proceedings; its papers are "paper-conference"
    "web": "webpage",
    "audiovisual": "motion_picture",
    "sound": "song",
    "image": "graphic",
    "map": "map",
    "score": "musical_score",
    "manuscript": "manuscript",
    "multimedia": "document",
    "object": "document",
    "other": "document",
}

# ISO 639-2 → BCP 47 with the region a French centre means (fr-FR, not fr-CA)
BCP47: dict[str, str] = {
    "fre": "fr-FR", "fra": "fr-FR", "eng": "en-US", "ger": "de-DE", "deu": "de-DE",
    "spa": "es-ES", "ita": "it-IT", "por": "pt-PT", "dut": "nl-NL", "nld": "nl-NL",
    "lat": "la", "gre": "el-GR", "ell": "el-GR", "rus": "ru-RU", "pol": "pl-PL",
    "cze": "cs-CZ", "ces": "cs-CZ", "ara": "ar", "chi": "zh-CN", "zho": "zh-CN",
    "jpn": "ja-JP", "tur": "tr-TR", "rum": "ro-RO", "ron": "ro-RO", "hun": "hu-HU",
}  # fmt: skip
DEFAULT_LANGUAGE = "fr-FR"  # a record without a language in a French catalogue: French

# relator codes → CSL name variables; other roles (préfacier, directeur de thèse…) are not cited
EDITOR_ROLES = {"340", "651", "220", "273"}
ROLE_VARIABLES = {"730": "translator", "440": "illustrator"}
EDITOR_LABELS = ("dir", "éd", "ed", "coord", "sous la dir")
_PARTICLES = ("de la", "de l'", "van der", "van den", "von der", "de", "d'", "du", "des", "van", "von")  # fmt: skip
_PAGES_PREFIX = re.compile(r"^\s*(?:p{1,2}\.|pages?)\s*", re.IGNORECASE)
_ISSUE_PREFIX = re.compile(r"^\s*(?:n°|no\.?|num(?:éro)?\.?|nr\.?)\s*", re.IGNORECASE)
_VOLUME_PREFIX = re.compile(r"^\s*(?:vol\.?|volume|t\.|tome)\s*", re.IGNORECASE)
_PAGE_COUNT = re.compile(r"(\d+)\s*(?:p\b|pages?\b|f\.)", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def language(record: Record) -> str:
    """The record's first language as BCP 47; French when it has none."""
    for code in record.languages:
        tag = BCP47.get(code.strip().lower())
        if tag:
            return tag
    return DEFAULT_LANGUAGE


def name(agent: Agent) -> dict[str, str]:
    """A CSL name: family/given with their particles, `literal` for a corporate body."""
    if agent.kind != "person":
        return {"literal": agent.display_name}
    out: dict[str, str] = {}
    family, given = agent.name.strip(), agent.forename.strip()
    for particle in _PARTICLES:  # « de Gaulle » written in the surname
        joint = "" if particle.endswith("'") else " "
        if family.startswith(particle + joint) and len(family) > len(particle) + 1:
            out["non-dropping-particle"] = particle
            family = family[len(particle) :].strip()
            break
    for particle in _PARTICLES:  # « Gaulle, Charles de » as the BnF writes it
        if given.endswith(" " + particle):
            out["dropping-particle"] = particle
            given = given[: -len(particle)].strip()
            break
    out["family"] = family
    if given:
        out["given"] = given
    return out


def _name_variable(agent: Agent) -> str | None:
    if agent.role in ROLE_VARIABLES:
        return ROLE_VARIABLES[agent.role]
    label = agent.role_label.lower().strip(" .()")
    if agent.role in EDITOR_ROLES or (label and label.startswith(EDITOR_LABELS)):
        return "editor"
    if agent.role in ("", "070", "205", "330", "557") and not label:
        return "author" if agent.responsibility != "secondary" or agent.role else None
    return None


def _names(record: Record) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for agent in record.agents:
        variable = _name_variable(agent)
        if variable and agent.name.strip():
            out.setdefault(variable, []).append(name(agent))
    return out


def _issued(record: Record) -> dict[str, Any] | None:
    host = record.host
    if host and host.date_iso and (match := _ISO_DATE.match(host.date_iso)):
        parts = [int(p) for p in match.groups() if p and int(p)]
        if len(parts) == 3 and parts[2] == 1:  # « 2019-03-01 » for « mars 2019 »: no day
            parts.pop()
        if not record.year or parts[0] == record.year:
            return {"date-parts": [parts]}
    if record.year:
        return {"date-parts": [[record.year]]}
    return None


def _title(record: Record, lang: str) -> str:
    title = record.title.strip()
    if record.other_title:  # French typography: a space before the colon
        title += (" : " if lang.startswith("fr") else ": ") + record.other_title.strip()
    return title


def _host_fields(record: Record) -> dict[str, str]:
    host = record.host
    if host is None:
        return {}
    out = {
        "container-title": host.title,
        "volume": _VOLUME_PREFIX.sub("", host.volume),
        "issue": _ISSUE_PREFIX.sub("", host.number),
        "page": _PAGES_PREFIX.sub("", host.pages),
        "ISSN": host.issn,
    }
    if host.isbn:
        out["ISBN"] = host.isbn
    return out


def _url(record: Record) -> str:
    for link in record.links:
        if link.kind != "thumbnail" and link.url.startswith(("https://", "http://")):
            return link.url
    return ""


def item(record: Record, *, for_citation: bool = False) -> dict[str, Any]:
    """The CSL-JSON item of a record; `for_citation` leaves out what no reference prints
    (abstract, keywords), which ISO 690 styles would otherwise copy into the bibliography."""
    lang = language(record)
    data: dict[str, Any] = {
        "id": str(record.id) if record.id is not None else record.source_id,
        "type": CSL_TYPES.get(record.doc_type, "document"),
        "title": _title(record, lang),
        "language": lang,
    }
    data.update(_names(record))
    if issued := _issued(record):
        data["issued"] = issued
    pub = next((p for p in record.publication if p.publisher or p.place), None)
    if pub:
        data["publisher"], data["publisher-place"] = pub.publisher, pub.place
    data.update(_host_fields(record))
    if record.host is None and (count := _PAGE_COUNT.search(record.extent)):
        data["number-of-pages"] = count.group(1)
    if record.edition:
        data["edition"] = record.edition
    if record.series:
        data["collection-title"] = record.series[0].title
        data["collection-number"] = record.series[0].number
    data["ISBN"] = data.get("ISBN") or next(iter(record.isbns), "")
    data["ISSN"] = data.get("ISSN") or next(iter(record.issns), "")
    data["DOI"], data["URL"] = record.doi, _url(record)
    if not for_citation:
        data["abstract"] = record.abstract
        data["keyword"] = ", ".join(s.label for s in record.descriptors)
    return {k: v for k, v in data.items() if v}


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """The `csljson` export: one JSON array, streamed item by item."""
    yield b"["
    for count, record in enumerate(records):
        text = json.dumps(item(record), ensure_ascii=False, indent=1)
        yield (",\n" if count else "\n").encode() + text.encode("utf-8")
    yield b"\n]\n"
