"""The basket ("sélection"): record ids kept in the session, changed only by CSRF-checked POSTs.

Each change answers with a redirect back to where the visitor was (POST/redirect/GET), so the
back button and reloading never resubmit. The session is a signed cookie: the basket is capped.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.display import publication_line
from web.i18n import safe_next
from web.searching import get_store
from web.security import csrf_token
from web.state import BadParameter

bp = Blueprint("basket", __name__, url_prefix="/selection")

MAX_ID = 2**63 - 1


def basket_ids() -> list[int]:
    ids = session.get("basket")
    if not isinstance(ids, list):
        return []
    return [i for i in ids if type(i) is int and 1 <= i <= MAX_ID]


def basket_count() -> int:
    return len(basket_ids())


def basket_forms() -> SimpleNamespace:
    """What every "add to / remove from the selection" form of a page shares, built once per
    request: a results page has twenty of them."""
    found = g.get("_basket_forms")
    if found is None:
        found = g._basket_forms = SimpleNamespace(
            ids=set(basket_ids()),
            add=url_for("basket.add"),
            remove=url_for("basket.remove"),
            token=csrf_token(),
        )
    return found


def _posted_id() -> int:
    try:
        record_id = int(request.form.get("id", ""))
    except ValueError:
        raise BadParameter("Identifiant de notice invalide.") from None
    if not 1 <= record_id <= MAX_ID:
        raise BadParameter("Identifiant de notice invalide.")
    return record_id


def _back(default: str = "/selection") -> Response:
    return redirect(safe_next(request.form.get("retour"), default), code=303)


@bp.route("", methods=["GET"])
def view() -> str:
    ids = basket_ids()
    records = get_store().get_many(ids) if ids else []
    if len(records) != len(ids):  # records deleted since: forget them
        session["basket"] = [r.id for r in records]
    return render_template(
        "basket.html",
        records=records,
        publication=publication_line,
        limit=current_app.config["BASKET_MAX"],
    )


@bp.route("/ajouter", methods=["POST"])
def add() -> Response:
    record_id = _posted_id()
    record = get_store().get(record_id)
    if record is None:
        raise BadParameter("Cette notice n'existe pas.")
    ids = basket_ids()
    if record_id in ids:
        flash(_("Cette notice est déjà dans votre sélection."), "info")
    elif len(ids) >= current_app.config["BASKET_MAX"]:
        flash(
            _("Votre sélection est pleine (%(n)s notices).", n=current_app.config["BASKET_MAX"]),
            "error",
        )
    else:
        session["basket"] = [*ids, record_id]
        flash(_("« %(title)s » ajouté à votre sélection.", title=record.title[:120]), "success")
    return _back()


@bp.route("/retirer", methods=["POST"])
def remove() -> Response:
    record_id = _posted_id()
    ids = basket_ids()
    if record_id in ids:
        session["basket"] = [i for i in ids if i != record_id]
        flash(_("Notice retirée de votre sélection."), "success")
    return _back()


@bp.route("/vider", methods=["POST"])
def empty() -> Response:
    session["basket"] = []
    flash(_("Votre sélection a été vidée."), "success")
    return _back()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(basket_count=basket_count, basket_forms=basket_forms)
