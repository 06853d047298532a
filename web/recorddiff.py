"""A readable field-by-field difference of two versions of a record (history, edit conflicts).

Each changed field of the model is one line: its label (the editor's), the old and the new
values as a documentalist reads them (« Dupont, Marie — Auteur »), repeatable values one per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as N_

from catalogue.record import relator_label
from web.editform import GROUPS, MAIN_PARTS

# fields the editor does not show, named here so that no diff line is a bare attribute name
_OTHER_LABELS = {
    "source": N_("Base d'origine"),
    "source_id": N_("Identifiant dans la base d'origine"),
    "bib_level": N_("Niveau bibliographique"),
    "parallel_titles": N_("Titres parallèles"),
    "accompanying": N_("Matériel d'accompagnement"),
    "original_languages": N_("Langues de l'original"),
    "custom": N_("Champs personnalisés"),
    "original": N_("Notice d'origine (champs MARC)"),
}


_ORIGINAL_CHANGED = N_("les champs d'origine changent (la base source les a modifiés)")


@dataclass
class FieldChange:
    key: str
    label: Any
    before: list[str]
    after: list[str]


def label_of(key: str) -> Any:
    for part in MAIN_PARTS:
        if part.attr == key:
            return part.label
    if key in GROUPS:
        return GROUPS[key].label
    return _OTHER_LABELS.get(key, key)


def _text(key: str, value: Any) -> list[str]:
    if value in (None, "", [], {}):
        return []
    if isinstance(value, list):
        return [line for v in value for line in _text(key, v)]
    if isinstance(value, dict):
        return [_row_text(key, value)]
    return [str(value)]


def _row_text(key: str, row: dict[str, Any]) -> str:
    if key == "agents":
        name = ", ".join(p for p in (row.get("name", ""), row.get("forename", "")) if p)
        role = relator_label(row.get("role")) or row.get("role_label", "")
        return f"{name} — {role}" if role else name
    shown = [str(v) for k, v in row.items() if v not in ("", None, [], {}) and k != "kind"]
    return " · ".join(shown)


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The changed fields, in the editor's order, then the others."""
    order = [p.attr for p in MAIN_PARTS] + list(GROUPS)
    keys = [k for k in order if k in before or k in after]
    keys += sorted((before.keys() | after.keys()) - set(keys) - {"id"})
    out = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "original":  # the source's own fields: say that they change, not how
            out.append(FieldChange(key, label_of(key), [], [_ORIGINAL_CHANGED]))
            continue
        out.append(FieldChange(key, label_of(key), _text(key, old), _text(key, new)))
    return out
