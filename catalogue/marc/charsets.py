"""Which charset a MARC record's bytes are in, for both flavours, and the Latin-1 fallback.

Real files declare the wrong charset (UNIMARC's 100 $a/26–29, MARC21's leader/09), so both
flavours trust the bytes: UNIMARC tries UTF-8, then ISO 5426, then Latin-1; MARC21 UTF-8, then
MARC-8, then Latin-1 (or cp1251). Latin-1 always means ISO-8859-1 with cp1252's letters in
0x80–0x9F (`C1_AS_CP1252`, the one copy of that table); a stray non-UTF-8 byte in UTF-8 text is
read that way too (the "docbase-latin1" error handler). `SubfieldDecoder` is the one
fallback chain both flavours decode their subfields with.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from catalogue.marc import iso2709, iso5426, marc8
from catalogue.record import nfc

# Bytes 0x80-0x9F of text that claims to be Latin-1 are Windows-1252's quotes, dashes and €,
# except 0x88/0x89, the non-sorting markers of MARC and UNIMARC; 0x81, 0x8D, 0x8F, 0x90, 0x9D,
# undefined in cp1252, stay C1 controls.
C1_AS_CP1252 = {
    i: bytes([i]).decode("cp1252")
    for i in range(0x80, 0xA0)
    if i not in (0x88, 0x89) and bytes([i]).decode("cp1252", "ignore")
}


_LATIN1_TABLE = "".join(C1_AS_CP1252.get(i, chr(i)) for i in range(256))


def latin1(data: bytes) -> str:
    """ISO-8859-1 with Windows-1252's letters and quotes in 0x80–0x9F (text pasted from Word)."""
    return codecs.charmap_decode(data, "strict", _LATIN1_TABLE)[0]


def _read_bad_utf8_as_latin1(err: UnicodeError) -> tuple[str, int]:
    # keeps a stray non-UTF-8 byte visible (as Latin-1) instead of dropping or masking it
    assert isinstance(err, UnicodeDecodeError)
    return latin1(err.object[err.start : err.end]), err.end


codecs.register_error("docbase-latin1", _read_bad_utf8_as_latin1)


class SubfieldDecoder:
    """Decodes one record's subfield values (and control fields) in one charset.

    "utf-8": a value that is not valid UTF-8 keeps its good characters, and only its bad bytes
    are read as Latin-1, with one warning per value (in `warnings`, quoting the text so that a
    cataloguer finds it); "marc-8": our MARC-8 decoder, its problems in `problems` (prefixed
    with `where`, the caller's "tag$code"); "iso5426": its warnings are the caller's, once for
    the whole record (`iso5426.unknown_byte_warnings`); any other name is a single-byte charset
    ("latin-1": ISO-8859-1 with cp1252's letters in 0x80-0x9F). Text comes out NFC.
    """

    def __init__(self, charset: str, warnings: list[str] | None = None) -> None:
        self.charset = charset
        self.warnings: list[str] = [] if warnings is None else warnings
        self.problems: list[str] = []  # short codec and structure problems, for a summary
        self.where = ""
        self.latin1 = False  # some value was not UTF-8: bytes of it were read as Latin-1
        decoders = {"utf-8": self._utf8, "marc-8": self._marc8, "iso5426": _iso5426}
        self.decode = decoders.get(charset, self._single_byte)

    def _utf8(self, data: bytes) -> str:
        if data.isascii():
            return data.decode("ascii")
        try:
            return nfc(data.decode("utf-8"))
        except UnicodeDecodeError:
            text = nfc(data.decode("utf-8", "docbase-latin1"))
        self.latin1 = True
        self.warnings.append(
            f"octets non UTF-8 lus en Latin-1 dans « {text[:40]} » "
            f"(non-UTF-8 bytes read as Latin-1)"
        )
        return text

    def _marc8(self, data: bytes) -> str:
        before = len(self.problems)
        text = marc8.decode(data, self.problems)
        where = f"{self.where} : " if self.where else ""
        for k in range(before, len(self.problems)):
            self.problems[k] = f"{where}MARC-8 {self.problems[k]}"
        return text

    def _single_byte(self, data: bytes) -> str:
        if data.isascii():
            return data.decode("ascii")
        if self.charset == "latin-1":
            return nfc(latin1(data))
        return nfc(data.decode(self.charset, "replace"))


def _iso5426(data: bytes) -> str:
    return iso5426.decode(data)[0]  # its warnings are taken once for the whole record


# ISO 5426 or Latin-1? (see detect_charset)
DIACRITICS_AS_C0 = bytes.maketrans(bytes(range(0xC0, 0xE0)), b"\xc0" * 32)


def _letters_on_letter() -> re.Pattern[bytes]:
    # each ISO 5426 diacritic with the ASCII letters it makes one precomposed character with
    alternatives = []
    for byte, mark in sorted(iso5426.DIACRITICS.items()):
        letters = bytes(
            c
            for c in range(0x41, 0x7B)
            if chr(c).isalpha() and len(unicodedata.normalize("NFC", chr(c) + mark)) == 1
        )
        if letters:
            alternatives.append(re.escape(bytes([byte])) + b"[" + re.escape(letters) + b"]")
    return re.compile(b"|".join(alternatives))


_ISO5426_ON_LETTER = _letters_on_letter()
# Latin-1 signs (see detect_charset): bytes that ISO 5426 reads as Ø, Ł, Œ…, ð, þ, ĳ, ʻ.
_G1_CAPITALS = frozenset(b"\xe1\xe2\xe6\xe8\xe9\xea\xec")
_LATIN1_CANDIDATE = re.compile(rb"[\xb0\xe1\xe2\xe6\xe8\xe9\xea\xec\xf3\xf6\xfc]")


def unimarc_charset(chunk: bytes) -> str:
    """The charset a record's bytes are in: "utf-8", "iso5426" or "latin-1" (never field 100)."""
    if chunk.isascii():
        return "utf-8"
    text = chunk.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    if not invalid:
        return "utf-8"
    valid = len(text) - len(text.encode("ascii", "ignore")) - invalid
    if valid >= invalid:
        return "utf-8"  # UTF-8 with a few stray bytes: those are read as Latin-1, with a warning
    # diacritics on a letter they compose with are ISO 5426; "À la", "École" are Latin-1 capitals
    on_letter = len(_ISO5426_ON_LETTER.findall(chunk))
    latin = len(iso5426.UNASSIGNED_BYTE.findall(chunk))
    marked = chunk.translate(DIACRITICS_AS_C0)  # bytes.translate is C-fast, a regex is not
    latin += marked.count(b"\xc0") - marked.count(b"\xc0\xc0") - on_letter
    for match in _LATIN1_CANDIDATE.finditer(chunk):
        at = match.start()
        before = chunk[at - 1 : at]
        after = chunk[at + 1 : at + 2]
        byte = chunk[at]
        if byte == 0xB0:  # "°" next to a digit: "n°1", "8° 34" (in ISO 5426, B0 is an ayn)
            latin += before.isdigit() or after.isdigit()
        elif byte in _G1_CAPITALS:  # "PØriodique" is "Périodique", "sociØtØ" is "société"
            latin += before.islower() or (before.isupper() and after.islower())
        else:  # ð, ĳ, þ inside a word: that is "ó", "ö", "ü" ("Administraciðn", "fþr")
            latin += before.islower() and after.islower()
    return "latin-1" if latin > on_letter else "iso5426"


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def marc21_charset(raw: iso2709.RawRecord) -> tuple[str, list[str]]:
    """The charset to decode a record with, from leader/09 checked against its bytes."""
    body = raw.chunk
    declared_utf8 = raw.leader[9] == "a"
    if body.isascii():
        return ("utf-8" if declared_utf8 else "marc-8"), []
    try:
        body.decode("utf-8")
        valid_utf8 = True
    except UnicodeDecodeError:
        valid_utf8 = False
    if declared_utf8:
        if valid_utf8:
            return "utf-8", []
        if not _UTF8_MULTIBYTE.search(body):
            problems: list[str] = []
            for _tag, data in raw.fields:
                for part in data.split(b"\x1f"):
                    marc8.decode(part, problems)
            if not problems:
                return "marc-8", [
                    "leader/09 annonce UTF-8 mais la notice est en MARC-8 "
                    "(leader/09 says UTF-8, the bytes are MARC-8)"
                ]
        return "latin-1", []  # each value's bad bytes are read as Latin-1, and said so
    if valid_utf8:
        return "utf-8", [
            "leader/09 annonce MARC-8 mais la notice est en UTF-8 "
            "(leader/09 says MARC-8, the bytes are valid UTF-8)"
        ]
    return "marc-8", []


_HIGH_RUN = re.compile(rb"[\xc0-\xff]{3,}")


def single_byte_charset(chunk: bytes) -> str:
    """Latin-1, or cp1251 when the high bytes come in runs (whole words, as in Cyrillic)."""
    high = sum(1 for b in chunk if b >= 0x80)
    in_runs = sum(len(m) for m in _HIGH_RUN.findall(chunk))
    return "cp1251" if high and in_runs * 2 > high else "latin-1"
