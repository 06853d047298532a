"""Staff accounts: who may log in, with which role, and how often they may try.

Accounts live in the store's SQLite file (tables of their own, made here), so that every
gunicorn worker sees the same accounts and the same count of failed logins — a per-process
memory counter (Flask-Limiter's default store) would let an attacker try N times per worker.
Passwords are hashed with argon2id (argon2-cffi; passlib is unmaintained and broken on Python
3.13), rehashed at login when the parameters change.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES: dict[str, tuple[str, str]] = {
    "administrator": ("Administrateur", "Administrator"),  # users and settings, and cataloguing
    "documentalist": ("Documentaliste", "Documentalist"),  # cataloguing
}
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 takes anything; a megabyte "password" is a cost, not a secret

_SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created REAL NOT NULL,
    password_changed REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_login_failures (
    key TEXT NOT NULL,  -- "user:<name>" or "addr:<ip>"
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_login_failures_key ON staff_login_failures (key, at);
"""
_hasher = PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) parameters


class AccountError(ValueError):
    """A refused account change, with its French message."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    name: str
    role: str
    active: bool
    password_changed: float

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"


class Accounts:
    """The staff tables of one store file."""

    def __init__(self, path: str | Path) -> None:
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- accounts -----------------------------------------------------------------------------
    def add(self, username: str, password: str, role: str, name: str = "") -> Account:
        username = _check_username(username)
        _check_role(role)
        now = time.time()
        try:
            self.db.execute(
                "INSERT INTO staff_users (username, name, role, password_hash, created,"
                " password_changed) VALUES (?, ?, ?, ?, ?, ?)",
                (username, name.strip(), role, hash_password(password), now, now),
            )
        except sqlite3.IntegrityError:
            raise AccountError(f"le compte « {username} » existe déjà (account exists)") from None
        return self.get(username)  # type: ignore[return-value]

    def get(self, username: str) -> Account | None:
        row = self.db.execute(
            "SELECT * FROM staff_users WHERE username = ?", (username.strip(),)
        ).fetchone()
        return _account(row) if row else None

    def by_id(self, account_id: int) -> Account | None:
        row = self.db.execute("SELECT * FROM staff_users WHERE id = ?", (account_id,)).fetchone()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        rows = self.db.execute("SELECT * FROM staff_users ORDER BY username").fetchall()
        return [_account(r) for r in rows]

    def set_password(self, username: str, password: str) -> None:
        self._update(
            username,
            "password_hash = ?, password_changed = ?",
            (hash_password(password), time.time()),
        )

    def set_active(self, username: str, active: bool) -> None:
        self._update(username, "active = ?", (int(active),))

    def _update(self, username: str, assignments: str, values: tuple) -> None:
        cursor = self.db.execute(
            f"UPDATE staff_users SET {assignments} WHERE username = ?",  # noqa: S608 — ours
            (*values, username.strip()),
        )
        if not cursor.rowcount:
            raise AccountError(f"compte inconnu « {username} » (unknown account)")

    def authenticate(self, username: str, password: str) -> Account | None:
        """The active account these credentials open, or None (same cost either way)."""
        row = self.db.execute(
            "SELECT * FROM staff_users WHERE username = ?", (username.strip()[:150],)
        ).fetchone()
        stored = row["password_hash"] if row else _DUMMY_HASH
        try:
            _hasher.verify(stored, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row["active"]:
            return None
        if _hasher.check_needs_rehash(stored):
            self.db.execute(
                "UPDATE staff_users SET password_hash = ? WHERE id = ?",
                (_hasher.hash(password), row["id"]),
            )
        return _account(row)

    # -- throttling ---------------------------------------------------------------------------
    def failures(self, key: str, window: float) -> int:
        since = time.time() - window
        return self.db.execute(
            "SELECT count(*) FROM staff_login_failures WHERE key = ? AND at > ?", (key, since)
        ).fetchone()[0]

    def record_failure(self, *keys: str) -> None:
        now = time.time()
        self.db.executemany(
            "INSERT INTO staff_login_failures (key, at) VALUES (?, ?)", [(k, now) for k in keys]
        )
        self.db.execute("DELETE FROM staff_login_failures WHERE at < ?", (now - 86400,))

    def clear_failures(self, key: str) -> None:
        self.db.execute("DELETE FROM staff_login_failures WHERE key = ?", (key,))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"mot de passe trop court : {MIN_PASSWORD} caractères au moins "
            f"(password shorter than {MIN_PASSWORD})"
        )
    if len(password) > MAX_PASSWORD:
        raise AccountError("mot de passe trop long (password too long)")
    return _hasher.hash(password)


_DUMMY_HASH = _hasher.hash("not a password of anyone, for constant time")


def _account(row: sqlite3.Row) -> Account:
    return Account(
        row["id"], row["username"], row["name"], row["role"], bool(row["active"]),
        row["password_changed"],
    )  # fmt: skip


def _check_username(username: str) -> str:
    username = username.strip()
    if not (2 <= len(username) <= 64) or not all(c.isalnum() or c in "._-@" for c in username):
        raise AccountError(
            "identifiant invalide : 2 à 64 lettres, chiffres ou . _ - @ "
            "(username: 2 to 64 letters, digits or . _ - @)"
        )
    return username


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"rôle inconnu « {role} » : {', '.join(ROLES)} (unknown role)")
