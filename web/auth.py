"""Staff login (Flask-Login), sessions that expire, throttled attempts, and `login_required`.

As in flaskr's `auth.py`: a blueprint with the login and logout views and a `login_required`
decorator — here with a role (`login_required("administrator")`). An anonymous visitor of a staff
page is sent to the login page (and back after it); a documentalist on an administrator page
gets 403. A staff session ends after `STAFF_SESSION_MINUTES` without a request, when the account
is disabled, or when its password changes (every session opened before is then refused).
Failed logins are counted in SQLite per account and per address, so all workers share them.
Forms are WTForms; CSRF is the site's own check on every POST (web/security.py), which is why
Flask-WTF's second CSRF layer is not used.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import Form, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from web.accounts import MAX_PASSWORD, Account, Accounts
from web.i18n import safe_next

bp = Blueprint("auth", __name__, url_prefix="/personnel")
login_manager = LoginManager()


class StaffUser(UserMixin):
    """Flask-Login's view of an account."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.id = str(account.id)

    @property
    def is_admin(self) -> bool:
        return self.account.is_admin


class LoginForm(Form):
    username = StringField("Identifiant", [InputRequired(), Length(max=64)])
    password = PasswordField("Mot de passe", [InputRequired(), Length(max=MAX_PASSWORD)])


def accounts() -> Accounts:
    if "accounts" not in g:
        g.accounts = Accounts(current_app.config["STORE_PATH"])
    return g.accounts


def _close(_exc: BaseException | None) -> None:
    found = g.pop("accounts", None)
    if found is not None:
        found.close()


@login_manager.user_loader
def _load(user_id: str) -> StaffUser | None:
    account = accounts().by_id(int(user_id)) if user_id.isdigit() else None
    if account is None or not account.active:
        return None
    if account.password_changed > float(session.get("staff_since", 0)):
        return None  # the password changed since this session began
    now = time.time()
    idle = float(current_app.config["STAFF_SESSION_MINUTES"]) * 60
    if now - float(session.get("staff_seen", 0)) > idle:
        return None  # idle too long; the visitor's part of the session (basket) stays
    session["staff_seen"] = now
    return StaffUser(account)


def login_required(role: str | None = None) -> Callable:
    """Staff only; with `role="administrator"`, administrators only (403 for the others)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", suivant=request.full_path.rstrip("?")))
            if role == "administrator" and not current_user.is_admin:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm(request.form)
    error = ""
    status = 200
    if request.method == "POST" and form.validate():
        error, status = _attempt(form.username.data or "", form.password.data or "")
        if not error:
            return redirect(safe_next(request.args.get("suivant"), url_for("staff.home")), 303)
    elif request.method == "POST":
        error, status = _("Identifiant et mot de passe sont demandés."), 400
    return render_template("staff/login.html", form=form, error=error), status


def _attempt(username: str, password: str) -> tuple[str, int]:
    """("", 200) when logged in, else the French message and status."""
    config = current_app.config
    window = float(config["LOGIN_WINDOW_MINUTES"]) * 60
    user_key = f"user:{username.strip().lower()[:64]}"
    addr_key = f"addr:{request.remote_addr or '?'}"
    store = accounts()
    if store.failures(user_key, window) >= int(
        config["LOGIN_MAX_FAILURES_ACCOUNT"]
    ) or store.failures(addr_key, window) >= int(config["LOGIN_MAX_FAILURES_ADDRESS"]):
        minutes = int(config["LOGIN_WINDOW_MINUTES"])
        return _("Trop d'essais : réessayez dans %(n)s minutes.", n=minutes), 429
    account = store.authenticate(username, password)
    if account is None:
        store.record_failure(user_key, addr_key)
        return _("Identifiant ou mot de passe incorrect."), 401
    store.clear_failures(user_key)
    for key in ("_user_id", "_id", "_fresh", "staff_since", "staff_seen"):
        session.pop(key, None)  # nothing of an earlier login carried over; the basket stays
    session["staff_since"] = session["staff_seen"] = time.time()
    login_user(StaffUser(account))
    return "", 200


@bp.route("/deconnexion", methods=["POST"])
def logout() -> Response:
    logout_user()
    session.pop("staff_since", None)
    session.pop("staff_seen", None)
    return redirect(url_for("opac.home"), 303)


def _staff_headers(response: Response) -> Response:
    """Staff pages are never indexed nor kept by a proxy or the browser's cache."""
    if request.path.startswith("/personnel"):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)
    app.teardown_appcontext(_close)
    app.after_request(_staff_headers)
