"""CSV import of documentalists' spreadsheets, with French column names (export: csvexport.py).

What a documentation centre keeps in Excel or LibreOffice: one row per document, one column per
element, several values in a cell separated by ";" ("Dupont, Jean ; Martin, Sophie"). Excel
saves "CSV (séparateur : point-virgule)" in cp1252 and "CSV UTF-8" with a BOM; both are read,
and the separator (; , tab |) is taken from the header line. Column names are matched without
case, accents or punctuation ("Mots-clés", "mots cles", "Keywords"), so a sheet made by hand
still imports. Columns nobody knows are kept as custom fields, never dropped, and named once in
the first record's warnings.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from itertools import zip_longest

from catalogue import csvrows
from catalogue.errors import FormatError, RecordError
from catalogue.reading import Chunk, read_records
from catalogue.record import (
    DOC_TYPES,
    RELATORS,
    Agent,
    CustomField,
    Host,
    Identifier,
    Item,
    Link,
    Original,
    Publication,
    Record,
    Series,
    Subject,
)
from catalogue.text import (
    clean_doi,
    clean_space,
    decode_text,
    fold,
    identifiers,
    iso_date,
    language_codes,
    person_or_body,
    stable_id,
    unix_newlines,
    year_of,
)

# The documented columns: French name → what it holds (the README's table is made from this).
COLUMNS: dict[str, str] = {
    "titre": "Titre propre du document. Obligatoire : une ligne sans titre est rejetée.",
    "sous-titre": "Complément du titre.",
    "auteurs": "Auteurs personnes, « Nom, Prénom », séparés par « ; ». Un rôle entre "
    "parenthèses est reconnu : (dir.), (éd.), (coord.), (trad.), (ill.), (préf.), (photogr.), "
    "ou tout autre par son libellé (Directeur de publication) ou son code UNIMARC (651).",
    "auteurs collectivités": "Organismes auteurs, séparés par « ; ».",
    "type": "Type de document : livre, article, rapport, thèse, mémoire, revue, numéro, "
    "chapitre, actes, site web, vidéo, son, image, carte, partition, multimédia, objet, autre "
    "(ou les types de PMB : texte imprimé, document projeté ou vidéo…). Vide : article s'il y a "
    "une revue, sinon livre.",
    "éditeur": "Éditeur(s), séparés par « ; ».",
    "lieu": "Lieu(x) d'édition, dans l'ordre des éditeurs.",
    "date": "Date de publication : 2019, 03/2019, 12/03/2019 ou 2019-03-12 ; autre forme "
    "gardée telle quelle.",
    "année": "Année de publication ; elle prime sur l'année de la date, et tient lieu de date "
    "quand il n'y a pas de colonne date.",
    "édition": "Mention d'édition (« 2e éd. revue et augmentée »).",
    "isbn": "ISBN, plusieurs séparés par « ; » ; celui de l'ouvrage pour un chapitre.",
    "issn": "ISSN ; celui de la revue pour un article.",
    "doi": "DOI (10.xxxx/… ou lien https://doi.org/…).",
    "collection": "Titre de la collection.",
    "numéro de collection": "Numéro dans la collection.",
    "pages": "Pagination : nombre de pages d'un document (« 245 » devient « 245 p. ») ou pages "
    "d'un article ou d'un chapitre (« 12-18 »). Aussi : pagination.",
    "revue": "Titre de la revue d'un article, de l'ouvrage d'un chapitre.",
    "volume": "Volume (tome, année) de la revue.",
    "numéro": "Numéro (fascicule) de la revue.",
    "résumé": "Résumé ; les retours à la ligne sont gardés.",
    "descripteurs": "Descripteurs du thésaurus, séparés par « ; », leurs subdivisions après "
    "« -- » (Politique urbaine -- États-Unis).",
    "mots-clés": "Mots-clés libres, séparés par « ; ».",
    "géographie": "Descripteurs géographiques, séparés par « ; », leurs subdivisions après « -- ».",
    "langue": "Langue(s) du document, en toutes lettres ou en code (français, fre, fr), "
    "séparées par « ; ».",
    "notes": "Note générale.",
    "url": "Lien(s) vers la ressource en ligne, séparés par « ; ».",
    "cote": "Cote de l'exemplaire ; plusieurs exemplaires : cotes séparées par « ; ».",
    "code-barres": "Code-barres de l'exemplaire.",
    "localisation": "Localisation de l'exemplaire (centre, bibliothèque).",
    "section": "Section (rayon) de l'exemplaire.",
    "identifiant": "Identifiant de la notice dans le tableau ou la base d'origine : une "
    "réimportation met à jour la notice au lieu d'en créer une autre. Sans lui, une empreinte "
    "de la ligne en tient lieu. Aussi : id.",
}

# Accepted headers, folded (lower case, no accents, punctuation as spaces), French and English.
_ALIASES: dict[str, tuple[str, ...]] = {
    "titre": ("titre", "title", "titre propre", "titre principal"),
    "sous-titre": ("sous titre", "soustitre", "complement du titre", "complement de titre",
                   "subtitle", "other title"),
    "auteurs": ("auteurs", "auteur", "auteur s", "auteurs personnes", "auteur personne",
                "authors", "author", "author s", "createurs", "createur"),
    "auteurs collectivités": ("auteurs collectivites", "auteur collectivite", "collectivites",
                              "collectivite", "auteurs collectifs", "auteur collectif",
                              "collectivites auteurs", "organismes", "organisme",
                              "corporate authors", "corporate author", "corporate bodies"),
    "type": ("type", "type de document", "type document", "types", "nature",
             "document type", "doc type", "type of document"),
    "éditeur": ("editeur", "editeurs", "editeur s", "maison d edition", "editeur commercial",
                "publisher", "publishers"),
    "lieu": ("lieu", "lieux", "lieu d edition", "lieu de publication", "ville", "place",
             "place of publication", "city"),
    "date": ("date", "date de publication", "date d edition", "date de parution", "parution",
             "publication date", "date of publication"),
    "année": ("annee", "annee de publication", "annee d edition", "annee de parution", "year",
              "publication year"),
    "édition": ("edition", "mention d edition"),
    "isbn": ("isbn", "isbns", "isbn s"),
    "issn": ("issn",),
    "doi": ("doi",),
    "collection": ("collection", "collections", "serie", "series", "titre de la collection"),
    "numéro de collection": ("numero de collection", "n de collection", "no de collection",
                             "num de collection", "numero dans la collection",
                             "n dans la collection", "series number", "collection numero"),
    "pages": ("pages", "pagination", "nombre de pages", "nb pages", "nb de pages", "page",
              "importance materielle", "extent"),
    "revue": ("revue", "titre de la revue", "periodique", "titre du periodique", "journal",
              "periodical", "journal title"),
    "volume": ("volume", "vol", "tome"),
    "numéro": ("numero", "n", "no", "num", "fascicule", "issue", "number"),
    "résumé": ("resume", "resumes", "abstract", "summary"),
    "descripteurs": ("descripteurs", "descripteur", "descripteur s", "sujets", "sujet",
                     "subjects", "subject", "descriptors", "thesaurus"),
    "mots-clés": ("mots cles", "mot cle", "mots clefs", "mot clef", "mots cles libres",
                  "keywords", "keyword", "tags"),
    "géographie": ("geographie", "descripteurs geographiques", "descripteur geographique",
                   "zone geographique", "lieux geographiques", "geographic", "geography"),
    "langue": ("langue", "langues", "langue s", "language", "languages", "lang"),
    "notes": ("notes", "note", "remarques", "remarque", "note generale"),
    "url": ("url", "urls", "lien", "liens", "adresse web", "lien internet", "link", "links"),
    "cote": ("cote", "cotes", "call number", "shelfmark"),
    "code-barres": ("code barres", "code barre", "codebarre", "codes barres", "barcode"),
    "localisation": ("localisation", "emplacement", "location"),
    "section": ("section", "rayon"),
    "identifiant": ("identifiant", "id", "id notice", "numero de notice", "n de notice",
                    "identifier", "record id"),
}  # fmt: skip
_HEADER_INDEX: dict[str, str] = {
    alias: column for column, aliases in _ALIASES.items() for alias in (fold(column), *aliases)
}

# Types as documentalists write them (folded) → doc_type. DOC_TYPES' own keys and labels too.
_TYPES: dict[str, str] = {
    "livre": "book", "ouvrage": "book", "monographie": "book", "brochure": "book",
    "texte imprime": "book", "guide": "book",
    "article": "article", "article de revue": "article", "article de periodique": "article",
    "depouillement": "article",
    "rapport": "report", "rapport d etude": "report", "etude": "report",
    "litterature grise": "report",
    "these": "thesis", "memoire": "thesis", "these memoire": "thesis",
    "revue": "periodical", "periodique": "periodical", "magazine": "periodical",
    "numero": "issue", "numero de revue": "issue", "fascicule": "issue", "bulletin": "issue",
    "chapitre": "chapter", "chapitre d ouvrage": "chapter", "partie d ouvrage": "chapter",
    "actes": "proceedings", "actes de colloque": "proceedings", "colloque": "proceedings",
    "congres": "proceedings",
    "site web": "web", "site internet": "web", "site": "web", "page web": "web",
    "ressource en ligne": "web", "web": "web",
    "video": "audiovisual", "dvd": "audiovisual", "film": "audiovisual",
    "audiovisuel": "audiovisual", "documentaire": "audiovisual",
    "document projete ou video": "audiovisual",
    "son": "sound", "cd": "sound", "audio": "sound", "podcast": "sound",
    "enregistrement sonore": "sound",
    "image": "image", "photo": "image", "photographie": "image", "affiche": "image",
    "carte": "map", "plan": "map", "partition": "score", "manuscrit": "manuscript",
    "multimedia": "multimedia", "cederom": "multimedia", "cd rom": "multimedia",
    "logiciel": "multimedia",
    "objet": "object", "jeu": "object", "exposition": "object", "malle": "object",
    "autre": "other", "divers": "other",
}  # fmt: skip
for _key, (_fr, _en) in DOC_TYPES.items():
    for _name in (_key, _fr, _en):
        _TYPES.setdefault(fold(_name), _key)
# word stems for the rest (PMB's "Enregistrement sonore musical", "Document cartographique…")
_TYPE_STEMS = (
    ("video", "audiovisual"), ("film", "audiovisual"), ("projete", "audiovisual"),
    ("sonore", "sound"), ("audio", "sound"), ("cartograph", "map"), ("partition", "score"),
    ("manuscrit", "manuscript"), ("graphique", "image"), ("photo", "image"),
    ("multimedia", "multimedia"), ("electronique", "web"), ("en ligne", "web"),
    ("internet", "web"), ("objet", "object"), ("these", "thesis"), ("memoire", "thesis"),
    ("rapport", "report"), ("chapitre", "chapter"), ("article", "article"),
    ("actes", "proceedings"), ("colloque", "proceedings"), ("numero", "issue"),
    ("revue", "periodical"), ("periodique", "periodical"), ("livre", "book"),
    ("ouvrage", "book"), ("imprime", "book"),
)  # fmt: skip

# roles written after a name in the "auteurs" column → UNIMARC relator codes
_ROLES: dict[str, str] = {
    "dir": "340", "sous la dir": "340", "sous la direction de": "340", "ed": "340",
    "eds": "340", "editeur scientifique": "340", "coord": "340", "coordination": "340",
    "trad": "730", "traduction": "730", "traducteur": "730", "ill": "440",
    "illustrations": "440", "illustrateur": "440", "pref": "080", "preface": "080",
    "postf": "075", "photogr": "600", "photographies": "600", "real": "300",
    "realisateur": "300", "interpr": "005", "comp": "220", "compilateur": "220",
    "collab": "205", "collaborateur": "205", "aut": "070", "auteur": "070",
}  # fmt: skip

# and any relator's French label (« Dupont, Jean (Directeur de publication) »), as exported
for _code, (_label, _english) in RELATORS.items():
    _ROLES.setdefault(fold(_label), _code)
_ANALYTIC = {"article", "chapter"}
_BIB_LEVELS = {"article": "a", "chapter": "a", "periodical": "s", "issue": "s"}
_SEPARATORS = (";", ",", "\t", "|")


def read(
    data: bytes, source: str = "", encoding: str | None = None
) -> Iterator[Record | RecordError]:
    """Yield a Record per row, a RecordError per row without a title (FormatError: no header).

    `encoding` forces a charset; by default a BOM decides, else UTF-8, else cp1252.
    """
    decoded = decode_text(data, encoding)
    text = unix_newlines(decoded.text).lstrip("\ufeff")
    # only LF ends a line: str.splitlines would also cut at U+2028, NEL… inside a cell
    lines = re.findall(r"[^\n]*\n|[^\n]+$", text)
    header_at = _header_line(lines)
    if header_at is None:
        raise FormatError("fichier vide (empty file)")
    separator = sniff_separator(lines[header_at])
    source_lines = csvrows.Lines(lines[header_at:])
    reader = csv.reader(source_lines, delimiter=separator)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FormatError(f"en-tête CSV illisible (unreadable CSV header: {exc})") from None
    columns = [_HEADER_INDEX.get(fold(name)) for name in header]
    if not any(columns):
        raise FormatError(
            "aucune colonne reconnue dans la première ligne : ce n'est pas un tableau de notices "
            "(no recognisable header: expected columns such as titre, auteurs, date)"
        )
    if "titre" not in columns:
        raise FormatError(
            "pas de colonne « titre » : aucune ligne ne pourrait être lue (no title column)"
        )
    body_at = header_at + source_lines.consumed
    rows = csvrows.rows(lines[body_at:], separator, csvrows.header_width(header), body_at + 1)
    chunks = (
        row
        if isinstance(row, RecordError)
        else Chunk(
            row.position,
            row.line,
            row.raw,
            decoded.warnings_for(row.line, row.raw.count("\n")),
            row,
        )
        for row in rows
    )

    def map_row(chunk: Chunk) -> Record:
        row = chunk.data
        return _map(header, columns, row.cells, row.position, row.line, row.raw)

    yield from read_records(
        chunks,
        map_row,
        source=source,
        format="csv",
        charset=decoded.charset,
        what="la ligne",
        unique_ids=True,
        file_warnings=_file_warnings(lines, header_at, header, columns),
    )


def _file_warnings(
    lines: list[str], header_at: int, header: list[str], columns: list[str | None]
) -> list[str]:
    """Said once, on the first record: what of the file is not in any record's columns."""
    file_warnings = []
    if any(skipped.strip() for skipped in lines[:header_at]):
        file_warnings.append(
            f"{header_at} ligne(s) avant l'en-tête ignorée(s) (lines before the header ignored)"
        )
    unknown = [name.strip() for i, name in enumerate(header) if columns[i] is None and name.strip()]
    if unknown:
        names = ", ".join(f"« {name} »" for name in unknown)
        file_warnings.append(
            f"colonnes non reconnues, gardées en champs personnalisés : {names} "
            "(unknown columns kept as custom fields)"
        )
    return file_warnings


def _header_line(lines: list[str]) -> int | None:
    """The header's line: the first non-empty one, or, when a caption comes first ("Catalogue
    du centre, mars 2021"), the first of the next few lines that names a title column."""
    filled = [i for i, line in enumerate(lines[:50]) if line.strip()]
    if not filled:
        return None
    for index in filled[:10]:
        line = lines[index]
        try:
            cells = next(csv.reader([line], delimiter=sniff_separator(line)), [])
        except csv.Error:
            continue
        if any(header_column(cell) == "titre" for cell in cells):
            return index
    return filled[0]


def sniff_separator(header_line: str) -> str:
    """The separator of a CSV file from its header line: the most frequent of ; , tab | outside
    quotes (";" on a tie: the French Excel default)."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def header_column(name: str) -> str | None:
    """The documented column (a key of COLUMNS) a header names, or None."""
    return _HEADER_INDEX.get(fold(name))


def doc_type_of(value: str) -> str | None:
    """The doc_type of a "type" cell ("Livre", "thèse", "Document projeté ou vidéo"), or None."""
    key = fold(value)
    if key in _TYPES:
        return _TYPES[key]
    for stem, doc_type in _TYPE_STEMS:
        if stem in key:
            return doc_type
    return None


# -- mapping ---------------------------------------------------------------------------------


# « ; » between values, not inside brackets: « Lyon (Rhône ; région) » is one descriptor
_VALUE_SEP = re.compile(r";(?![^()]*\))")


def _split(value: str) -> list[str]:
    return [clean_space(v) for v in _VALUE_SEP.split(value) if clean_space(v)]


def _subject(heading: str, kind: str = "topic") -> Subject:
    """« Politique urbaine -- États-Unis »: a descriptor and its subdivisions, as the index and
    the export write them."""
    label, *subdivisions = [p.strip() for p in heading.split(" -- ")]
    return Subject(label, kind=kind, subdivisions=[s for s in subdivisions if s])


def _csv_date(value: str) -> tuple[str, str]:
    """(date as displayed, ISO date) of a date cell, Excel's forms included."""
    value = clean_space(re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", value.strip()))
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    if match:  # French order: day/month/year
        iso = iso_date(match.group(3), match.group(2), match.group(1))
        return (iso, iso) if len(iso) == 10 else (value, iso)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", value)
    if match:
        iso = iso_date(match.group(2), match.group(1))
        return (iso, iso) if len(iso) == 7 else (value, iso)
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if match:
        iso = iso_date(*match.groups())
        return (iso or value), iso
    year = year_of(value)
    return value, str(year) if year else ""


def _map(
    header: list[str], columns: list[str | None], row: list[str], position: int, line: int, raw: str
) -> Record:
    cells: dict[str, list[str]] = {}
    custom: list[CustomField] = []
    warnings: list[str] = []
    for index, cell in enumerate(row):
        value = cell.strip()
        if not value:
            continue
        column = columns[index] if index < len(columns) else None
        if column is not None:
            cells.setdefault(column, []).append(value)
        else:
            name = header[index].strip() if index < len(header) else ""
            custom.append(CustomField(name=name or f"colonne {index + 1}", value=value))

    def one(column: str) -> str:
        return clean_space(cells.get(column, [""])[0])

    def many(column: str) -> list[str]:
        return [v for cell in cells.get(column, []) for v in _split(cell)]

    title = one("titre")
    if not title:
        raise RecordError(
            f"ligne {position + 1} sans titre (row {position + 1} has no title)",
            position=position,
            offset=line,
            chunk=raw,
        )
    type_text = one("type")
    doc_type = doc_type_of(type_text) if type_text else None
    if doc_type is None:
        if type_text:
            warnings.append(f"type de document inconnu « {type_text} », lu comme « autre » "
                            "(unknown document type)")  # fmt: skip
            custom.append(CustomField("type", type_text))
            doc_type = "other"
        else:
            doc_type = "article" if cells.get("revue") else "book"
    record = Record(
        doc_type=doc_type,
        bib_level=_BIB_LEVELS.get(doc_type, "m"),
        title=title,
        other_title=one("sous-titre"),
        edition=one("édition"),
        original=Original(format="csv", raw=raw, warnings=warnings),
    )

    # people and bodies
    people = many("auteurs")
    main_given = False
    for text in people:
        match = re.search(r"\(([^()]*)\)\s*$", text)
        role = ""
        if match:
            said = match.group(1).strip()  # a short form, a relator's label or its code
            role = _ROLES.get(fold(said), "") or (said if re.fullmatch(r"\d{3}", said) else "")
            if role:
                text = text[: match.start()].strip()
        agent = person_or_body(text, role or "070", "other")
        if agent is None:
            continue
        if role in ("", "070"):
            agent.responsibility = "main" if not main_given else "other"
            main_given = True
        else:
            agent.responsibility = "secondary"
        record.agents.append(agent)
    for name in many("auteurs collectivités"):
        if doc_type == "thesis":  # a thesis's body is the university that grants the degree
            record.agents.append(Agent(name=name, kind="corporate", role="295",
                                       responsibility="secondary"))  # fmt: skip
            continue
        record.agents.append(Agent(name=name, kind="corporate", role="070",
                                   responsibility="other" if main_given else "main"))  # fmt: skip
        main_given = True

    # publication
    display, iso = _csv_date(one("date")) if one("date") else ("", "")
    year_cell = one("année")
    record.year = year_of(year_cell) or year_of(iso or display)  # a year column says the year
    if not display and year_cell and "date" not in columns:
        display = year_cell  # the year stands for the date only in a sheet without a date column
    publishers, places = many("éditeur"), many("lieu")
    for index, (place, publisher) in enumerate(zip_longest(places, publishers, fillvalue="")):
        record.publication.append(Publication(place, publisher, display if index == 0 else ""))
    if not record.publication and display:
        record.publication.append(Publication(date=display))

    # numbers
    isbns = [i for cell in cells.get("isbn", []) for i in identifiers(cell, "isbn")]
    issns = [i for cell in cells.get("issn", []) for i in identifiers(cell, "issn")]
    for cell in cells.get("doi", []):
        doi = clean_doi(cell)
        if doi:
            record.identifiers.append(Identifier("doi", doi))
        else:
            custom.append(CustomField("doi", cell))
            warnings.append(f"DOI illisible « {cell} » gardé tel quel (unreadable DOI kept)")

    # host: the journal of an article, the book of a chapter
    pages = one("pages")
    host_title, volume, number = one("revue"), one("volume"), one("numéro")
    if host_title or volume or number or doc_type in _ANALYTIC:
        record.host = Host(title=host_title, volume=volume, number=number, date=display,
                           date_iso=iso if len(iso) == 10 else "")  # fmt: skip
        if doc_type in _ANALYTIC:
            record.host.pages = pages
            pages = ""
        if doc_type == "chapter" and isbns:
            record.host.isbn = isbns.pop(0).value
        elif doc_type in {"article", "issue"} and issns:
            record.host.issn = issns.pop(0).value
    if pages:
        record.extent = f"{pages} p." if pages.isdigit() else pages
    record.identifiers = isbns + issns + record.identifiers
    series = one("collection")
    if series or one("numéro de collection"):
        record.series.append(Series(title=series, number=one("numéro de collection")))

    # content
    record.abstract = "\n".join(
        clean_space(line) for cell in cells.get("résumé", []) for line in cell.split("\n")
    ).strip()
    record.subjects = [_subject(label) for label in many("descripteurs")]
    record.subjects += [_subject(label, "geographic") for label in many("géographie")]
    record.keywords = list(dict.fromkeys(many("mots-clés")))
    for cell in cells.get("langue", []):
        codes, unknown = language_codes(cell)
        record.languages.extend(c for c in codes if c not in record.languages)
        for name in unknown:
            custom.append(CustomField("langue", name))
            warnings.append(f"langue inconnue « {name} » gardée telle quelle (unknown language)")
    record.notes = [cell.strip() for cell in cells.get("notes", [])]
    for cell in cells.get("url", []):
        for url in re.split(r"[;\s]+", cell):
            if url and all(link.url != url for link in record.links):
                record.links.append(Link(url=url))

    # copies
    copies = zip_longest(many("cote"), many("code-barres"), many("localisation"), many("section"),
                         fillvalue="")  # fmt: skip
    for call_number, barcode, location, section in copies:
        record.items.append(Item(call_number=call_number, barcode=barcode, location=location,
                                 section=section))  # fmt: skip

    record.custom = custom
    identifier = one("identifiant")
    if identifier:
        record.source_id = identifier
    else:  # the row's content, whatever the column order or line endings
        pairs = sorted(
            (fold(header[i]) if i < len(header) else str(i), clean_space(cell))
            for i, cell in enumerate(row)
            if cell.strip()
        )
        record.source_id = stable_id("\n".join(f"{name}={value}" for name, value in pairs))
    return record


# -- export ----------------------------------------------------------------------------------


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """CSV export, one chunk per row (the columns are written in catalogue/csvexport.py)."""
    from catalogue import csvexport

    return csvexport.write(records)
