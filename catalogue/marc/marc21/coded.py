"""The coded values: leader/06-07 and 008 (type, year, country, languages) ↔ the model.

The document type and bibliographic level come from leader/06-07 and the 008 (form of item,
nature of contents, conference); the languages from 008/35-37 and 041, the country from
008/15-17. Written back, they are patched into the original leader and 008 at their positions
(`Family.positions`), since other families share those fields.
"""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.field import Field
from catalogue.marc.marc21.common import ByTag, MarcField, data_field
from catalogue.record import Record

# leader/06 type of record, /07 bibliographic level (/08 is the type of control: kept);
# 008/23 form of item (online), /24 nature of contents (thesis, report), /29 conference
TYPE = Family(
    "type",
    ("doc_type", "bib_level"),
    positions=(("leader", 6, 8), ("008", 23, 25), ("008", 29, 30)),
)
LANGUAGES = Family(
    "languages",
    ("languages", "original_languages"),
    _tags("041"),
    positions=(("008", 35, 38),),
)
COUNTRY = Family("country", ("country",), positions=(("008", 15, 18),))


def read_type(record: Record, leader: str, f008: str, by_tag: dict[str, list[MarcField]]) -> None:
    """Document type and bibliographic level (`by_tag`: every field, control or data)."""
    record.doc_type = _doc_type(leader, f008, by_tag)
    level = leader[7]
    record.bib_level = {"b": "a", "d": "m"}.get(level, level if level in "msaci" else "m")
    if level == " " and record.doc_type == "periodical":
        record.bib_level = "s"


def _form_of_item(leader: str, f008: str, by_tag: dict[str, list[MarcField]]) -> bool:
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


def _doc_type(leader: str, f008: str, by_tag: dict[str, list[MarcField]]) -> str:
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


_DOC_TYPE_LEADER = {
    "book": ("a", "m"), "periodical": ("a", "s"), "issue": ("a", "s"), "article": ("a", "a"),
    "chapter": ("a", "a"), "thesis": ("a", "m"), "report": ("a", "m"), "proceedings": ("a", "m"),
    "web": ("m", "m"), "audiovisual": ("g", "m"), "sound": ("j", "m"), "image": ("k", "m"),
    "map": ("e", "m"), "score": ("c", "m"), "manuscript": ("t", "m"), "multimedia": ("o", "m"),
    "object": ("r", "m"), "other": ("p", "m"),
}  # fmt: skip


def write_leader(record: Record) -> str:
    """The leader of a record built from the model alone."""
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


def write_008(record: Record) -> str:
    """The 008 of a record built from the model alone (year, country, type, language)."""
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


def read_languages(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Languages: 008/35-37 first, then 041 $a $d (and $h, the originals)."""
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


def write_languages(record: Record) -> list[Field]:
    if not (record.languages or record.original_languages):
        return []
    subs = [("a", lang) for lang in record.languages]
    subs += [("h", lang) for lang in record.original_languages]
    return data_field("041", "1" if record.original_languages else "0", " ", subs)


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
_COUNTRY_CODES = {v: k for k, v in reversed(_COUNTRIES.items())}


def read_country(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Country of publication: 008/15-17 (a US state code is the United States)."""
    if len(f008) >= 18:
        place = f008[15:18].strip().lower()
        record.country = _COUNTRIES.get(place) or ("US" if f008[15:18] in _US_STATES else "")
