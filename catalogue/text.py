"""Helpers shared by the readers of text formats (RIS, BibTeX, CSV).

Only what at least two of those readers need lives here: decoding a text file whose charset
nobody declared, ISO 639-2/B language codes from whatever a reference manager or a spreadsheet
wrote, telling an ISBN from an ISSN by its shape, DOIs, years, "Surname, Forename" names, and the
stable id of a record that carries none (so that importing the same file again updates the same
records instead of duplicating them).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# re-exported: the readers import them from here
from catalogue.charset import DecodedText as DecodedText
from catalogue.charset import decode_text as decode_text
from catalogue.languages import LANGUAGE_ALIASES, LANGUAGE_NAMES
from catalogue.record import Agent, Identifier, nfc
from catalogue.record import year_of as year_of

# -- charset: see catalogue.charset (decode_text and DecodedText are used from here too) ----


def unix_newlines(text: str) -> str:
    """CRLF (Windows) and lone CR (old Mac exports) become LF, so that line logic is one."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_space(text: str) -> str:
    """Collapse runs of white space (tabs, NBSP, line breaks) into one space and strip."""
    return " ".join(text.split())


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold(text: str) -> str:
    """Lower case without accents or ligatures, punctuation as single spaces: for matching."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


def fingerprint(text: str) -> str:
    """The SHA-1 of a record's text, normalised: line endings, trailing spaces and the Unicode
    normal form do not count, so that the same record exported again (or re-saved by Excel on
    another machine) has the same fingerprint."""
    lines = (line.rstrip() for line in unix_newlines(nfc(text)).strip().split("\n"))
    return hashlib.sha1("\n".join(lines).encode("utf-8")).hexdigest()


def stable_id(text: str) -> str:
    """A source id for a record that has none, from its text (see `fingerprint`)."""
    return f"sha1:{fingerprint(text)[:20]}"


# -- years and dates -------------------------------------------------------------------------


def iso_date(
    year: str | int | None, month: str | int | None = None, day: str | int | None = None
) -> str:
    """An ISO date ("YYYY", "YYYY-MM" or "YYYY-MM-DD") from parts, as far as they are valid;
    "" without a valid year."""
    try:
        y = int(str(year).strip())
    except (TypeError, ValueError):
        return ""
    if not 1000 <= y <= 2099:
        return ""
    try:
        m = int(str(month).strip())
    except (TypeError, ValueError):
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return f"{y:04d}"
    try:
        d = int(str(day).strip())
    except (TypeError, ValueError):
        return f"{y:04d}-{m:02d}"
    if not 1 <= d <= 31:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


# -- languages -------------------------------------------------------------------------------

# every code and alias of the vocabulary (catalogue/languages.py), then its French and English
# names and the codes only they list, so that a MARC record's code and its name read back
# (« ota », « Ottoman Turkish »)
_LANGUAGE_INDEX: dict[str, str] = {}
for _code, _names in LANGUAGE_ALIASES.items():
    _LANGUAGE_INDEX[_code] = _code
    for _name in _names:
        _LANGUAGE_INDEX.setdefault(_name, _code)
for _code, _labels in LANGUAGE_NAMES.items():
    for _name in (_code, *_labels):
        _LANGUAGE_INDEX.setdefault(fold(_name), _code)


def language_code(value: str) -> str | None:
    """The ISO 639-2/B code of a language as written ("French", "fr", "fra", "fr-FR", "français",
    "ngerman"…), or None when unknown: the caller keeps the text rather than guess."""
    key = fold(value)
    if not key:
        return None
    if key in _LANGUAGE_INDEX:
        return _LANGUAGE_INDEX[key]
    primary = key.split(" ", 1)[0]  # "fr fr", "en us": the language subtag
    if len(primary) in (2, 3) and primary in _LANGUAGE_INDEX:
        return _LANGUAGE_INDEX[primary]
    return None


def iso639_1(code: str) -> str:
    """The two-letter ISO 639-1 code of an ISO 639-2 code ("fre" → "fr"), or "" when none:
    what HTML `lang`, schema.org and CSL expect."""
    names = LANGUAGE_ALIASES.get(code.strip().lower()) or LANGUAGE_ALIASES.get(
        _LANGUAGE_INDEX.get(code.strip().lower(), ""), ()
    )
    return next((n for n in names if len(n) == 2 and n.isalpha()), "")


def language_codes(value: str) -> tuple[list[str], list[str]]:
    """Codes of a cell or field naming one or more languages ("fre ; eng", "English, French"),
    and the parts that matched none (kept visible by the caller)."""
    codes: list[str] = []
    unknown: list[str] = []
    # « scr, english » is two languages, not « scr » with a region subtag
    whole = None if re.search(r"[;,/|]", value) else language_code(value)
    if whole:
        return [whole], []
    for part in (p for p in re.split(r"[;,/|]+", value) if p.strip()):
        code = language_code(part)
        if code is None:
            unknown.append(part.strip())
        elif code not in codes:
            codes.append(code)
    return codes, unknown


# -- identifiers -----------------------------------------------------------------------------

_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_ISBN = re.compile(r"^(?:\d{9}[\dXx]|\d{13})$")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_QUALIFIER = re.compile(r"\(([^)]*)\)")


def identifier(value: str, default_scheme: str = "other") -> Identifier | None:
    """An Identifier told apart by its shape: 8 characters "0000-000X" is an ISSN, 10 or 13 digits
    (hyphens and spaces aside) an ISBN; a DOI is a DOI; anything else keeps `default_scheme`.

    A qualifier in brackets ("2325-9671 (electronic)", "978-2-07-036822-8 (br.)") is kept apart.
    """
    qualifier = "; ".join(q.strip() for q in _QUALIFIER.findall(value) if q.strip())
    bare = _QUALIFIER.sub(" ", value).strip().strip(".,;:")
    if not bare:
        return None
    compact = re.sub(r"[\s\-‐‑–]", "", bare)
    if compact.upper().startswith(("ISSN", "ISBN")):
        default_scheme = compact[:4].lower()  # "ISSN 2532-64314": said to be one, if malformed
        compact = compact[4:].lstrip(":")
        bare = re.sub(r"(?i)^\s*is[sb]n\s*:?\s*", "", bare)
    if _ISSN.match(compact) and len(compact) == 8:
        return Identifier("issn", f"{compact[:4]}-{compact[4:].upper()}", qualifier)
    if _ISBN.match(compact):
        # hyphens carry the ISBN's structure: keep them as written, only the spaces go
        return Identifier("isbn", re.sub(r"\s+", "-", bare).upper(), qualifier)
    doi = clean_doi(bare)
    if doi:
        return Identifier("doi", doi, qualifier)
    return Identifier(default_scheme, bare, qualifier)


def identifiers(value: str, default_scheme: str = "other") -> list[Identifier]:
    """Every identifier of a field or cell that may hold several ("ISBN1; ISBN2", "X Y", lines)."""
    found: list[Identifier] = []
    # split on ; , newlines, and on spaces only between two complete numbers
    for part in re.split(r"[;,\n]+|\s+(?=(?:ISBN|ISSN|97[89]|\d{4}-\d{3}[\dXx]\b))", value):
        ident = identifier(part, default_scheme) if part.strip() else None
        if ident and all((i.scheme, i.value) != (ident.scheme, ident.value) for i in found):
            found.append(ident)
    return found


def clean_doi(value: str) -> str:
    """The DOI ("10.xxxx/yyy") in "doi:10…", "https://doi.org/10…", "http://dx.doi.org/10…";
    "" if there is none."""
    match = _DOI.search(value.strip())
    return match.group(0).rstrip(".,;") if match else ""


# -- names -----------------------------------------------------------------------------------

_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
_CORPORATE_WORDS = re.compile(
    r"\b(?:association|agence|agency|assembl[ée]e|bureau|caisse|centre|center|comit[ée]|committee|"
    r"commission|conseil|council|department|d[ée]partement|direction|f[ée]d[ée]ration|"
    r"foundation|fondation|group|groupe|inc|institut|institute|laboratoire|laboratory|ltd|"
    r"minist[èe]re|ministry|observatoire|office|organisation|organization|r[ée]seau|service|"
    r"soci[ée]t[ée]|society|syndicat|union|universit[ée]|university|ville de|world|gmbh|sarl|sa)\b",
    re.IGNORECASE,
)


def person_or_body(text: str, role: str = "", responsibility: str = "main") -> Agent | None:
    """An Agent from a name written "Surname, Forename" (the RIS and spreadsheet convention).

    "Shannon,Claude E." and "Dupont, Jean, Jr." are persons; "Fanning E." (PubMed style,
    initials last) is a person too; a name without comma that reads like an institution
    ("Ministère de la Ville", "World Health Organization") is a corporate body; any other name
    without comma is kept whole as the surname rather than split on a guess.
    """
    name = clean_space(text).strip(" ;,")
    if not name:
        return None
    if "," in name:
        surname, _, forename = name.partition(",")
        return Agent(
            name=surname.strip(),
            forename=clean_space(forename.replace(",", ", ")).strip(" ,"),
            role=role,
            responsibility=responsibility,
        )
    words = name.split(" ")
    if _CORPORATE_WORDS.search(name):
        return Agent(name=name, kind="corporate", role=role, responsibility=responsibility)
    if len(words) >= 2 and all(_INITIALS.match(w) for w in words[1:]):
        return Agent(
            name=words[0], forename=" ".join(words[1:]), role=role, responsibility=responsibility
        )
    return Agent(name=name, role=role, responsibility=responsibility)
