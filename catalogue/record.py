"""The bibliographic record ("notice") every format maps to and from.

One model for all formats, so that a reader and a writer only ever meet through it. The original
record (its raw bytes or text, and for MARC-family formats its decoded fields) travels with it, so
that nothing outside the mapping is lost and a UNIMARC record can go out field for field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any

# Document types: the vocabulary every reader maps to (key → French label, English label).
DOC_TYPES: dict[str, tuple[str, str]] = {
    "book": ("Livre", "Book"),
    "periodical": ("Périodique", "Periodical"),
    "issue": ("Numéro de périodique", "Periodical issue"),
    "article": ("Article", "Article"),
    "thesis": ("Thèse, mémoire", "Thesis"),
    "report": ("Rapport", "Report"),
    "chapter": ("Chapitre", "Book chapter"),
    "proceedings": ("Actes de colloque", "Proceedings"),
    "web": ("Ressource en ligne", "Web resource"),
    "audiovisual": ("Audiovisuel", "Audiovisual"),
    "sound": ("Enregistrement sonore", "Sound recording"),
    "image": ("Image", "Image"),
    "map": ("Carte", "Map"),
    "score": ("Partition", "Music score"),
    "manuscript": ("Manuscrit", "Manuscript"),
    "multimedia": ("Multimédia", "Multimedia"),
    "object": ("Objet", "Object"),
    "other": ("Autre document", "Other"),
}

# Bibliographic levels (leader/07 in both UNIMARC and MARC21).
BIB_LEVELS: dict[str, str] = {
    "m": "monograph",
    "s": "serial",
    "a": "analytic",  # a component part: an article, a chapter
    "c": "collection",
    "i": "integrating",
}

# UNIMARC relator codes (Appendix C) most used by PMB and French catalogues: code → (fr, en).
RELATORS: dict[str, tuple[str, str]] = {
    "005": ("Acteur", "Actor"),
    "010": ("Adaptateur", "Adapter"),
    "020": ("Annotateur", "Annotator"),
    "040": ("Artiste", "Artist"),
    "070": ("Auteur", "Author"),
    "072": ("Auteur de la citation", "Author in quotations"),
    "075": ("Auteur de postface", "Author of afterword"),
    "080": ("Préfacier", "Author of introduction"),
    "090": ("Dialoguiste", "Author of dialogue"),
    "100": ("Antécédent bibliographique", "Bibliographic antecedent"),
    "180": ("Cartographe", "Cartographer"),
    "190": ("Censeur", "Censor"),
    "205": ("Collaborateur", "Collaborator"),
    "210": ("Commentateur", "Commentator"),
    "212": ("Commentateur de texte écrit", "Commentator for written text"),
    "220": ("Compilateur", "Compiler"),
    "230": ("Compositeur", "Composer"),
    "245": ("Concepteur", "Conceptor"),
    "270": ("Correcteur", "Corrector"),
    "273": ("Commissaire d'exposition", "Curator of an exhibition"),
    "295": ("Organisme de soutenance", "Degree-grantor"),
    "300": ("Réalisateur", "Director"),
    "330": ("Auteur présumé", "Dubious author"),
    "340": ("Éditeur scientifique", "Editor"),
    "360": ("Graveur", "Engraver"),
    "395": ("Fondateur", "Founder"),
    "440": ("Illustrateur", "Illustrator"),
    "530": ("Éditeur", "Publisher"),
    "557": ("Organisateur de congrès", "Organiser of meeting"),
    "570": ("Autre", "Other"),
    "587": ("Demandeur de brevet", "Patent applicant"),
    "600": ("Photographe", "Photographer"),
    "605": ("Présentateur", "Presenter"),
    "651": ("Directeur de publication", "Publishing director"),
    "673": ("Directeur de recherche", "Research team head"),
    "675": ("Critique", "Reviewer"),
    "677": ("Membre d'une équipe de recherche", "Research team member"),
    "710": ("Rédacteur", "Redactor"),
    "723": ("Commanditaire", "Sponsor"),
    "726": ("Scénariste", "Scenarist"),
    "727": ("Directeur de thèse", "Thesis advisor"),
    "730": ("Traducteur", "Translator"),
    "753": ("Vendeur", "Vendor"),
    "900": ("Dédicateur", "Honoree"),
    "956": ("Président du jury de soutenance", "President of the jury"),
    "958": ("Membre du jury de soutenance", "Member of the jury"),
    "990": ("Rapporteur", "Rapporteur"),
}


def relator_label(code: str | None, lang: str = "fr") -> str:
    """The French (or English) label of a relator code; the code itself when unknown."""
    if not code:
        return ""
    labels = RELATORS.get(code)
    if labels is None:
        return code
    return labels[0] if lang == "fr" else labels[1]


# A plausible year of publication, 1000–2099, not inside a longer number ("c1998", "2014//")
YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")


def year_of(text: str | None) -> int | None:
    """The first plausible year (1000–2099) of a date as written ("c1998", "2014//", "mars 2019")."""
    if not text:
        return None
    match = YEAR.search(text)
    return int(match.group(1)) if match else None


def nfc(text: str) -> str:
    """Every text of the store is NFC: decoders of ISO 5426 and MARC-8 yield decomposed accents."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


@dataclass
class Identifier:
    """A standard number or external identifier (ISBN, ISSN, DOI, PMID, URN, local…)."""

    scheme: str  # "isbn", "issn", "doi", "pmid", "ean", "other"
    value: str
    qualifier: str = ""  # "br.", "rel.", price…


@dataclass
class Agent:
    """A person or a corporate body linked to a record, with its role."""

    name: str  # surname (person) or the corporate name
    forename: str = ""
    kind: str = "person"  # "person", "corporate", "meeting"
    role: str = ""  # UNIMARC relator code ("070"), when known
    role_label: str = ""  # a role as printed when no code is known ("ed.", "dir.")
    responsibility: str = "main"  # "main" (700/710), "other" (701/711), "secondary" (702/712)
    dates: str = ""
    authority_id: str = ""  # the source base's authority id ($9 id:N, $3)
    subordinate: str = ""  # subordinate unit of a corporate body ($b)
    place: str = ""  # city / place of a meeting or body

    @property
    def display_name(self) -> str:
        if self.kind == "person" and self.forename:
            return f"{self.forename} {self.name}"
        if self.subordinate:
            return f"{self.name}. {self.subordinate}"
        return self.name

    @property
    def sort_name(self) -> str:
        return f"{self.name}, {self.forename}" if self.forename else self.name


@dataclass
class Publication:
    place: str = ""
    publisher: str = ""
    date: str = ""  # as printed


@dataclass
class Series:
    title: str
    number: str = ""
    issn: str = ""


# a descriptor and its subdivisions, joined: as the index, the facets and every export write it
HIERARCHY_SEP = " -- "


@dataclass
class Subject:
    """A controlled descriptor (thesaurus term), a geographic term, a person or a name as subject."""

    label: str
    kind: str = "topic"  # "topic", "geographic", "person", "corporate", "title", "form"
    authority_id: str = ""  # PMB category id ($9 id:N), BnF/Sudoc ($3)
    thesaurus: str = ""  # PMB idthes, or the source of the heading ($2)
    uri: str = ""
    subdivisions: list[str] = field(default_factory=list)  # $x $y $z $j

    @property
    def heading(self) -> str:
        """The descriptor with its subdivisions: « Politique urbaine -- États-Unis »."""
        return HIERARCHY_SEP.join([self.label, *(s for s in self.subdivisions if s.strip())])


@dataclass
class Classification:
    number: str
    label: str = ""
    scheme: str = ""  # "dewey", "pmb", "udc", "lcc"…


@dataclass
class Link:
    """An online resource: a URL with what it points to."""

    url: str
    label: str = ""
    format: str = ""  # MIME type or format note
    kind: str = "resource"  # "resource", "thumbnail", "attachment"


@dataclass
class Host:
    """The periodical (and issue) an article appears in, or the book a chapter belongs to."""

    title: str = ""
    issn: str = ""
    isbn: str = ""
    authority_id: str = ""  # PMB id of the periodical record
    volume: str = ""
    number: str = ""  # "n° 412"
    issue_title: str = ""
    date: str = ""  # as printed
    date_iso: str = ""  # "YYYY-MM-DD" when known
    pages: str = ""


@dataclass
class Item:
    """A copy ("exemplaire") held by the centre or a partner."""

    call_number: str = ""  # "cote"
    barcode: str = ""
    location: str = ""
    location_code: str = ""
    section: str = ""
    section_code: str = ""
    status: str = ""
    status_code: str = ""
    owner: str = ""
    doc_type_code: str = ""
    note: str = ""


@dataclass
class CustomField:
    """A local field ("champ personnalisé" in PMB's 900)."""

    name: str
    value: str
    label: str = ""


@dataclass
class Original:
    """The record as it came in: what no mapping may lose.

    `marc` holds the decoded MARC fields (leader, then [tag, ind1, ind2, [[code, value]…]] or
    [tag, value] for control fields), so that a MARC writer of the same flavour emits it again.
    """

    format: str = (
        ""  # "unimarc", "marc21", "unimarcxml", "marcxml", "pmbxml", "ris", "bibtex", "csv"…
    )
    flavour: str = ""  # "unimarc" or "marc21" for MARC-family records
    charset: str = ""  # the decoding actually used ("utf-8", "iso5426", "marc-8", "latin-1")
    raw: bytes | str = b""  # the raw record bytes or text, unchanged
    leader: str = ""
    marc: list[list[Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. unknown ISO 5426 bytes, kept visible


@dataclass
class Record:
    """A bibliographic record in the one model of docbase."""

    id: int | None = None  # local id, given by the store
    source: str = ""  # source base ("PMB réseau", "sudoc", the file name…)
    source_id: str = ""  # the record's id in its source base (001)
    doc_type: str = "book"  # a key of DOC_TYPES
    bib_level: str = "m"  # a key of BIB_LEVELS
    title: str = ""
    other_title: str = ""  # other title information (200 $e)
    parallel_titles: list[str] = field(default_factory=list)
    responsibility: str = ""  # statement of responsibility as printed (200 $f)
    agents: list[Agent] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    edition: str = ""
    publication: list[Publication] = field(default_factory=list)
    year: int | None = None  # normalised year of publication
    extent: str = ""
    illustrations: str = ""
    dimensions: str = ""
    accompanying: str = ""
    series: list[Series] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # ISO 639-2/B codes
    original_languages: list[str] = field(default_factory=list)
    country: str = ""
    notes: list[str] = field(default_factory=list)
    contents: str = ""
    abstract: str = ""
    subjects: list[Subject] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # free keywords (610)
    classifications: list[Classification] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    host: Host | None = None
    items: list[Item] = field(default_factory=list)
    custom: list[CustomField] = field(default_factory=list)
    original: Original = field(default_factory=Original)

    # -- convenient views ------------------------------------------------------------------
    def identifier_values(self, scheme: str) -> list[str]:
        return [i.value for i in self.identifiers if i.scheme == scheme]

    @property
    def isbns(self) -> list[str]:
        return self.identifier_values("isbn")

    @property
    def issns(self) -> list[str]:
        return self.identifier_values("issn")

    @property
    def doi(self) -> str:
        values = self.identifier_values("doi")
        return values[0] if values else ""

    @property
    def first_author(self) -> Agent | None:
        for agent in self.agents:
            if agent.responsibility == "main":
                return agent
        return self.agents[0] if self.agents else None

    @property
    def geographic(self) -> list[str]:
        return [s.label for s in self.subjects if s.kind == "geographic"]

    @property
    def descriptors(self) -> list[Subject]:
        return [s for s in self.subjects if s.kind != "geographic"]

    # -- serialisation ----------------------------------------------------------------------
    def to_dict(self, with_raw: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; the raw bytes only when asked (the store keeps them apart)."""
        data = _to_plain(self)
        if not with_raw:
            data["original"].pop("raw", None)
        elif isinstance(self.original.raw, bytes):
            data["original"]["raw"] = self.original.raw.decode("latin-1")
            data["original"]["raw_is_bytes"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        data = dict(data)
        original = dict(data.pop("original", None) or {})
        if original.pop("raw_is_bytes", False):
            original["raw"] = original.get("raw", "").encode("latin-1")
        host = data.pop("host", None)
        record = cls(
            **{k: v for k, v in data.items() if k in _RECORD_SCALARS},
            agents=[Agent(**a) for a in data.get("agents", ())],
            identifiers=[Identifier(**i) for i in data.get("identifiers", ())],
            publication=[Publication(**p) for p in data.get("publication", ())],
            series=[Series(**s) for s in data.get("series", ())],
            subjects=[Subject(**s) for s in data.get("subjects", ())],
            classifications=[Classification(**c) for c in data.get("classifications", ())],
            links=[Link(**lk) for lk in data.get("links", ())],
            host=Host(**host) if host else None,
            items=[Item(**i) for i in data.get("items", ())],
            custom=[CustomField(**c) for c in data.get("custom", ())],
            original=Original(**original),
        )
        return record


_RECORD_LISTS_OF_OBJECTS = {
    "agents",
    "identifiers",
    "publication",
    "series",
    "subjects",
    "classifications",
    "links",
    "items",
    "custom",
}
_RECORD_SCALARS = {
    f.name for f in fields(Record) if f.name not in _RECORD_LISTS_OF_OBJECTS | {"host", "original"}
}


def _to_plain(obj: Any) -> Any:
    # Faster than dataclasses.asdict (no deepcopy, no walk through the MARC field lists, which
    # are plain JSON already); the ingest benchmark depends on it.
    fields_ = getattr(obj, "__dataclass_fields__", None)
    if fields_ is not None:
        return {name: _to_plain(getattr(obj, name)) for name in fields_}
    if type(obj) is list and obj and hasattr(obj[0], "__dataclass_fields__"):
        return [_to_plain(v) for v in obj]
    return obj
