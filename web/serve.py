"""`docbase serve`: the production server, gunicorn running the same app factory.

Each gunicorn worker builds its own app (and so its own Searcher and Store connections) after
the fork: nothing that holds a file handle or a SQLite connection crosses a process boundary.
"""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


def default_workers() -> int:
    """One worker per core (at least 2): searching is CPU-bound, and each worker keeps its own
    caches; 2 workers served 100 pages/s on 2 cores where 4 served 82 (bench/README.md)."""
    return max(2, min(8, os.cpu_count() or 1))


DEFAULT_THREADS = 8
DEFAULT_READ_TIMEOUT = 15.0


def gunicorn_options(
    host: str,
    port: int,
    workers: int,
    threads: int = DEFAULT_THREADS,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    **extra: Any,
) -> dict[str, Any]:
    """Threaded workers (a slow client holds one thread, never a whole worker), a read
    deadline per request and short keep-alive (web/worker.py); no control socket, which
    gunicorn otherwise shares between every instance of the user (stopping one deleted it)."""
    from web.worker import worker_class

    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class(read_timeout),
        "threads": threads,
        "keepalive": 5,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "limit_request_line": 8190,
        "control_socket_disable": True,
        **extra,
    }


def run_gunicorn(instance: str, options: dict[str, Any]) -> None:
    """Run gunicorn in the foreground; each worker calls create_app() with this instance."""
    from gunicorn.app.base import BaseApplication

    class DocbaseApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            from web import create_app

            os.environ["DOCBASE_INSTANCE"] = instance
            return create_app()

    DocbaseApplication().run()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Nombre de processus (défaut : un par cœur, de 2 à 8).",
)
@with_appcontext
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Servir le catalogue en production avec gunicorn (serve the catalogue)."""
    config = current_app.config
    workers = workers or int(config.get("SERVE_WORKERS") or default_workers())
    threads = int(config.get("SERVE_THREADS") or DEFAULT_THREADS)
    read_timeout = float(config.get("SERVE_READ_TIMEOUT") or DEFAULT_READ_TIMEOUT)
    click.echo(f"docbase : http://{host}:{port}/ ({workers} processus)", err=True)
    options = gunicorn_options(host, port, workers, threads, read_timeout)
    run_gunicorn(config["INSTANCE"], options)


def init_app(app: Flask) -> None:
    """Called by web.cli.init_app: registers `docbase serve`."""
    app.cli.add_command(serve_command)
