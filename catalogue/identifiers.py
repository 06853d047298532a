"""Check digits of the ISBNs and ISSNs of a record, said in its warnings.

One place for every reader: `store.prepare` calls `check_identifiers` on each record before it
is saved, so a number mistyped in a spreadsheet, a RIS export or a MARC record is flagged the
same way. The number is kept as written (it is what the document or the source says); only a
wrong check digit is flagged — a value that is not shaped like an ISBN or ISSN at all ("br. :
12 €" in a MARC field) is left to its reader.
"""

from __future__ import annotations

from stdnum import isbn, issn
from stdnum.exceptions import InvalidChecksum, ValidationError

from catalogue.record import Record

_CHECKERS = {"isbn": isbn.validate, "issn": issn.validate}
_MARK = "with a wrong check digit)"  # the English end of our warnings: how to find them again


def wrong_check_digit(scheme: str, value: str) -> bool:
    """Whether `value` is shaped like an ISBN or ISSN (`scheme`) but its check digit is wrong."""
    checker = _CHECKERS.get(scheme)
    if checker is None:
        return False
    try:
        checker(value.split("(")[0].strip())
    except InvalidChecksum:
        return True
    except ValidationError:
        return False  # not shaped like one: nothing to say about its check digit
    return False


def problem(scheme: str, value: str) -> str:
    """What is wrong with an ISBN or ISSN typed in the editor: "checksum", "format" or ""."""
    checker = _CHECKERS.get(scheme)
    if checker is None:
        return ""
    try:
        checker(value.strip())
    except InvalidChecksum:
        return "checksum"
    except ValidationError:
        return "format"
    return ""


def check_identifiers(record: Record) -> None:
    """Warn (in `record.original.warnings`) of each ISBN/ISSN with a wrong check digit, the
    host's included; warnings of an earlier check are replaced, so that a fixed number loses
    its warning and a record saved twice is not warned twice."""
    numbers = [(i.scheme, i.value) for i in record.identifiers]
    if record.host is not None:
        numbers += [("isbn", record.host.isbn), ("issn", record.host.issn)]
    warnings = [w for w in record.original.warnings if not w.endswith(_MARK)]
    for scheme, value in numbers:
        if value and wrong_check_digit(scheme, value):
            name = scheme.upper()
            warning = (
                f"{name} « {value} » : clé de contrôle fausse, numéro gardé tel quel "
                f"({name} {_MARK}"
            )
            if warning not in warnings:
                warnings.append(warning)
    record.original.warnings = warnings
