"""The charset of an XML export, decided where its bytes disagree with its declaration.

PMB installs declare ISO-8859-1 and write UTF-8, or declare UTF-8 and let one Latin-1 byte in
(a hand edit, a paste, a comment). Re-reading the whole file in another charset for one bad
byte turned every accent of the good records into « Ã© » — the call numbers « BR.8Ã‚°0947 »
then went out in exports. So a file that is mostly UTF-8 is read as UTF-8, each byte that UTF-8
cannot read is read as cp1252 on its own, and only the records holding such a byte are warned.
A file that is not UTF-8 at all is read in the Latin-1 family, as it says or as its bytes show.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lxml import etree

from catalogue.charset import split_stray

LATIN1_NAMES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "iso-8859-15", "windows-1252"}
_DECLARED = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9._-]+)([\"'])")
# UTF-16/32 by BOM or by the shape of "<?": the parser reads those itself
_WIDE_STARTS = (
    b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff",
    b"<\x00?\x00", b"\x00<\x00?", b"<\x00\x00\x00", b"\x00\x00\x00<",
)  # fmt: skip


@dataclass(frozen=True)
class Settled:
    """XML bytes whose declaration now tells the truth, with what was changed to get there."""

    data: bytes
    declared: str  # the charset the bytes are now declared in ("" when undeclared)
    warnings: list[str]  # about the whole file, for every record
    stray_lines: tuple[int, ...] = ()  # lines where a non-UTF-8 byte was read as cp1252

    def warnings_for(self, element: etree._Element) -> list[str]:
        """The stray-byte warning of one record element, if a stray byte lies inside it."""
        if not self.stray_lines or element.sourceline is None:
            return []
        first, last = element.sourceline, last_line(element)
        start = bisect.bisect_left(self.stray_lines, first)
        lines = self.stray_lines[start : bisect.bisect_right(self.stray_lines, last)]
        if not lines:
            return []
        where = ", ".join(str(n) for n in lines)
        return [
            f"octet non UTF-8 lu en cp1252 (ligne {where}), à vérifier "
            f"(invalid UTF-8 byte read as cp1252, line {where})"
        ]


def last_line(element: etree._Element) -> int:
    """The last line an element's content reaches (lxml only tells where elements start)."""
    last = element.sourceline or 0
    for node in element.iter():
        line = (node.sourceline or last) + (node.text or "").count("\n")
        if node is not element:
            line += (node.tail or "").count("\n")
        last = max(last, line)
    return last


def settle(data: bytes) -> Settled:
    """The file's bytes, re-declared (and mended) so that the XML parser reads them right."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    match = _DECLARED.match(data)
    declared = match.group(2).decode("ascii").lower() if match else ""
    if data.startswith(_WIDE_STARTS) or data.isascii():
        return Settled(data, declared, [])
    if _is_utf8(data):
        if declared not in LATIN1_NAMES:
            return Settled(data, declared, [])
        warning = (
            f"le fichier se dit {declared} mais il est en UTF-8 : lu en UTF-8 "
            f"(declared {declared}, but the bytes are UTF-8)"
        )
        return Settled(redeclare(data, b"UTF-8"), "utf-8", [warning])
    mended = split_stray(data)
    if mended is not None:  # mostly UTF-8: only the stray bytes are read as cp1252
        text, lines = mended
        body = text.encode("utf-8")
        return Settled(redeclare(body, b"UTF-8") if match else body, "utf-8", [], lines)
    if declared in LATIN1_NAMES:
        return Settled(data, declared, [])
    if declared in ("", "utf-8", "utf8"):
        body = redeclare(data, b"ISO-8859-1") if match else _prolog(b"ISO-8859-1") + data
        warning = (
            "le fichier n'est pas en UTF-8 valide : lu en ISO-8859-1 "
            "(not valid UTF-8: read as ISO-8859-1)"
        )
        return Settled(body, "iso-8859-1", [warning])
    return Settled(data, declared, [])


def redeclare(data: bytes, encoding: bytes) -> bytes:
    return _DECLARED.sub(lambda m: m.group(1) + encoding + m.group(3), data, count=1)


def _prolog(encoding: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="' + encoding + b'"?>'


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
