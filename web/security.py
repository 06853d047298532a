"""Security headers (a strict Content-Security-Policy) and CSRF protection of every POST form.

Records hold arbitrary text, so besides Jinja's autoescaping the CSP forbids inline scripts and
styles: even an escaping mistake cannot run code. CSRF is a per-session token checked with a
constant-time comparison; a small double of Flask-WTF's CSRFProtect, without the dependency.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
CSRF_EXEMPT: set[str] = set()  # blueprints of protocols whose POSTs change nothing (OAI-PMH)


class CSRFError(BadRequest):
    description = (
        "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez."
    )


def csrf_token() -> str:
    """The session's token, made on first use (templates call it in every POST form)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _check_csrf() -> None:
    if request.method in SAFE_METHODS or request.routing_exception is not None:
        return  # unknown URLs and wrong methods answer 404/405 first
    if request.blueprint in CSRF_EXEMPT:
        return
    expected = session.get("csrf")
    given = request.form.get("csrf_token", "")
    if not expected or not given or not hmac.compare_digest(str(expected), str(given)):
        raise CSRFError()


def exempt_from_csrf(blueprint: str) -> None:
    """A blueprint whose POSTs are read-only requests of a protocol, sent without a session."""
    CSRF_EXEMPT.add(blueprint)


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static" and response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-cache")
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    if app.config.get("CSRF_ENABLED", True):
        app.before_request(_check_csrf)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
