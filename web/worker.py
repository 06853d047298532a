"""gunicorn's threaded worker, hardened against slow clients (issue 11).

A sync worker is held by any client that trickles its request (one header byte every 2 s ties
it up for the whole 60 s timeout): two such connections stopped the site. The threaded worker
waits for the first byte on its poller, without a thread, but then reads the request head in a
thread: eight trickling clients still held a worker's eight threads. This subclass reads the
head in the worker's main loop, without blocking, and hands the connection to a thread only
once the head is complete, so a slow client costs a socket, not a thread. Each request has a
total deadline for its head and body (`read_timeout`, then a 408), and gunicorn's own error
answers (400, 408, 414, 431…) get the site's security headers and a French message.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import time
from functools import partial
from typing import Any

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

from web.security import HEADERS

HEAD_END = b"\r\n\r\n"
# past this, a head without its end goes to the parser anyway, which answers 414 or 431
MAX_HEAD = 64 * 1024

REASONS = {
    400: ("Bad Request", "Demande incorrecte."),
    403: ("Forbidden", "Accès refusé."),
    408: ("Request Timeout", "La demande a mis trop de temps à arriver."),
    414: ("URI Too Long", "L'adresse demandée est trop longue."),
    417: ("Expectation Failed", "Demande incorrecte."),
    431: ("Request Header Fields Too Large", "Les en-têtes de la demande sont trop longs."),
    500: ("Internal Server Error", "Une erreur inattendue s'est produite."),
    501: ("Not Implemented", "Cette demande n'est pas prise en charge."),
}


def error_answer(status: int) -> bytes:
    """A complete HTTP/1.1 error response: French text, the site's security headers, closed."""
    reason, message = REASONS.get(status, REASONS[400 if status < 500 else 500])
    body = f"Erreur {status}. {message} Retour à l'accueil : /\n".encode()
    head = [f"HTTP/1.1 {status} {reason}", "Connection: close"]
    head += ["Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}"]
    head += [f"{name}: {value}" for name, value in HEADERS.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class DeadlineSocket:
    """A client socket whose reads share one deadline per request; the rest is delegated."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline = float("inf")
        self.pending = bytearray()  # read ahead by the main loop, served first

    def restart(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def fill(self) -> bool:
        """Read what has arrived without waiting (main loop); False once the client closed."""
        while len(self.pending) <= MAX_HEAD:
            try:
                chunk = self._sock.recv(65536, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False
            if not chunk:
                return False
            self.pending += chunk
        return True

    def recv(self, size: int, *flags: int) -> bytes:
        if self.pending:
            chunk = bytes(self.pending[:size])
            del self.pending[:size]
            return chunk
        remaining = self.deadline - time.monotonic()
        previous = self._sock.gettimeout()
        if remaining <= 0:
            self._expire()
        if previous == 0.0:  # a non-blocking read never waits
            return self._sock.recv(size, *flags)
        # keep a shorter timeout gunicorn set itself (its bounded body drain)
        self._sock.settimeout(min(remaining, previous) if previous else remaining)
        try:
            return self._sock.recv(size, *flags)
        except TimeoutError:
            if self.deadline - time.monotonic() <= 0:
                self._expire()
            raise
        finally:
            self._sock.settimeout(previous)

    def _expire(self) -> None:
        """Answer 408 and end the connection (gunicorn logs NoMoreData at debug level only)."""
        try:
            self._sock.settimeout(1.0)
            self._sock.sendall(error_answer(408))
        except OSError:
            pass
        raise NoMoreData(b"")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _ErrorRewriter:
    """Handed to gunicorn's handle_error: its one `sendall` becomes our own answer."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock

    def sendall(self, data: bytes) -> None:
        try:
            status = int(data.split(b" ", 2)[1])
        except (IndexError, ValueError):
            status = 400
        self._sock.sendall(error_answer(status))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class DocbaseWorker(ThreadWorker):
    """gthread reading request heads in its main loop, with a read deadline per request and
    secured error answers."""

    read_timeout = 15.0

    def enqueue_req(self, conn: Any) -> None:
        """Main loop: gather the request head without blocking; a thread only for whole heads."""
        if not isinstance(conn.sock, DeadlineSocket):
            conn.sock = DeadlineSocket(conn.sock)
        sock = conn.sock
        if sock.deadline == float("inf"):  # a new request starts arriving
            sock.restart(self.read_timeout)
        open_ = sock.fill()
        parsed = conn.parser.unreader.buf.getvalue() if conn.parser else b""
        head = parsed + bytes(sock.pending)
        if not head and not open_:  # closed before sending anything
            self.nr_conns -= 1
            conn.close()
            return
        if HEAD_END in head or len(head) > MAX_HEAD or not open_:
            conn.data_ready = True  # already read: no waiting for data in the thread
            super().enqueue_req(conn)
            return
        conn.timeout = sock.deadline  # murder_pending answers 408 when it passes
        self.pending_conns.append(conn)
        self.poller.register(
            sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )

    def murder_pending(self) -> None:
        """Close connections whose deadline passed (kept in any order, so scan them all)."""
        now = time.monotonic()
        for conn in [c for c in self.pending_conns if c.timeout <= now]:
            self.pending_conns.remove(conn)
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            if isinstance(conn.sock, DeadlineSocket) and conn.sock.pending:
                with contextlib.suppress(OSError):
                    conn.sock.send(error_answer(408), socket.MSG_DONTWAIT)
            conn.close()

    def finish_request(self, conn: Any, fs: Any) -> None:
        """A kept-alive connection whose next request we already read ahead (pipelining) is
        served again at once: those bytes no longer make its socket readable to the poller."""
        sock = conn.sock
        if (
            isinstance(sock, DeadlineSocket)
            and sock.pending
            and self.alive
            and not fs.cancelled()
            and fs.exception() is None
            and fs.result() is True
        ):
            self.enqueue_req(conn)
            return
        super().finish_request(conn, fs)

    def handle(self, conn: Any) -> Any:
        try:
            return super().handle(conn)
        finally:  # the next request on this connection gets its own deadline
            conn.sock.deadline = float("inf")

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        super().handle_error(req, _ErrorRewriter(client), addr, exc)


def worker_class(read_timeout: float) -> type[DocbaseWorker]:
    """The worker class with its deadline (workers are forked: the class travels with them)."""
    return type("DocbaseWorker", (DocbaseWorker,), {"read_timeout": float(read_timeout)})
