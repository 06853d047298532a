"""Document type ↔ the leader (/06 type of record, /07 bibliographic level, /08 hierarchy) and
the coded fields 100 (entry date, date type, year, charset) and 105 (thesis, report, proceedings).

The type family patches leader/06-08 into an original leader; 100 is no family's (its year
positions 9-12 belong to the publication family, `description.PUBLICATION`), 105 is read for the
doc type but travels unchanged. On the way out every record declares UTF-8 in 100 and gets
PMB's leader (`leader_for_pmb`, `with_utf8_100`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from catalogue.marc.families import Family
from catalogue.marc.unimarc.common import UTF8_CHARSET, _Built, _first, _Scan
from catalogue.record import YEAR, Record

TYPE = Family("type", ("doc_type", "bib_level"), positions=(("leader", 6, 9),))

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
_THESIS_CODES = frozenset("mv")
_CODED_105 = {"thesis": "y   m   000y ", "report": "y   p   000y ", "proceedings": "y       100y "}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_100(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    coded = _first(subs, "a")
    # "0001", "9999" and the like say "unknown", not a year
    if YEAR.fullmatch(coded[9:13]):
        scan.year100 = int(coded[9:13])


def read_105(rec: Record, scan: _Scan, field: list, subs: list) -> None:
    coded = _first(subs, "a").ljust(13)
    contents_codes = coded[4:8]
    scan.thesis = scan.thesis or bool(_THESIS_CODES & set(contents_codes))
    scan.report = scan.report or "p" in contents_codes
    scan.proceedings = scan.proceedings or coded[8] == "1"


def doc_type(leader: str, rec: Record, scan: _Scan) -> str:
    """The doc type, once every field is read (the host decides article or chapter)."""
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


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_leader(record: Record) -> str:
    codes = _DOC_LEADERS.get(record.doc_type, "am0")
    if codes[1] == "m" and record.bib_level in ("c", "i"):  # a collection, a loose-leaf
        codes = codes[0] + record.bib_level + codes[2]
    return f"00000n{codes} 2200000   450 "


def write_100(record: Record) -> _Built:
    date_type = "a" if record.doc_type == "periodical" else "d"
    return [["100", " ", " ", [["a", _coded_100(record.year, date_type)]]]]


def write_105(record: Record) -> _Built:
    coded_105 = _CODED_105.get(record.doc_type)
    return [["105", " ", " ", [["a", coded_105]]]] if coded_105 else []


def _coded_100(year: int | None, date_type: str) -> str:
    entered = date.today().strftime("%Y%m%d")
    year_text = f"{year:04d}" if year is not None and 0 <= year <= 9999 else "    "
    # 0–7 entered, 8 type of date, 9–16 dates, 17–19 audience, 20 gov., 21 modified, 22–24
    # cataloguing language, 25 transliteration, 26–29 charset, 30–33 more charsets, 34–35 script
    return f"{entered}{date_type}{year_text}{'':7}y0frey{UTF8_CHARSET}    ba"


def leader_for_pmb(leader: str) -> str:
    leader = (leader or "").ljust(24)[:24]
    return leader[:9] + " " + leader[10:20] + "450 "


def with_utf8_100(fields: list[list[Any]]) -> list[list[Any]]:
    """The fields with 100 $a/26-29 saying UTF-8 (a 100 added when there is none)."""
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
