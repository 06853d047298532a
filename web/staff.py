"""The staff workspace (`/personnel/`): the documentalists' home and the administrators' pages.

Every view needs a login (`auth.login_required`); the pages of accounts need the administrator
role. Cataloguing, web imports and the thesaurus come next, on this blueprint.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_login import current_user

from web.accounts import ROLES
from web.auth import accounts, login_required
from web.searching import get_store

bp = Blueprint("staff", __name__, url_prefix="/personnel")


@bp.route("/")
@login_required()
def home() -> str:
    store = get_store()
    return render_template(
        "staff/home.html",
        account=current_user.account,
        role_label=ROLES[current_user.account.role],
        records=store.count(),
        deleted=store.count(deleted=True),
    )


@bp.route("/tableau-de-bord")
@login_required()
def dashboard() -> str:
    from catalogue import storestats
    from web.searchlog import zero_searches

    store = get_store()
    months = storestats.additions_by_month(store)
    return render_template(
        "staff/dashboard.html",
        by_type=storestats.counts_by(store, "doc_type"),
        by_source=storestats.counts_by(store, "source"),
        changes=storestats.recent_changes(store),
        imports=storestats.imports(store, limit=10),
        zero=zero_searches(),
        months=months,
        month_top=max((n for _, n in months), default=0),
    )


@bp.route("/comptes")
@login_required("administrator")
def users() -> str:
    return render_template("staff/users.html", users=accounts().all(), roles=ROLES)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
