"""Subjects ↔ 600-608 and 615-617, free keywords ↔ 610, classifications ↔ 675, 676, 680, 686.

Subjects keep PMB's $9 keys (id: authority, idthes: thesaurus, uri:) and their subdivisions
($x $y $z $j); 610 is PMB's way of free keywords: one $a split on ";" (else ",") when read, the
whole list in one $a when written (`split_keywords`).
"""

from __future__ import annotations

from catalogue import punctuation
from catalogue.marc.families import Family, _tags
from catalogue.marc.unimarc.common import (
    _authority,
    _Built,
    _clean,
    _dates,
    _field,
    _first,
    _join,
    _pmb_keys,
    _Scan,
    _trim,
    _values,
)
from catalogue.record import Classification, Record, Subject

SUBJECTS = Family("subjects", ("subjects",), _tags("600-608", "615-617"))
KEYWORDS = Family("keywords", ("keywords",), _tags("610"))
CLASSIFICATIONS = Family("classifications", ("classifications",), _tags("675", "676", "680", "686"))

SUBJECT_KINDS = {
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
_SUBJECT_TAGS = {
    "person": "600",
    "corporate": "601",
    "title": "605",
    "topic": "606",
    "geographic": "607",
    "form": "608",
}
SUBJECT_TAG_SET = frozenset(_SUBJECT_TAGS.values())
CLASSIFICATION_TAGS = {"675": "udc", "676": "dewey", "680": "lcc", "686": ""}
_SCHEME_TAGS = {"dewey": "676", "udc": "675", "lcc": "680"}


# --------------------------------------------------------------------------------------------
# Subjects ↔ 600-608, 615-617
# --------------------------------------------------------------------------------------------


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


def read_subject(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    label = _subject_label(tag, subs)
    if not label:
        return
    keys = _pmb_keys(subs)
    rec.subjects.append(
        Subject(
            label=label,
            kind=SUBJECT_KINDS[tag],
            authority_id=_authority(subs, keys),
            thesaurus=keys.get("idthes") or _clean(_first(subs, "2")),
            uri=keys.get("uri", ""),
            subdivisions=[_trim(v) for c, v in subs if c in "xyzj" and v],
        )
    )


def write_subjects(record: Record) -> _Built:
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
    return out


# --------------------------------------------------------------------------------------------
# Free keywords ↔ 610
# --------------------------------------------------------------------------------------------


def split_keywords(text: str) -> list[str]:
    """Free keywords from one 610 $a: split on ";" if present, else on ","; never on spaces."""
    text = _clean(text)
    sep = ";" if ";" in text else ","
    return [k for k in (part.strip(" .") for part in text.split(sep)) if k]


def read_keywords(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    for value in _values(subs, "a"):
        for keyword in split_keywords(value):
            if keyword not in rec.keywords:
                rec.keywords.append(keyword)


def write_keywords(record: Record) -> _Built:
    if not record.keywords:
        return []
    # PMB's way: the whole keyword string in one $a, split on ";" when read back
    return [_field("610", "0", " ", [("a", " ; ".join(record.keywords))])]


# --------------------------------------------------------------------------------------------
# Classifications ↔ 675 UDC, 676 Dewey, 680 LCC, 686 other ($2 the scheme)
# --------------------------------------------------------------------------------------------


def read_classification(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    tag = field[0]
    number = _clean(_join(_values(subs, "a"), " "))
    if tag == "680":
        number = _join([number, _clean(_first(subs, "b"))], " ")
    if not number:
        return
    scheme = CLASSIFICATION_TAGS[tag] or _clean(_first(subs, "2")).lower() or "other"
    rec.classifications.append(Classification(number, _clean(_first(subs, "l")), scheme))


def write_classifications(record: Record) -> _Built:
    out: _Built = []
    for c in record.classifications:
        tag = _SCHEME_TAGS.get(c.scheme, "686")
        extra = [("2", c.scheme)] if tag == "686" and c.scheme != "other" else []
        out.append(_field(tag, " ", " ", [("a", c.number), ("l", c.label)] + extra))
    return out
