"""Friendly error pages (400, 404, 405, 413, 500, 503…): never a stack trace, always a way on.

An error page must render even when the store or the index is what failed, so it uses only the
base layout, and falls back to plain text if even that breaks.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from web.security import CSRFError
from web.state import BadParameter

TITLES = {
    400: _l("Demande incorrecte"),
    403: _l("Accès refusé"),
    404: _l("Page introuvable"),
    405: _l("Méthode non autorisée"),
    413: _l("Demande trop volumineuse"),
    414: _l("Adresse trop longue"),
    429: _l("Trop de demandes"),
    500: _l("Erreur interne"),
    503: _l("Service momentanément indisponible"),
}
MESSAGES = {
    400: _l("Les paramètres de la demande ne sont pas valides."),
    403: _l("Vous n'avez pas accès à cette page."),
    404: _l("La page demandée n'existe pas ou la notice a été supprimée."),
    405: _l("Cette adresse ne s'utilise pas de cette façon."),
    413: _l("Les données envoyées sont trop volumineuses."),
    414: _l("L'adresse demandée est trop longue."),
    429: _l("Veuillez patienter un instant avant de recommencer."),
    500: _l("Une erreur inattendue s'est produite. L'équipe a été prévenue."),
    503: _l("Le catalogue est en cours de mise à jour. Réessayez dans quelques instants."),
}

PLAIN = "Erreur {code}. Le catalogue ne peut pas afficher cette page. Retour à l'accueil : /\n"


def _render(code: int, detail: str = "") -> tuple[str, int]:
    title = TITLES.get(code, TITLES[500] if code >= 500 else TITLES[400])
    message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    return (
        render_template("error.html", code=code, title=title, message=message, detail=detail),
        code,
    )


def handle_http(exc: HTTPException) -> Response | tuple[str, int]:
    code = exc.code or 500
    if code < 400:  # redirects raised as exceptions (RequestRedirect) keep their behaviour
        return exc.get_response()
    detail = exc.description if isinstance(exc, BadParameter | CSRFError) else ""
    from web import api

    if api.wants_json():  # the API's clients read JSON, in French first like the pages
        return api.json_error(code, detail or f"{TITLES.get(code, TITLES[500])}")
    try:
        body, status = _render(code, detail or "")
    except Exception:  # the layout itself failed: still no stack trace
        return Response(PLAIN.format(code=code), code, mimetype="text/plain")
    response = Response(body, status, mimetype="text/html")
    if code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    if code == 503:  # browsers, crawlers and monitors come back later instead of giving up
        response.headers["Retry-After"] = "30"
    return response


def handle_exception(exc: Exception) -> Response | tuple[str, int]:
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    original = getattr(exc, "original_exception", exc)
    from flask import current_app

    current_app.logger.error("unhandled error", exc_info=original)
    return handle_http(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_exception)
