"""`docbase serve` builds the gunicorn settings and hands the instance to each worker."""

from __future__ import annotations

from web import serve


def test_serve_passes_options_to_gunicorn(app, runner, monkeypatch):
    calls = []
    monkeypatch.setattr(
        serve, "run_gunicorn", lambda instance, options: calls.append((instance, options))
    )
    result = runner.invoke(
        serve.serve_command, ["--host", "0.0.0.0", "--port", "8123", "--workers", "3"]
    )
    assert result.exit_code == 0, result.output
    instance, options = calls[0]
    assert instance == app.config["INSTANCE"]
    assert options["bind"] == "0.0.0.0:8123"
    assert options["workers"] == 3


def test_serve_validates_options(runner):
    assert runner.invoke(serve.serve_command, ["--port", "0"]).exit_code != 0
    assert runner.invoke(serve.serve_command, ["--workers", "0"]).exit_code != 0


def test_serve_help_is_french(runner):
    result = runner.invoke(serve.serve_command, ["--help"])
    assert "gunicorn" in result.output and "--workers" in result.output


def test_default_workers_is_bounded():
    assert 2 <= serve.default_workers() <= 8


def test_gunicorn_serves_the_catalogue(instance):
    """The real thing: gunicorn on a free loopback port answers a results page and a 404."""
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = (
        "from web.serve import run_gunicorn, gunicorn_options; "
        f"run_gunicorn({str(instance)!r}, gunicorn_options('127.0.0.1', {port}, 1,"
        " accesslog=None, loglevel='warning'))"
    )
    root = Path(__file__).parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    server = subprocess.Popen([sys.executable, "-c", code], cwd=root, env=env)

    def get(path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8")
        finally:
            conn.close()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get("/recherche?q=ville")
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        assert status == 200
        assert "Résultats de recherche" in body
        assert get("/nulle-part")[0] == 404
        status, body = get("/recherche?q=" + "a" * 6000)  # past gunicorn's request-line limit
        assert status in (400, 414)
        assert "Traceback" not in body
    finally:
        server.terminate()
        server.wait(timeout=20)
