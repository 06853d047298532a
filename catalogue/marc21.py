"""MARC21 (ISO 2709): read, map to the one Record model, and write back.

Reading is per record and never stops a file: every chunk from `iso2709.split` is parsed on its
own; a broken directory is repaired from the field terminators when that is unambiguous, and a
record that cannot be read becomes a `RecordError` with a French-then-English reason.

The charset is decided per record, because real files mix them: leader/09 says UTF-8 ('a') or
MARC-8 (blank), and both are often wrong. We trust the bytes first (valid non-ASCII UTF-8 is
UTF-8 whatever the leader says), then MARC-8, then Latin-1, and record the decoding actually used
and a warning in `Original`. The MARC-8 decoder is our own (table-driven, over pymarc's tables):
pymarc's converter prints to stderr and turns unknown bytes into spaces without telling anyone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from pymarc import marc8_mapping

from catalogue.errors import FormatError, RecordError, salvage
from catalogue.marc import families, iso2709
from catalogue.record import (
    Agent,
    Classification,
    Host,
    Identifier,
    Item,
    Link,
    Original,
    Publication,
    Record,
    Series,
    Subject,
    nfc,
)

FT = 0x1E
SD = 0x1F
_CONTROL_BYTES = re.compile(rb"[\x00-\x1a\x1c]")  # C0 controls but ESC and the ISO 2709 marks
_CONTROL_BYTES_AND_ESC = re.compile(rb"[\x00-\x1c]")  # ESC is only meaningful in MARC-8
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_LEADER_LIKE = re.compile(rb"^\s*\d{5}")

# ---------------------------------------------------------------------------------------------
# MARC-8
# ---------------------------------------------------------------------------------------------

_CODESETS = marc8_mapping.CODESETS
_ODD_MAP = marc8_mapping.ODD_MAP
_BASIC_LATIN = 0x42
_ANSEL = 0x45
_EACC = 0x31
_NCR = re.compile(r"&#x([0-9A-Fa-f]{1,6});")
# Bytes 0x80-0x9F of text that claims to be Latin-1 are Windows-1252's quotes, dashes and €,
# except 0x88/0x89, the non-sorting markers of MARC and UNIMARC.
C1_AS_CP1252 = {
    i: bytes([i]).decode("cp1252")
    for i in range(0x80, 0xA0)
    if i not in (0x88, 0x89) and bytes([i]).decode("cp1252", "ignore")
}
_DOUBLE_DIACRITICS = str.maketrans(
    {"\ufe20": "\u0361", "\ufe21": None, "\ufe22": "\u0360", "\ufe23": None}
)


def marc8_decode(data: bytes, problems: list[str] | None = None) -> str:
    """Decode one MARC-8 string (state reset, as at the start of a subfield) to NFC Unicode.

    Unknown bytes and escape sequences become U+FFFD (kept visible, never dropped) and are
    described in `problems`; numeric character references (&#xXXXX;) are resolved, as LC allows
    them for characters MARC-8 lacks.
    """
    if b"\x1b" not in data:
        if data.isascii():
            text = data.decode("ascii")
            return _NCR.sub(_ncr, text) if "&#x" in text else text
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
        text = _NCR.sub(_ncr, text)
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
            nxt = data[i + 1] if i + 1 < n else -1
            final = -1
            if nxt in (0x28, 0x2C, 0x29, 0x2D):  # ( , → G0;  ) - → G1 (one-byte sets)
                final = data[i + 2] if i + 2 < n else -1
                length = 3
                target = 0 if nxt in (0x28, 0x2C) else 1
            elif nxt == 0x24:  # $ → multibyte set
                second = data[i + 2] if i + 2 < n else -1
                if second in (0x2C, 0x29, 0x2D):
                    final = data[i + 3] if i + 3 < n else -1
                    length = 4
                    target = 0 if second == 0x2C else 1
                else:
                    final, length, target = second, 3, 0
            elif nxt in (0x67, 0x62, 0x70, 0x73):  # technique 2: greek symbols, sub/superscript
                final = _BASIC_LATIN if nxt == 0x73 else nxt
                length, target = 2, 0
            else:
                length, target = 1, -1
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
        if g0 == _EACC and b < 0x80:
            if i + 3 > n:
                problems.append(f"caractère EACC incomplet {data[i:]!r}")
                out.append("\ufffd")
                break
            code = (b << 16) | (data[i + 1] << 8) | data[i + 2]
            entry = _CODESETS[_EACC].get(code)
            if entry is None and code in _ODD_MAP:
                entry = (_ODD_MAP[code], 0)
            i += 3
        else:
            table = _CODESETS.get(g0 if b < 0x80 else g1, {})
            entry = table.get(b)
            if entry is None:
                entry = table.get(b ^ 0x80)  # a G0 set designated as G1 or the reverse
            if entry is None and b < 0x80 and g0 != _BASIC_LATIN:
                entry = _CODESETS[_BASIC_LATIN].get(b)
            code = b
            i += 1
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


def _ncr(match: re.Match[str]) -> str:
    value = int(match.group(1), 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF or value < 0x20 or value == 0x7F:
        return match.group(0)  # not a character a record may hold: keep the reference as text
    return chr(value)


# ---------------------------------------------------------------------------------------------
# Record structure: parse, repair, decode
# ---------------------------------------------------------------------------------------------


class _Decoder:
    """Decodes a record's fields with one charset, collecting what went wrong."""

    def __init__(self, charset: str) -> None:
        self.charset = charset
        self.problems: list[str] = []
        self.where = ""
        self.latin1 = False  # some subfield was not UTF-8 and was read as Latin-1

    def text(self, data: bytes) -> str:
        """Decode bytes that hold no subfield delimiter (a control field, a subfield value)."""
        if data.isascii() and (self.charset != "marc-8" or b"\x1b" not in data):
            text = data.decode("ascii")
            if self.charset == "marc-8" and "&#x" in text:
                text = _NCR.sub(_ncr, text)
            return text
        if self.charset == "utf-8":
            try:
                return nfc(data.decode("utf-8"))
            except UnicodeDecodeError:
                self.latin1 = True
                self.problems.append(f"{self.where} : UTF-8 invalide, lu en Latin-1")
                return nfc(data.decode("latin-1").translate(C1_AS_CP1252))
        if self.charset == "marc-8":
            before = len(self.problems)
            text = marc8_decode(data, self.problems)
            for k in range(before, len(self.problems)):
                self.problems[k] = f"{self.where} : MARC-8 {self.problems[k]}"
            return text
        return nfc(data.decode(self.charset, "replace"))


def _odd_subfield(text: str, code_byte: int, decoder: _Decoder) -> list[str]:
    """A subfield whose code byte is not a printable ASCII character.

    The code is its first decoded character's base letter when there is one ("\x1fá" in UTF-8,
    an ANSEL diacritic before the letter in MARC-8), otherwise "?"; the diacritics that came
    with it are dropped. The raw record keeps the original bytes.
    """
    first = text[0]
    base = unicodedata.normalize("NFD", first)[0]
    letter = base if base.isascii() and base.isalnum() else "?"
    value = text[1:]
    k = 0
    while k < len(value) and unicodedata.combining(value[k]):
        k += 1
    decoder.problems.append(
        f"{decoder.where} : code de sous-champ invalide 0x{code_byte:02x} ({first!r}), lu {letter!r}"
    )
    return [letter, value[k:]]


def _indicators(tag: str, data: bytes, decoder: _Decoder) -> tuple[str, bytes]:
    if data[:1] == b"\x1f":
        decoder.problems.append(f"{tag} : indicateurs absents")
        return "  ", data
    if data[1:2] == b"\x1f":
        decoder.problems.append(f"{tag} : un seul indicateur")
        ind, body = data[:1].decode("latin-1") + " ", data[1:]
    else:
        ind, body = data[:2].decode("latin-1").ljust(2), data[2:]
    if not (ind.isascii() and ind.isprintable()):
        decoder.problems.append(f"{tag} : indicateurs invalides {ind!r}")
        ind = "".join(c if c.isascii() and c.isprintable() else " " for c in ind)
    return ind, body


def _decode_datafield(tag: str, data: bytes, decoder: _Decoder) -> list[Any]:
    """A data field split on its delimiters first, then each value decoded (MARC-8 resets)."""
    if data.isascii() and data[2:3] == b"\x1f" and b"\x1b" not in data:
        # the usual case, done in one decode: plain ASCII with two indicators
        text = data.decode("ascii")
        ind = text[:2]
        if ind.isprintable() and "\x1f " not in text and "&#x" not in text:
            return [tag, ind[0], ind[1], [[p[0], p[1:]] for p in text[3:].split("\x1f") if p]]
    ind, body = _indicators(tag, data, decoder)
    parts = body.split(b"\x1f")
    if parts[0]:
        decoder.problems.append(f"{tag} : texte hors sous-champ {parts[0][:40]!r} gardé en $?")
        parts[0] = b"?" + parts[0]
    else:
        del parts[0]
    subfields: list[list[str]] = []
    for part in parts:
        if not part:
            continue
        code = part[0]
        if 0x20 < code < 0x7F:
            decoder.where = f"{tag}${chr(code)}"
            subfields.append([chr(code), decoder.text(part[1:])])
            continue
        decoder.where = f"{tag}$?"
        text = decoder.text(part)
        if text:
            subfields.append(_odd_subfield(text, code, decoder))
    return [tag, ind[0], ind[1], subfields]


_ODD_CODE = re.compile(rb"\x1f[^\x21-\x7e]")


def _decode_utf8_field(tag: str, data: bytes, decoder: _Decoder) -> list[Any]:
    """A UTF-8 data field; decoded whole when a code byte is not ASCII, so that "\x1fá" is
    one (wrong) code character rather than a split multi-byte sequence."""
    if data.isascii() or data[2:3] != b"\x1f" or not _ODD_CODE.search(data):
        return _decode_datafield(tag, data, decoder)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_datafield(tag, data, decoder)
    ind, _ = _indicators(tag, data, decoder)
    subfields: list[list[str]] = []
    for part in text[text.find("\x1f") :].split("\x1f")[1:]:
        if not part:
            continue
        code = part[0]
        decoder.where = f"{tag}${code}"
        if code.isascii() and "\x20" < code < "\x7f":
            subfields.append([code, nfc(part[1:])])
        else:
            subfields.append(_odd_subfield(nfc(part), ord(code), decoder))
    return [tag, ind[0], ind[1], subfields]


def _choose_charset(raw: iso2709.RawRecord) -> tuple[str, list[str]]:
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
                    marc8_decode(part, problems)
            if not problems:
                return "marc-8", [
                    "leader/09 annonce UTF-8 mais la notice est en MARC-8 "
                    "(leader/09 says UTF-8, the bytes are MARC-8)"
                ]
        return "latin-1", [
            "UTF-8 invalide : sous-champs illisibles en UTF-8 lus en Latin-1 "
            "(invalid UTF-8: undecodable subfields read as Latin-1)"
        ]
    if valid_utf8:
        return "utf-8", [
            "leader/09 annonce MARC-8 mais la notice est en UTF-8 "
            "(leader/09 says MARC-8, the bytes are valid UTF-8)"
        ]
    return "marc-8", []


_HIGH_UNKNOWN = re.compile(r"caractère inconnu 0x[89a-f][0-9a-f]$")
_HIGH_RUN = re.compile(rb"[\xc0-\xff]{3,}")


def _single_byte_charset(chunk: bytes) -> str:
    """Latin-1, or cp1251 when the high bytes come in runs (whole words, as in Cyrillic)."""
    high = sum(1 for b in chunk if b >= 0x80)
    in_runs = sum(len(m) for m in _HIGH_RUN.findall(chunk))
    return "cp1251" if high and in_runs * 2 > high else "latin-1"


def decode_record(raw: iso2709.RawRecord) -> tuple[list[list[Any]], str, list[str]]:
    """The record's MARC fields decoded, the charset used and the warnings."""
    charset, warnings = _choose_charset(raw)
    fields, charset, more = _decode_with(raw, charset)
    if charset == "marc-8":
        unknown = sum(1 for p in more.problems if _HIGH_UNKNOWN.search(p))
        if unknown:
            # bytes that MARC-8 does not define: an 8-bit charset mislabelled as MARC-8
            alternative = _single_byte_charset(raw.chunk)
            fields, charset, more = _decode_with(raw, alternative)
            warnings.append(
                f"MARC-8 illisible ({unknown} caractères inconnus) : notice lue en {alternative} "
                f"(not MARC-8: {unknown} undefined characters; read as {alternative})"
            )
    return fields, charset, warnings + more.warnings


def _control_to_space(match: re.Match[bytes]) -> bytes:
    return b" " if match.group(0) in b"\t\n\r" else b""


class _Decoded:
    def __init__(self, problems: list[str], warnings: list[str]) -> None:
        self.problems = problems
        self.warnings = warnings


def _decode_with(raw: iso2709.RawRecord, charset: str) -> tuple[list[list[Any]], str, _Decoded]:
    warnings: list[str] = []
    decoder = _Decoder("utf-8" if charset == "latin-1" else charset)
    fields: list[list[Any]] = []
    stripped = False
    controls = _CONTROL_BYTES if charset == "marc-8" else _CONTROL_BYTES_AND_ESC
    controls_inside = controls.search(raw.chunk, iso2709.LEADER_LENGTH) is not None
    for tag, data in raw.fields:
        if controls_inside and controls.search(data):
            data = controls.sub(_control_to_space, data)
            stripped = True
        if tag[:2] == "00" and tag.isdigit():
            decoder.where = tag
            if b"\x1f" in data:  # a delimiter has no place in a control field
                decoder.problems.append(
                    f"{tag} : délimiteur de sous-champ dans un champ de contrôle"
                )
                data = data.replace(b"\x1f", b" ")
            fields.append([tag, decoder.text(data)])
        elif charset == "marc-8":
            fields.append(_decode_datafield(tag, data, decoder))
        else:
            fields.append(_decode_utf8_field(tag, data, decoder))
    if (
        charset == "latin-1"
        and any(not v.isascii() for f in fields if len(f) == 4 for _, v in f[3])
        and not decoder.latin1
    ):
        charset = "utf-8"
    if stripped:
        warnings.append("caractères de contrôle supprimés (control characters removed)")
    if decoder.problems:
        shown = "; ".join(decoder.problems[:8])
        more = f" (+{len(decoder.problems) - 8})" if len(decoder.problems) > 8 else ""
        warnings.append(f"décodage {charset} : {shown}{more}")
    return fields, charset, _Decoded(decoder.problems, warnings)


# ---------------------------------------------------------------------------------------------
# Mapping MARC21 → Record
# ---------------------------------------------------------------------------------------------

# MARC relator codes → UNIMARC relator codes (Appendix C), for the ones that have a match.
RELATOR_TO_UNIMARC: dict[str, str] = {
    "act": "005", "adp": "010", "ann": "020", "art": "040", "aut": "070", "aqt": "072",
    "aft": "075", "aui": "080", "win": "080", "wpr": "080", "aud": "090", "ant": "100",
    "ctg": "180", "cns": "190", "chr": "200", "ctb": "205", "cmm": "210", "com": "220",
    "cmp": "230", "ccp": "245", "cnd": "250", "crr": "270", "cur": "273", "dgg": "295",
    "drt": "300", "fmd": "300", "dub": "330", "edt": "340", "edc": "340", "egr": "360",
    "fnd": "400", "ill": "440", "ive": "460", "ivr": "470", "lyr": "520", "pbl": "530",
    "mus": "545", "orm": "557", "oth": "570", "pta": "587", "prf": "590", "pht": "600",
    "pre": "605", "pbd": "651", "rth": "673", "rev": "675", "rtm": "677", "red": "710",
    "sng": "721", "spn": "723", "aus": "726", "ths": "727", "trl": "730", "hnr": "900",
}  # fmt: skip

# Relator terms ($e) as catalogues print them → MARC relator code.
RELATOR_TERMS: dict[str, str] = {
    "author": "aut", "auteur": "aut", "aut": "aut", "editor": "edt", "ed": "edt", "eds": "edt",
    "éditeur scientifique": "edt", "directeur de publication": "pbd", "dir": "edt",
    "translator": "trl", "tr": "trl", "trans": "trl", "traducteur": "trl",
    "illustrator": "ill", "ill": "ill", "illustrateur": "ill", "thesis advisor": "ths",
    "contributor": "ctb", "compiler": "com", "comp": "com", "composer": "cmp",
    "photographer": "pht", "director": "drt", "film director": "fmd", "actor": "act",
    "performer": "prf", "conductor": "cnd", "singer": "sng", "lyricist": "lyr",
    "librettist": "lyr", "adapter": "adp", "annotator": "ann", "artist": "art",
    "author of introduction": "aui", "writer of introduction": "win",
    "writer of preface": "wpr", "author of afterword": "aft", "cartographer": "ctg",
    "commentator": "cmm", "corrector": "crr", "curator": "cur", "degree granting institution": "dgg",
    "degree grantor": "dgg", "publisher": "pbl", "organizer": "orm", "presenter": "pre",
    "reviewer": "rev", "screenwriter": "aus", "sponsor": "spn", "honoree": "hnr",
    "interviewee": "ive", "interviewer": "ivr", "musician": "mus", "engraver": "egr",
    "editor of compilation": "edc", "choreographer": "chr", "funder": "fnd", "redaktor": "red",
    "préfacier": "aui", "postfacier": "aft",
}  # fmt: skip

UNIMARC_TO_RELATOR: dict[str, str] = {}
for _marc, _uni in RELATOR_TO_UNIMARC.items():
    UNIMARC_TO_RELATOR.setdefault(_uni, _marc)

# MARC country codes (008/15-17) → ISO 3166 for the most frequent ones.
_COUNTRIES: dict[str, str] = {
    "fr": "FR", "gw": "DE", "it": "IT", "sp": "ES", "sz": "CH", "be": "BE", "ne": "NL",
    "po": "PT", "au": "AT", "lu": "LU", "mc": "MC", "dk": "DK", "sw": "SE", "no": "NO",
    "fi": "FI", "ie": "IE", "pl": "PL", "xr": "CZ", "hu": "HU", "gr": "GR", "ru": "RU",
    "ja": "JP", "cc": "CN", "ch": "TW", "ko": "KR", "ii": "IN", "is": "IL", "mx": "MX",
    "bl": "BR", "ag": "AR", "cl": "CL", "ck": "CO", "pe": "PE", "sa": "ZA", "ua": "EG",
    "mr": "MA", "ti": "TN", "ae": "DZ", "sg": "SN", "iv": "CI", "cm": "CM", "tu": "TR",
    "xxu": "US", "xxk": "GB", "enk": "GB", "stk": "GB", "wlk": "GB", "nik": "GB",
    "xxc": "CA", "quc": "CA", "onc": "CA", "bcc": "CA", "abc": "CA", "at": "AU", "nz": "NZ",
}  # fmt: skip
_US_STATES = {
    "alu", "aku", "azu", "aru", "cau", "cou", "ctu", "deu", "dcu", "flu", "gau", "hiu", "idu",
    "ilu", "inu", "iau", "ksu", "kyu", "lau", "meu", "mdu", "mau", "miu", "mnu", "msu", "mou",
    "mtu", "nbu", "nvu", "nhu", "nju", "nmu", "nyu", "ncu", "ndu", "ohu", "oku", "oru", "pau",
    "riu", "scu", "sdu", "tnu", "txu", "utu", "vtu", "vau", "wau", "wvu", "wiu", "wyu",
}  # fmt: skip

_SUBJECT_KINDS = {
    "600": "person", "610": "corporate", "611": "corporate", "630": "title",
    "648": "topic", "650": "topic", "651": "geographic", "655": "form",
}  # fmt: skip
_SUBJECT_THESAURI = {"0": "lcsh", "1": "lcshac", "2": "mesh", "3": "nal", "5": "cash", "6": "rvm"}
_SUBDIVISIONS = frozenset("vxyz")
_CONTROL_SUBFIELDS = frozenset("0123456789")

_TRAILING_CHARS = " \t\n\r/:;,=+"
# fmt: off
_ABBREVIATIONS = frozenset({
    "ill", "illus", "col", "cols", "port", "ports", "facsim", "facsims", "mass", "calif",
    "conn", "penn", "wash", "mich", "wis", "minn", "corp", "dept", "univ", "assn", "bros",
    "inc", "ltd", "etc", "comp", "trans", "repr", "reprint", "fasc", "suppl", "nouv", "impr",
    "éd", "édit", "trad", "coll", "mus", "nat", "natl", "intl", "govt", "publ", "print",
})
# fmt: on
_NOSORT = str.maketrans("", "", "\x88\x89\x98\x9c")
_ISBN = re.compile(r"^\s*([0-9Xx][0-9Xx\- ]{8,}[0-9Xx])\b\s*(.*)$")
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")
_PARENS = re.compile(r"^\((.*)\)$")


def clean(text: str) -> str:
    """A value without ISBD's trailing punctuation (" /", " :", " ;", "," and a final period).

    The final period goes only when it ends a word or a number, not an abbreviation ("ill.",
    "Mass.", "U.S.A.", "cm."), so that what a cataloguer abbreviated stays readable.
    """
    if not text:
        return ""
    if not text.isascii():
        text = text.translate(_NOSORT)
    text = text.strip().rstrip(_TRAILING_CHARS)
    if text[-1:] == ".":
        word = text[:-1].rsplit(None, 1)[-1] if text[:-1].strip() else ""
        word = word.lstrip("([\"'")
        if word and (
            word[-1:].isdigit()
            or word[-1:] in ")]"
            or (len(word) > 3 and "." not in word and word.lower() not in _ABBREVIATIONS)
        ):
            text = text[:-1]
    return text


def clean_brackets(text: str) -> str:
    """A value without a bracket its neighbour subfield opened or closed ("[London :", "1990]")."""
    text = clean(text)
    if text.endswith("]") and "[" not in text:
        text = clean(text[:-1])
    if text.startswith("[") and "]" not in text:
        text = text[1:].strip()
    return text


def _subs(field: list[Any], codes: str) -> list[str]:
    return [v for c, v in field[3] if c in codes]


def _sub(field: list[Any], code: str) -> str:
    for c, v in field[3]:
        if c == code:
            return v
    return ""


def _join(field: list[Any], codes: str, sep: str = " ") -> str:
    return sep.join(clean(v) for c, v in field[3] if c in codes and v.strip())


def _relator(field: list[Any], term_code: str) -> tuple[str, str]:
    """(UNIMARC code, label) from $4 codes and $e (or $j for meetings) terms."""
    label = ""
    for c, v in field[3]:
        if c == "4":
            code = v.strip().lower().rstrip(".").rsplit("/", 1)[-1]
            if code in RELATOR_TO_UNIMARC:
                return RELATOR_TO_UNIMARC[code], ""
            label = label or v.strip()
        elif c == term_code:
            term = v.strip().strip(".,;: ").lower()
            code = RELATOR_TERMS.get(term)
            if code:
                return RELATOR_TO_UNIMARC[code], ""
            label = label or clean(v)
    return "", label


def _agent(field: list[Any], responsibility: str) -> Agent | None:
    tag = field[0]
    kind_digit = tag[1:]
    if kind_digit == "00":
        name = clean(_sub(field, "a"))
        if not name:
            return None
        forename = ""
        if field[1] != "0" and ", " in name:
            name, forename = (p.strip() for p in name.split(", ", 1))
        numeration = clean(_sub(field, "b"))
        if numeration:
            if forename:
                forename = f"{forename} {numeration}"
            else:
                name = f"{name} {numeration}"
        role, label = _relator(field, "e")
        return Agent(
            name=clean(name),
            forename=clean(forename),
            kind="person",
            role=role,
            role_label=label,
            responsibility=responsibility,
            dates=clean(_sub(field, "d")),
            authority_id=_sub(field, "0") or _sub(field, "1"),
        )
    if kind_digit == "10":
        name = clean(_sub(field, "a"))
        if not name:
            return None
        role, label = _relator(field, "e")
        return Agent(
            name=name,
            kind="corporate",
            role=role,
            role_label=label,
            responsibility=responsibility,
            subordinate=". ".join(clean(v) for v in _subs(field, "b") if v.strip()),
            dates=clean(_sub(field, "d")),
            place=clean(_sub(field, "c")),
            authority_id=_sub(field, "0") or _sub(field, "1"),
        )
    name = clean(_sub(field, "a"))
    if not name:
        return None
    role, label = _relator(field, "j")
    number = clean(_sub(field, "n")).strip("() :;")
    return Agent(
        name=f"{name} ({number})" if number else name,
        kind="meeting",
        role=role,
        role_label=label,
        responsibility=responsibility,
        dates=clean(_sub(field, "d")).strip("()"),
        place=clean(_sub(field, "c")).strip("()"),
        authority_id=_sub(field, "0") or _sub(field, "1"),
    )


def _form_of_item(leader: str, f008: str, by_tag: dict[str, list[list[Any]]]) -> bool:
    """Whether the resource is electronic (form of item 'o' online, 's' electronic)."""
    rtype = leader[6]
    pos = 29 if rtype in "efgkor" else 23
    if len(f008) > pos and f008[pos] in "os":
        return True
    for f in by_tag.get("006", ()):
        value = f[1]
        p = 12 if value[:1] in ("e", "f", "g", "k", "o", "r") else 6
        if len(value) > p and value[p] in "os":
            return True
    return any(len(f) == 2 and f[1][:2] == "cr" for f in by_tag.get("007", ()))


def _doc_type(leader: str, f008: str, by_tag: dict[str, list[list[Any]]]) -> str:
    rtype, level = leader[6], leader[7]
    electronic_link = "856" in by_tag and _form_of_item(leader, f008, by_tag)
    if rtype in "at":
        if level in "ab":
            return "article"
        if level == "s":
            return "periodical"
        nature = f008[24:28] if len(f008) >= 28 else ""
        if "502" in by_tag or "m" in nature:
            return "thesis"
        if (len(f008) > 29 and f008[29] == "1") or "111" in by_tag:
            return "proceedings"
        if "t" in nature:
            return "report"
        if rtype == "t":
            return "manuscript"
        if electronic_link:
            return "web"
        return "book"
    if rtype in "ef":
        return "map"
    if rtype in "cd":
        return "score"
    if rtype == "g":
        return "audiovisual"
    if rtype == "k":
        return "image"
    if rtype in "ij":
        return "sound"
    if rtype == "m":  # computer file: online when it has a link or says so
        return "web" if "856" in by_tag or _form_of_item(leader, f008, by_tag) else "multimedia"
    if rtype == "o":
        return "multimedia"
    if rtype == "r":
        return "object"
    if rtype == "p":
        return "other"
    return "book"


def _identifier_020(field: list[Any]) -> Identifier | None:
    value = _sub(field, "a").strip()
    if not value:
        return None
    qualifiers = []
    match = _ISBN.match(value)
    if match:
        value, rest = match.group(1).replace(" ", ""), match.group(2).strip()
        if rest:
            paren = _PARENS.match(clean(rest))
            qualifiers.append(paren.group(1) if paren else clean(rest))
    else:
        value = clean(value)
    for q in (clean(v) for v in _subs(field, "q")):
        paren = _PARENS.match(q)
        if q:
            qualifiers.append(paren.group(1) if paren else q)
    price = clean(_sub(field, "c"))
    if price:
        qualifiers.append(price)
    return Identifier("isbn", value, " ; ".join(q for q in qualifiers if q))


def _host(field: list[Any]) -> Host:
    host = Host(
        title=clean(_sub(field, "t") or _sub(field, "a")),
        issn=clean(_sub(field, "x")),
        isbn=clean(_sub(field, "z")),
        authority_id=clean(_sub(field, "w")),
    )
    related = " ".join(_subs(field, "g"))
    if related:
        host.issue_title = ""
        _parse_enumeration(related, host)
    enumeration = _sub(field, "q")
    if enumeration and not (host.volume or host.number or host.pages):
        # 773 $q "12:3<45": volume:issue<start page
        m = re.match(r"^\s*(\w+)(?::(\w+))?(?:<(\w+))?", enumeration)
        if m:
            host.volume, host.number, host.pages = m.group(1), m.group(2) or "", m.group(3) or ""
    return host


_VOLUME = re.compile(r"\b(?:v|vol|volume|bd|t|tome|jahrg|jg|année|annee|anno)\.?\s*(\d+\w*)", re.I)
_NUMBER = re.compile(
    r"(?:\bno|\bnr|\bnum|\bn°|\bissue|\bheft|\bh|\bfasc|\bnº)\.?\s*(\d+[\w/-]*)", re.I
)
_PAGES = re.compile(
    r"(?:\bpp?|\bs|\bpages?)\.?\s*([\divxlcIVXLC]+(?:\s*-\s*[\divxlcIVXLC]+)?)", re.I
)
_COMPACT = re.compile(r"^\s*(\d+)\s*\((\d+[\w/-]*)\)\s*(?:[,:]\s*(\d+(?:\s*-\s*\d+)?))?")
_PAREN_DATE = re.compile(r"\(([^()]*\d{4}[^()]*)\)")


def _parse_enumeration(text: str, host: Host) -> None:
    """Volume, number, pages and date from 773 $g ("Vol. 12, no. 3 (2001), p. 45-67")."""
    compact = _COMPACT.match(text)
    if compact:
        host.volume, host.number = compact.group(1), compact.group(2)
        host.pages = (compact.group(3) or "").replace(" ", "")
    for pattern, attr in ((_VOLUME, "volume"), (_NUMBER, "number"), (_PAGES, "pages")):
        if not getattr(host, attr):
            m = pattern.search(text)
            if m:
                setattr(host, attr, m.group(1).replace(" ", ""))
    date = _PAREN_DATE.search(text)
    if date:
        host.date = date.group(1).strip()
        year = _YEAR.search(host.date)
        if year and host.date.strip() == year.group(1):
            host.date_iso = year.group(1)
    if not (host.volume or host.number or host.pages):
        host.issue_title = clean(text)


def to_record(leader: str, marc: list[list[Any]], source: str = "") -> Record:
    """Map a MARC21 record (leader + decoded fields) to the model; the fields go in `original`."""
    leader = (leader + " " * 24)[:24]
    by_tag: dict[str, list[list[Any]]] = {}  # every field, control or data, by tag
    datafields: dict[str, list[list[Any]]] = {}
    for f in marc:
        tag = f[0]
        if tag in by_tag:
            by_tag[tag].append(f)
        else:
            by_tag[tag] = [f]
        if len(f) == 4:
            if tag in datafields:
                datafields[tag].append(f)
            else:
                datafields[tag] = [f]
    f008 = next((f[1] for f in by_tag.get("008", ()) if len(f) == 2), "")
    fields = datafields.get

    record = Record(source=source)
    for f in by_tag.get("001", ()):
        if len(f) == 2:
            record.source_id = f[1].strip()
            break
    record.doc_type = _doc_type(leader, f008, by_tag)
    level = leader[7]
    record.bib_level = {"b": "a", "d": "m"}.get(level, level if level in "msaci" else "m")
    if level == " " and record.doc_type == "periodical":
        record.bib_level = "s"

    # identifiers
    for f in fields("020", ()):
        identifier = _identifier_020(f)
        if identifier:
            record.identifiers.append(identifier)
    for f in fields("022", ()):
        value = clean(_sub(f, "a"))
        if value:
            record.identifiers.append(Identifier("issn", value))
    for f in fields("024", ()):
        value = clean(_sub(f, "a"))
        if not value:
            continue
        scheme = "other"
        if f[1] == "7":
            source2 = _sub(f, "2").strip().lower()
            scheme = {"doi": "doi", "pmid": "pmid", "pubmed": "pmid"}.get(source2, "other")
        elif f[1] in "13":  # EAN, or UPC (an EAN-13 with a leading zero)
            scheme = "ean"
        if scheme == "doi":
            value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        record.identifiers.append(Identifier(scheme, value, clean(_sub(f, "q"))))

    # title
    for f in fields("245", ())[:1]:
        title = clean(_sub(f, "a"))
        parts = [clean(v) for c, v in f[3] if c in "np" and v.strip()]
        if parts:
            title = ". ".join([title, *parts]) if title else ". ".join(parts)
        record.title = title
        record.other_title = _join(f, "b")
        record.responsibility = _join(f, "c")
    for f in fields("246", ()):
        value = _join(f, "ab", " : ")
        if value and value != record.title and value not in record.parallel_titles:
            record.parallel_titles.append(value)
    for f in fields("880", ()):
        link = _sub(f, "6")
        if link[:3] in ("245", "246"):
            value = _join(f, "ab", " : ")
            if value and value not in record.parallel_titles:
                record.parallel_titles.append(value)
    if not record.title:
        for tag in ("130", "240", "246"):
            for f in fields(tag, ())[:1]:
                record.title = clean(_sub(f, "a"))
            if record.title:
                break

    # agents: 1xx main, 7xx others (secondary when their role is not authorship)
    for tag in ("100", "110", "111"):
        for f in fields(tag, ()):
            agent = _agent(f, "main")
            if agent:
                if tag == "100" and not agent.role and not agent.role_label:
                    agent.role = "070"
                record.agents.append(agent)
    for tag in ("700", "710", "711", "720"):
        for f in fields(tag, ()):
            if tag == "720":  # uncontrolled name: ind1 2 is "other" (a body), else a person
                f = ["710" if f[1] == "2" else "700", " ", " ", f[3]]
            if _sub(f, "t"):
                continue  # a name/title added entry describes a related work, not an agent
            agent = _agent(f, "other")
            if agent:
                if agent.role not in ("", "070") or agent.role_label:
                    agent.responsibility = "secondary"
                record.agents.append(agent)

    # edition, publication, year
    for f in fields("250", ())[:1]:
        record.edition = _join(f, "ab", " ")
    for tag in ("260", "264"):
        for f in fields(tag, ()):
            if tag == "264" and f[2] == "4":
                continue  # copyright notice date, not a publication statement
            publication = Publication(
                place=" ; ".join(x for x in (clean_brackets(v) for v in _subs(f, "ae")) if x),
                publisher=" ; ".join(x for x in (clean_brackets(v) for v in _subs(f, "bf")) if x),
                date=" ".join(x for x in (clean_brackets(v) for v in _subs(f, "cg")) if x),
            )
            if publication.place or publication.publisher or publication.date:
                record.publication.append(publication)
    record.year = _year(f008, record.publication, fields("264", ()))

    # physical description
    for f in fields("300", ())[:1]:
        record.extent = _join(f, "af")
        record.illustrations = _join(f, "b")
        record.dimensions = _join(f, "c")
        record.accompanying = _join(f, "e")

    # series
    seen_series: set[str] = set()
    for tag in ("490", "440", "800", "810", "811", "830"):
        for f in fields(tag, ()):
            title = _join(f, "tnp" if tag in ("800", "810", "811") else "anp", ". ")
            if not title:
                continue
            key = re.sub(r"\W+", "", title.lower())
            if key in seen_series:
                continue
            seen_series.add(key)
            record.series.append(
                Series(title=title, number=_join(f, "v"), issn=clean(_sub(f, "x")))
            )

    # languages, country
    languages: list[str] = []
    code = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    if len(code) == 3 and code.isalpha() and code not in ("und", "zxx"):
        languages.append(code)
    originals: list[str] = []
    for f in fields("041", ()):
        for c, v in f[3]:
            target = languages if c in "ad" else originals if c == "h" else None
            if target is None:
                continue
            v = v.strip().lower()
            for i in range(0, len(v) - len(v) % 3, 3):
                lang = v[i : i + 3]
                if lang.isalpha() and lang not in target:
                    target.append(lang)
    record.languages = languages
    record.original_languages = originals
    if len(f008) >= 18:
        place = f008[15:18].strip().lower()
        record.country = _COUNTRIES.get(place) or ("US" if f008[15:18] in _US_STATES else "")

    # notes
    contents = []
    abstracts = []
    for f in marc:
        tag = f[0]
        if len(f) != 4 or tag[0] != "5":
            continue
        if tag == "505":
            text = " ".join(v.strip() for c, v in f[3] if c in "agrt" and v.strip())
            if text:
                contents.append(text)
        elif tag == "520":
            text = " ".join(v.strip() for c, v in f[3] if c in "ab" and v.strip())
            if text:
                abstracts.append(text)
        elif tag in ("510", "583"):
            continue  # "indexed in" citations and processing actions: not notes for readers
        elif tag == "502":
            text = _sub(f, "a").strip() or " -- ".join(
                clean(v) for c, v in f[3] if c in "bcdgo" and v.strip()
            )
            if text:
                record.notes.append(text)
        else:
            text = " ".join(v.strip() for c, v in f[3] if c not in _CONTROL_SUBFIELDS and v.strip())
            if text:
                record.notes.append(text)
    record.contents = " -- ".join(contents)
    record.abstract = "\n\n".join(abstracts)

    # subjects and keywords
    for f in marc:
        tag = f[0]
        kind = _SUBJECT_KINDS.get(tag)
        if kind is None or len(f) != 4:
            continue
        label_codes = {"600": "abcdqt", "610": "abcdnt", "611": "acdent", "630": "adfklnpst"}.get(
            tag, "ab"
        )
        label = _join(f, label_codes, " ")
        if not label:
            continue
        authority = ""
        uri = ""
        for c, v in f[3]:
            if c == "0" and not authority and not v.startswith("http"):
                authority = v.strip()
            elif c in "01" and not uri and v.startswith("http"):
                uri = v.strip()
        thesaurus = _sub(f, "2").strip() if f[2] == "7" else _SUBJECT_THESAURI.get(f[2], "")
        record.subjects.append(
            Subject(
                label=label,
                kind=kind,
                authority_id=authority,
                thesaurus=thesaurus,
                uri=uri,
                subdivisions=[clean(v) for c, v in f[3] if c in _SUBDIVISIONS and v.strip()],
            )
        )
    for f in fields("653", ()):
        for v in _subs(f, "a"):
            keyword = clean(v)
            if keyword and keyword not in record.keywords:
                record.keywords.append(keyword)

    # classifications
    for f in fields("082", ()):
        for v in _subs(f, "a"):
            number = v.strip().replace("/", "").replace("'", "")
            if number:
                record.classifications.append(Classification(number, scheme="dewey"))
    for f in fields("080", ()):
        for v in _subs(f, "a"):
            if v.strip():
                record.classifications.append(Classification(v.strip(), scheme="udc"))
    for f in fields("050", ()):
        a = _subs(f, "a")
        if a:
            number = " ".join([a[0].strip(), *[v.strip() for v in _subs(f, "b")[:1]]]).strip()
            record.classifications.append(Classification(number, scheme="lcc"))
    for f in fields("084", ()):
        for v in _subs(f, "a"):
            if v.strip():
                record.classifications.append(
                    Classification(v.strip(), scheme=_sub(f, "2").strip() or "other")
                )

    # links
    for f in fields("856", ()):
        label = clean(_sub(f, "y") or _sub(f, "3") or _sub(f, "z"))
        for url in _subs(f, "u"):
            url = url.strip()
            if url:
                record.links.append(Link(url=url, label=label, format=clean(_sub(f, "q"))))

    # host (the periodical or book an article or chapter is in)
    for f in fields("773", ())[:1]:
        record.host = _host(f)

    # items: 852 (MARC holdings) and 952 (Koha)
    for f in fields("852", ()):
        call = " ".join(v.strip() for c, v in f[3] if c in "khijm" and v.strip())
        item = Item(
            call_number=call,
            barcode=clean(_sub(f, "p")),
            location=clean(_sub(f, "c")),
            location_code=clean(_sub(f, "b")),
            owner=clean(_sub(f, "a")),
            note=clean(_sub(f, "z")),
        )
        if item.call_number or item.barcode or item.location or item.location_code:
            record.items.append(item)
    for f in fields("952", ()):
        item = Item(
            call_number=clean(_sub(f, "o")),
            barcode=clean(_sub(f, "p")),
            location_code=clean(_sub(f, "c")),
            owner=clean(_sub(f, "a")),
            section_code=clean(_sub(f, "8")),
            status_code=clean(_sub(f, "7")),
            doc_type_code=clean(_sub(f, "y")),
            note=clean(_sub(f, "z")),
        )
        if item.call_number or item.barcode:
            record.items.append(item)

    record.original = Original(format="marc21", flavour="marc21", leader=leader, marc=marc)
    return record


def _year(f008: str, publications: list[Publication], f264: list[list[Any]]) -> int | None:
    if len(f008) >= 11:
        date1 = f008[7:11]
        if date1.isdigit() and 1000 <= int(date1) <= 2099:
            return int(date1)
    for publication in publications:
        match = _YEAR.search(publication.date)
        if match:
            return int(match.group(1))
    for f in f264:
        match = _YEAR.search(" ".join(_subs(f, "c")))
        if match:
            return int(match.group(1))
    return None


# ---------------------------------------------------------------------------------------------
# Record → MARC21
# ---------------------------------------------------------------------------------------------

_DOC_TYPE_LEADER = {
    "book": ("a", "m"), "periodical": ("a", "s"), "issue": ("a", "s"), "article": ("a", "a"),
    "chapter": ("a", "a"), "thesis": ("a", "m"), "report": ("a", "m"), "proceedings": ("a", "m"),
    "web": ("m", "m"), "audiovisual": ("g", "m"), "sound": ("j", "m"), "image": ("k", "m"),
    "map": ("e", "m"), "score": ("c", "m"), "manuscript": ("t", "m"), "multimedia": ("o", "m"),
    "object": ("r", "m"), "other": ("p", "m"),
}  # fmt: skip
_SUBJECT_TAGS = {
    "topic": "650", "geographic": "651", "person": "600", "corporate": "610", "title": "630",
    "form": "655",
}  # fmt: skip
_THESAURUS_IND2 = {v: k for k, v in _SUBJECT_THESAURI.items()}
_COUNTRY_CODES = {v: k for k, v in reversed(_COUNTRIES.items())}


def from_record(record: Record) -> tuple[str, list[list[Any]]]:
    """The MARC21 leader and fields of a record.

    A record read from MARC21 goes out as its original fields, with every field family whose
    model values were edited regenerated from the model (`catalogue.marc.families`); any other
    record is built from the model.
    """
    original = record.original
    if original.flavour == "marc21" and original.marc:
        mapped = to_record(original.leader, original.marc)
        leader, fields = families.regenerate(
            families.marc21_families,
            record,
            mapped,
            (original.leader, original.marc),
            _build,
            to_record,
        )
        leader = (leader + " " * 24)[:24]
        return leader[:9] + "a" + leader[10:], fields
    return _build(record)


def _build(record: Record) -> tuple[str, list[list[Any]]]:
    rtype, level = _DOC_TYPE_LEADER.get(record.doc_type, ("a", "m"))
    if record.bib_level in ("m", "s", "a", "c", "i") and record.doc_type not in (
        "periodical",
        "issue",
        "article",
        "chapter",
    ):
        level = record.bib_level
    # leader/18 'c': ISBD punctuation omitted (the model holds values without it)
    leader = f"00000n{rtype}{level} a2200000 c 4500"
    fields: list[list[Any]] = []

    def data(tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> None:
        subs = [[c, v] for c, v in subfields if v]
        if subs:
            fields.append([tag, ind1, ind2, subs])

    if record.source_id:
        fields.append(["001", record.source_id])
    fields.append(["008", _build_008(record)])
    for identifier in record.identifiers:
        if identifier.scheme == "isbn":
            data("020", " ", " ", [("a", identifier.value), ("q", identifier.qualifier)])
        elif identifier.scheme == "issn":
            data("022", " ", " ", [("a", identifier.value)])
        elif identifier.scheme in ("doi", "pmid"):
            data("024", "7", " ", [("a", identifier.value), ("2", identifier.scheme)])
        elif identifier.scheme == "ean":
            data("024", "3", " ", [("a", identifier.value)])
        else:
            data("024", "8", " ", [("a", identifier.value), ("q", identifier.qualifier)])
    if record.languages or record.original_languages:
        data(
            "041",
            "1" if record.original_languages else "0",
            " ",
            [("a", lang) for lang in record.languages]
            + [("h", lang) for lang in record.original_languages],
        )
    for c in record.classifications:
        if c.scheme == "dewey":
            data("082", "0", "4", [("a", c.number)])
        elif c.scheme == "udc":
            data("080", " ", " ", [("a", c.number)])
        elif c.scheme == "lcc":
            data("050", " ", "4", [("a", c.number)])
        else:
            data("084", " ", " ", [("a", c.number), ("2", c.scheme)])
    main = [a for a in record.agents if a.responsibility == "main"][:1]
    for agent in main:
        fields.append(_agent_field(agent, "1"))
    data(
        "245",
        "1" if main else "0",
        "0",
        [
            ("a", record.title),
            ("b", record.other_title),
            ("c", record.responsibility),
        ],
    )
    for title in record.parallel_titles:
        data("246", "3", "1", [("a", title)])
    data("250", " ", " ", [("a", record.edition)])
    for p in record.publication:
        data("260", " ", " ", [("a", p.place), ("b", p.publisher), ("c", p.date)])
    data(
        "300",
        " ",
        " ",
        [
            ("a", record.extent),
            ("b", record.illustrations),
            ("c", record.dimensions),
            ("e", record.accompanying),
        ],
    )
    for s in record.series:
        data("490", "0", " ", [("a", s.title), ("x", s.issn), ("v", s.number)])
    for note in record.notes:
        data("500", " ", " ", [("a", note)])
    data("505", "0", " ", [("a", record.contents)])
    for paragraph in record.abstract.split("\n\n"):
        data("520", " ", " ", [("a", paragraph.strip())])
    for s in record.subjects:
        tag = _SUBJECT_TAGS.get(s.kind, "650")
        ind2 = _THESAURUS_IND2.get(s.thesaurus, "7" if s.thesaurus else "4")
        ind1 = "1" if tag == "600" else "2" if tag == "610" else " "
        subs = [("a", s.label)] + [("x", d) for d in s.subdivisions]
        subs += [("0", s.authority_id), ("1", s.uri)]
        if ind2 == "7":
            subs.append(("2", s.thesaurus))
        data(tag, ind1, ind2, subs)
    if record.keywords:
        data("653", " ", " ", [("a", k) for k in record.keywords])
    for agent in record.agents:
        if main and agent is main[0]:
            continue
        fields.append(_agent_field(agent, "7"))
    if record.host:
        h = record.host
        enumeration = ", ".join(
            x
            for x in (
                f"vol. {h.volume}" if h.volume else "",
                h.number
                if h.number.lower().startswith(("n", "no"))
                else (f"no. {h.number}" if h.number else ""),
                f"({h.date})" if h.date else "",
                f"p. {h.pages}" if h.pages else "",
            )
            if x
        )
        data(
            "773",
            "0",
            " ",
            [
                ("t", h.title),
                ("x", h.issn),
                ("z", h.isbn),
                ("w", h.authority_id),
                ("g", enumeration or h.issue_title),
            ],
        )
    for item in record.items:
        if _koha_item(item):
            data("952", " ", " ", _koha_subfields(item))
            continue
        data(
            "852",
            " ",
            " ",
            [
                ("a", item.owner),
                ("b", item.location_code),
                ("c", item.location or item.section),
                ("h", item.call_number),
                ("p", item.barcode),
                ("z", item.note),
            ],
        )
    for link in record.links:
        data("856", "4", "0", [("u", link.url), ("y", link.label), ("q", link.format)])
    # tag order, except that subjects keep the model's order (the first is the main one)
    fields.sort(key=lambda f: (f[0][0], "" if f[0][0] == "6" else f[0]))
    return leader, fields


def _koha_item(item: Item) -> bool:
    # codes (section, status, document type) only Koha's 952 carries; 852 keeps a location
    codes = item.section_code or item.status_code or item.doc_type_code
    return bool(codes) and not (item.location or item.section or item.status)


def _koha_subfields(item: Item) -> list[tuple[str, str]]:
    return [
        ("a", item.owner),
        ("c", item.location_code),
        ("o", item.call_number),
        ("p", item.barcode),
        ("7", item.status_code),
        ("8", item.section_code),
        ("y", item.doc_type_code),
        ("z", item.note),
    ]


def _agent_field(agent: Agent, first: str) -> list[Any]:
    relator = UNIMARC_TO_RELATOR.get(agent.role, "")
    if agent.kind == "corporate":
        subs = [("a", agent.name), ("b", agent.subordinate), ("d", agent.dates), ("c", agent.place)]
        tag = first + "10"
        ind1 = "2"
        term = "e"
    elif agent.kind == "meeting":
        subs = [("a", agent.name), ("d", agent.dates), ("c", agent.place)]
        tag = first + "11"
        ind1 = "2"
        term = "j"
    else:
        name = f"{agent.name}, {agent.forename}" if agent.forename else agent.name
        subs = [("a", name), ("d", agent.dates)]
        tag = first + "00"
        ind1 = "1" if agent.forename else "0"
        term = "e"
    if agent.role_label:
        subs.append((term, agent.role_label))
    if relator:
        subs.append(("4", relator))
    elif agent.role and not agent.role_label:
        subs.append((term, agent.role))
    if agent.authority_id:
        subs.append(("0", agent.authority_id))
    return [tag, ind1, " ", [[c, v] for c, v in subs if v]]


def _build_008(record: Record) -> str:
    chars = list(" " * 40)
    if record.year:
        chars[6] = "s"
        chars[7:11] = list(f"{record.year:04d}"[:4])
    else:
        chars[6:11] = list("nuuuu")
    country = _COUNTRY_CODES.get(record.country, "")
    chars[15:18] = list(f"{country:<3}"[:3] if country else "xx ")
    if record.doc_type == "web":
        chars[23] = "o"
    if record.doc_type == "thesis":
        chars[24] = "m"
    elif record.doc_type == "report":
        chars[24] = "t"
    if record.doc_type == "proceedings":
        chars[29] = "1"
    lang = record.languages[0] if record.languages else ""
    chars[35:38] = list(f"{lang:<3}"[:3]) if lang else list("und")
    chars[39] = "d"
    return "".join(chars)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def read_chunk(
    chunk: bytes, position: int | None = None, offset: int | None = None, source: str = ""
) -> Record:
    """One ISO 2709 record's bytes → Record; `RecordError` when it cannot be read."""
    raw, warnings = iso2709.read(chunk, position, offset)
    marc, charset, decode_warnings = decode_record(raw)
    tags = {f[0] for f in marc}
    record = to_record(raw.leader, marc, source)
    record.original.raw = chunk
    record.original.charset = charset
    record.original.warnings = warnings + decode_warnings
    if "245" not in tags and ("200" in tags or "210" in tags):
        record.original.warnings.append(
            "notice sans 245 mais avec 200/210 : sans doute de l'UNIMARC "
            "(no 245 but 200/210: probably UNIMARC)"
        )
    return record


def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
    """Every record of a MARC21 ISO 2709 file, or a `RecordError` for each one that is unreadable.

    `FormatError` only when nothing in the file is a record and it does not even start like one
    (a CSV or a PDF sent as MARC21); until a first record is read, rejects are held back for that.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    pending: list[RecordError] = []
    read_any = False
    leader_like = True
    for position, offset, chunk in iso2709.split(data):
        if position == 1:
            leader_like = _LEADER_LIKE.match(chunk[:24]) is not None
        record = salvage(
            lambda c=chunk, p=position, o=offset: read_chunk(c, p, o, source),
            position=position,
            offset=offset,
            chunk=chunk,
        )
        if isinstance(record, RecordError):
            if read_any:
                yield record
            else:
                pending.append(record)
            continue
        if not read_any:
            read_any = True
            yield from pending
            pending.clear()
        yield record
    if pending and not leader_like:
        raise FormatError(
            "ce fichier n'est pas au format ISO 2709 (MARC21) "
            "(not an ISO 2709 file: no record leader at the start)"
        )
    yield from pending


MAX_FIELD = iso2709.MAX_FIELD
MAX_RECORD = iso2709.MAX_RECORD
encode = iso2709.encode  # the one ISO 2709 encoder, with its limits


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """Each record as one UTF-8 MARC21 ISO 2709 record (leader/09 'a')."""
    for record in records:
        leader, fields = from_record(record)
        leader = (leader + " " * 24)[:24]
        yield encode(leader[:9] + "a" + leader[10:], fields)
