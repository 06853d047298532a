"""French first, English available: Flask-Babel, the language switch, and translated labels.

Templates are written in French (the msgids) and `translations/en` holds the English. The chosen
language lives in the session and is changed by a plain link (works without JavaScript).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from babel.numbers import get_group_symbol
from flask import Blueprint, Flask, g, redirect, request, session
from flask_babel import Babel, format_date, format_datetime, format_number, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from catalogue.record import DOC_TYPES, relator_label

HIERARCHY_SEP = " -- "  # how the index joins a descriptor and its subdivisions
LANGUAGES = {"fr": "Français", "en": "English"}

bp = Blueprint("i18n", __name__)

# Facet names of the search API → translatable labels (the API's own labels are French only).
FACET_LABELS = {
    "doc_type": _l("Type de document"),
    "year": _l("Décennie"),
    "language": _l("Langue"),
    "author": _l("Auteur"),
    "descriptor": _l("Descripteur"),
    "keyword": _l("Mot-clé"),
    "theme": _l("Thème"),
    "series": _l("Collection"),
    "source": _l("Base d'origine"),
    "availability": _l("Disponibilité"),
}
AVAILABILITY = {"online": _l("En ligne"), "onsite": _l("Sur place")}
SORT_LABELS = {
    "relevance": _l("Pertinence"),
    "date_desc": _l("Date (récents d'abord)"),
    "date_asc": _l("Date (anciens d'abord)"),
    "title": _l("Titre (A à Z)"),
    "author": _l("Auteur (A à Z)"),
}
LANGUAGE_NAMES = {  # ISO 639-2/B codes most seen in the catalogue
    "fre": _l("français"),
    "eng": _l("anglais"),
    "ger": _l("allemand"),
    "spa": _l("espagnol"),
    "ita": _l("italien"),
    "por": _l("portugais"),
    "ara": _l("arabe"),
    "dut": _l("néerlandais"),
    "lat": _l("latin"),
    "rus": _l("russe"),
    "chi": _l("chinois"),
    "jpn": _l("japonais"),
    "heb": _l("hébreu"),
    "gre": _l("grec moderne"),
    "und": _l("indéterminée"),
    "mul": _l("multilingue"),
}


def lang() -> str:
    """The current language code ("fr" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None else "fr"


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "fr"


def facet_label(name: str, fallback: str = "") -> str:
    return str(FACET_LABELS.get(name, fallback or name))


def doc_type_label(key: str) -> str:
    labels = DOC_TYPES.get(key)
    if labels is None:
        return key
    return labels[0] if lang() == "fr" else labels[1]


def value_label(facet: str, value: str, label: str = "") -> str:
    """The visitor-facing label of a facet value, in the current language when we know it."""
    if facet == "doc_type":
        return doc_type_label(value)
    if facet == "availability" and value in AVAILABILITY:
        return str(AVAILABILITY[value])
    if facet == "language" and value in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[value])
    if facet == "descriptor" and HIERARCHY_SEP in value:
        return value.replace(HIERARCHY_SEP, " › ")  # a subdivision means little out of context
    return label or value


def role_label(code: str, printed: str = "") -> str:
    return relator_label(code, lang()) if code else printed


def fmt_number(value: Any) -> str:
    """1234 → "1 234" in French (narrow no-break space), "1,234" in English."""
    if isinstance(value, int) and not isinstance(value, bool):
        # a results page formats a hundred counts: Babel's general formatter costs 0.1 ms each
        group = g.get("_group_symbol")
        if group is None:
            locale = get_locale()
            group = g._group_symbol = get_group_symbol(locale) if locale else ","
        return f"{value:,}".replace(",", group) if abs(value) >= 1000 else str(value)
    try:
        return format_number(value)
    except (TypeError, ValueError):
        return str(value)


def fmt_iso_datetime(value: str, fmt: str = "long") -> str:
    """A store timestamp ("2026-11-26T12:44:03.123Z") as a French (or English) date."""
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return value or ""
    return format_date(stamp, fmt) if fmt != "datetime" else format_datetime(stamp, "long")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.route("/langue/<code>")
def switch(code: str) -> Response:
    if code not in LANGUAGES:
        raise NotFound()
    session["lang"] = code
    g.pop("_group_symbol", None)
    return redirect(safe_next(request.args.get("retour")), code=303)


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.filters.update(
        number=fmt_number,
        isodate=fmt_iso_datetime,
    )
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_lang=lang,
        facet_label=facet_label,
        value_label=value_label,
        doc_type_label=doc_type_label,
        role_label=role_label,
        SORT_LABELS=SORT_LABELS,
    )
