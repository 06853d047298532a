"""Curated bibliographies in the staff workspace (`/personnel/bibliographies`).

A documentalist makes one from the basket (its records become the hand-picked ones, in the
basket's order), edits its title, introduction, order, grouping, style and picks, or adds the
basket's records to an existing one. Every change is versioned in the store (its history) like
the `docbase bibliography` commands'.
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from catalogue.bibliography import Bibliography
from catalogue.citations import GROUPINGS, ORDERS, STYLES, CitationError
from web.auth import login_required
from web.basket import basket_ids
from web.searching import get_store

bp = Blueprint("staffbib", __name__, url_prefix="/personnel/bibliographies")

MAX_TEXT = 20_000


def _form_text(name: str, limit: int = 300) -> str:
    return request.form.get(name, "").strip()[:limit]


def _picks(text: str) -> list[int]:
    ids = [int(part) for part in text.replace(",", " ").split() if part.isdigit()]
    return list(dict.fromkeys(i for i in ids if 0 < i < 2**63))


def _render(bib: Bibliography, new: bool, error: str = "", status: int = 200):
    return (
        render_template(
            "staff/bibliography_edit.html", bib=bib, new=new, error=error,
            groupings=GROUPINGS, orders=ORDERS, styles=STYLES,
            records={r.id: r for r in get_store().get_many(bib.picks)},
        ),
        status,
    )  # fmt: skip


@bp.route("/")
@login_required()
def index() -> str:
    return render_template(
        "staff/bibliographies.html", bibliographies=get_store().bibliographies(),
        basket=len(basket_ids()),
    )  # fmt: skip


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required()
def new() -> object:
    """A new bibliography from the basket: its records, hand-picked, in the basket's order."""
    bib = Bibliography(slug="", title="", picks=basket_ids(), order="manual")
    if request.method == "GET":
        return _render(bib, True)
    return _save(bib, new=True)


@bp.route("/<slug>/modifier", methods=["GET", "POST"])
@login_required()
def edit(slug: str) -> object:
    bib = get_store().bibliography(slug)
    if bib is None:
        raise NotFound()
    if request.method == "GET":
        return _render(bib, False)
    if request.form.get("ajouter-selection"):
        bib.picks = list(dict.fromkeys([*bib.picks, *basket_ids()]))
        return _render(bib, False)  # shown, saved with « Enregistrer »
    return _save(bib, new=False)


def _save(bib: Bibliography, new: bool) -> object:
    store = get_store()
    changed = dataclasses.replace(
        bib,
        slug=_form_text("slug", 80) if new else bib.slug,
        title=_form_text("titre"),
        introduction=request.form.get("introduction", "").strip()[:MAX_TEXT],
        grouping=_form_text("regroupement", 20),
        order=_form_text("ordre", 20) or "author",
        style=_form_text("style", 60) or bib.style,
        picks=_picks(request.form.get("notices", "")),
    )
    if new and store.bibliography(changed.slug) is not None:
        return _render(changed, True, _("Cet identifiant est déjà pris."), 409)
    try:
        store.save_bibliography(changed, actor=current_user.account.username)
    except CitationError as exc:
        return _render(changed, new, str(exc), 422)
    flash(_("Bibliographie enregistrée."), "success")
    return redirect(url_for("bibliographies.page", slug=changed.slug), 303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
