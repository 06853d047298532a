"""The Flask application: public catalogue, exports, API — a thin layer over catalogue and indexer."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


def instance_folder() -> Path:
    """`$DOCBASE_INSTANCE`, default `./instance`: store, index, rejects and local settings."""
    return Path(os.environ.get("DOCBASE_INSTANCE") or "instance").resolve()


def default_settings(instance: Path) -> dict[str, Any]:
    """docbase's own settings and their defaults; the README documents each (a test checks)."""
    return {
        "INSTANCE": str(instance),
        "STORE_PATH": str(instance / "docbase.sqlite3"),
        "INDEX_DIR": str(instance / "index"),
        "REJECTS_DIR": str(instance / "rejects"),
        "CITATION_CACHE_DIR": str(instance / "cache" / "citations"),  # formatted bibliographies
        "SECRET_KEY": None,
        "THEMES_FILE": None,  # resolved by create_app (indexer.themes.resolve_themes_file)
        "SITE_NAME": "Centre de ressources Politique de la ville",
        "PER_PAGE": 20,
        "FACET_LIMIT": 10,
        "SOURCE_LABELS": {},  # source base → the name visitors read ("Base d'origine")
        "BASKET_MAX": 200,
        "SERVE_WORKERS": None,  # docbase serve: one per core, between 2 and 8
        "SERVE_THREADS": 8,  # threads per worker: a slow client holds one thread only
        "SERVE_READ_TIMEOUT": 15,  # seconds a client has to send a request (head and body)
        "PROXY_COUNT": 0,  # reverse proxies in front (trust their X-Forwarded-* headers)
        "CSRF_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "MAX_CONTENT_LENGTH": 64 * 1024,  # public forms carry an id and a path
        "EXPORT_MAX_RECORDS": 100_000,  # records an export of a search streams at most
        "IMPORT_MAX_BYTES": 200 * 1024 * 1024,  # largest file a documentalist uploads
        "STAFF_SESSION_MINUTES": 480,  # a staff session ends after this long without a request
        "LOGIN_WINDOW_MINUTES": 15,  # failed logins are counted over this window
        "LOGIN_MAX_FAILURES_ACCOUNT": 5,  # then that account is refused until the window passes
        "LOGIN_MAX_FAILURES_ADDRESS": 20,  # and that address, whatever account it tries
        "THESAURUS_MAX_UPLOAD": 20 * 1024 * 1024,  # a thesaurus file uploaded by the staff
        "OAI_REPOSITORY_IDENTIFIER": "docbase.local",  # oai:<this>:<id>; the centre's domain
        "OAI_ADMIN_EMAIL": "documentation@example.org",
        "OAI_PAGE_SIZE": 100,  # records (or headers) per OAI-PMH list response
        "OAI_TOKEN_MINUTES": 60,  # lifetime of a resumption token
    }


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Settings from defaults → `<instance>/config.py` → `DOCBASE_*` environment variables."""
    instance = (
        Path(test_config["INSTANCE"]).resolve()
        if test_config and "INSTANCE" in test_config
        else None
    )
    instance = instance or instance_folder()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.from_mapping(default_settings(instance))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("DOCBASE")
    else:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)
    from indexer.themes import resolve_themes_file

    # resolved once here, passed down to the searcher and the CLI
    themes = resolve_themes_file(app.config.get("THEMES_FILE"), app.config["INSTANCE"])
    app.config["THEMES_FILE"] = str(themes) if themes else None

    from web import cli

    cli.init_app(app)
    # Public catalogue (issue #4): pages, basket, browse, i18n, security headers, error pages.
    from web import site

    site.init_app(app)
    from web import health, sessions  # issue 11: /sante, and sessions of a bad shape

    health.init_app(app)
    sessions.init_app(app)
    return app


def _instance_secret(instance: Path) -> str:
    """A secret made once per instance, so that sessions survive restarts and workers agree."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
