"""ISBD punctuation applied once: a prescribed mark replaces the final mark of the element before it.

Source records often carry their own punctuation ("corr. et augm.", "Actualité juridique.",
MARC21's "Title :"); joining them with ". - " or ". " must not double it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# marks a record's own ISBD punctuation leaves at the end of an element (with bidi marks of 880)
_FINAL_MARK = re.compile(r"[\s\u200e\u200f]*[,:;/=]?[\s\u200e\u200f]*$")


def attach(element: str, mark: str) -> str:
    """`element` followed by `mark`, whose full stop absorbs the element's own final one."""
    text = _FINAL_MARK.sub("", element) if element else ""
    if mark.lstrip().startswith(".") and text.endswith("."):
        # "augm." + ". - " → "augm. - "; an ellipsis keeps its three points
        return text + mark.lstrip()[1:] if text.endswith("...") else text[:-1] + mark
    return text + mark


def join(parts: Iterable[str], mark: str) -> str:
    """Non-empty parts joined by a prescribed mark, each given once."""
    out = ""
    for part in parts:
        part = part.strip() if part else ""
        if part:
            out = attach(out, mark) + part if out else part
    return out
