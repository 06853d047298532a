"""Wires the public catalogue into the app: i18n, security, errors, pages, basket, browse."""

from __future__ import annotations

from flask import Flask, request


def init_app(app: Flask) -> None:
    proxies = int(app.config["PROXY_COUNT"] or 0)
    if proxies:  # permalinks and redirects then use the public host and scheme
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )

    from web import basket, browse, errors, i18n, opac, searching, security

    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    searching.init_app(app)
    app.register_blueprint(opac.bp)
    app.jinja_env.globals["record_url"] = opac.record_url
    basket.init_app(app)
    app.register_blueprint(browse.bp)
    app.jinja_env.globals["current_path"] = _current_path
    from web import unapi  # issue 10: unAPI, COinS, meta tags, JSON-LD for Zotero and others

    unapi.init_app(app)
    from web import api  # issue 10: the JSON API and its OpenAPI document

    api.init_app(app)
    from web import export  # issue 10: every registry format by URL

    export.init_app(app)
    from web import auth, staff  # issue 12: staff accounts and their workspace

    auth.init_app(app)
    staff.init_app(app)
    from web import editor  # issue 12: cataloguing

    editor.init_app(app)
    from web import imports

    imports.init_app(app)
    from web import staffbasket

    staffbasket.init_app(app)
    from web import thesaurus  # the thesaurus in the staff workspace

    thesaurus.init_app(app)
    from web import bibliographies  # issue 10: curated bibliographies, citations, Atom feeds

    bibliographies.init_app(app)
    from web import staffbib  # issue 12: bibliographies made and edited by the staff

    staffbib.init_app(app)
    from web import oai  # OAI-PMH 2.0 for harvesters (union catalogues, partners)

    oai.init_app(app)


def _current_path() -> str:
    """The current path and query string, for "come back here" parameters."""
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")
