"""Staff baskets (`/personnel/selection`): act on every record of the basket at once.

The basket is the visitor's own (web/basket.py, in the session); logged-in staff get actions on
it: add or remove a descriptor on every record, delete them all (with confirmation; each can be
undeleted from its history). Each change is a local edit in the record's history, by its author.
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from catalogue.record import Record, Subject
from catalogue.text import fold
from web.auth import login_required
from web.basket import basket_ids
from web.editor import reindex
from web.searching import get_store

bp = Blueprint("staffbasket", __name__, url_prefix="/personnel/selection")

MAX_LABEL = 300


def _records() -> list[Record]:
    return get_store().get_many(basket_ids())


@bp.route("/")
@login_required()
def view() -> str:
    return render_template("staff/basket.html", records=_records())


def _label() -> str:
    label = " ".join(request.form.get("descripteur", "").split())[:MAX_LABEL]
    if not label:
        raise BadRequest(_("Indiquez le descripteur."))
    return label


def _save_all(records: list[Record]) -> None:
    # one transaction: the whole basket or nothing; saved by id, each is a local edit
    get_store().save_many(records, actor=current_user.account.username)
    reindex()


@bp.route("/descripteur/ajouter", methods=["POST"])
@login_required()
def add_descriptor() -> Response:
    label = _label()
    changed = [r for r in _records() if fold(label) not in {fold(s.label) for s in r.subjects}]
    for record in changed:
        record.subjects.append(Subject(label=label))
    _save_all(changed)
    flash(ngettext("Descripteur ajouté à %(num)s notice.", "Descripteur ajouté à %(num)s notices.",
                   len(changed)), "success")  # fmt: skip
    return redirect(url_for("staffbasket.view"), 303)


@bp.route("/descripteur/retirer", methods=["POST"])
@login_required()
def remove_descriptor() -> Response:
    key = fold(_label())
    changed = [r for r in _records() if any(fold(s.label) == key for s in r.subjects)]
    for record in changed:
        record.subjects = [s for s in record.subjects if fold(s.label) != key]
    _save_all(changed)
    flash(ngettext("Descripteur retiré de %(num)s notice.", "Descripteur retiré de %(num)s notices.",
                   len(changed)), "success")  # fmt: skip
    return redirect(url_for("staffbasket.view"), 303)


@bp.route("/supprimer", methods=["GET", "POST"])
@login_required()
def delete_all() -> str | Response:
    records = _records()
    if request.method == "GET" or not request.form.get("confirmer"):
        return render_template("staff/basket_delete.html", records=records)
    store = get_store()
    for record in records:
        store.delete(record.id, actor=current_user.account.username)
    reindex()
    flash(ngettext("%(num)s notice supprimée (rétablissable depuis son historique).",
                   "%(num)s notices supprimées (rétablissables depuis leur historique).",
                   len(records)), "success")  # fmt: skip
    return redirect(url_for("staffbasket.view"), 303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
