"""The record editor's form: a table of the model's fields, read and written side by side.

Each `Part` is one input bound to a model attribute; a `Group` is a repeatable family (authors,
identifiers, publication, subjects…) made of parts, whose rows are named `agents-0-name`,
`agents-1-name`… so the page works without JavaScript: « Ajouter » posts the form back with one
more empty row, a « Retirer » box drops a row. Which groups a document type shows is the table
`TYPE_GROUPS`: a book has no host, an article has one (its periodical issue), a web resource
needs its links. `to_form` and `from_form` are the two directions; `validate` gives French
messages that block (errors) and warnings that do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from flask_babel import lazy_gettext as N_
from werkzeug.datastructures import MultiDict

from catalogue.identifiers import problem
from catalogue.languages import LANGUAGE_NAMES
from catalogue.record import (
    DOC_TYPES,
    RELATORS,
    Agent,
    Classification,
    Host,
    Identifier,
    Item,
    Link,
    Publication,
    Record,
    Series,
    Subject,
)

MAX_ROWS = 200  # rows of one group a posted form may hold: more is a forged form
MIN_YEAR, MAX_YEAR = 1000, 2100


@dataclass(frozen=True)
class Part:
    attr: str
    label: Any
    kind: str = "text"  # text, textarea, select, number, url
    choices: tuple[tuple[str, Any], ...] = ()
    complete: str = ""  # the authority list its autocomplete reads ("author", "descriptor"…)


@dataclass(frozen=True)
class Group:
    name: str  # the Record attribute
    label: Any
    parts: tuple[Part, ...]
    make: type | None = None  # the dataclass of a row; None: a list of strings
    single: bool = False  # one object (the host), not a list
    add_label: Any = ""

    def row_names(self, index: int) -> dict[str, str]:
        return {p.attr: f"{self.name}-{index}-{p.attr}" for p in self.parts}


def _choices(table: dict[str, tuple[str, str]]) -> tuple[tuple[str, Any], ...]:
    return tuple((k, v[0]) for k, v in table.items())


ROLE_CHOICES = (("", N_("(non précisé)")), *_choices(RELATORS))
RESPONSIBILITY = (
    ("main", N_("principale")),
    ("other", N_("autre")),
    ("secondary", N_("secondaire")),
)
AGENT_KINDS = (
    ("person", N_("personne")),
    ("corporate", N_("collectivité")),
    ("meeting", N_("congrès")),
)
SUBJECT_KINDS = (
    ("topic", N_("sujet")),
    ("geographic", N_("lieu")),
    ("person", N_("personne")),
    ("corporate", N_("collectivité")),
    ("title", N_("titre")),
    ("form", N_("forme")),
)
SCHEMES = (
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("doi", "DOI"),
    ("ean", "EAN"),
    ("other", N_("autre")),
)

# The plain fields, in the order of the form.
MAIN_PARTS: tuple[Part, ...] = (
    Part("doc_type", N_("Type de document"), "select", _choices(DOC_TYPES)),
    Part("title", N_("Titre")),
    Part("other_title", N_("Complément du titre")),
    Part("responsibility", N_("Mention de responsabilité")),
    Part("edition", N_("Édition")),
    Part("year", N_("Année de publication"), "number"),
    Part("extent", N_("Importance matérielle (pages…)")),
    Part("illustrations", N_("Illustrations")),
    Part("dimensions", N_("Dimensions")),
    Part("country", N_("Pays (code ISO)")),
    Part("contents", N_("Table des matières"), "textarea"),
    Part("abstract", N_("Résumé"), "textarea"),
)

GROUPS: dict[str, Group] = {
    g.name: g
    for g in (
        Group("agents", N_("Auteurs et contributeurs"), (
            Part("name", N_("Nom ou collectivité"), complete="author"),
            Part("forename", N_("Prénom")),
            Part("kind", N_("Nature"), "select", AGENT_KINDS),
            Part("role", N_("Fonction"), "select", ROLE_CHOICES),
            Part("responsibility", N_("Responsabilité"), "select", RESPONSIBILITY),
        ), Agent, add_label=N_("Ajouter un auteur")),
        Group("identifiers", N_("Identifiants"), (
            Part("scheme", N_("Type"), "select", SCHEMES),
            Part("value", N_("Numéro")),
        ), Identifier, add_label=N_("Ajouter un identifiant")),
        Group("publication", N_("Publication"), (
            Part("place", N_("Lieu")),
            Part("publisher", N_("Éditeur"), complete="publisher"),
            Part("date", N_("Date")),
        ), Publication, add_label=N_("Ajouter un éditeur")),
        Group("series", N_("Collections"), (
            Part("title", N_("Collection"), complete="series"),
            Part("number", N_("Numéro")),
            Part("issn", "ISSN"),
        ), Series, add_label=N_("Ajouter une collection")),
        Group("host", N_("Dans (périodique, numéro, ouvrage)"), (
            Part("title", N_("Titre du périodique ou de l'ouvrage"), complete="series"),
            Part("issn", "ISSN"),
            Part("isbn", "ISBN"),
            Part("volume", N_("Volume")),
            Part("number", N_("Numéro")),
            Part("issue_title", N_("Titre du numéro")),
            Part("date", N_("Date du numéro")),
            Part("pages", N_("Pages")),
        ), Host, single=True),
        Group("subjects", N_("Descripteurs"), (
            Part("label", N_("Descripteur"), complete="descriptor"),
            Part("kind", N_("Nature"), "select", SUBJECT_KINDS),
        ), Subject, add_label=N_("Ajouter un descripteur")),
        Group("keywords", N_("Mots-clés libres"), (Part("value", N_("Mot-clé")),),
              add_label=N_("Ajouter un mot-clé")),
        Group("languages", N_("Langues"), (
            Part("value", N_("Langue"), "select",
                 (("", "—"), *((k, v[0]) for k, v in LANGUAGE_NAMES.items()))),
        ), add_label=N_("Ajouter une langue")),
        Group("notes", N_("Notes"), (Part("value", N_("Note"), "textarea"),),
              add_label=N_("Ajouter une note")),
        Group("classifications", N_("Indices"), (
            Part("number", N_("Indice")),
            Part("scheme", N_("Classification")),
        ), Classification, add_label=N_("Ajouter un indice")),
        Group("links", N_("Liens (ressource en ligne)"), (
            Part("url", N_("Adresse (URL)"), "url"),
            Part("label", N_("Libellé")),
        ), Link, add_label=N_("Ajouter un lien")),
        Group("items", N_("Exemplaires"), (
            Part("call_number", N_("Cote")),
            Part("location", N_("Localisation")),
            Part("barcode", N_("Code-barres")),
        ), Item, add_label=N_("Ajouter un exemplaire")),
    )
}  # fmt: skip

_COMMON = ("agents", "identifiers", "subjects", "keywords", "languages", "notes", "links", "items")
TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "book": (*_COMMON, "publication", "series", "classifications"),
    "report": (*_COMMON, "publication", "series", "classifications"),
    "thesis": (*_COMMON, "publication", "classifications"),
    "proceedings": (*_COMMON, "publication", "series"),
    "periodical": (*_COMMON, "publication"),
    "issue": (*_COMMON, "host"),
    "article": (*_COMMON, "host"),
    "chapter": (*_COMMON, "host", "publication"),
    "web": (*_COMMON, "publication"),
}
DEFAULT_GROUPS = (*_COMMON, "publication", "series", "classifications")
# the bibliographic level a document type implies (leader/07)
BIB_LEVEL = {"periodical": "s", "issue": "s", "article": "a", "chapter": "a"}


def groups_for(doc_type: str) -> list[Group]:
    names = TYPE_GROUPS.get(doc_type, DEFAULT_GROUPS)
    return [g for g in GROUPS.values() if g.name in names]


# -- record → form ----------------------------------------------------------------------------
def _rows(group: Group, record: Record) -> list[dict[str, str]]:
    value = getattr(record, group.name)
    if group.single:
        return [_row(group, value)] if value is not None else [_blank(group)]
    if group.make is None:
        return [{"value": str(v)} for v in value]
    return [_row(group, v) for v in value]


def _row(group: Group, obj: Any) -> dict[str, str]:
    return {p.attr: str(getattr(obj, p.attr, "") or "") for p in group.parts}


def _blank(group: Group) -> dict[str, str]:
    return {p.attr: "" for p in group.parts}


def to_form(record: Record) -> dict[str, Any]:
    """The form's values: plain fields by name, each group a list of rows (at least one)."""
    data: dict[str, Any] = {p.attr: str(getattr(record, p.attr) or "") for p in MAIN_PARTS}
    for group in GROUPS.values():
        data[group.name] = _rows(group, record) or [_blank(group)]
    return data


# -- form → values ----------------------------------------------------------------------------
def posted(form: MultiDict) -> dict[str, Any]:
    """The posted values in the shape of `to_form`; removed rows dropped, `_add` honoured."""
    data: dict[str, Any] = {p.attr: form.get(p.attr, "").strip() for p in MAIN_PARTS}
    for group in GROUPS.values():
        rows = []
        for index in range(MAX_ROWS):
            names = group.row_names(index)
            if not any(n in form for n in names.values()):
                break
            if form.get(f"{group.name}-{index}-_remove"):
                continue
            rows.append({a: form.get(n, "").strip() for a, n in names.items()})
        if form.get("_add") == group.name:
            rows.append(_blank(group))
        data[group.name] = rows or [_blank(group)]
    return data


def _filled(row: dict[str, str], first: str) -> bool:
    return bool(row.get(first, "").strip())


def apply(values: dict[str, Any], record: Record) -> Record:
    """Write the form's values into `record` (a copy of the stored one, or a new one): fields
    the form does not show (original fields, custom fields, PMB ids…) stay as they were."""
    for part in MAIN_PARTS:
        raw = values.get(part.attr, "")
        if part.attr == "year":
            record.year = int(raw) if raw.isdigit() else None
        else:
            setattr(record, part.attr, raw)
    record.bib_level = BIB_LEVEL.get(record.doc_type, "m")
    shown = {g.name for g in groups_for(record.doc_type)}
    for group in GROUPS.values():
        if group.name not in shown:
            continue  # a field the type does not show is left as it was, never erased
        setattr(record, group.name, _group_value(group, values[group.name], record))
    return record


def _group_value(group: Group, rows: list[dict[str, str]], record: Record) -> Any:
    first = group.parts[0].attr
    kept = [r for r in rows if any(v for v in r.values() if v not in _DEFAULTS)]
    if group.make is None:
        return [r["value"] for r in kept if r["value"]]
    if group.single:
        if not kept:
            return None
        host = getattr(record, group.name) or Host()
        for part in group.parts:
            setattr(host, part.attr, kept[0].get(part.attr, ""))
        return host
    old = getattr(record, group.name)
    out = []
    for index, row in enumerate(kept):
        if not _filled(row, first):
            continue
        # keep what the form does not show (authority ids, subdivisions…) of a row unchanged
        base = old[index] if index < len(old) else None
        out.append(_merge_row(group, row, base))
    return out


_DEFAULTS = {"person", "main", "topic", "isbn"}  # a blank row's select values


def _merge_row(group: Group, row: dict[str, str], base: Any) -> Any:
    assert group.make is not None
    names = {f.name for f in fields(group.make)}
    if base is not None and getattr(base, group.parts[0].attr, None) == row[group.parts[0].attr]:
        values = {f: getattr(base, f) for f in names}
    else:
        values = {}
    values.update({k: v for k, v in row.items() if k in names})
    return group.make(**values)


# -- validation -------------------------------------------------------------------------------
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def validate(values: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Errors by input name (they block the save) and warnings (they do not)."""
    errors: dict[str, str] = {}
    if not values.get("title"):
        errors["title"] = N_("Le titre est obligatoire.")
    if values.get("doc_type") not in DOC_TYPES:
        errors["doc_type"] = N_("Choisissez un type de document.")
    year = values.get("year", "")
    if year and (not year.isdigit() or not MIN_YEAR <= int(year) <= MAX_YEAR):
        errors["year"] = N_("L'année s'écrit en quatre chiffres, de 1000 à 2100.")
    _check_rows(values, errors)
    warnings = []
    if not any(r.get("label") for r in values.get("subjects", [])):
        warnings.append(N_("Aucun descripteur : la notice sera difficile à trouver."))
    if not any(r.get("value") for r in values.get("languages", [])):
        warnings.append(N_("Aucune langue indiquée."))
    return errors, warnings


_NUMBER_ERRORS = {
    ("isbn", "checksum"): N_("ISBN invalide : la clé de contrôle ne correspond pas."),
    ("isbn", "format"): N_("ISBN invalide : 10 ou 13 chiffres (le dernier peut être X)."),
    ("issn", "checksum"): N_("ISSN invalide : la clé de contrôle ne correspond pas."),
    ("issn", "format"): N_("ISSN invalide : 8 chiffres, de la forme 1234-5679."),
}


def _check_number(scheme: str, value: str, name: str, errors: dict[str, str]) -> None:
    wrong = problem(scheme, value) if value else ""
    if wrong:
        errors[name] = _NUMBER_ERRORS[(scheme, wrong)]


def _check_rows(values: dict[str, Any], errors: dict[str, str]) -> None:
    for index, row in enumerate(values.get("identifiers", [])):
        scheme = row.get("scheme", "")
        _check_number(scheme, row.get("value", ""), f"identifiers-{index}-value", errors)
    for group in ("host", "series"):
        for index, row in enumerate(values.get(group, [])):
            _check_number("issn", row.get("issn", ""), f"{group}-{index}-issn", errors)
    for index, row in enumerate(values.get("host", [])):
        _check_number("isbn", row.get("isbn", ""), f"host-{index}-isbn", errors)
    for index, row in enumerate(values.get("links", [])):
        url = row.get("url", "")
        if url and not _URL.match(url):
            errors[f"links-{index}-url"] = N_(
                "Adresse invalide : elle commence par http:// ou https://."
            )
