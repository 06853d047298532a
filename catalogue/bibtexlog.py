"""bibtexparser's own messages, caught instead of printed.

bibtexparser logs to its "bibtexparser" loggers (an aborted block, what it takes for its own
bugs) and sometimes calls warnings.warn; with no logging configured Python prints both to
stderr, which breaks `docbase import --json` and says nothing the reject file does not. So its
loggers get one handler that hands each message to the read in progress (a context variable:
safe across threads), and propagate no further; the BibTeX reader turns them into warnings.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_messages: ContextVar[list[str] | None] = ContextVar("bibtexparser_messages", default=None)
# the message of a block bibtexparser gave up on: the reader rejects that block with its reason
ABORTED_BLOCK = re.compile(r"^Parsing of `[^`]*` block \(line \d+\) aborted")


class _Catch(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sink = _messages.get()
        if sink is not None:
            sink.append(record.getMessage())


_LOGGER = logging.getLogger("bibtexparser")
_LOGGER.addHandler(_Catch())
_LOGGER.propagate = False


@contextmanager
def caught() -> Iterator[list[str]]:
    """The messages (log records of WARNING and above, warnings) bibtexparser emits meanwhile."""
    sink: list[str] = []
    token = _messages.set(sink)
    try:
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            yield sink
        sink.extend(str(w.message) for w in raised)
    finally:
        _messages.reset(token)
