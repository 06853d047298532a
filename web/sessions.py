"""The session's shape, checked once per request (issue 11).

The session cookie is signed, so only docbase writes it; but an older version, a bug or a
leaked key can sign anything, and `basket: [2**70]` or a dict as `lang` gave a 500. Each key
docbase keeps is checked here against what docbase writes; a bad one is dropped (the visitor
loses that key only: an odd basket, not their language).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request, session

from web.basket import MAX_ID
from web.i18n import LANGUAGES


def _basket(value: Any) -> bool:
    return isinstance(value, list) and all(
        type(i) is int and 1 <= i <= MAX_ID
        for i in value  # bool is an int: not an id
    )


def _flashes(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(f, list | tuple) and len(f) == 2 and all(isinstance(s, str) for s in f)
        for f in value
    )


CHECKS = {
    "basket": _basket,
    "lang": lambda value: isinstance(value, str) and value in LANGUAGES,
    "csrf": lambda value: isinstance(value, str) and value.isascii(),
    "_flashes": _flashes,
}


def check_session() -> None:
    if request.endpoint == "static":
        return
    for key, valid in CHECKS.items():
        if key in session and not valid(session[key]):
            session.pop(key)


def init_app(app: Flask) -> None:
    # first of the before_request hooks: the CSRF check reads the session too
    app.before_request_funcs.setdefault(None, []).insert(0, check_session)
