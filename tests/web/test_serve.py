"""`docbase serve` builds the gunicorn settings and hands the instance to each worker."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

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


# -- issue 11: slow clients, gunicorn's own answers, the control socket ----------------------
def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _gunicorn(instance, workers: int = 2, read_timeout: float = 15, home=None, threads=8):
    """`docbase serve`'s gunicorn with its real options, on a free loopback port."""
    port = _free_port()
    code = (
        "from web.serve import run_gunicorn, gunicorn_options; "
        f"run_gunicorn({str(instance)!r}, gunicorn_options('127.0.0.1', {port}, {workers},"
        f" threads={threads}, read_timeout={read_timeout}, accesslog=None, loglevel='warning'))"
    )
    root = Path(__file__).parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    if home is not None:
        env["HOME"] = str(home)
        env.pop("XDG_RUNTIME_DIR", None)
    server = subprocess.Popen([sys.executable, "-c", code], cwd=root, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/recherche?q=ville")
                break
            except OSError:
                assert server.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def _get(port: int, path: str, timeout: float = 10) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        conn.close()


def _trickle(port: int, seconds: float, out: list) -> None:
    """A slowloris client: one header byte every 0.25 s, for at most `seconds`."""
    request = b"GET /recherche?q=ville HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 500
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        try:
            for byte in request:
                if time.monotonic() - started > seconds:
                    break
                sock.sendall(bytes([byte]))
                time.sleep(0.25)
            answer = sock.recv(4096)
        except OSError:  # cut off by the server: a reset while still sending
            answer = b"reset"
    out.append((time.monotonic() - started, answer))


def test_slow_clients_do_not_block_the_site(instance):
    """Issue 11: with sync workers, two trickling connections stalled every worker for 60 s.
    Eight of them, twice as many as the server's threads (2 workers × 2), hold no thread while
    their request head trickles in: normal visitors are served at once, and each slow one is
    cut off with a 408 at the read deadline."""
    slow: list = []
    with _gunicorn(instance, workers=2, read_timeout=6, threads=2) as port:
        threads = [threading.Thread(target=_trickle, args=(port, 12, slow)) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(1)  # every slow connection is now inside a request
        latencies = []
        for _ in range(5):
            started = time.monotonic()
            status, _body = _get(port, "/recherche?q=logement", timeout=8)
            latencies.append(time.monotonic() - started)
            assert status == 200
        for thread in threads:
            thread.join(timeout=15)
    assert max(latencies) < 3.0, latencies  # blocked, they would wait for the 6 s deadline
    assert len(slow) == 8
    for elapsed, answer in slow:
        assert elapsed < 10, elapsed  # the 6 s deadline, not the 12 s the client would go on
        assert answer.startswith(b"HTTP/1.1 408") or answer in (b"", b"reset"), answer


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_gunicorn_error_answers_carry_the_security_headers(instance):
    """gunicorn answers 400/414/431 itself, before the app: they get the CSP, nosniff and a
    French message too."""
    cases = {
        400: b"NOT A REQUEST\r\n\r\n",
        414: b"GET /recherche?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        431: b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 200 + b"\r\n",
    }
    with _gunicorn(instance, workers=1) as port:
        for status, request in cases.items():
            answer = _raw(port, request).decode("utf-8")
            head, _, body = answer.partition("\r\n\r\n")
            assert head.startswith(f"HTTP/1.1 {status} "), head
            assert "Content-Security-Policy: default-src 'self'" in head
            assert "X-Content-Type-Options: nosniff" in head
            assert body.startswith(f"Erreur {status}.") and "<html>" not in body


def test_no_shared_gunicorn_control_socket(instance, tmp_path):
    """Every gunicorn of a user shared ~/.gunicorn/gunicorn.ctl, and stopping one deleted it
    for the others: docbase turns it off."""
    with _gunicorn(instance, workers=1, home=tmp_path) as port:
        assert _get(port, "/")[0] == 200
        assert not (tmp_path / ".gunicorn").exists()


# -- issue 11: a missing or broken index answers 503, /sante tells monitoring ----------------
@pytest.fixture()
def copied(instance, tmp_path):
    """A copy of the test instance (store and index, links kept) to break at will."""
    import shutil

    target = tmp_path / "instance"
    shutil.copytree(instance, target, symlinks=True)
    from web import create_app
    from web.searching import close_searcher

    app = create_app({"INSTANCE": str(target), "TESTING": True, "SECRET_KEY": "tests"})
    yield app, target
    close_searcher(app)


def _unavailable(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Service momentanément indisponible" in html and "Traceback" not in html
    assert response.headers["Retry-After"] == "30"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_index_deleted_while_serving_answers_503_and_sante_says_so(copied):
    import shutil

    app, target = copied
    client = app.test_client()
    assert client.get("/recherche?q=ville").status_code == 200
    healthy = client.get("/sante")
    assert healthy.status_code == 200
    assert healthy.json["status"] == "ok" and healthy.json["index"]["records"] > 0
    shutil.rmtree(target / "index")
    for url in ("/", "/recherche?q=ville", "/parcourir/descripteurs"):
        _unavailable(client.get(url))
    sick = client.get("/sante")
    assert sick.status_code == 503 and sick.json["status"] == "indisponible"
    assert app.test_cli_runner().invoke(args=["index"]).exit_code == 0  # docbase index repairs
    assert client.get("/recherche?q=ville").status_code == 200
    assert client.get("/sante").status_code == 200


def test_index_copied_without_its_symlink_answers_503_until_docbase_index(copied):
    import shutil

    app, target = copied
    index = target / "index"
    shutil.copytree(index, target / "copie", symlinks=False)
    shutil.rmtree(index)
    (target / "copie").rename(index)
    client = app.test_client()
    _unavailable(client.get("/recherche?q=ville"))
    assert client.get("/sante").status_code == 503
    result = app.test_cli_runner().invoke(args=["index"])
    assert result.exit_code == 0, result.output
    assert "Index réparé : dossier current adopté" in result.output
    page = client.get("/recherche?q=ville")
    assert page.status_code == 200 and "Résultats de recherche" in page.get_data(as_text=True)
    assert client.get("/sante").json["index"]["records"] > 0


def test_a_new_instance_is_healthy_and_empty(tmp_path):
    """No records and no index yet: an empty catalogue, not an outage."""
    from web import create_app

    client = create_app({"INSTANCE": str(tmp_path / "neuve"), "TESTING": True}).test_client()
    assert client.get("/recherche?q=ville").status_code == 200
    response = client.get("/sante")
    assert response.status_code == 200 and response.json["store"]["records"] == 0


def test_unreadable_index_answers_503(copied):
    """The live generation's files damaged (a disk error, a half-copied backup)."""
    app, target = copied
    generation = (target / "index" / "current").resolve()
    for toc in generation.glob("_MAIN_*.toc"):
        toc.write_bytes(b"\0" * 64)
    client = app.test_client()
    _unavailable(client.get("/recherche?q=ville"))
    assert client.get("/sante").status_code == 503


def test_sante_says_503_when_the_store_is_unreadable(copied):
    app, target = copied
    for path in target.glob("docbase.sqlite3*"):
        path.unlink()
    (target / "docbase.sqlite3").write_bytes(b"pas une base SQLite" * 100)
    response = app.test_client().get("/sante")
    assert response.status_code == 503
    assert response.json["status"] == "indisponible" and "illisible" in response.json["message"]


def test_read_ahead_keeps_keep_alive_and_pipelining(instance):
    """The worker reads request heads ahead in its main loop: requests sent back to back on
    one connection (4 KB heads, in one write) are all still answered, in order."""
    one = b"GET /sante HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 4000 + b"\r\n\r\n"
    last = b"GET /nulle-part HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with _gunicorn(instance, workers=1) as port:
        answer = _raw(port, one * 5 + last)
    # a body does not end with a newline: the next status line follows it directly
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answer) == [b"200"] * 5 + [b"404"]
