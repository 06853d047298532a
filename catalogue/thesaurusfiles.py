"""Reading a thesaurus file: SKOS (RDF/XML or Turtle, with rdflib) or a documentalists' CSV.

Both give `Concept`s whose broader, narrower and related links point at ids inside the file;
the CSV's links are labels until `Thesaurus` resolves them (against the file, then the store).
A file that is not a thesaurus raises `ThesaurusError` with a French message; nothing is stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from catalogue import safexml
from catalogue.charset import decode_text
from catalogue.csvfile import sniff_separator
from catalogue.errors import CatalogueError, MalformedXMLError
from catalogue.record import nfc
from catalogue.text import clean_space, fold, unix_newlines

FORMATS = ("skos", "csv")


class ThesaurusError(CatalogueError):
    """A thesaurus file or edit refused as a whole, with the reason in French."""


@dataclass
class Concept:
    """A thesaurus concept: French preferred label (and English), non-preferred labels, links."""

    id: str
    pref_label: str
    pref_label_en: str = ""
    alt_labels: list[str] = field(default_factory=list)  # French non-preferred labels
    alt_labels_en: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)  # concept ids
    narrower: list[str] = field(default_factory=list)  # derived: the concepts below this one
    related: list[str] = field(default_factory=list)
    scope_note: str = ""
    uri: str = ""
    updated: str = ""  # when the store last changed it (the editor's concurrent-edit check)

    def to_data(self) -> dict[str, object]:
        """What the store keeps: narrower and updated are the store's own to say."""
        return {
            "id": self.id,
            "pref_label": self.pref_label,
            "pref_label_en": self.pref_label_en,
            "alt_labels": self.alt_labels,
            "alt_labels_en": self.alt_labels_en,
            "broader": self.broader,
            "related": self.related,
            "scope_note": self.scope_note,
            "uri": self.uri,
        }

    @classmethod
    def from_data(cls, data: dict) -> Concept:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class CsvRow:
    """One CSV line: a term with its broader terms and related terms still as labels."""

    line: int
    concept: Concept
    broader_labels: list[str]
    related_labels: list[str]


def detect(data: bytes, name: str = "") -> str:
    """ "skos" or "csv", from the file name's extension, else from the content."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("ttl", "rdf", "xml", "owl", "nt", "n3", "skos"):
        return "skos"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") or b"@prefix" in head or b"skos" in head.lower():
        return "skos"
    return "csv"


# -- SKOS ---------------------------------------------------------------------------------------


def read_skos(data: bytes) -> tuple[list[Concept], list[str]]:
    """The concepts of a SKOS file (RDF/XML or Turtle) and warnings; `ThesaurusError` when it is
    not RDF or holds no skos:Concept."""
    import rdflib
    from rdflib.namespace import RDF, SKOS

    graph = rdflib.Graph()
    syntax = _rdf_syntax(data)  # hostile or malformed XML is refused before rdflib sees it
    try:
        graph.parse(data=data, format=syntax)
    except Exception as exc:  # rdflib raises many kinds (BadSyntax, SAXParseException…)
        raise ThesaurusError(
            f"fichier SKOS illisible : ce n'est pas du RDF (Turtle ou RDF/XML) — {_short(exc)}"
            " (not an RDF file)"
        ) from None
    subjects = sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str)
    if not subjects:
        raise ThesaurusError("aucun concept SKOS (skos:Concept) dans ce fichier (no SKOS concept)")
    ids = _skos_ids(subjects)
    concepts: dict[str, Concept] = {}
    warnings: list[str] = []
    for node in subjects:
        concept = _skos_concept(graph, node, ids, SKOS)
        if concept.pref_label:
            concepts[concept.id] = concept
        else:
            warnings.append(f"concept sans libellé préféré ignoré : {node} (no prefLabel)")
    for concept in concepts.values():  # skos:narrower said on the parent is the child's broader
        for child in concept.narrower:
            if child in concepts and concept.id not in concepts[child].broader:
                concepts[child].broader.append(concept.id)
        concept.narrower = []
        for other in concept.related:  # related is symmetric
            if other in concepts and concept.id not in concepts[other].related:
                concepts[other].related.append(concept.id)
    for concept in concepts.values():
        concept.broader = [b for b in concept.broader if b in concepts]
        concept.related = [r for r in concept.related if r in concepts]
    return list(concepts.values()), warnings


def _rdf_syntax(data: bytes) -> str:
    """ "xml" for RDF/XML (checked first by the house's safe XML parser: no DTD, no entity),
    else "turtle" (N-Triples is Turtle too)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or re.match(rb"<[A-Za-z_][\w.-]*(:[\w.-]+)?[\s>/]", head):
        try:
            safexml.parse(data)  # UnsafeXMLError goes through: refused, never resolved
        except MalformedXMLError as exc:
            raise ThesaurusError(
                f"fichier SKOS illisible : XML mal formé — {_short(exc)} (malformed RDF/XML)"
            ) from None
        return "xml"
    return "turtle"


def _short(exc: Exception) -> str:
    return clean_space(str(exc))[:200]


def _skos_ids(subjects: list) -> dict:
    """A short id per concept: its URI's last segment when that is unique and URL-safe."""
    local = {node: re.split(r"[/#]", str(node).rstrip("/#"))[-1] for node in subjects}
    counts: dict[str, int] = {}
    for name in local.values():
        counts[name] = counts.get(name, 0) + 1
    return {
        node: name
        if counts[name] == 1 and re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", name)
        else "c" + hashlib.blake2b(str(node).encode(), digest_size=6).hexdigest()
        for node, name in local.items()
    }


def _skos_concept(graph, node, ids: dict, skos) -> Concept:
    from rdflib import URIRef

    def labels(prop, lang: str) -> list[str]:
        found = {
            nfc(clean_space(str(o)))
            for o in graph.objects(node, prop)
            if getattr(o, "language", None) and o.language.lower().startswith(lang)
        }
        return sorted(found - {""}, key=fold)

    def links(prop) -> list[str]:
        return sorted(ids[o] for o in graph.objects(node, prop) if o in ids)

    pref = labels(skos.prefLabel, "fr")
    pref_en = labels(skos.prefLabel, "en")
    notes = labels(skos.scopeNote, "fr") or labels(skos.scopeNote, "en")
    untagged = [nfc(clean_space(str(o))) for o in graph.objects(node, skos.prefLabel)]
    return Concept(
        id=ids[node],
        pref_label=(pref or pref_en or sorted(untagged) or [""])[0],
        pref_label_en=pref_en[0] if pref_en else "",
        alt_labels=labels(skos.altLabel, "fr") + pref[1:],
        alt_labels_en=labels(skos.altLabel, "en"),
        broader=links(skos.broader),
        narrower=links(skos.narrower),
        related=links(skos.related),
        scope_note=" ".join(notes),
        uri=str(node) if isinstance(node, URIRef) else "",  # a blank node has none
    )


# -- CSV ----------------------------------------------------------------------------------------

# the documented column names (folded) and what else a spreadsheet may call them
CSV_COLUMNS = {
    "terme": ("terme", "termes", "terme retenu", "descripteur", "term"),
    "terme générique": ("terme generique", "termes generiques", "tg", "broader"),
    "termes non retenus": (
        "termes non retenus",
        "terme non retenu",
        "non descripteurs",
        "employe pour",
        "ep",
        "synonymes",
    ),
    "note d'application": ("note d application", "note", "na", "scope note"),
    "termes associés": ("termes associes", "terme associe", "ta", "related"),
    "terme anglais": ("terme anglais", "english", "en"),
}
_CSV_INDEX = {alias: key for key, aliases in CSV_COLUMNS.items() for alias in aliases}


def read_csv(data: bytes) -> tuple[list[CsvRow], list[str]]:
    """The rows of a CSV thesaurus (one term a line) and warnings; `ThesaurusError` without a
    « terme » column. UTF-8 with or without BOM (or cp1252), « ; » or « , » separator."""
    text = unix_newlines(decode_text(data).text).lstrip("\ufeff")
    lines = text.split("\n")
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise ThesaurusError("fichier CSV vide (empty CSV file)")
    separator = sniff_separator(lines[header_at])
    reader = csv.reader(io.StringIO("\n".join(lines[header_at:])), delimiter=separator)
    header = [_CSV_INDEX.get(fold(cell)) for cell in next(reader)]
    if "terme" not in header:
        raise ThesaurusError(
            "colonne « terme » absente : la première ligne doit nommer les colonnes terme, "
            "terme générique, termes non retenus, note d'application (no « terme » column)"
        )
    rows: list[CsvRow] = []
    warnings: list[str] = []
    for offset, cells in enumerate(reader):
        line = header_at + offset + 2
        values: dict[str, str] = {}
        for key, cell in zip(header, cells, strict=False):
            if key and cell.strip():
                values[key] = nfc(clean_space(cell))
        if not values:
            continue
        if not values.get("terme"):
            warnings.append(f"ligne {line} : terme vide, ligne ignorée (empty term)")
            continue
        rows.append(_csv_row(line, values))
    return rows, warnings


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _csv_row(line: int, values: dict[str, str]) -> CsvRow:
    term = values["terme"]
    concept = Concept(
        id="",
        pref_label=term,
        pref_label_en=values.get("terme anglais", ""),
        alt_labels=[
            a for a in _split(values.get("termes non retenus", "")) if fold(a) != fold(term)
        ],
        scope_note=values.get("note d'application", ""),
    )
    return CsvRow(
        line,
        concept,
        _split(values.get("terme générique", "")),
        _split(values.get("termes associés", "")),
    )


def csv_id(label: str) -> str:
    """The id of a concept first met in a CSV file: its label folded, as a slug."""
    slug = fold(label).replace(" ", "-")[:80].strip("-")
    return slug or "t" + hashlib.blake2b(label.encode(), digest_size=6).hexdigest()
