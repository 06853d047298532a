"""Decoding a text file (RIS, BibTeX, CSV) whose charset nobody declared.

Exports from reference managers are UTF-8, often with a BOM (EndNote, Zotero on Windows); Excel
writes "CSV (séparateur : point-virgule)" in cp1252 and "CSV UTF-8" with a BOM; "Texte Unicode"
is UTF-16 with a BOM. Two things go wrong with a whole-file guess: one stray Latin-1 byte in a
UTF-8 file (a hand edit, a paste) must not turn every accent of the file into « Ã© », and a
Chinese file (GBK) must not be read as Western text without a word. So the charset is decided
where the bytes disagree — each invalid byte of a mostly UTF-8 file is read as cp1252 and the
record holding it is warned — and a file that is not UTF-8 at all is checked by
charset-normalizer before being read as cp1252.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import charset_normalizer

from catalogue.record import nfc

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
# Double-byte charsets of East Asian exports, in the order preferred when several read the
# bytes (GB18030, the superset of GBK, decodes nearly any byte pair: it is the usual case).
_EAST_ASIAN = ("gb18030", "big5", "shift_jis", "euc_kr")


@dataclass(frozen=True)
class DecodedText:
    """A text file decoded, with the charset actually used (for `Original.charset`).

    `stray_lines`: the lines (1-based, counted as `unix_newlines` counts them) where a byte
    that is not UTF-8 was read as `stray_charset` in an otherwise UTF-8 file. `guessed`: the
    charset is charset-normalizer's guess of a non-Western charset, to be checked.
    """

    text: str
    charset: str  # "utf-8", "utf-16", "cp1252", "latin-1", a guessed or the forced encoding
    bom: bool = False
    stray_lines: tuple[int, ...] = ()
    stray_charset: str = ""
    guessed: bool = False

    def warnings_for(self, first_line: int, line_count: int = 1) -> list[str]:
        """Warnings (French first) for a record spanning `line_count` lines from `first_line`."""
        out: list[str] = []
        if self.guessed:
            out.append(
                f"jeu de caractères deviné : {self.charset} (ni UTF-8 ni Windows-1252), "
                f"à vérifier (charset guessed: {self.charset})"
            )
        last = first_line + max(line_count, 1) - 1
        start = bisect.bisect_left(self.stray_lines, first_line)
        lines = self.stray_lines[start : bisect.bisect_right(self.stray_lines, last)]
        if lines:
            where = ", ".join(str(n) for n in lines)
            out.append(
                f"octet non UTF-8 lu en {self.stray_charset} (ligne {where}), à vérifier "
                f"(invalid UTF-8 byte read as {self.stray_charset}, line {where})"
            )
        return out


def decode_text(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode a text file: a BOM decides; else UTF-8, its stray invalid bytes read as cp1252;
    else cp1252 (the Windows superset of Latin-1, whose € and œ French spreadsheets use) unless
    charset-normalizer finds an East Asian charset; else Latin-1, which never fails.

    `encoding` forces a codec (e.g. "gbk"); undecodable bytes then become U+FFFD, never an
    error. The text comes back in NFC, newlines as in the file.
    """
    if encoding:
        try:
            return DecodedText(nfc(data.decode(encoding, errors="replace")), encoding.lower())
        except LookupError:
            pass  # an unknown codec name: sniff as usual
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return DecodedText(
                nfc(data.decode(codec, errors="replace").lstrip("\ufeff")), name, True
            )
    try:
        return DecodedText(nfc(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    mended = split_stray(data)
    if mended is not None:
        # mostly UTF-8: only the bad bytes are read otherwise, and their lines are told
        text, lines = mended
        return DecodedText(nfc(text), "utf-8", stray_lines=lines, stray_charset="cp1252")
    charset = _legacy_charset(data)
    if charset in _EAST_ASIAN:
        return DecodedText(nfc(data.decode(charset, errors="replace")), charset, guessed=True)
    try:
        return DecodedText(nfc(data.decode("cp1252")), "cp1252")
    except UnicodeDecodeError:
        return DecodedText(nfc(data.decode("latin-1")), "latin-1")


# -- stray bytes and legacy charsets ----------------------------------------------------------


def split_stray(data: bytes) -> tuple[str, tuple[int, ...]] | None:
    """UTF-8 text where each byte UTF-8 cannot read is read as cp1252 (Latin-1 for the five
    bytes cp1252 leaves undefined), with the (1-based) lines where that happened; None when
    the file is not mostly UTF-8: fewer bytes in valid non-ASCII characters than bad ones.

    Line by line, so that the cost stays linear however many bytes are bad."""
    lines = data.splitlines(keepends=True)
    texts: list[str | None] = []
    evidence = against = 0
    for line in lines:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            texts.append(None)
            replaced = line.decode("utf-8", errors="replace")  # one U+FFFD per bad sequence
            against += replaced.count("\ufffd")
            evidence += len(line) - len(replaced)
            continue
        texts.append(text)
        evidence += len(line) - len(text)
    if evidence < against:
        return None
    # bytes.splitlines cuts at CRLF, CR and LF: the lines `unix_newlines` counts
    stray = tuple(index + 1 for index, text in enumerate(texts) if text is None)
    for number in stray:
        texts[number - 1] = _mend_line(lines[number - 1])
    return "".join(t or "" for t in texts), stray


def _mend_line(line: bytes) -> str:
    """One line decoded as UTF-8, its invalid bytes read as cp1252."""
    out: list[str] = []
    position = 0
    while position < len(line):
        try:
            out.append(line[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            out.append(line[position : position + error.start].decode("utf-8"))
            bad = line[position + error.start : position + error.end]
            out.append("".join(_cp1252_byte(b) for b in bad))
            position += error.end
    return "".join(out)


def _cp1252_byte(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def _legacy_charset(data: bytes) -> str:
    """The charset of a file that is not UTF-8: cp1252 unless charset-normalizer reads it
    better as an East Asian charset; then the first of those (in `_EAST_ASIAN` order) that it
    lists and that decodes the bytes."""
    if _mostly_lone_bytes(data):
        return "cp1252"  # a few stray bytes in ASCII text: not a double-byte charset
    matches = charset_normalizer.from_bytes(data, cp_isolation=["cp1252", *_EAST_ASIAN])
    best = matches.best()
    if best is None or best.encoding not in _EAST_ASIAN:
        return "cp1252"
    listed = {match.encoding for match in matches}
    for charset in _EAST_ASIAN:
        if charset in listed:
            try:
                data.decode(charset)
            except UnicodeDecodeError:
                continue
            return charset
    return best.encoding


_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")


def _mostly_lone_bytes(data: bytes) -> bool:
    """Whether the non-ASCII bytes are too few, or stand alone between ASCII ones too often,
    to be an East Asian charset, which writes its characters as runs of two bytes or more:
    Western accents and stray bytes (a damaged file) stand alone."""
    runs = [len(m.group(0)) for m in _NON_ASCII_RUN.finditer(data)]
    paired = sum(n for n in runs if n > 1)
    return paired < 8 or paired < 2 * runs.count(1)
