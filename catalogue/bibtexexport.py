"""BibTeX export: one entry per record, in UTF-8, with stable citation keys.

Encoding: the text stays UTF-8, which biber/biblatex, LaTeX itself (UTF-8 is its input encoding
since 2018), JabRef and Zotero read as it is, and which keeps « Politique de la ville » readable
in the file. Only what breaks any BibTeX tool is escaped: the LaTeX specials (& % $ # _ { } ~ ^
\\), and `--`, ``` `` ``` and `''`, which LaTeX would turn into a dash and quotes. Names are the
exception: their accented letters are written as LaTeX commands in braces (« {\\'E}mile »),
because classic BibTeX abbreviates a forename byte by byte and would cut « É » in two; the
braces make it one « special character », which BibTeX sorts and abbreviates right.

In titles, a word holding a capital after the first word is braced (« aux {États-Unis} »), so
that styles which lower-case titles keep proper nouns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from pylatexenc.latexencode import UnicodeToLatexEncoder

from catalogue import exportview as view
from catalogue.languages import LANGUAGE_NAMES
from catalogue.record import Agent, Record, relator_label
from catalogue.text import fold, language_code

# doc_type → entry type: classic BibTeX types, BibLaTeX's where BibTeX has none (BibTeX styles
# print those as @misc)
ENTRY_TYPES: dict[str, str] = {
    "book": "book", "periodical": "periodical", "issue": "periodical", "article": "article",
    "thesis": "phdthesis", "report": "techreport", "chapter": "incollection",
    "proceedings": "proceedings", "web": "online",
}  # fmt: skip
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "{": r"\{", "}": r"\}",
}  # fmt: skip
_SPECIAL = re.compile(r"[\\&%$#_~^{}]|--|``|''")
_LIGATURE = {"--": "-{}-", "``": "`{}`", "''": "'{}'"}
_NAME_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
_STOP_WORDS = {
    "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "au", "aux", "et", "en", "a",
    "the", "an", "of", "on", "in", "for", "to", "and",
}  # fmt: skip


def escape(text: str) -> str:
    """A value for a braced BibTeX field: the specials escaped, the rest as it is."""
    text = " ".join(text.split()) if "\n" not in text else text
    if not _SPECIAL.search(text):
        return text
    specials = _SPECIALS
    if text.count("{") != text.count("}"):  # BibTeX counts even escaped braces: spell them
        specials = {**_SPECIALS, "{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
    return _SPECIAL.sub(lambda m: specials.get(m.group(0)) or _LIGATURE[m.group(0)], text)


def title(text: str) -> str:
    """A title escaped, each word with a capital after the first word braced."""
    words = text.split(" ")
    out = [escape(words[0])]
    for word in words[1:]:
        protect = any(c.isupper() for c in word)
        out.append(f"{{{escape(word)}}}" if protect else escape(word))
    return " ".join(out)


def name(agent: Agent) -> str:
    """« Surname, Forename » with accents as LaTeX commands; a body braced whole."""
    if agent.kind != "person":
        return f"{{{escape(view.one_line(agent.display_name))}}}"
    surname = _latex_letters(escape(view.one_line(agent.name)))
    if " " in surname:
        surname = f"{{{surname}}}"  # « {Van Zanten} »: no von part, no first name guessed
    if not agent.forename:
        return surname
    forename = _latex_letters(escape(view.one_line(agent.forename)))
    return f"{surname}, {{{forename}}}" if "," in forename else f"{surname}, {forename}"


_LATIN_LETTER = re.compile(r"[\u00c0-\u017f]")  # Latin-1 and Latin Extended-A letters


def _latex_letters(text: str) -> str:
    """Accented Latin letters as LaTeX commands; anything else (« ʼ », Cyrillic) as it is."""
    if text.isascii():
        return text
    return _LATIN_LETTER.sub(lambda m: _NAME_ENCODER.unicode_to_latex(m.group(0)), text)


def names(agents: list[Agent]) -> str:
    return " and ".join(name(a) for a in agents)


def entry_type(record: Record) -> str:
    if record.doc_type == "thesis":
        said = fold(" ".join([record.other_title, *record.notes]))
        return "mastersthesis" if re.search(r"\b(memoire|master|diploma)\b", said) else "phdthesis"
    if record.doc_type == "proceedings" and record.bib_level == "a":
        return "inproceedings"
    return ENTRY_TYPES.get(record.doc_type, "misc")


# -- one function per field family: record → (field, already escaped value) -----------------


def _people(record: Record) -> list[tuple[str, str]]:
    return [
        ("author", names(view.authors(record))),
        ("editor", names(view.editors(record))),
        ("translator", names(view.agents_with(record, "730"))),
    ]


def _titles(record: Record) -> list[tuple[str, str]]:
    out = [("title", title(view.one_line(record.title)))]
    out.append(("subtitle", title(view.one_line(record.other_title))))
    host = record.host.title if record.host else ""
    if record.doc_type == "article":
        out.append(("journal", escape(host)))
    elif record.bib_level == "a":
        out.append(("booktitle", title(view.one_line(host))))
    if record.series and record.bib_level != "a":
        out += [("series", escape(record.series[0].title)), ("number", record.series[0].number)]
    return out


def _publication(record: Record) -> list[tuple[str, str]]:
    year, month, _day = view.iso_date(record)
    place = view.publisher(record)
    grantors = [a.display_name for a in record.agents if view.is_degree_grantor(a)]
    out = [("year", year), ("month", _MONTHS[int(month) - 1] if month else "")]
    if record.doc_type == "thesis":
        out.append(("school", escape(grantors[0] if grantors else place.publisher)))
    elif record.doc_type == "report":
        out.append(("institution", escape(place.publisher)))
    else:
        out.append(("publisher", escape(place.publisher)))
    out += [("address", escape(place.place)), ("edition", escape(record.edition))]
    return out


def _numbering(record: Record) -> list[tuple[str, str]]:
    out = []
    if record.host and record.bib_level == "a":
        start, end = view.page_range(record.host.pages)
        out += [("volume", escape(record.host.volume)), ("number", escape(record.host.number))]
        out.append(("pages", f"{escape(start)}--{escape(end)}" if end else escape(start)))
    else:
        out.append(("pagetotal", view.page_count(record.extent)))
    out.append(("isbn", ", ".join(view.labelled(n, "isbn") for n in view.isbns(record))))
    out.append(("issn", ", ".join(view.labelled(n, "issn") for n in view.issns(record))))
    return out


def _keyword(word: str) -> str:
    word = escape(view.one_line(word))
    return f"{{{word}}}" if "," in word or ";" in word else word


def _content(record: Record) -> list[tuple[str, str]]:
    words = [s.heading for s in record.subjects] + record.keywords
    keywords = ", ".join(_keyword(w) for w in dict.fromkeys(w for w in words if w.strip()))
    notes = list(record.notes)
    notes += [
        f"{relator_label(a.role)} : {a.sort_name}"
        for a in view.other_contributors(record) + view.agents_with(record, "727")
        if a.role
    ]
    languages = [_language(c) for c in record.languages]
    return [
        ("keywords", keywords),
        ("abstract", escape(record.abstract)),
        ("note", escape("\n\n".join(n.strip() for n in notes if n.strip()))),
        ("language", escape(", ".join(languages))),
    ]


def _language(code: str) -> str:
    """biblatex's name (« french », which it prints in the document's language), or the code
    when the name would not read back as it (« Turkish, Ottoman »)."""
    english = LANGUAGE_NAMES.get(code, ("", ""))[1].lower()
    return english if english and language_code(english) == code else code


def _links(record: Record) -> list[tuple[str, str]]:
    urls = [u.url for u in record.links if u.kind in ("resource", "attachment") and u.url]
    # verbatim fields: LaTeX's \url reads them as they are, braces aside
    url = re.sub(r"[{}\s]", lambda m: f"%{ord(m.group(0)):02X}", urls[0]) if urls else ""
    return [("doi", record.doi.replace("{", "").replace("}", "")), ("url", url)]


FIELD_FAMILIES: list[Callable[[Record], list[tuple[str, str]]]] = [
    _people, _titles, _publication, _numbering, _content, _links,
]  # fmt: skip


class CitationKeys:
    """author + year + first word of the title (« donzelot2003faire »), ASCII; a second record
    with the same key in one export gets « a », the next « b »…"""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def key(self, record: Record) -> str:
        people = view.authors(record) or view.editors(record) or record.agents
        who = _ascii(people[0].name) if people and people[0].kind == "person" else ""
        if people and not who:  # a body: its first word that says something
            words = [w for w in fold(people[0].name).split() if w not in _STOP_WORDS]
            who = _ascii(words[0]) if words else ""
        words = [w for w in fold(record.title[:80]).split() if w not in _STOP_WORDS] or ["notice"]
        year, _, _ = view.iso_date(record)
        base = f"{who}{year}{_ascii(words[0])}" if who else f"{_ascii(words[0])}{year}"
        base = base or f"notice{record.id or ''}"
        key = base
        for suffix in _suffixes():
            if key not in self.used:
                break
            key = base + suffix
        self.used.add(key)
        return key


def _suffixes() -> Iterator[str]:
    """a … z, then a1 … z1, a2 …: never ends."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for count in itertools.count(1):
        yield from (f"{c}{count}" for c in letters)


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def entry_text(record: Record, key: str) -> str:
    lines = [f"@{entry_type(record)}{{{key},"]
    for family in FIELD_FAMILIES:
        for field, value in family(record):
            if not value.strip():
                continue
            lines.append(
                f"  {field} = {value}," if field == "month" else f"  {field} = {{{value}}},"
            )
    return "\n".join(lines) + "\n}\n\n"


def write(records: Iterable[Record]) -> Iterator[bytes]:
    """BibTeX in UTF-8, one chunk per entry, after a comment that says the encoding (JabRef's)."""
    keys = CitationKeys()
    yield b"% Encoding: UTF-8\n\n"
    for record in records:
        yield entry_text(record, keys.key(record)).encode("utf-8")
