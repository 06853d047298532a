"""MARC-8, MARC21's legacy charset: a table-driven decoder over pymarc's tables.

Our own rather than pymarc's converter, which prints to stderr and turns unknown bytes into
spaces without telling anyone: here they become U+FFFD and are described in `problems`.
"""

from __future__ import annotations

import re
import unicodedata

from pymarc import marc8_mapping

_CODESETS = marc8_mapping.CODESETS
_ODD_MAP = marc8_mapping.ODD_MAP
_BASIC_LATIN = 0x42
_ANSEL = 0x45
_EACC = 0x31
NCR = re.compile(r"&#x([0-9A-Fa-f]{1,6});")
_DOUBLE_DIACRITICS = str.maketrans(
    {"\ufe20": "\u0361", "\ufe21": None, "\ufe22": "\u0360", "\ufe23": None}
)


def decode(data: bytes, problems: list[str] | None = None) -> str:
    """Decode one MARC-8 string (state reset, as at the start of a subfield) to NFC Unicode.

    Unknown bytes and escape sequences become U+FFFD (kept visible, never dropped) and are
    described in `problems`; numeric character references (&#xXXXX;) are resolved, as LC allows
    them for characters MARC-8 lacks.
    """
    if b"\x1b" not in data:
        if data.isascii():
            text = data.decode("ascii")
            return NCR.sub(ncr, text) if "&#x" in text else text
        # Without escapes the sets never change: only the non-ASCII runs (diacritics and the
        # letter they sit on) need the byte-by-byte decoder.
        if problems is None:
            problems = []
        found = problems

        def segment(match: re.Match[str]) -> str:
            return _marc8_bytes(match.group().encode("latin-1"), found)

        text = _HIGH_RUN_TEXT.sub(segment, data.decode("latin-1"))
        return _finish(text)
    if problems is None:
        problems = []
    return _finish(_marc8_bytes(data, problems))


_HIGH_RUN_TEXT = re.compile("[\x80-\xff]+[\x00-\x7f]?")


def _finish(text: str) -> str:
    if "&#x" in text:
        text = NCR.sub(ncr, text)
    if "\ufe20" in text or "\ufe22" in text:
        # ligature / double tilde halves → the double diacritics UTF-8 MARC records use
        text = text.translate(_DOUBLE_DIACRITICS)
    return unicodedata.normalize("NFC", text)


def _marc8_bytes(data: bytes, problems: list[str]) -> str:
    """The MARC-8 state machine, byte by byte; the caller normalises."""
    g0, g1 = _BASIC_LATIN, _ANSEL
    out: list[str] = []
    combining: list[str] = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == 0x1B:  # escape sequence: designate a new G0 or G1 set
            target, final, length = _escape(data, i)
            if target < 0 or final not in _CODESETS:
                problems.append(f"séquence d'échappement inconnue {data[i : i + 3]!r}")
                out.append("\ufffd")
                i += 1 if target < 0 else length
                continue
            if target == 0:
                g0 = final
            else:
                g1 = final
            i += length
            continue
        if b <= 0x20:  # space and controls are single bytes in every set
            if b == 0x20:
                out.append(" ")
                if combining:  # diacritic before a space: put it on the space, as LC does
                    out.extend(combining)
                    combining.clear()
            i += 1
            continue
        if g0 == _EACC and b < 0x80 and i + 3 > n:
            problems.append(f"caractère EACC incomplet {data[i:]!r}")
            out.append("\ufffd")
            break
        entry, code, i = _character(data, i, g0, g1)
        if entry is None:
            problems.append(f"caractère inconnu 0x{code:x}")
            out.append("\ufffd")
            continue
        char = chr(entry[0])
        if entry[1]:
            combining.append(char)
        else:
            out.append(char)
            if combining:
                out.extend(combining)
                combining.clear()
    if combining:  # a diacritic with no letter after it: it would land on the wrong one
        problems.append(f"diacritique sans lettre de base {len(combining)}×")
    return "".join(out)


def _escape(data: bytes, i: int) -> tuple[int, int, int]:
    """The escape sequence at `i`: (target set 0 = G0, 1 = G1, -1 = none; final byte; length)."""
    n = len(data)
    nxt = data[i + 1] if i + 1 < n else -1
    if nxt in (0x28, 0x2C, 0x29, 0x2D):  # ( , → G0;  ) - → G1 (one-byte sets)
        final = data[i + 2] if i + 2 < n else -1
        return (0 if nxt in (0x28, 0x2C) else 1), final, 3
    if nxt == 0x24:  # $ → multibyte set
        second = data[i + 2] if i + 2 < n else -1
        if second in (0x2C, 0x29, 0x2D):
            final = data[i + 3] if i + 3 < n else -1
            return (0 if second == 0x2C else 1), final, 4
        return 0, second, 3
    if nxt in (0x67, 0x62, 0x70, 0x73):  # technique 2: greek symbols, sub/superscript
        return 0, (_BASIC_LATIN if nxt == 0x73 else nxt), 2
    return -1, -1, 1


def _character(data: bytes, i: int, g0: int, g1: int) -> tuple[tuple[int, int] | None, int, int]:
    """The table entry (code point, combining) of the character at `i`, its code, the next index."""
    b = data[i]
    if g0 == _EACC and b < 0x80:  # three bytes (the caller checked that they are there)
        code = (b << 16) | (data[i + 1] << 8) | data[i + 2]
        entry = _CODESETS[_EACC].get(code)
        if entry is None and code in _ODD_MAP:
            entry = (_ODD_MAP[code], 0)
        return entry, code, i + 3
    table = _CODESETS.get(g0 if b < 0x80 else g1, {})
    entry = table.get(b)
    if entry is None:
        entry = table.get(b ^ 0x80)  # a G0 set designated as G1 or the reverse
    if entry is None and b < 0x80 and g0 != _BASIC_LATIN:
        entry = _CODESETS[_BASIC_LATIN].get(b)
    return entry, b, i + 1


def ncr(match: re.Match[str]) -> str:
    value = int(match.group(1), 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF or value < 0x20 or value == 0x7F:
        return match.group(0)  # not a character a record may hold: keep the reference as text
    return chr(value)
