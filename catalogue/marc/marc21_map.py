"""The MARC21 map: MARC21 fields ↔ the Record model, one small unit per field family.

Reading: `to_record` runs one `_read_*` function per family (identifiers, title, agents,
publication…) over the decoded fields; writing: `_build` concatenates one `_write_*` per family
(`Field`s, converted to the store's list shape at the end). `from_record` writes a MARC21-origin
record as its original fields with the edited families regenerated (`families.regenerate`).
The entry points (read, write) are in `catalogue.marc21`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from catalogue.marc import families
from catalogue.marc.field import Field
from catalogue.record import (
    YEAR,
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
)

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
        year = YEAR.search(host.date)
        if year and host.date.strip() == year.group(1):
            host.date_iso = year.group(1)
    if not (host.volume or host.number or host.pages):
        host.issue_title = clean(text)


_ByTag = Callable[[str, Any], Any]  # the data fields of one tag (dict.get)


def _read_identifiers(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Identifiers."""
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


def _read_title(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Title."""
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


def _read_agents(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Agents: 1xx main, 7xx others (secondary when their role is not authorship)."""
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


def _read_publication(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Edition, publication, year."""
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


def _read_physical(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Physical description."""
    for f in fields("300", ())[:1]:
        record.extent = _join(f, "af")
        record.illustrations = _join(f, "b")
        record.dimensions = _join(f, "c")
        record.accompanying = _join(f, "e")


def _read_series(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Series."""
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


def _read_languages(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Languages, country."""
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


def _read_notes(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Notes."""
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


def _read_subjects(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Subjects and keywords."""
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


def _read_classifications(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Classifications."""
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


def _read_links(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Links."""
    for f in fields("856", ()):
        label = clean(_sub(f, "y") or _sub(f, "3") or _sub(f, "z"))
        for url in _subs(f, "u"):
            url = url.strip()
            if url:
                record.links.append(Link(url=url, label=label, format=clean(_sub(f, "q"))))


def _read_host(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Host (the periodical or book an article or chapter is in)."""
    for f in fields("773", ())[:1]:
        record.host = _host(f)


def _read_items(record: Record, fields: _ByTag, marc: list[list[Any]], f008: str) -> None:
    """Items: 852 (MARC holdings) and 952 (Koha)."""
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


_FAMILY_READERS = (
    _read_identifiers,
    _read_title,
    _read_agents,
    _read_publication,
    _read_physical,
    _read_series,
    _read_languages,
    _read_notes,
    _read_subjects,
    _read_classifications,
    _read_links,
    _read_host,
    _read_items,
)


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
    for read_family in _FAMILY_READERS:
        read_family(record, fields, marc, f008)
    record.original = Original(format="marc21", flavour="marc21", leader=leader, marc=marc)
    return record


def _year(f008: str, publications: list[Publication], f264: list[list[Any]]) -> int | None:
    if len(f008) >= 11:
        date1 = f008[7:11]
        if date1.isdigit() and 1000 <= int(date1) <= 2099:
            return int(date1)
    for publication in publications:
        match = YEAR.search(publication.date)
        if match:
            return int(match.group(1))
    for f in f264:
        match = YEAR.search(" ".join(_subs(f, "c")))
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


def _data(tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> list[Field]:
    """A data field of the non-empty subfields, or none when every value is empty."""
    subs = [(c, v) for c, v in subfields if v]
    return [Field.data(tag, ind1, ind2, subs)] if subs else []


def _build_leader(record: Record) -> str:
    rtype, level = _DOC_TYPE_LEADER.get(record.doc_type, ("a", "m"))
    if record.bib_level in ("m", "s", "a", "c", "i") and record.doc_type not in (
        "periodical",
        "issue",
        "article",
        "chapter",
    ):
        level = record.bib_level
    # leader/18 'c': ISBD punctuation omitted (the model holds values without it)
    return f"00000n{rtype}{level} a2200000 c 4500"


def _write_identifiers(record: Record) -> list[Field]:
    out: list[Field] = []
    for identifier in record.identifiers:
        value, qualifier = identifier.value, identifier.qualifier
        if identifier.scheme == "isbn":
            out += _data("020", " ", " ", [("a", value), ("q", qualifier)])
        elif identifier.scheme == "issn":
            out += _data("022", " ", " ", [("a", value)])
        elif identifier.scheme in ("doi", "pmid"):
            out += _data("024", "7", " ", [("a", value), ("2", identifier.scheme)])
        elif identifier.scheme == "ean":
            out += _data("024", "3", " ", [("a", value)])
        else:
            out += _data("024", "8", " ", [("a", value), ("q", qualifier)])
    return out


def _write_languages(record: Record) -> list[Field]:
    if not (record.languages or record.original_languages):
        return []
    subs = [("a", lang) for lang in record.languages]
    subs += [("h", lang) for lang in record.original_languages]
    return _data("041", "1" if record.original_languages else "0", " ", subs)


def _write_classifications(record: Record) -> list[Field]:
    out: list[Field] = []
    for c in record.classifications:
        if c.scheme == "dewey":
            out += _data("082", "0", "4", [("a", c.number)])
        elif c.scheme == "udc":
            out += _data("080", " ", " ", [("a", c.number)])
        elif c.scheme == "lcc":
            out += _data("050", " ", "4", [("a", c.number)])
        else:
            out += _data("084", " ", " ", [("a", c.number), ("2", c.scheme)])
    return out


def _write_title(record: Record, main: list[Agent]) -> list[Field]:
    subs = [("a", record.title), ("b", record.other_title), ("c", record.responsibility)]
    out = _data("245", "1" if main else "0", "0", subs)
    for title in record.parallel_titles:
        out += _data("246", "3", "1", [("a", title)])
    return out + _data("250", " ", " ", [("a", record.edition)])


def _write_publication(record: Record) -> list[Field]:
    out: list[Field] = []
    for p in record.publication:
        out += _data("260", " ", " ", [("a", p.place), ("b", p.publisher), ("c", p.date)])
    physical = [("a", record.extent), ("b", record.illustrations), ("c", record.dimensions)]
    out += _data("300", " ", " ", [*physical, ("e", record.accompanying)])
    for s in record.series:
        out += _data("490", "0", " ", [("a", s.title), ("x", s.issn), ("v", s.number)])
    return out


def _write_notes(record: Record) -> list[Field]:
    out: list[Field] = []
    for note in record.notes:
        out += _data("500", " ", " ", [("a", note)])
    out += _data("505", "0", " ", [("a", record.contents)])
    for paragraph in record.abstract.split("\n\n"):
        out += _data("520", " ", " ", [("a", paragraph.strip())])
    return out


def _write_subjects(record: Record) -> list[Field]:
    out: list[Field] = []
    for s in record.subjects:
        tag = _SUBJECT_TAGS.get(s.kind, "650")
        ind2 = _THESAURUS_IND2.get(s.thesaurus, "7" if s.thesaurus else "4")
        ind1 = "1" if tag == "600" else "2" if tag == "610" else " "
        subs = [("a", s.label)] + [("x", d) for d in s.subdivisions]
        subs += [("0", s.authority_id), ("1", s.uri)]
        if ind2 == "7":
            subs.append(("2", s.thesaurus))
        out += _data(tag, ind1, ind2, subs)
    if record.keywords:
        out += _data("653", " ", " ", [("a", k) for k in record.keywords])
    return out


def _write_host(record: Record) -> list[Field]:
    h = record.host
    if not h:
        return []
    number = h.number
    if number and not number.lower().startswith(("n", "no")):
        number = f"no. {number}"
    enumeration = ", ".join(
        x
        for x in (
            f"vol. {h.volume}" if h.volume else "",
            number,
            f"({h.date})" if h.date else "",
            f"p. {h.pages}" if h.pages else "",
        )
        if x
    )
    subs = [("t", h.title), ("x", h.issn), ("z", h.isbn), ("w", h.authority_id)]
    return _data("773", "0", " ", [*subs, ("g", enumeration or h.issue_title)])


def _write_items(record: Record) -> list[Field]:
    out: list[Field] = []
    for item in record.items:
        if _koha_item(item):
            out += _data("952", " ", " ", _koha_subfields(item))
            continue
        where = [("a", item.owner), ("b", item.location_code), ("c", item.location or item.section)]
        out += _data(
            "852",
            " ",
            " ",
            [*where, ("h", item.call_number), ("p", item.barcode), ("z", item.note)],
        )
    for link in record.links:
        out += _data("856", "4", "0", [("u", link.url), ("y", link.label), ("q", link.format)])
    return out


def _build(record: Record) -> tuple[str, list[list[Any]]]:
    """The leader and fields of a record built from the model alone, family by family."""
    out: list[Field] = []
    if record.source_id:
        out.append(Field("001", value=record.source_id))
    out.append(Field("008", value=_build_008(record)))
    out += _write_identifiers(record) + _write_languages(record) + _write_classifications(record)
    main = [a for a in record.agents if a.responsibility == "main"][:1]
    fields = [f.to_list() for f in out] + [_agent_field(agent, "1") for agent in main]
    tail = _write_title(record, main) + _write_publication(record) + _write_notes(record)
    fields += [f.to_list() for f in tail + _write_subjects(record)]
    fields += [_agent_field(a, "7") for a in record.agents if not (main and a is main[0])]
    fields += [f.to_list() for f in _write_host(record) + _write_items(record)]
    # tag order, except that subjects keep the model's order (the first is the main one)
    fields.sort(key=lambda f: (f[0][0], "" if f[0][0] == "6" else f[0]))
    return _build_leader(record), fields


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
