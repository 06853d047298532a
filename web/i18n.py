"""French first, English available: Flask-Babel, the language switch, and translated labels.

Templates are written in French (the msgids) and `translations/en` holds the English. The chosen
language lives in the session and is changed by a plain link (works without JavaScript).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from babel.numbers import get_group_symbol
from babel.support import NullTranslations
from flask import Blueprint, Flask, current_app, g, redirect, request, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_number,
    get_locale,
    get_translations,
)
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from catalogue.languages import language_name
from catalogue.record import DOC_TYPES, relator_label
from indexer.facets import AVAILABILITY, FACETS
from indexer.schema import HIERARCHY_SEP

_FILE_EXTENSION = re.compile(
    r"\.(?:mrc|marc|iso|iso2709|dat|xml|ris|bib|csv|txt|json)$", re.IGNORECASE
)
# the interface's languages, each named in itself
LANGUAGES = {"fr": language_name("fre", "fr"), "en": language_name("eng", "en")}

bp = Blueprint("i18n", __name__)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a message for extraction (`pybabel -k N_`); `tr` translates it where it is shown."""
    return message


def translations() -> NullTranslations:
    """The request's message catalogue, looked up once per request.

    A results page translates about a hundred strings; Flask-Babel's own lookup (domain, locale,
    catalogue cache) costs ~6 µs each time, against ~1 µs here.
    """
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def tr(message: str) -> str:
    return translations().ugettext(message)


# Facet names of the search API → their French labels, defined by the indexer's facets and
# translated here (the API's own labels are French only; web/babel.cfg extracts them).
FACET_LABELS = dict(FACETS)
SORT_LABELS = {
    "relevance": N_("Pertinence"),
    "date_desc": N_("Date (récents d'abord)"),
    "date_asc": N_("Date (anciens d'abord)"),
    "title": N_("Titre (A à Z)"),
    "author": N_("Auteur (A à Z)"),
}


def lang() -> str:
    """The current language code ("fr" or "en"), looked up once per request."""
    found = g.get("_lang")
    if found is None:
        locale = get_locale()
        found = g._lang = locale.language if locale is not None else "fr"
    return found


def select_locale() -> str:
    chosen = session.get("lang")
    return chosen if isinstance(chosen, str) and chosen in LANGUAGES else "fr"


def facet_label(name: str, fallback: str = "") -> str:
    message = FACET_LABELS.get(name)
    return tr(message) if message else fallback or name


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
        return tr(AVAILABILITY[value])
    if facet == "language":
        return language_name(value, lang())
    if facet == "source":
        return source_label(value)
    if facet == "descriptor" and HIERARCHY_SEP in value:
        return value.replace(HIERARCHY_SEP, " › ")  # a subdivision means little out of context
    return label or value


def source_label(source: str) -> str:
    """A source base as the centre names it (SOURCE_LABELS), else a readable form of its name:
    a base imported without `--source` is named after its file ("medialab_cotes8.mrc")."""
    labels = current_app.config.get("SOURCE_LABELS") or {}
    if source in labels:
        return str(labels[source])
    stem = _FILE_EXTENSION.sub("", source)
    if stem == source:
        return source
    words = " ".join(stem.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else source


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
    if any(char < " " or char == "\x7f" for char in target):  # CR/LF would split the header
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
    g.pop("_translations", None)
    g.pop("_lang", None)
    return redirect(safe_next(request.args.get("retour")), code=303)


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    # the same callables as Flask-Babel's, through the per-request catalogue
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.register_blueprint(bp)
    app.jinja_env.filters.update(
        number=fmt_number,
        isodate=fmt_iso_datetime,
        source_label=source_label,
    )
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_lang=lang,
        facet_label=facet_label,
        value_label=value_label,
        doc_type_label=doc_type_label,
        role_label=role_label,
        source_label=source_label,
        SORT_LABELS=SORT_LABELS,
    )
