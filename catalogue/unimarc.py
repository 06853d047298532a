"""UNIMARC ISO 2709 ↔ the Record model, with PMB's conventions and BnF/Sudoc's standard ones.

Reading trusts the bytes, not field 100: real files declare the wrong charset (see
docs/unimarc-pmb.md). Each record is tried as UTF-8, then ISO 5426, then Latin-1, and the
decoding used is kept in `Original.charset`. Every decoded field stays in `Original.marc`, so that
a UNIMARC record goes out again field for field; the mapping below only fills the model.

Mapping decisions worth knowing (the module's tests pin them):

- doc type: the bibliographic level wins (s → periodical, s + hierarchical level 2 → issue,
  a → article, or chapter when the host link carries an ISBN); for monographs, 328 or 105 $a/4–7
  "m"/"v" make a thesis whatever the carrier, then leader/06 decides (g audiovisual, l web, i/j
  sound, …) except that text (a, b, l) with 105 "p" is a report and with 105 $a/8 "1" proceedings;
- 610 free keywords: each $a is split on ";" when it has one, else on ","; never on spaces (a
  space-separated string from an old PMB install is kept whole: splitting "Marché du travail"
  would be worse than not splitting);
- text UTF-8 encoded twice ("8Â°…" in real Sciences Po 995 $k call numbers) is repaired in the
  model, with a warning; the original fields keep it as it came, so that it goes out unchanged.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from catalogue import punctuation
from catalogue.errors import RecordError, salvage
from catalogue.marc import families, iso2709, iso5426
from catalogue.record import (
    BIB_LEVELS,
    Agent,
    Classification,
    CustomField,
    Host,
    Identifier,
    Item,
    Link,
    Original,
    Publication,
    Record,
    Series,
    Subject,
)

UTF8_CHARSET = "50  "  # field 100 $a/26–29 for UTF-8

# --------------------------------------------------------------------------------------------
# Character sets
# --------------------------------------------------------------------------------------------


def _latin1_table() -> str:
    # ISO-8859-1, with Windows-1252's letters and quotes in 0x80–0x9F (text pasted from Word),
    # except 0x88/0x89, UNIMARC's non-sorting markers.
    table = [chr(i) for i in range(256)]
    for byte in range(0x80, 0xA0):
        if byte in (0x88, 0x89):
            continue
        char = bytes([byte]).decode("cp1252", "ignore")
        if char:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252: keep the C1 control
            table[byte] = char
    return "".join(table)


_LATIN1_TABLE = _latin1_table()


def _latin1(data: bytes) -> str:
    return codecs.charmap_decode(data, "strict", _LATIN1_TABLE)[0]


def _read_bad_utf8_as_latin1(err: UnicodeError) -> tuple[str, int]:
    # keeps a stray non-UTF-8 byte visible (as Latin-1) instead of dropping or masking it
    assert isinstance(err, UnicodeDecodeError)
    return _latin1(err.object[err.start : err.end]), err.end


codecs.register_error("docbase-latin1", _read_bad_utf8_as_latin1)

# UTF-8 encoded twice through Latin-1: "°" (C2 B0) became "Â°" (C3 82 C2 B0), "é" "Ã©". Only
# Â or Ã before a Latin-1 symbol or control: "CAFÉ" + no-break space (C3 89 C2 A0) is real text.
_DOUBLE_UTF8_TEXT = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")


def _undouble(match: re.Match[str]) -> str:
    try:
        return match.group().encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


# ISO 5426 or Latin-1? (see detect_charset)
_DIACRITICS_AS_C0 = bytes.maketrans(bytes(range(0xC0, 0xE0)), b"\xc0" * 32)


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
_ISO5426_DANGLING = re.compile(rb"[\xc0-\xdf]+(?=[\x1d\x1e\x1f])")
# Latin-1 signs (see detect_charset): bytes that ISO 5426 reads as Ø, Ł, Œ…, ð, þ, ĳ, ʻ.
_G1_CAPITALS = frozenset(b"\xe1\xe2\xe6\xe8\xe9\xea\xec")
_LATIN1_CANDIDATE = re.compile(rb"[\xb0\xe1\xe2\xe6\xe8\xe9\xea\xec\xf3\xf6\xfc]")


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def detect_charset(chunk: bytes) -> str:
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
    marked = chunk.translate(_DIACRITICS_AS_C0)  # bytes.translate is C-fast, a regex is not
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


def _decoder(charset: str, warnings: list[str]) -> Callable[[bytes], str]:
    """A per-subfield decoder for `iso2709.decode_fields`; warnings are appended to `warnings`."""
    if charset == "iso5426":

        def decode(data: bytes) -> str:
            return iso5426.decode(data)[0]  # its warnings are taken once for the whole record

        return decode
    if charset == "latin-1":

        def decode(data: bytes) -> str:
            return data.decode("ascii") if data.isascii() else _nfc(_latin1(data))

        return decode

    def decode(data: bytes) -> str:
        if data.isascii():
            return data.decode("ascii")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "docbase-latin1")
            warnings.append(
                f"octets non UTF-8 lus en Latin-1 dans « {text[:40]} » "
                f"(non-UTF-8 bytes read as Latin-1)"
            )
        return unicodedata.normalize("NFC", text)

    return decode


def decode_raw(raw: iso2709.RawRecord) -> tuple[list[list[Any]], str, list[str]]:
    """Decode a parsed record: its MARC fields (NFC text), the charset actually used, warnings."""
    chunk = raw.chunk
    charset = detect_charset(chunk)
    warnings: list[str] = []
    whole: Callable[[bytes], str] | None = None  # decodes all of a record's fields at once
    if charset == "iso5426":
        # offsets relative to the record, as a cataloguer looking at the bytes would count them
        warnings += iso5426.unknown_byte_warnings(chunk)
        marked = chunk.translate(_DIACRITICS_AS_C0)
        dangling = b"\xc0\x1f" in marked or b"\xc0\x1e" in marked or b"\xc0\x1d" in marked
        for match in _ISO5426_DANGLING.finditer(chunk) if dangling else ():
            warnings.append(
                f"diacritique sans lettre en fin de sous-zone à la position {match.start()} "
                f"(diacritic with no base letter at the end of a subfield, offset {match.start()})"
            )
        if not warnings:  # else subfield by subfield, so that no mark jumps over a delimiter
            whole = _iso5426_by_field
    elif charset == "latin-1":
        whole = _latin1
    else:
        whole = _utf8_text
    decode = _decoder(charset, warnings)
    if whole is not None:
        return _fast_fields(raw, whole, decode), charset, warnings
    return iso2709.decode_fields(raw, decode), charset, warnings


def _iso5426_by_field(blob: bytes) -> str:
    # field by field: most fields are ASCII, and the diacritic regex is the slow part
    return "\x1e".join([iso5426.decode_text(part) for part in blob.split(b"\x1e")])


def _utf8_text(data: bytes) -> str:
    return data.decode("utf-8")  # UnicodeDecodeError: the caller goes subfield by subfield


def _fast_fields(
    raw: iso2709.RawRecord, whole: Callable[[bytes], str], decode: Callable[[bytes], str]
) -> list[list[Any]]:
    """`iso2709.decode_fields`, same output, but the record's text is decoded and normalised in
    one go: the ingest benchmark wants decode + map under ~100 µs a record."""
    blob = b"\x1e".join([data for _, data in raw.fields])
    try:
        text = whole(blob)
    except UnicodeDecodeError:
        return iso2709.decode_fields(raw, decode)
    if not text.isascii():
        if _ODD_LAYOUT.search(text):
            return iso2709.decode_fields(raw, decode)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    parts = text.split("\x1e")
    if len(parts) != len(raw.fields):
        return iso2709.decode_fields(raw, decode)
    out: list[list[Any]] = []
    for (tag, data), part in zip(raw.fields, parts, strict=True):
        if tag[0] == "0" and tag[1] == "0" and tag.isdigit():
            out.append([tag, part])
        elif len(part) < 2 or part[0] == "\x1f" or part[0] > "\x7f" or part[1] > "\x7f":
            out.extend(iso2709.decode_fields(iso2709.RawRecord("", [(tag, data)], b""), decode))
        else:
            out.append(
                [
                    tag,
                    part[0],
                    " " if part[1] == "\x1f" else part[1],
                    [[sub[0], sub[1:]] for sub in part[2:].split("\x1f")[1:] if sub],
                ]
            )
    return out


# A non-ASCII subfield code: byte-level rules (decode_fields) apply to that record.
_ODD_LAYOUT = re.compile("\x1f[^\x00-\x7f]")


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------

# Non-sorting markers (UNIMARC NSB/NSE, MARC21's), direction marks, combining grapheme joiner:
# kept in the MARC fields, removed from the model's text.
_INVISIBLE = re.compile("[\x88\x89\x98\x9c\u200e\u200f\u034f\ufeff]")
_ISBD_TAIL = " ,;:/="
_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _clean(text: str) -> str:
    """Model text: no invisible markers, no surrounding spaces."""
    if not text.isascii():
        if _INVISIBLE.search(text):
            text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
        elif not unicodedata.is_normalized("NFC", text):  # from a reader that did not normalise
            text = unicodedata.normalize("NFC", text)
    return text.strip()


def _trim(text: str) -> str:
    """Also drop the ISBD separator a field ends with ("Paris :", "Connaissance de l'emploi,")."""
    return _clean(text).rstrip(_ISBD_TAIL).strip()


def _values(subfields: list, code: str) -> list[str]:
    return [v for c, v in subfields if c == code and v]


def _first(subfields: list, *codes: str) -> str:
    for wanted in codes:
        for c, v in subfields:
            if c == wanted and v:
                return v
    return ""


def _pmb_keys(subfields: list) -> dict[str, str]:
    """PMB's $9 "key:value" pairs (id:, idthes:, uri:, lnk:, lang:…); first value wins."""
    keys: dict[str, str] = {}
    for c, v in subfields:
        if c == "9" and ":" in v:
            key, _, value = v.partition(":")
            keys.setdefault(key.strip().lower(), value.strip())
    return keys


def _authority(subfields: list, keys: dict[str, str] | None = None) -> str:
    keys = _pmb_keys(subfields) if keys is None else keys
    return keys.get("id") or _clean(_first(subfields, "3"))


def _dates(text: str) -> str:
    text = _clean(text)
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def _join(parts: Iterable[str], sep: str) -> str:
    return sep.join(p for p in parts if p)


def _year(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------------------------
# UNIMARC → Record
# --------------------------------------------------------------------------------------------

_LEADER_TYPES = {
    "a": "book",
    "b": "manuscript",
    "c": "score",
    "d": "score",
    "e": "map",
    "f": "map",
    "g": "audiovisual",
    "i": "sound",
    "j": "sound",
    "k": "image",
    "l": "web",
    "m": "multimedia",
    "r": "object",
}
_SUBJECT_KINDS = {
    "600": "person",
    "601": "corporate",
    "602": "person",  # family name
    "604": "title",  # name and title
    "605": "title",
    "606": "topic",
    "607": "geographic",
    "608": "form",
    "615": "topic",
    "616": "topic",  # trademark
    "617": "geographic",  # hierarchical place name
}
_RESPONSIBILITY = {"0": "main", "1": "other", "2": "secondary"}
_CLASSIFICATION_TAGS = {"675": "udc", "676": "dewey", "680": "lcc", "686": ""}
_THESIS_CODES = frozenset("mv")
_BY = re.compile(r"^(par|by|edited by|sous la direction de)\s+", re.IGNORECASE)


class _Scan:
    """What the mapping learns on the way that decides the doc type and the host."""

    __slots__ = (
        "thesis",
        "report",
        "proceedings",
        "host_461",
        "host_463",
        "pages",
        "title_f",
        "part",
        "year100",
    )

    def __init__(self) -> None:
        self.thesis = False
        self.report = False
        self.proceedings = False
        self.host_461: list | None = None
        self.host_463: list | None = None
        self.pages = ""
        self.title_f: list[tuple[str, str]] = []
        self.part: tuple[str, str] | None = None  # 200 $h/$i: a part, or an issue's number
        self.year100: int | None = None


def _link_subfields(subfields: list) -> list[list[str]]:
    """Flatten a 4xx link: embedded fields ($1 + tag) become the codes PMB uses directly.

    Standard UNIMARC embeds the linked record's fields ($1 2001  $a Title $1 011   $a ISSN); PMB
    writes $t/$x/$9 directly. Both come out as $t title, $x ISSN, $y ISBN, $0 id, $v number.
    """
    if not any(c == "1" for c, _ in subfields):
        return subfields
    out: list[list[str]] = []
    tag = ""
    for c, v in subfields:
        if c == "1":
            tag = v[:3]
            if tag == "001":
                out.append(["0", v[3:]])
            continue
        if tag == "200" and c == "a":
            out.append(["t", v])
        elif tag == "011" and c == "a":
            out.append(["x", v])
        elif tag == "010" and c == "a":
            out.append(["y", v])
        elif c in "v9" or not tag:
            out.append([c, v])
    return out


def _f_identifiers(rec: Record, tag: str, subs: list) -> None:
    if tag == "010":
        qualifier = _join((_clean(v) for c, v in subs if c in "bd"), " ; ")
        for value in _values(subs, "a"):
            value = _clean(value)
            scheme = "issn" if _ISSN.match(value) else "isbn"
            rec.identifiers.append(Identifier(scheme, value, qualifier))
    elif tag == "011":
        qualifier = _clean(_first(subs, "b", "d"))
        for value in _values(subs, "a"):
            rec.identifiers.append(Identifier("issn", _clean(value), qualifier))
    elif tag == "014":
        # PMB: $b DOI or PMID; standard UNIMARC: $a article identifier, $2 its system
        system = _first(subs, "2").lower()
        for c, v in subs:
            if c not in "ab" or not v:
                continue
            value = _clean(v)
            if value.lower().startswith("doi:"):
                value = value[4:].strip()
            if value.startswith("10.") or system == "doi":
                scheme = "doi"
            elif value.isdigit() and (c == "b" or system == "pmid"):
                scheme = "pmid"
            elif value.upper() in ("DOI", "PMID"):
                continue  # a type label, not a value
            else:
                scheme = "other"
            rec.identifiers.append(Identifier(scheme, value))
    elif tag == "017":
        system = _clean(_first(subs, "2")).lower()
        for value in _values(subs, "a"):
            value = _clean(value)
            scheme = system or ("doi" if value.startswith("10.") else "other")
            rec.identifiers.append(Identifier(scheme, value))
    elif tag == "073":
        qualifier = _clean(_first(subs, "b", "d"))
        for value in _values(subs, "a"):
            rec.identifiers.append(Identifier("ean", _clean(value), qualifier))


def _f_languages(rec: Record, subs: list) -> None:
    for c, v in subs:
        if c not in "ac":
            continue
        v = _clean(v).lower()
        codes = [v[i : i + 3] for i in range(0, len(v), 3)] if len(v) % 3 == 0 else [v]
        target = rec.languages if c == "a" else rec.original_languages
        for code in codes:
            if code and code not in target:
                target.append(code)


def _f_title(rec: Record, scan: _Scan, subs: list) -> None:
    titles = [_trim(v) for v in _values(subs, "a")]
    rec.title = _join(titles, " ; ")
    others = [_trim(v) for v in _values(subs, "c")]
    if others:
        rec.title = punctuation.join([rec.title, *others], ". ")
    rec.other_title = _join((_trim(v) for v in _values(subs, "e")), " : ")
    rec.parallel_titles = [t for t in (_trim(v).lstrip("= ") for v in _values(subs, "d")) if t]
    statements = [(c, _trim(v)) for c, v in subs if c in "fg" and v]
    scan.title_f = [(c, v) for c, v in statements if v]
    rec.responsibility = _join((v for _, v in scan.title_f), " ; ")
    number = _trim(_first(subs, "h"))
    part = _trim(_first(subs, "i"))
    if number or part:
        scan.part = (number, part)


def _f_publication(rec: Record, subs: list) -> None:
    places: list[str] = []
    date_text = _trim(_first(subs, "d")) or _trim(_first(subs, "h"))
    publishers = 0
    new_place = False  # "$a Paris $c A $a Fès $c B": each publisher with its own place
    for c, v in subs:
        if c == "a":
            if new_place:
                places, new_place = [], False
            places.append(_trim(v))
        elif c == "c":
            rec.publication.append(Publication(_join(places, " ; "), _trim(v), date_text))
            publishers += 1
            new_place = True
    if not publishers and (places or date_text):
        rec.publication.append(Publication(_join(places, " ; "), "", date_text))


def _f_physical(rec: Record, scan: _Scan, subs: list) -> None:
    extent = _join((_clean(v) for v in _values(subs, "a")), " ; ")
    rec.extent = _join([rec.extent, extent], " ; ")
    rec.illustrations = rec.illustrations or _clean(_first(subs, "c"))
    rec.dimensions = rec.dimensions or _clean(_first(subs, "d"))
    rec.accompanying = rec.accompanying or _clean(_first(subs, "e"))


def _add_series(rec: Record, title: str, number: str, issn: str) -> None:
    if not title:
        return
    key = re.sub(r"\W+", "", title.casefold())
    for series in rec.series:
        if re.sub(r"\W+", "", series.title.casefold()) == key:
            series.number = series.number or number
            series.issn = series.issn or issn
            return
    rec.series.append(Series(title, number, issn))


def _f_series(rec: Record, tag: str, subs: list) -> None:
    if tag == "225":
        title = _trim(_first(subs, "a"))
        sub = _trim(_first(subs, "i"))
        if sub:
            title = punctuation.join([title, sub], ". ")
    else:
        subs = _link_subfields(subs)
        title = _trim(_first(subs, "t", "a"))
    _add_series(rec, title, _trim(_first(subs, "v")), _clean(_first(subs, "x")))


def _subject_label(tag: str, subs: list) -> str:
    a = _join((_trim(v) for v in _values(subs, "a")), " ; ")
    if tag == "600" or tag == "602":
        label = _join([a, _trim(_first(subs, "b"))], ", ")
        roman = _trim(_first(subs, "d"))
        if roman:
            label = f"{label} {roman}"
        qualifier = _trim(_first(subs, "c"))
        if qualifier:
            label = f"{label}, {qualifier}"
        dates = _dates(_first(subs, "f"))
        return f"{label} ({dates})" if dates else label
    if tag == "601":
        label = punctuation.join([a, *(_trim(v) for v in _values(subs, "b"))], ". ")
        extra = _join((_trim(v) for c, v in subs if c in "cdef" and v), " ")
        return _join([label, extra], " ")
    if tag in ("604", "605"):
        return punctuation.join(
            [a, _trim(_first(subs, "t")), _trim(_first(subs, "h")), _trim(_first(subs, "i"))], ". "
        )
    return a


def _f_subject(rec: Record, tag: str, subs: list) -> None:
    label = _subject_label(tag, subs)
    if not label:
        return
    keys = _pmb_keys(subs)
    rec.subjects.append(
        Subject(
            label=label,
            kind=_SUBJECT_KINDS[tag],
            authority_id=_authority(subs, keys),
            thesaurus=keys.get("idthes") or _clean(_first(subs, "2")),
            uri=keys.get("uri", ""),
            subdivisions=[_trim(v) for c, v in subs if c in "xyzj" and v],
        )
    )


def split_keywords(text: str) -> list[str]:
    """Free keywords from one 610 $a: split on ";" if present, else on ","; never on spaces."""
    text = _clean(text)
    sep = ";" if ";" in text else ","
    return [k for k in (part.strip(" .") for part in text.split(sep)) if k]


def _f_keywords(rec: Record, subs: list) -> None:
    for value in _values(subs, "a"):
        for keyword in split_keywords(value):
            if keyword not in rec.keywords:
                rec.keywords.append(keyword)


def _f_classification(rec: Record, tag: str, subs: list) -> None:
    number = _clean(_join(_values(subs, "a"), " "))
    if tag == "680":
        number = _join([number, _clean(_first(subs, "b"))], " ")
    if not number:
        return
    scheme = _CLASSIFICATION_TAGS[tag] or _clean(_first(subs, "2")).lower() or "other"
    rec.classifications.append(Classification(number, _clean(_first(subs, "l")), scheme))


def _f_person(rec: Record, tag: str, subs: list) -> None:
    name = _trim(_first(subs, "a"))
    roman = _trim(_first(subs, "d"))
    if roman:
        name = f"{name} {roman}"
    forename = _trim(_first(subs, "b")).lstrip(", ")
    if not name and not forename:
        return
    rec.agents.append(
        Agent(
            name=name,
            forename=forename,
            kind="person",
            role=_clean(_first(subs, "4")),
            responsibility=_RESPONSIBILITY.get(tag[2], "other"),
            dates=_dates(_first(subs, "f")),
            authority_id=_authority(subs),
        )
    )


def _f_corporate(rec: Record, tag: str, ind1: str, subs: list) -> None:
    name = _trim(_first(subs, "a"))
    qualifier = _join((_clean(v) for v in _values(subs, "c")), " ")
    if qualifier:
        name = f"{name} {qualifier}"
    if not name:
        return
    rec.agents.append(
        Agent(
            name=name,
            kind="meeting" if ind1 == "1" else "corporate",
            role=_clean(_first(subs, "4")),
            responsibility=_RESPONSIBILITY.get(tag[2], "other"),
            dates=_dates(_first(subs, "f")),
            authority_id=_authority(subs),
            subordinate=_join((_trim(v) for v in _values(subs, "b")), ". "),
            place=_trim(_first(subs, "e", "L", "K")),
        )
    )


def _f_links(rec: Record, tag: str, subs: list) -> None:
    if tag == "856":
        label = _clean(_first(subs, "z", "2", "y"))
        fmt = _clean(_first(subs, "q"))
        for url in _values(subs, "u"):
            rec.links.append(Link(_clean(url), label, fmt, "resource"))
    elif tag == "896":
        for url in _values(subs, "a"):
            rec.links.append(Link(_clean(url), kind="thumbnail"))
    else:  # 897
        for url in _values(subs, "a") or _values(subs, "u"):
            rec.links.append(
                Link(
                    _clean(url), _clean(_first(subs, "b")), _clean(_first(subs, "t")), "attachment"
                )
            )


def _f_item(rec: Record, tag: str, subs: list) -> None:
    rich = tag == "996"
    item = Item(
        call_number=_clean(_first(subs, "k")),
        barcode=_clean(_first(subs, "f")),
        owner=_clean(_first(subs, "a", "c", "b")),
        note=_clean(_first(subs, "u")),
        status_code=_clean(_first(subs, "2", "o") if rich else _first(subs, "o")),
        doc_type_code=_clean(_first(subs, "r")),
        section_code=_clean(_first(subs, "y", "q") if rich else _first(subs, "q")),
        location_code=_clean(_first(subs, "w", "d") if rich else _first(subs, "d")),
    )
    if rich:
        item.location = _clean(_first(subs, "v"))
        item.section = _clean(_first(subs, "x"))
        item.status = _clean(_first(subs, "1"))
    if any(getattr(item, f) for f in item.__dataclass_fields__):
        rec.items.append(item)


def _make_host(rec: Record, scan: _Scan, is_issue: bool) -> None:
    if scan.host_461 is None and scan.host_463 is None and scan.part is None:
        return
    host = Host()
    perio = _link_subfields(scan.host_461) if scan.host_461 is not None else None
    issue = _link_subfields(scan.host_463) if scan.host_463 is not None else None
    if perio is not None:
        host.title = _trim(_first(perio, "t", "a"))
        host.issn = _clean(_first(perio, "x"))
        host.isbn = _clean(_first(perio, "y"))
        host.authority_id = _pmb_keys(perio).get("id", "") or _clean(_first(perio, "0"))
        host.volume = _trim(_first(perio, "v"))
    if issue is not None:
        if perio is None:  # a chapter's book, or an article whose 463 is the only link
            host.title = _trim(_first(issue, "t", "a"))
            host.issn = _clean(_first(issue, "x"))
            host.isbn = _clean(_first(issue, "y"))
            host.authority_id = _pmb_keys(issue).get("id", "") or _clean(_first(issue, "0"))
        else:
            host.issue_title = _trim(_first(issue, "t"))
        host.number = _trim(_first(issue, "v"))
        host.date = _trim(_first(issue, "e"))
        iso = _clean(_first(issue, "d"))
        host.date_iso = iso if _ISO_DATE.match(iso) else ""
        if not host.date and iso and not host.date_iso:
            host.date = iso
    part = scan.part
    if is_issue and part is not None:  # an issue: 200 $h number, $i issue title
        host.number = host.number or part[0]
        host.issue_title = host.issue_title or part[1]
    elif part is not None:  # a part or section: "Title. 3, La religion"
        rec.title = punctuation.join([rec.title, _join(part, ", ")], ". ")
        if perio is None and issue is None:
            return
    if rec.bib_level == "a":
        host.pages = scan.pages
    rec.host = host


def _doc_type(leader: str, rec: Record, scan: _Scan) -> str:
    rtype, level, hier = leader[6], leader[7], leader[8]
    if level == "s":
        return "issue" if hier == "2" else "periodical"
    if level == "a":
        if rec.host and rec.host.isbn and not rec.host.issn:
            return "chapter"
        return "article"
    doc_type = _LEADER_TYPES.get(rtype, "other")
    if scan.thesis:  # 328 or 105: a thesis whatever the carrier (print, online, manuscript…)
        return "thesis"
    if doc_type in ("book", "manuscript", "web"):  # text, printed or not
        if scan.report:
            return "report"
        if scan.proceedings:
            return "proceedings"
    return doc_type


def _undouble_fields(marc: list[list[Any]], warnings: list[str]) -> list[list[Any]]:
    """The fields with double-encoded UTF-8 repaired, for the model only: the original fields
    stay as they came (whatever the format they came in), so that they go out field for field."""
    text = "\x1f".join(
        [v for f in marc if len(f) == 4 for _, v in f[3] if isinstance(v, str) and not v.isascii()]
    )
    if not _DOUBLE_UTF8_TEXT.search(text):
        return marc
    fixed: list[list[Any]] = []
    for f in marc:
        if not (isinstance(f, list | tuple) and len(f) == 4):
            fixed.append(f)
            continue
        subs = []
        for code, value in f[3]:
            if isinstance(value, str) and _DOUBLE_UTF8_TEXT.search(value):
                repaired = _DOUBLE_UTF8_TEXT.sub(_undouble, value)
                if repaired != value:
                    warnings.append(
                        f"UTF-8 doublement encodé réparé : « {value} » → « {repaired} » "
                        f"(double-encoded UTF-8 repaired)"
                    )
                value = repaired
            subs.append([code, value])
        fixed.append([f[0], f[1], f[2], subs])
    return fixed


def to_record(leader: str, marc: list[list[Any]], source: str = "") -> Record:
    """Map decoded UNIMARC fields to a Record; every field stays in `original.marc`.

    Tolerant by design: an absent or unexpected subfield leaves its element empty, never raises.
    """
    leader = (leader or "").ljust(24)[:24]
    rec = Record(source=source)
    rec.original = Original(format="unimarc", flavour="unimarc", leader=leader, marc=marc)
    marc = _undouble_fields(marc, rec.original.warnings)
    level = leader[7]
    rec.bib_level = level if level in BIB_LEVELS else "m"
    scan = _Scan()
    notes = rec.notes
    contents: list[str] = []
    abstracts: list[str] = []
    publications_214: list[Publication] = []
    has_7xx = False
    for field in marc:
        if not isinstance(field, list | tuple):
            continue
        tag = field[0]
        if len(field) == 2:
            if tag == "001":
                rec.source_id = _clean(field[1])
            continue
        if len(field) != 4 or not isinstance(tag, str) or len(tag) != 3:
            continue
        subs = field[3]
        if not isinstance(subs, list | tuple):
            continue
        head = tag[0]
        if head == "0":
            if tag in ("010", "011", "014", "017", "073"):
                _f_identifiers(rec, tag, subs)
            elif tag == "001":  # a control field written as a data field by some tools
                rec.source_id = rec.source_id or _clean(_first(subs, "a"))
        elif head == "1":
            if tag == "101":
                _f_languages(rec, subs)
            elif tag == "102":
                rec.country = rec.country or _clean(_first(subs, "a"))
            elif tag == "105":
                coded = _first(subs, "a").ljust(13)
                contents_codes = coded[4:8]
                scan.thesis = scan.thesis or bool(_THESIS_CODES & set(contents_codes))
                scan.report = scan.report or "p" in contents_codes
                scan.proceedings = scan.proceedings or coded[8] == "1"
            elif tag == "100":
                coded = _first(subs, "a")
                # "0001", "9999" and the like say "unknown", not a year
                if _YEAR.fullmatch(coded[9:13]):
                    scan.year100 = int(coded[9:13])
        elif head == "2":
            if tag == "200":
                if not rec.title:
                    _f_title(rec, scan, subs)
            elif tag == "205":
                edition = _join([_trim(_first(subs, "a")), _trim(_first(subs, "b"))], ", ")
                statement = _trim(_first(subs, "f"))
                edition = _join([edition, statement], " / ")
                rec.edition = _join([rec.edition, edition], " ; ")
            elif tag == "210":
                _f_publication(rec, subs)
            elif tag == "214":
                before = len(rec.publication)
                _f_publication(rec, subs)
                publications_214.extend(rec.publication[before:])
                del rec.publication[before:]
            elif tag == "215":
                _f_physical(rec, scan, subs)
            elif tag == "225":
                _f_series(rec, tag, subs)
        elif head == "3":
            text = _join((_clean(v) for _, v in subs), " ; ")
            if tag == "328":
                scan.thesis = True
            if not text:
                continue
            if tag == "327":
                contents.append(text)
            elif tag == "330":
                abstracts.append(text)
            else:
                notes.append(text)
        elif head == "4":
            if tag in ("410", "411"):
                _f_series(rec, tag, subs)
            elif tag == "461":
                # PMB: blank indicators = the article's (or issue's) periodical, " 0" = a series;
                # on a monograph a 461 is the set or series it belongs to
                analytic = rec.bib_level == "a" or (rec.bib_level == "s" and leader[8] == "2")
                if analytic and field[2] != "0":
                    if scan.host_461 is None:
                        scan.host_461 = subs
                else:
                    _f_series(rec, tag, subs)
            elif tag == "463" and scan.host_463 is None:
                scan.host_463 = subs
        elif head == "6":
            if tag in _SUBJECT_KINDS:
                _f_subject(rec, tag, subs)
            elif tag == "610":
                _f_keywords(rec, subs)
            elif tag in _CLASSIFICATION_TAGS:
                _f_classification(rec, tag, subs)
        elif head == "7":
            if tag in ("700", "701", "702", "720", "721", "722"):
                has_7xx = True
                _f_person(rec, tag, subs)
            elif tag in ("710", "711", "712"):
                has_7xx = True
                _f_corporate(rec, tag, str(field[1] or " ")[:1], subs)
        elif head == "8":
            if tag in ("856", "896", "897"):
                _f_links(rec, tag, subs)
        elif head == "9":
            if tag == "995" or tag == "996":
                _f_item(rec, tag, subs)
            elif tag == "900":
                value = _clean(_first(subs, "a"))
                label = _clean(_first(subs, "l"))
                name = _clean(_first(subs, "n")) or label
                if value or name:
                    rec.custom.append(CustomField(name, value, label))
    # PMB writes every 210 again as 214: keep a 214 only when it says something new
    for publication in publications_214:
        if publication not in rec.publication:
            rec.publication.append(publication)
    for publication in rec.publication:
        rec.year = _year(publication.date)
        if rec.year is not None:
            break
    if rec.year is None:
        rec.year = scan.year100
    if contents:
        rec.contents = "\n".join(contents)
    if abstracts:
        rec.abstract = "\n\n".join(abstracts)
    if not has_7xx:
        for n, (code, statement) in enumerate(scan.title_f):
            name = _BY.sub("", statement).strip()
            if name:
                resp = "secondary" if code == "g" else ("main" if n == 0 else "other")
                rec.agents.append(Agent(name=name, responsibility=resp))
    if rec.bib_level == "a" and rec.extent:
        scan.pages, rec.extent = rec.extent, ""
    _make_host(rec, scan, rec.bib_level == "s" and leader[8] == "2")
    if rec.bib_level == "a" and rec.host is None and scan.pages:
        rec.extent = scan.pages
    rec.doc_type = _doc_type(leader, rec, scan)
    if not rec.title:
        rec.original.warnings.append("notice sans titre, pas de 200 $a (record has no title)")
    return rec


# --------------------------------------------------------------------------------------------
# Record → UNIMARC
# --------------------------------------------------------------------------------------------

_DOC_LEADERS = {
    "book": "am0",
    "periodical": "as1",
    "issue": "as2",
    "article": "aa2",
    "chapter": "aa2",
    "thesis": "am0",
    "report": "am0",
    "proceedings": "am0",
    "web": "lm0",
    "audiovisual": "gm0",
    "sound": "jm0",
    "image": "km0",
    "map": "em0",
    "score": "cm0",
    "manuscript": "bm0",
    "multimedia": "mm0",
    "object": "rm0",
    "other": "am0",
}
_SUBJECT_TAGS = {
    "person": "600",
    "corporate": "601",
    "title": "605",
    "topic": "606",
    "geographic": "607",
    "form": "608",
}
_SUBJECT_TAG_SET = frozenset(_SUBJECT_TAGS.values())
_SCHEME_TAGS = {"dewey": "676", "udc": "675", "lcc": "680"}
_PRICE = re.compile(r"\d.*(€|eur|EUR|F|FRF|\$|£)|^(€|EUR|\$|£)\s*\d")


def _leader_for_pmb(leader: str) -> str:
    leader = (leader or "").ljust(24)[:24]
    return leader[:9] + " " + leader[10:20] + "450 "


def _with_utf8_100(fields: list[list[Any]]) -> list[list[Any]]:
    out: list[list[Any]] = []
    found = False
    for field in fields:
        if not found and field[0] == "100" and len(field) == 4:
            found = True
            subs = [list(s) for s in field[3]]
            for sub in subs:
                if sub[0] == "a":
                    sub[1] = sub[1].ljust(36)[:26] + UTF8_CHARSET + sub[1].ljust(36)[30:]
                    break
            else:
                subs.insert(0, ["a", _coded_100(None, "d")])
            field = [field[0], field[1], field[2], subs]
        out.append(field)
    if not found:
        new = ["100", " ", " ", [["a", _coded_100(None, "d")]]]
        at = next((i for i, f in enumerate(out) if str(f[0]) > "100"), len(out))
        out.insert(at, new)
    return out


def _coded_100(year: int | None, date_type: str) -> str:
    entered = date.today().strftime("%Y%m%d")
    year_text = f"{year:04d}" if year is not None and 0 <= year <= 9999 else "    "
    # 0–7 entered, 8 type of date, 9–16 dates, 17–19 audience, 20 gov., 21 modified, 22–24
    # cataloguing language, 25 transliteration, 26–29 charset, 30–33 more charsets, 34–35 script
    return f"{entered}{date_type}{year_text}{'':7}y0frey{UTF8_CHARSET}    ba"


def _field(tag: str, ind1: str, ind2: str, subs: Iterable[tuple[str, str]]) -> list[Any] | None:
    subfields = [[c, v] for c, v in subs if v]
    return [tag, ind1, ind2, subfields] if subfields else None


def _build(record: Record) -> tuple[str, list[list[Any]]]:
    """UNIMARC fields from the model alone (a MARC21, RIS or BibTeX record going out as UNIMARC)."""
    codes = _DOC_LEADERS.get(record.doc_type, "am0")
    if codes[1] == "m" and record.bib_level in ("c", "i"):  # a collection, a loose-leaf
        codes = codes[0] + record.bib_level + codes[2]
    leader = f"00000n{codes} 2200000   450 "
    out: list[list[Any] | None] = []
    add = out.append
    ident = str(record.id) if record.id is not None else record.source_id
    if ident:
        out.append(["001", ident])
    for i in record.identifiers:
        q = i.qualifier
        if i.scheme == "isbn":
            add(_field("010", " ", " ", [("a", i.value), ("d" if _PRICE.search(q) else "b", q)]))
        elif i.scheme == "issn":
            add(_field("011", " ", " ", [("a", i.value), ("b", q)]))
        elif i.scheme in ("doi", "pmid"):
            add(_field("014", " ", " ", [("b", i.value)]))
        elif i.scheme == "ean":
            add(_field("073", " ", " ", [("a", i.value), ("b", q)]))
        else:
            add(_field("017", " ", " ", [("a", i.value), ("2", i.scheme)]))
    date_type = "a" if record.doc_type == "periodical" else "d"
    add(["100", " ", " ", [["a", _coded_100(record.year, date_type)]]])
    if record.languages or record.original_languages:
        add(
            _field(
                "101",
                "1" if record.original_languages else "0",
                " ",
                [("a", v) for v in record.languages]
                + [("c", v) for v in record.original_languages],
            )
        )
    if record.country:
        add(_field("102", " ", " ", [("a", record.country)]))
    coded_105 = None
    if record.doc_type == "thesis":
        coded_105 = "y   m   000y "
    elif record.doc_type == "report":
        coded_105 = "y   p   000y "
    elif record.doc_type == "proceedings":
        coded_105 = "y       100y "
    if coded_105:
        add(["105", " ", " ", [["a", coded_105]]])
    title = [("a", record.title or "[sans titre]")]
    title += [("d", t) for t in record.parallel_titles]
    title += [("e", record.other_title), ("f", record.responsibility)]
    if record.doc_type == "issue" and record.host:
        title += [("h", record.host.number), ("i", record.host.issue_title)]
    add(_field("200", "1", " ", title))
    if record.edition:
        add(_field("205", " ", " ", [("a", record.edition)]))
    for p in record.publication:
        add(_field("210", " ", " ", [("a", p.place), ("c", p.publisher), ("d", p.date)]))
    if record.year is not None and not any(p.date for p in record.publication):
        add(_field("210", " ", " ", [("d", str(record.year))]))
    extent = record.extent
    if not extent and record.host and record.doc_type in ("article", "chapter"):
        extent = record.host.pages
    add(
        _field(
            "215",
            " ",
            " ",
            [
                ("a", extent),
                ("c", record.illustrations),
                ("d", record.dimensions),
                ("e", record.accompanying),
            ],
        )
    )
    for s in record.series:
        add(_field("225", "2", " ", [("a", s.title), ("v", s.number), ("x", s.issn)]))
    for note in record.notes:
        add(_field("300", " ", " ", [("a", note)]))
    if record.contents:
        add(_field("327", "1", " ", [("a", record.contents)]))
    if record.abstract:
        add(_field("330", " ", " ", [("a", record.abstract)]))
    host = record.host
    if host and record.doc_type != "chapter":
        perio_id = [("9", f"id:{host.authority_id}")] if host.authority_id else []
        add(
            _field(
                "461",
                " ",
                " ",
                [("t", host.title), ("x", host.issn), ("y", host.isbn), ("v", host.volume)]
                + perio_id,
            )
        )
        if record.doc_type != "issue":
            add(
                _field(
                    "463",
                    " ",
                    " ",
                    [
                        ("t", host.issue_title),
                        ("v", host.number),
                        ("d", host.date_iso),
                        ("e", host.date),
                    ],
                )
            )
    elif host:
        book_id = [("9", f"id:{host.authority_id}")] if host.authority_id else []
        add(
            _field(
                "463",
                " ",
                " ",
                [("t", host.title), ("y", host.isbn), ("x", host.issn), ("v", host.number)]
                + book_id,
            )
        )
    for s in record.subjects:
        pmb = [("9", f"id:{s.authority_id}")] if s.authority_id else []
        if s.thesaurus.isdigit():
            pmb.append(("9", f"idthes:{s.thesaurus}"))
        elif s.thesaurus:
            pmb.append(("2", s.thesaurus))
        if s.uri:
            pmb.append(("9", f"uri:{s.uri}"))
        tag = _SUBJECT_TAGS.get(s.kind, "606")
        add(_field(tag, " ", " ", [("a", s.label)] + [("x", d) for d in s.subdivisions] + pmb))
    if record.keywords:
        # PMB's way: the whole keyword string in one $a, split on ";" when read back
        add(_field("610", "0", " ", [("a", " ; ".join(record.keywords))]))
    for c in record.classifications:
        tag = _SCHEME_TAGS.get(c.scheme, "686")
        extra = [("2", c.scheme)] if tag == "686" and c.scheme != "other" else []
        add(_field(tag, " ", " ", [("a", c.number), ("l", c.label)] + extra))
    main_done = False
    for agent in record.agents:
        responsibility = agent.responsibility
        if responsibility == "main":
            if main_done:
                responsibility = "other"  # UNIMARC has a single 700/710
            main_done = True
        digit = {"main": "0", "other": "1", "secondary": "2"}.get(responsibility, "1")
        ids = [("9", f"id:{agent.authority_id}")] if agent.authority_id else []
        if agent.kind == "person":
            subs = [("a", agent.name), ("b", agent.forename), ("f", agent.dates)]
            add(_field("70" + digit, " ", "1", subs + [("4", agent.role)] + ids))
        else:
            place_code = "e" if agent.kind == "meeting" else "L"
            subs = [("a", agent.name), ("b", agent.subordinate), (place_code, agent.place)]
            subs += [("f", agent.dates), ("4", agent.role)]
            add(_field("71" + digit, "1" if agent.kind == "meeting" else "0", "2", subs + ids))
    for link in record.links:
        if link.kind == "thumbnail":
            add(_field("896", " ", " ", [("a", link.url)]))
        elif link.kind == "attachment":
            add(_field("897", " ", " ", [("a", link.url), ("b", link.label), ("t", link.format)]))
        else:
            add(_field("856", "4", " ", [("u", link.url), ("q", link.format), ("z", link.label)]))
    for cf in record.custom:
        add(_field("900", " ", " ", [("a", cf.value), ("l", cf.label), ("n", cf.name)]))
    for item in record.items:
        common = [("a", item.owner), ("f", item.barcode), ("k", item.call_number), ("u", item.note)]
        common += [("r", item.doc_type_code)]
        if item.location or item.section or item.status:
            subs = common + [
                ("v", item.location),
                ("w", item.location_code),
                ("x", item.section),
                ("y", item.section_code),
                ("1", item.status),
                ("2", item.status_code),
            ]
            add(_field("996", " ", " ", subs))
        else:
            subs = common + [
                ("o", item.status_code),
                ("q", item.section_code),
                ("d", item.location_code),
            ]
            add(_field("995", " ", " ", subs))
    fields = [f for f in out if f is not None]
    # tag order (stable: repeated fields keep theirs), except that subjects and agents keep
    # the model's order whatever their tags: it must read back the same (the first subject is
    # the main one)
    fields.sort(key=_build_order)
    return leader, fields


def _build_order(field: list[Any]) -> str:
    tag = field[0]
    if tag in _SUBJECT_TAG_SET:
        return "600"
    if tag[0] == "7" and tag[1] in "01":
        return "700"
    return tag


def from_record(record: Record) -> tuple[str, list[list[Any]]]:
    """The leader and UNIMARC fields to write for a record.

    A record read from UNIMARC goes out as its original fields, with every field family whose
    model values were edited regenerated from the model (`catalogue.marc.families`), declared
    UTF-8 in 100 and with PMB's leader: untouched, it goes out field for field. Any other record
    is built from the model.
    """
    original = record.original
    if original.flavour == "unimarc" and original.marc:
        fields = [f for f in original.marc if isinstance(f, list | tuple) and len(f) in (2, 4)]
        mapped = to_record(original.leader, original.marc)
        leader, fields = families.regenerate(
            families.unimarc_families, record, mapped, (original.leader, fields), _build, to_record
        )
        return _leader_for_pmb(leader), _with_utf8_100(fields)
    return _build(record)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def read(data: bytes, source: str = "") -> Iterator[Record | RecordError]:
    """Read a UNIMARC ISO 2709 file; a record that cannot be read becomes a RecordError."""
    for position, offset, chunk in iso2709.split(data):
        yield salvage(
            lambda c=chunk, p=position, o=offset: read_chunk(c, p, o, source),
            position=position,
            offset=offset,
            chunk=chunk,
        )


def read_chunk(chunk: bytes, position: int, offset: int, source: str = "") -> Record:
    """One record's bytes → Record; `RecordError` when its structure cannot be read."""
    raw, repairs = iso2709.read(chunk, position, offset)
    marc, charset, warnings = decode_raw(raw)
    record = to_record(raw.leader, marc, source)
    original = record.original
    original.charset = charset
    original.raw = chunk
    original.warnings[:0] = repairs + warnings
    return record


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """UNIMARC ISO 2709 in UTF-8, one record per chunk, so that exports stream."""
    for record in records:
        leader, fields = from_record(record)
        yield iso2709.encode(leader, fields)
