"""Subject access: subjects ↔ 600-655, keywords ↔ 653, classifications ↔ 050/080/082/084."""

from __future__ import annotations

from catalogue.marc.families import Family, _tags
from catalogue.marc.field import Field
from catalogue.marc.marc21.common import (
    ByTag,
    MarcField,
    clean,
    data_field,
    joined,
    sub_value,
    sub_values,
)
from catalogue.record import Classification, Record, Subject

SUBJECTS = Family(
    "subjects", ("subjects",), _tags("600", "610", "611", "630", "648", "650", "651", "655")
)
KEYWORDS = Family("keywords", ("keywords",), _tags("653"))
CLASSIFICATIONS = Family("classifications", ("classifications",), _tags("050", "080", "082", "084"))

_SUBJECT_KINDS = {
    "600": "person", "610": "corporate", "611": "corporate", "630": "title",
    "648": "topic", "650": "topic", "651": "geographic", "655": "form",
}  # fmt: skip
_SUBJECT_THESAURI = {"0": "lcsh", "1": "lcshac", "2": "mesh", "3": "nal", "5": "cash", "6": "rvm"}
_SUBDIVISIONS = frozenset("vxyz")
_SUBJECT_TAGS = {
    "topic": "650", "geographic": "651", "person": "600", "corporate": "610", "title": "630",
    "form": "655",
}  # fmt: skip
_THESAURUS_IND2 = {v: k for k, v in _SUBJECT_THESAURI.items()}


def read_subjects(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Subjects (6xx), in field order: the first is the main one."""
    for f in marc:
        tag = f[0]
        kind = _SUBJECT_KINDS.get(tag)
        if kind is None or len(f) != 4:
            continue
        label_codes = {"600": "abcdqt", "610": "abcdnt", "611": "acdent", "630": "adfklnpst"}.get(
            tag, "ab"
        )
        label = joined(f, label_codes, " ")
        if not label:
            continue
        authority = ""
        uri = ""
        for c, v in f[3]:
            if c == "0" and not authority and not v.startswith("http"):
                authority = v.strip()
            elif c in "01" and not uri and v.startswith("http"):
                uri = v.strip()
        thesaurus = sub_value(f, "2").strip() if f[2] == "7" else _SUBJECT_THESAURI.get(f[2], "")
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


def write_subjects(record: Record) -> list[Field]:
    out: list[Field] = []
    for s in record.subjects:
        tag = _SUBJECT_TAGS.get(s.kind, "650")
        ind2 = _THESAURUS_IND2.get(s.thesaurus, "7" if s.thesaurus else "4")
        ind1 = "1" if tag == "600" else "2" if tag == "610" else " "
        subs = [("a", s.label)] + [("x", d) for d in s.subdivisions]
        subs += [("0", s.authority_id), ("1", s.uri)]
        if ind2 == "7":
            subs.append(("2", s.thesaurus))
        out += data_field(tag, ind1, ind2, subs)
    return out


def read_keywords(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Uncontrolled keywords (653 $a), without repeats."""
    for f in fields("653", ()):
        for v in sub_values(f, "a"):
            keyword = clean(v)
            if keyword and keyword not in record.keywords:
                record.keywords.append(keyword)


def write_keywords(record: Record) -> list[Field]:
    if not record.keywords:
        return []
    return data_field("653", " ", " ", [("a", k) for k in record.keywords])


def read_classifications(record: Record, fields: ByTag, marc: list[MarcField], f008: str) -> None:
    """Classifications."""
    for f in fields("082", ()):
        for v in sub_values(f, "a"):
            number = v.strip().replace("/", "").replace("'", "")
            if number:
                record.classifications.append(Classification(number, scheme="dewey"))
    for f in fields("080", ()):
        for v in sub_values(f, "a"):
            if v.strip():
                record.classifications.append(Classification(v.strip(), scheme="udc"))
    for f in fields("050", ()):
        a = sub_values(f, "a")
        if a:
            number = " ".join([a[0].strip(), *[v.strip() for v in sub_values(f, "b")[:1]]]).strip()
            record.classifications.append(Classification(number, scheme="lcc"))
    for f in fields("084", ()):
        for v in sub_values(f, "a"):
            if v.strip():
                record.classifications.append(
                    Classification(v.strip(), scheme=sub_value(f, "2").strip() or "other")
                )


def write_classifications(record: Record) -> list[Field]:
    out: list[Field] = []
    for c in record.classifications:
        if c.scheme == "dewey":
            out += data_field("082", "0", "4", [("a", c.number)])
        elif c.scheme == "udc":
            out += data_field("080", " ", " ", [("a", c.number)])
        elif c.scheme == "lcc":
            out += data_field("050", " ", "4", [("a", c.number)])
        else:
            out += data_field("084", " ", " ", [("a", c.number), ("2", c.scheme)])
    return out
