"""Match keys for duplicates across sources: same ISBN/ISSN, else same title + first author + year.

Duplicates are linked, never dropped: the store keeps both records and both provenances, and
points the later one at its match (`duplicate_of`).
"""

from __future__ import annotations

import re

from catalogue.record import Record
from catalogue.text import fold

_ISBN_CHARS = re.compile(r"[^0-9Xx]")


def normalise_isbn(value: str) -> str:
    """ISBN-13 digits from an ISBN-10 or -13 as printed ("2-7071-4185-7 (br.)"); '' if invalid."""
    digits = _ISBN_CHARS.sub("", value.split("(")[0]).upper()
    if len(digits) == 10 and digits[:9].isdigit():
        core = "978" + digits[:9]
    elif len(digits) == 13 and digits.isdigit():
        core = digits[:12]
    else:
        return ""
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(core)) % 10) % 10
    return core + str(check)


def normalise_issn(value: str) -> str:
    """ISSN as NNNN-NNNX, '' when the value is not one."""
    chars = _ISBN_CHARS.sub("", value).upper()
    if len(chars) != 8 or not chars[:7].isdigit():
        return ""
    return f"{chars[:4]}-{chars[4:]}"


def match_keys(record: Record) -> list[str]:
    """The keys under which a record is looked up; identifiers win over the title key."""
    keys = []
    for value in record.isbns:
        isbn = normalise_isbn(value)
        if isbn:
            keys.append(f"isbn:{isbn}")
    # A periodical's own ISSN identifies it; an article's host ISSN does not identify the article.
    for value in record.issns:
        issn = normalise_issn(value)
        if issn and record.doc_type in ("periodical", "issue"):
            keys.append(f"issn:{issn}")
    if keys:
        return sorted(set(keys))
    title = fold(record.title)[:120]
    if not title:
        return []
    author = record.first_author
    who = fold(author.name) if author else ""
    issue = fold(record.host.number) if record.host else ""
    return [f"tay:{title}|{who}|{record.year or ''}|{issue}"]
