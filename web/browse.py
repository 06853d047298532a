"""Browse pages: descriptors A–Z (indented by hierarchy when known), series, authors."""

from __future__ import annotations

import math

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound

from indexer.limits import MAX_PREFIX_CHARS
from web.searching import get_searcher
from web.state import MAX_PAGE, BadParameter, SearchState

bp = Blueprint("browse", __name__, url_prefix="/parcourir")

# URL slug → (facet name of the search API, page title)
KINDS = {
    "descripteurs": ("descriptor", _l("Descripteurs")),
    "collections": ("series", _l("Collections")),
    "auteurs": ("author", _l("Auteurs")),
}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PER_PAGE = 100


@bp.route("/")
def index() -> str:
    return render_template("browse_index.html", kinds=KINDS)


@bp.route("/<kind>")
def listing(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound()
    name, title = KINDS[kind]
    prefix = " ".join(request.args.get("prefixe", "").split())
    if len(prefix) > MAX_PREFIX_CHARS:
        raise BadParameter("Préfixe trop long.")
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        raise BadParameter("Le paramètre « page » doit être un nombre entier.") from None
    if not 1 <= page <= MAX_PAGE:
        raise BadParameter(f"Le paramètre « page » doit être compris entre 1 et {MAX_PAGE}.")
    result = get_searcher().browse(name, prefix=prefix, page=page, per_page=PER_PAGE)
    pages = max(1, math.ceil((result.total_values or 0) / PER_PAGE))
    empty = SearchState()
    entries = [
        (v, empty.but(filters={name: [v.value]}).url(), min(int(v.depth or 0), 5))
        for v in result.values
    ]
    return render_template(
        "browse.html",
        kind=kind,
        name=name,
        title=title,
        kinds=KINDS,
        letters=LETTERS,
        prefix=prefix,
        page=page,
        pages=pages,
        has_more=bool(result.has_more),
        entries=entries,
        total_values=result.total_values,
        page_url=lambda p: url_for("browse.listing", kind=kind, prefixe=prefix or None, page=p),
    )
