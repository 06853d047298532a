"""The UNIMARC map: UNIMARC fields ↔ the Record model, one small unit per block of tags.

Reading: `to_record` sends each field to the reader of its block (`_read_0xx` … `_read_9xx`,
each calling the `_f_*` unit of its field family), then `_finish` settles what needs every field
(year, host, doc type); writing: `_build` concatenates one `_write_*` per family. `from_record`
writes a UNIMARC-origin record as its original fields with the edited families regenerated
(`families.regenerate`). The entry points (read, write) are in `catalogue.unimarc`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from catalogue import punctuation
from catalogue.marc import families
from catalogue.record import (
    BIB_LEVELS,
    YEAR,
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
    year_of,
)

UTF8_CHARSET = "50  "  # field 100 $a/26–29 for UTF-8

# UTF-8 encoded twice through Latin-1: "°" (C2 B0) became "Â°" (C3 82 C2 B0), "é" "Ã©". Only
# Â or Ã before a Latin-1 symbol or control: "CAFÉ" + no-break space (C3 89 C2 A0) is real text.
_DOUBLE_UTF8_TEXT = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")


def _undouble(match: re.Match[str]) -> str:
    try:
        return match.group().encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------

# Non-sorting markers (UNIMARC NSB/NSE, MARC21's), direction marks, combining grapheme joiner:
# kept in the MARC fields, removed from the model's text.
_INVISIBLE = re.compile("[\x88\x89\x98\x9c\u200e\u200f\u034f\ufeff]")
_ISBD_TAIL = " ,;:/="
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


_year = year_of


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
        "contents",
        "abstracts",
        "publications_214",
        "has_7xx",
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
        self.contents: list[str] = []  # 327
        self.abstracts: list[str] = []  # 330
        self.publications_214: list[Publication] = []
        self.has_7xx = False  # else the agents come from 200 $f/$g


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


def _read_0xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    if tag in ("010", "011", "014", "017", "073"):
        _f_identifiers(rec, tag, subs)
    elif tag == "001":  # a control field written as a data field by some tools
        rec.source_id = rec.source_id or _clean(_first(subs, "a"))


def _read_1xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
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
        if YEAR.fullmatch(coded[9:13]):
            scan.year100 = int(coded[9:13])


def _read_2xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
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
        scan.publications_214.extend(rec.publication[before:])
        del rec.publication[before:]
    elif tag == "215":
        _f_physical(rec, scan, subs)
    elif tag == "225":
        _f_series(rec, tag, subs)


def _read_3xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    text = _join((_clean(v) for _, v in subs), " ; ")
    if tag == "328":
        scan.thesis = True
    if not text:
        return
    if tag == "327":
        scan.contents.append(text)
    elif tag == "330":
        scan.abstracts.append(text)
    else:
        rec.notes.append(text)


def _read_4xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    if tag in ("410", "411"):
        _f_series(rec, tag, subs)
    elif tag == "461":
        # PMB: blank indicators = the article's (or issue's) periodical, " 0" = a series;
        # on a monograph a 461 is the set or series it belongs to
        leader = rec.original.leader
        analytic = rec.bib_level == "a" or (rec.bib_level == "s" and leader[8] == "2")
        if analytic and field[2] != "0":
            if scan.host_461 is None:
                scan.host_461 = subs
        else:
            _f_series(rec, tag, subs)
    elif tag == "463" and scan.host_463 is None:
        scan.host_463 = subs


def _read_6xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    if tag in _SUBJECT_KINDS:
        _f_subject(rec, tag, subs)
    elif tag == "610":
        _f_keywords(rec, subs)
    elif tag in _CLASSIFICATION_TAGS:
        _f_classification(rec, tag, subs)


def _read_7xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    if tag in ("700", "701", "702", "720", "721", "722"):
        scan.has_7xx = True
        _f_person(rec, tag, subs)
    elif tag in ("710", "711", "712"):
        scan.has_7xx = True
        _f_corporate(rec, tag, str(field[1] or " ")[:1], subs)


def _read_8xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    if field[0] in ("856", "896", "897"):
        _f_links(rec, field[0], subs)


def _read_9xx(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    if tag == "995" or tag == "996":
        _f_item(rec, tag, subs)
    elif tag == "900":
        value = _clean(_first(subs, "a"))
        label = _clean(_first(subs, "l"))
        name = _clean(_first(subs, "n")) or label
        if value or name:
            rec.custom.append(CustomField(name, value, label))


# the reader of each block of tags (0xx identifiers, 2xx description, 7xx agents…)
_BLOCK_READERS = {
    "0": _read_0xx,
    "1": _read_1xx,
    "2": _read_2xx,
    "3": _read_3xx,
    "4": _read_4xx,
    "6": _read_6xx,
    "7": _read_7xx,
    "8": _read_8xx,
    "9": _read_9xx,
}


def _read_fields(rec: Record, scan: _Scan, marc: list[list[Any]]) -> None:
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
        reader = _BLOCK_READERS.get(tag[0])
        if reader is not None:
            reader(rec, scan, field, subs)


def _finish(rec: Record, scan: _Scan) -> None:
    """What needs every field read first: year, notes, agents from 200 $f, host, doc type."""
    leader = rec.original.leader
    # PMB writes every 210 again as 214: keep a 214 only when it says something new
    for publication in scan.publications_214:
        if publication not in rec.publication:
            rec.publication.append(publication)
    for publication in rec.publication:
        rec.year = _year(publication.date)
        if rec.year is not None:
            break
    if rec.year is None:
        rec.year = scan.year100
    if scan.contents:
        rec.contents = "\n".join(scan.contents)
    if scan.abstracts:
        rec.abstract = "\n\n".join(scan.abstracts)
    if not scan.has_7xx:
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
    _read_fields(rec, scan, marc)
    _finish(rec, scan)
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


_Built = list[list[Any] | None]  # fields as `_field` makes them (None: nothing to write)


def _build_leader(record: Record) -> str:
    codes = _DOC_LEADERS.get(record.doc_type, "am0")
    if codes[1] == "m" and record.bib_level in ("c", "i"):  # a collection, a loose-leaf
        codes = codes[0] + record.bib_level + codes[2]
    return f"00000n{codes} 2200000   450 "


def _write_identifiers(record: Record) -> _Built:
    out: _Built = []
    ident = str(record.id) if record.id is not None else record.source_id
    if ident:
        out.append(["001", ident])
    for i in record.identifiers:
        q = i.qualifier
        if i.scheme == "isbn":
            out.append(
                _field("010", " ", " ", [("a", i.value), ("d" if _PRICE.search(q) else "b", q)])
            )
        elif i.scheme == "issn":
            out.append(_field("011", " ", " ", [("a", i.value), ("b", q)]))
        elif i.scheme in ("doi", "pmid"):
            out.append(_field("014", " ", " ", [("b", i.value)]))
        elif i.scheme == "ean":
            out.append(_field("073", " ", " ", [("a", i.value), ("b", q)]))
        else:
            out.append(_field("017", " ", " ", [("a", i.value), ("2", i.scheme)]))
    return out


_CODED_105 = {"thesis": "y   m   000y ", "report": "y   p   000y ", "proceedings": "y       100y "}


def _write_coded(record: Record) -> _Built:
    """100 (year), 101 (languages), 102 (country), 105 (thesis, report, proceedings)."""
    date_type = "a" if record.doc_type == "periodical" else "d"
    out: _Built = [["100", " ", " ", [["a", _coded_100(record.year, date_type)]]]]
    if record.languages or record.original_languages:
        subs = [("a", v) for v in record.languages]
        subs += [("c", v) for v in record.original_languages]
        out.append(_field("101", "1" if record.original_languages else "0", " ", subs))
    if record.country:
        out.append(_field("102", " ", " ", [("a", record.country)]))
    coded_105 = _CODED_105.get(record.doc_type)
    if coded_105:
        out.append(["105", " ", " ", [["a", coded_105]]])
    return out


def _write_description(record: Record) -> _Built:
    """200 title, 205 edition, 210 publication, 215 physical, 225 series."""
    title = [("a", record.title or "[sans titre]")]
    title += [("d", t) for t in record.parallel_titles]
    title += [("e", record.other_title), ("f", record.responsibility)]
    if record.doc_type == "issue" and record.host:
        title += [("h", record.host.number), ("i", record.host.issue_title)]
    out: _Built = [_field("200", "1", " ", title)]
    if record.edition:
        out.append(_field("205", " ", " ", [("a", record.edition)]))
    for p in record.publication:
        out.append(_field("210", " ", " ", [("a", p.place), ("c", p.publisher), ("d", p.date)]))
    if record.year is not None and not any(p.date for p in record.publication):
        out.append(_field("210", " ", " ", [("d", str(record.year))]))
    extent = record.extent
    if not extent and record.host and record.doc_type in ("article", "chapter"):
        extent = record.host.pages
    physical = [("a", extent), ("c", record.illustrations), ("d", record.dimensions)]
    out.append(_field("215", " ", " ", [*physical, ("e", record.accompanying)]))
    for s in record.series:
        out.append(_field("225", "2", " ", [("a", s.title), ("v", s.number), ("x", s.issn)]))
    return out


def _write_notes(record: Record) -> _Built:
    out: _Built = [_field("300", " ", " ", [("a", note)]) for note in record.notes]
    if record.contents:
        out.append(_field("327", "1", " ", [("a", record.contents)]))
    if record.abstract:
        out.append(_field("330", " ", " ", [("a", record.abstract)]))
    return out


def _write_host(record: Record) -> _Built:
    """461 the periodical (463 its issue) of an article or issue, 463 the book of a chapter."""
    host = record.host
    if not host:
        return []
    host_id = [("9", f"id:{host.authority_id}")] if host.authority_id else []
    if record.doc_type == "chapter":
        book = [("t", host.title), ("y", host.isbn), ("x", host.issn), ("v", host.number)]
        return [_field("463", " ", " ", book + host_id)]
    perio = [("t", host.title), ("x", host.issn), ("y", host.isbn), ("v", host.volume)]
    out: _Built = [_field("461", " ", " ", perio + host_id)]
    if record.doc_type != "issue":
        issue = [("t", host.issue_title), ("v", host.number), ("d", host.date_iso)]
        out.append(_field("463", " ", " ", [*issue, ("e", host.date)]))
    return out


def _write_subjects(record: Record) -> _Built:
    out: _Built = []
    for s in record.subjects:
        pmb = [("9", f"id:{s.authority_id}")] if s.authority_id else []
        if s.thesaurus.isdigit():
            pmb.append(("9", f"idthes:{s.thesaurus}"))
        elif s.thesaurus:
            pmb.append(("2", s.thesaurus))
        if s.uri:
            pmb.append(("9", f"uri:{s.uri}"))
        tag = _SUBJECT_TAGS.get(s.kind, "606")
        out.append(
            _field(tag, " ", " ", [("a", s.label)] + [("x", d) for d in s.subdivisions] + pmb)
        )
    if record.keywords:
        # PMB's way: the whole keyword string in one $a, split on ";" when read back
        out.append(_field("610", "0", " ", [("a", " ; ".join(record.keywords))]))
    for c in record.classifications:
        tag = _SCHEME_TAGS.get(c.scheme, "686")
        extra = [("2", c.scheme)] if tag == "686" and c.scheme != "other" else []
        out.append(_field(tag, " ", " ", [("a", c.number), ("l", c.label)] + extra))
    return out


def _write_agents(record: Record) -> _Built:
    out: _Built = []
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
            out.append(_field("70" + digit, " ", "1", subs + [("4", agent.role)] + ids))
        else:
            place_code = "e" if agent.kind == "meeting" else "L"
            subs = [("a", agent.name), ("b", agent.subordinate), (place_code, agent.place)]
            subs += [("f", agent.dates), ("4", agent.role)]
            ind1 = "1" if agent.kind == "meeting" else "0"
            out.append(_field("71" + digit, ind1, "2", subs + ids))
    return out


def _write_links(record: Record) -> _Built:
    out: _Built = []
    for link in record.links:
        if link.kind == "thumbnail":
            out.append(_field("896", " ", " ", [("a", link.url)]))
        elif link.kind == "attachment":
            subs = [("a", link.url), ("b", link.label), ("t", link.format)]
            out.append(_field("897", " ", " ", subs))
        else:
            subs = [("u", link.url), ("q", link.format), ("z", link.label)]
            out.append(_field("856", "4", " ", subs))
    for cf in record.custom:
        out.append(_field("900", " ", " ", [("a", cf.value), ("l", cf.label), ("n", cf.name)]))
    return out


def _write_items(record: Record) -> _Built:
    out: _Built = []
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
            out.append(_field("996", " ", " ", subs))
        else:
            subs = common + [
                ("o", item.status_code),
                ("q", item.section_code),
                ("d", item.location_code),
            ]
            out.append(_field("995", " ", " ", subs))
    return out


# in this order, which the sort below keeps for fields of one tag
_FAMILY_WRITERS = (
    _write_identifiers,
    _write_coded,
    _write_description,
    _write_notes,
    _write_host,
    _write_subjects,
    _write_agents,
    _write_links,
    _write_items,
)


def _build(record: Record) -> tuple[str, list[list[Any]]]:
    """UNIMARC fields from the model alone (a MARC21, RIS or BibTeX record going out as UNIMARC)."""
    fields = [f for write in _FAMILY_WRITERS for f in write(record) if f is not None]
    # tag order (stable: repeated fields keep theirs), except that subjects and agents keep
    # the model's order whatever their tags: it must read back the same (the first subject is
    # the main one)
    fields.sort(key=_build_order)
    return _build_leader(record), fields


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
