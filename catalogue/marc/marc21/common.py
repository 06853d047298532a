"""What every MARC21 family module shares: ISBD clean-up of values, subfield access, the
reader and writer signatures.

A reader fills its family's model attributes from the decoded fields (`ByTag` gives the data
fields of one tag); a writer returns its family's `Field`s, built from the model alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalogue.marc.field import Field
from catalogue.record import Record

MarcField = list[Any]  # the store's shape: [tag, value] or [tag, ind1, ind2, [[code, value]…]]
ByTag = Callable[[str, Any], Any]  # the data fields of one tag (dict.get)
Reader = Callable[[Record, ByTag, list[MarcField], str], None]  # (record, fields, marc, 008)
Writer = Callable[[Record], list[Field]]

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


def sub_values(field: MarcField, codes: str) -> list[str]:
    """Every value of the subfields whose code is in `codes`."""
    return [v for c, v in field[3] if c in codes]


def sub_value(field: MarcField, code: str) -> str:
    """The first value of subfield `code`, or ""."""
    for c, v in field[3]:
        if c == code:
            return v
    return ""


def joined(field: MarcField, codes: str, sep: str = " ") -> str:
    """The cleaned non-blank values of `codes`, joined by `sep`."""
    return sep.join(clean(v) for c, v in field[3] if c in codes and v.strip())


def data_field(tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> list[Field]:
    """A data field of the non-empty subfields, or none when every value is empty."""
    subs = [(c, v) for c, v in subfields if v]
    return [Field.data(tag, ind1, ind2, subs)] if subs else []
