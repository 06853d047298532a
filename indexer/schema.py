"""The Whoosh schema and `Record → document`.

Text fields are analysed (French stems, or folded names); facet and sort fields hold exact values
as plain terms, one list per record, so that the searcher can turn their postings into
document → value arrays (see `arrays.py`) instead of relying on Whoosh's single-valued columns.
"""

from __future__ import annotations

import re
from typing import Any

from whoosh import formats
from whoosh.analysis import IDTokenizer
from whoosh.fields import ID, STORED, TEXT, FieldType, Schema

from catalogue.dedupe import normalise_isbn, normalise_issn
from catalogue.record import HIERARCHY_SEP, Agent, Record
from indexer.analysis import (
    ENGLISH,
    english,
    fold_letters,
    french_analyzer,
    name_analyzer,
    spell_analyzer,
    terms,
)

# 3: corporate author values keep their subdivisions; light French stemming, English analysis
# of English records; one document per work (indexer/works.py). An older index is rebuilt.
SCHEMA_VERSION = 3


class ValuesField(FieldType):
    """Exact, list-valued terms without scoring: facet values, sort keys, identifiers."""

    def __init__(self) -> None:
        super().__init__(formats.Existence(), IDTokenizer(), scorable=False, stored=False)

    def index(self, value: Any, **kwargs: Any):
        values = [value] if isinstance(value, str) else value
        return ((v.encode("utf-8"), 1, 1.0, b"") for v in dict.fromkeys(values) if v)


# Text fields searched by the query language: field key → (Whoosh field, analysis mode).
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("title", "stem"),
    "author": ("author", "name"),
    "subject": ("subject", "stem"),
    "abstract": ("abstract", "stem"),
    "publisher": ("publisher", "name"),
    "series": ("series", "stem"),
    "callnumber": ("callnumber", "name"),
    "other": ("other", "stem"),
}
# A free word ("all") is looked for in each of these fields, scored with these boosts (BM25F).
# There is no catch-all field: it would double the postings written, the main cost of indexing.
DEFAULT_FIELDS: dict[str, float] = {
    "title": 3.0,
    "subject": 2.0,
    "author": 1.0,
    "abstract": 1.0,
    "publisher": 1.0,
    "series": 1.0,
    "callnumber": 1.0,
    "other": 1.0,
}

# Facet name → values field.
FACET_FIELDS: dict[str, str] = {
    "doc_type": "f_doctype",
    "year": "f_year",
    "language": "f_lang",
    "author": "f_author",
    "descriptor": "f_descriptor",
    "keyword": "f_keyword",
    "series": "f_series",
    "source": "f_source",
    "availability": "f_avail",
    "custom": "f_custom",
}
SORT_FIELDS = {"title": "s_title", "author": "s_author", "id": "s_id"}
ARRAY_FIELDS = [*FACET_FIELDS.values(), *SORT_FIELDS.values()]
# Adjacent term pairs of these fields are indexed as terms of `pairs` ("title:scienc polit"), so
# that a phrase there is an intersection of postings, not a check of positions hit by hit
# (Whoosh took 130 ms for "science politique" at 100k records, 2 ms this way).
PAIR_FIELDS = ("title", "subject")


def pair_term(field: str, first: str, second: str, mode: str = "stem") -> str:
    """English pairs apart ("title.en:"): a French pair must not meet an English one that
    happens to share its stems ("politique sociale", "politics of socialism")."""
    if mode == "stem_en":
        return f"{field}.en:{first} {second}"
    return f"{field}:{first} {second}"


def pair_terms(field: str, text: str) -> list[str]:
    """The adjacent pairs of each line of a field (a line is one subject, one title)."""
    mode = TEXT_FIELDS[field][1]
    if mode == "stem" and text.startswith(ENGLISH):
        mode, text = "stem_en", text[len(ENGLISH) :]
    out = []
    for line in text.split("\n"):
        words = terms(line, mode)
        out += [pair_term(field, a, b, mode) for a, b in zip(words, words[1:], strict=False)]
    return out


def make_schema() -> Schema:
    fr, names = french_analyzer(), name_analyzer()
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        "other": TEXT(analyzer=fr),
        "title": TEXT(analyzer=fr, stored=True),
        "author": TEXT(analyzer=names),
        "subject": TEXT(analyzer=fr),
        "abstract": TEXT(analyzer=fr),
        "publisher": TEXT(analyzer=names),
        "series": TEXT(analyzer=fr),
        "callnumber": TEXT(analyzer=names),
        "spell": TEXT(analyzer=spell_analyzer(), phrase=False),
        "isbn": ValuesField(),
        "pairs": ValuesField(),
        # stored for result lists
        "year": STORED(),
        "doc_type": STORED(),
        "authors": STORED(),
        "publisher_name": STORED(),
        "host_title": STORED(),
        "online": STORED(),
        "summary": STORED(),
        "sources": STORED(),  # the work's source bases, and its other copies' record ids
        "copies": STORED(),
    }
    for name in ARRAY_FIELDS:
        fields[name] = ValuesField()
    return Schema(**fields)


_LEADING_ARTICLE = re.compile(r"^(?:(?:le|la|les|un|une|des|the|a|an|l|der|die|das)\s+|l')")


def sort_title(title: str) -> str:
    """Title sort key: folded, leading article dropped ("Les politiques…" files under P)."""
    key = fold_letters(title).strip(" \"'«»[]().")
    key = _LEADING_ARTICLE.sub("", key)
    return key[:80]


def isbn_terms(record: Record) -> list[str]:
    """ISBNs as 13 digits and as printed without hyphens; ISSNs as 8 characters."""
    out = []
    for value in record.isbns + ([record.host.isbn] if record.host and record.host.isbn else []):
        digits = re.sub(r"[^0-9Xx]", "", value.split("(")[0]).lower()
        isbn = normalise_isbn(value)
        out += [t for t in (isbn, digits) if t]
    for value in record.issns + ([record.host.issn] if record.host and record.host.issn else []):
        issn = normalise_issn(value)
        if issn:
            out.append(issn.replace("-", "").lower())
    return list(dict.fromkeys(out))


def descriptor_values(record: Record) -> list[str]:
    """Descriptor facet values; a heading with subdivisions also counts under its ancestors."""
    out = []
    for subject in record.descriptors:
        label = subject.label.strip()
        if not label:
            continue
        out.append(label)
        path = label
        for sub in subject.subdivisions:
            if sub.strip():
                path = f"{path}{HIERARCHY_SEP}{sub.strip()}"
                out.append(path)
    return list(dict.fromkeys(out))


def author_value(agent: Agent) -> str:
    """An agent's author-facet value: a person "Name, Forename"; a corporate body its whole
    heading, subdivisions included ("France. Ministère de la justice", not "France")."""
    name = agent.sort_name if agent.kind == "person" else agent.display_name
    return name.strip()


def availability(record: Record) -> list[str]:
    out = []
    if any(link.url and link.kind != "thumbnail" for link in record.links):
        out.append("online")
    if record.items:
        out.append("onsite")
    return out


def facet_values(record: Record) -> dict[str, list[str]]:
    """Facet name → the record's values (what the facet counts)."""
    return {
        "doc_type": [record.doc_type] if record.doc_type else [],
        "year": [f"{record.year:04d}"] if record.year and 0 < record.year < 10000 else [],
        "language": [lang.strip().lower() for lang in record.languages if lang.strip()],
        "author": [v for v in map(author_value, record.agents) if v],
        "descriptor": descriptor_values(record),
        "keyword": [k.strip() for k in record.keywords if k.strip()],
        "series": [s.title.strip() for s in record.series if s.title.strip()],
        "source": [record.source] if record.source else [],
        "availability": availability(record),
        "custom": [f"{c.name}={c.value}" for c in record.custom if c.value],
    }


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def is_english(record: Record) -> bool:
    """Records whose (first) language is English get English analysis of their text fields."""
    return record.languages[:1] == ["eng"]


def record_to_document(record: Record) -> dict[str, Any]:
    """The Whoosh document of a record (the store's record id is its key)."""
    title = record.title
    if record.other_title:
        title = f"{title} : {record.other_title}"
    names = [a.display_name for a in record.agents]
    subjects = [s.label for s in record.subjects] + [
        sub for s in record.subjects for sub in s.subdivisions
    ]
    publishers = [p.publisher for p in record.publication if p.publisher]
    series = [f"{s.title} {s.number}".strip() for s in record.series]
    host = record.host
    host_text = _join(host.title, host.issue_title, host.number) if host else ""
    calls = [i.call_number for i in record.items if i.call_number]
    idents = [i.value for i in record.identifiers]
    abstract = record.abstract
    other = _join(
        *record.parallel_titles,
        record.contents,
        *record.notes,
        host_text,
        *idents,
        *(c.value for c in record.custom),
        str(record.year or ""),
    )
    author_text = _join(*names, record.responsibility)
    subject_text = _join(*subjects, *record.keywords)
    mark = english if is_english(record) else str
    doc: dict[str, Any] = {
        "id": str(record.id),
        "title": mark(title),
        "_stored_title": title,  # without the analysis mark
        "author": author_text,
        "subject": mark(subject_text),
        "abstract": mark(abstract),
        "publisher": _join(*publishers),
        "series": mark(_join(*series)),
        "callnumber": _join(*calls),
        "other": mark(other),
        # words "did you mean" and prefixes may propose: the descriptive fields, not the notes
        "spell": _join(title, author_text, subject_text, *series, *publishers),
        "pairs": pair_terms("title", mark(title)) + pair_terms("subject", mark(subject_text)),
        "isbn": isbn_terms(record),
        "year": record.year,
        "doc_type": record.doc_type,
        "authors": names[:20],
        "publisher_name": publishers[0] if publishers else "",
        "host_title": host.title if host else "",
        "online": "online" in availability(record),
        "summary": abstract[:1500],
        "sources": [record.source] if record.source else [],
        "copies": [],
    }
    for name, values in facet_values(record).items():
        doc[FACET_FIELDS[name]] = values
    first = record.first_author
    doc["s_title"] = [sort_title(record.title)]
    doc["s_author"] = [fold_letters(first.sort_name)[:60]] if first else []
    doc["s_id"] = [str(record.id)]
    return doc
