"""ISO 5426, the character set of UNIMARC records from PMB installs in ISO-8859-1 (100 $a "0103").

No Python library decodes it, and pymarc has no codec for it, so this module is table-driven:

- bytes 0x00–0x7F are ISO 646 (ASCII);
- 0xC0–0xDF are non-spacing diacritics that come *before* their base letter (é = C2 65); Unicode
  wants the combining mark *after* it, so the marks are moved behind the next character, then the
  text is NFC-normalised;
- 0xA1–0xBF and 0xE1–0xFE are single characters (Œ = EA, œ = FA, « = AB…);
- 0x88/0x89 are the UNIMARC non-sorting markers NSB/NSE (ISO 6630) and stay U+0088/U+0089, as in
  UTF-8 UNIMARC (YAZ turns them into MARC21's U+0098/U+009C; we keep the UNIMARC ones); 0x98/0x9C,
  MARC21's own markers, pass through as the C1 controls they are.

An unassigned byte is never dropped: it becomes U+FFFD and a warning names it with its offset.
The table follows ISO 5426:1983 and agrees with YAZ 5.34 on every assigned byte (see the tests),
with two bytes read as PMB's own decoder (PMB Services' `pmbmarc` translator) reads them, since
PMB writes the data of the partner network:
- 0xA0, unassigned in the standard and in YAZ, is PMB's no-break space — the space French
  typography puts before « : ; ? ! », everywhere in PMB data;
- 0xB0 is PMB's degree sign (« 8°007.77 », « n° 12 ») where no letter follows it; before a letter
  it stays the standard's ayn (« ʻAbd »), as transliterated Arabic writes it.
PMB's table otherwise writes ASCII stand-ins ('?', '"', 'L' for Ł…) or ISO-8859-15 (€ for 0xA4,
the standard's $): those we do not follow, the standard's character being the more faithful.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Non-spacing diacritics: byte → combining mark (written after the base letter in Unicode).
DIACRITICS: dict[int, str] = {
    0xC0: "\u0309",  # hook above
    0xC1: "\u0300",  # grave
    0xC2: "\u0301",  # acute
    0xC3: "\u0302",  # circumflex
    0xC4: "\u0303",  # tilde
    0xC5: "\u0304",  # macron
    0xC6: "\u0306",  # breve
    0xC7: "\u0307",  # dot above
    0xC8: "\u0308",  # diaeresis
    0xC9: "\u0308",  # umlaut (same mark in Unicode; PMB reads it as a diaeresis too)
    0xCA: "\u030a",  # ring above
    0xCB: "\u0315",  # comma above right (high comma, off centre)
    0xCC: "\u0313",  # comma above (high comma, centred)
    0xCD: "\u030b",  # double acute
    0xCE: "\u031b",  # horn
    0xCF: "\u030c",  # caron (háček)
    0xD0: "\u0327",  # cedilla
    0xD1: "\u031c",  # left half ring below (hook to the left)
    0xD2: "\u0326",  # comma below (hook to the right)
    0xD3: "\u0328",  # ogonek
    0xD4: "\u0325",  # ring below
    0xD5: "\u032e",  # breve below (half circle below)
    0xD6: "\u0323",  # dot below
    0xD7: "\u0324",  # diaeresis below (double dot below)
    0xD8: "\u0332",  # low line (underline)
    0xD9: "\u0333",  # double low line
    0xDA: "\u0329",  # vertical line below
    0xDB: "\u032d",  # circumflex below
    0xDD: "\u0360",  # double tilde (ligature tilde over two letters)
}
# 0xDC, 0xDE and 0xDF are in the diacritic range but unassigned: reported as unknown.

# Single characters of the G1 set.
CHARACTERS: dict[int, str] = {
    0xA0: "\u00a0",  # no-break space (PMB; unassigned in ISO 5426 and YAZ)
    0xA1: "\u00a1",  # ¡
    0xA2: "\u201e",  # „ double low-9 quotation mark
    0xA3: "\u00a3",  # £
    0xA4: "\u0024",  # $
    0xA5: "\u00a5",  # ¥
    0xA6: "\u2020",  # † dagger
    0xA7: "\u00a7",  # §
    0xA8: "\u2032",  # ′ prime
    0xA9: "\u2018",  # ‘
    0xAA: "\u201c",  # “
    0xAB: "\u00ab",  # «
    0xAC: "\u266d",  # ♭ flat
    0xAD: "\u00a9",  # ©
    0xAE: "\u2117",  # ℗ sound recording copyright
    0xAF: "\u00ae",  # ®
    0xB0: "\u02bb",  # ʻ ayn
    0xB1: "\u02bc",  # ʼ alif
    0xB2: "\u201a",  # ‚ single low-9 quotation mark
    0xB6: "\u2021",  # ‡ double dagger
    0xB7: "\u00b7",  # · middle dot
    0xB8: "\u2033",  # ″ double prime
    0xB9: "\u2019",  # ’
    0xBA: "\u201d",  # ”
    0xBB: "\u00bb",  # »
    0xBC: "\u266f",  # ♯ sharp
    0xBD: "\u02b9",  # ʹ modifier prime (soft sign)
    0xBE: "\u02ba",  # ʺ modifier double prime (hard sign)
    0xBF: "\u00bf",  # ¿
    0xE1: "\u00c6",  # Æ
    0xE2: "\u0110",  # Đ (also capital eth)
    0xE6: "\u0132",  # Ĳ
    0xE8: "\u0141",  # Ł
    0xE9: "\u00d8",  # Ø
    0xEA: "\u0152",  # Œ
    0xEC: "\u00de",  # Þ
    0xF1: "\u00e6",  # æ
    0xF2: "\u0111",  # đ
    0xF3: "\u00f0",  # ð
    0xF5: "\u0131",  # ı dotless i
    0xF6: "\u0133",  # ĳ
    0xF8: "\u0142",  # ł
    0xF9: "\u00f8",  # ø
    0xFA: "\u0153",  # œ
    0xFB: "\u00df",  # ß
    0xFC: "\u00fe",  # þ
    # C1 controls used in bibliographic data: UNIMARC NSB/NSE (ISO 6630) and MARC21's.
    0x88: "\u0088",
    0x89: "\u0089",
    0x98: "\u0098",
    0x9C: "\u009c",
}

UNKNOWN = "\ufffd"
# 0xB0 decodes to the ayn; PMB's degree sign wherever no letter follows it
_DEGREE = re.compile(r"\u02bb(?![^\W\d_])")


def _decoding_table() -> str:
    table = [chr(i) for i in range(128)] + [UNKNOWN] * 128
    for byte, char in CHARACTERS.items():
        table[byte] = char
    for byte, mark in DIACRITICS.items():
        table[byte] = mark
    return "".join(table)


_DECODING_TABLE = _decoding_table()
_MARKS = "".join(sorted(set(DIACRITICS.values())))
# One or more diacritics, then the character they sit on (any character, even a space).
_PREFIXED = re.compile(f"([{_MARKS}]+)(.)", re.DOTALL)
_DANGLING = re.compile(f"[{_MARKS}]+$")
_ASSIGNED = set(CHARACTERS) | set(DIACRITICS)
UNASSIGNED_BYTE = re.compile(
    b"[" + b"".join(re.escape(bytes([b])) for b in range(0x80, 0x100) if b not in _ASSIGNED) + b"]"
)


def _swap(match: re.Match[str]) -> str:
    return match[2] + match[1]  # faster than an r"\2\1" template on Python 3.11


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode ISO 5426 bytes into NFC text; warnings name every unknown byte and its offset."""
    if data.isascii():
        return data.decode("ascii"), []
    text = codecs.charmap_decode(data, "strict", _DECODING_TABLE)[0]
    warnings = unknown_byte_warnings(data)
    dangling = _DANGLING.search(text)
    if dangling:
        # kept visible on a no-break space (Unicode's way to show a lone mark), not on the
        # previous letter, which it does not belong to
        warnings.append(
            f"diacritique sans lettre en fin de texte (diacritic with no base letter at offset "
            f"{len(data) - len(dangling.group())})"
        )
        text = text[: dangling.start()] + "\u00a0" + dangling.group()
    text = _PREFIXED.sub(_swap, text)
    if "\u02bb" in text:
        text = _DEGREE.sub("°", text)
    return unicodedata.normalize("NFC", text), warnings


def decode_text(data: bytes) -> str:
    """`decode` without the warnings, for a caller that already has them (a whole record's)."""
    if data.isascii():
        return data.decode("ascii")
    text = codecs.charmap_decode(data, "strict", _DECODING_TABLE)[0]
    if text[-1] in _MARKS:
        dangling = _DANGLING.search(text)
        if dangling:
            text = text[: dangling.start()] + "\u00a0" + dangling.group()
    text = _PREFIXED.sub(_swap, text)
    if "\u02bb" in text:
        text = _DEGREE.sub("°", text)
    return unicodedata.normalize("NFC", text)


def unknown_byte_warnings(data: bytes) -> list[str]:
    """One warning per unassigned byte, with its offset in `data` (a whole record, say)."""
    return [
        f"octet ISO 5426 inconnu 0x{m.group()[0]:02X} à la position {m.start()} "
        f"(unknown ISO 5426 byte 0x{m.group()[0]:02X} at offset {m.start()}), kept as U+FFFD"
        for m in UNASSIGNED_BYTE.finditer(data)
    ]


# -- encoding --------------------------------------------------------------------------------

_ENCODE_CHARS: dict[str, int] = {}
for _byte, _char in sorted(CHARACTERS.items(), reverse=True):
    _ENCODE_CHARS[_char] = _byte  # the lowest byte wins when two share a character
_ENCODE_CHARS["°"] = 0xB0  # read back as ° when no letter follows (PMB's degree sign)
_ENCODE_MARKS: dict[str, int] = {}
for _byte, _mark in sorted(DIACRITICS.items(), reverse=True):
    _ENCODE_MARKS[_mark] = _byte  # diaeresis → C8, as the PMB doc's "ï = C8 69"


def encode(text: str, errors: str = "strict") -> bytes:
    """Encode text as ISO 5426 (diacritics before their letter); for tests and ISO 5426 exports.

    `errors="strict"` raises `ValueError` on a character ISO 5426 cannot represent (€, ‰, …);
    `errors="replace"` writes "?" instead.
    """
    if text.isascii():
        return text.encode("ascii")
    out = bytearray()
    marks: list[int] = []  # the diacritics of the letter being read (they follow it in NFD)
    base = -1
    for char in unicodedata.normalize("NFD", text):
        mark = _ENCODE_MARKS.get(char)
        if mark is not None:
            marks.append(mark)
            continue
        if base >= 0 or marks:
            out.extend(marks)
            if base >= 0:
                out.append(base)
            marks.clear()
        if char < "\x80":
            base = ord(char)
        elif char in _ENCODE_CHARS:
            base = _ENCODE_CHARS[char]
        elif errors == "replace":
            base = 0x3F
        else:
            raise ValueError(f"U+{ord(char):04X} {char!r} has no ISO 5426 encoding")
    out.extend(marks)
    if base >= 0:
        out.append(base)
    return bytes(out)
