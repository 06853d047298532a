"""unAPI (`/unapi`): the formats a record can be fetched in, for Zotero and other tools, and the
embedded metadata of the pages (COinS, `<meta>` tags, JSON-LD: web/embedded.py).

unAPI 1.0: `/unapi` lists the formats (200), `/unapi?id=N` lists them for a record (300),
`/unapi?id=N&format=F` answers the record in that format; an unknown record is 404, an
unknown format 406, a format without an id 400. Zotero picks, among the formats listed for
every record, the first it knows in the order mods, marc, unimarc, ris, bibtex: the list names
MARC21 `marc` and UNIMARC `unimarc`, each written from the current record whatever its origin.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request, url_for
from markupsafe import Markup, escape

from catalogue import formats
from catalogue.errors import FormatError
from catalogue.record import Record
from web import embedded
from web.searching import get_store

bp = Blueprint("unapi", __name__)

# unAPI name → the registry's format; names Zotero's unAPI translator recognises come first
UNAPI_FORMATS: dict[str, str] = {
    "marc": "marc21",
    "unimarc": "unimarc",
    "marcxml": "marcxml",
    "ris": "ris",
    "bibtex": "bibtex",
    "oai_dc": "dc",
}
_DOCS = {
    "marc": "http://www.loc.gov/marc/bibliographic/",
    "unimarc": "https://www.ifla.org/references/best-practice-for-national-bibliographic-agencies-in-a-digital-age/resource-description-and-standards/unimarc/",
    "marcxml": "http://www.loc.gov/standards/marcxml/",
    "ris": "https://en.wikipedia.org/wiki/RIS_(file_format)",
    "bibtex": "https://www.bibtex.org/Format/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}
MAX_ID = 2**63 - 1


def offered() -> dict[str, formats.Format]:
    """The unAPI formats whose writer exists in the registry (all of them once exports do)."""
    out = {}
    for name, registry_name in UNAPI_FORMATS.items():
        fmt = formats.FORMATS.get(registry_name)
        if fmt is not None and fmt.writer:
            out[name] = fmt
    return out


def _formats_xml(record_id: str | None) -> str:
    head = f' id="{escape(record_id)}"' if record_id else ""
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<formats{head}>']
    for name, fmt in offered().items():
        lines.append(f'  <format name="{name}" type="{fmt.mime}" docs="{_DOCS[name]}"/>')
    lines.append("</formats>\n")
    return "\n".join(lines)


def _xml(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="application/xml")


@bp.route("/unapi")
def unapi() -> Response:
    record_id, name = request.args.get("id", ""), request.args.get("format", "")
    if not record_id:
        if name:
            return _xml(_formats_xml(None), 400)
        return _xml(_formats_xml(None))
    record = _record(record_id)
    if record is None:
        return Response("notice inconnue (unknown record)\n", 404, mimetype="text/plain")
    if not name:
        return _xml(_formats_xml(record_id), 300)
    fmt = offered().get(name)
    if fmt is None:
        return _xml(_formats_xml(record_id), 406)
    try:
        body = b"".join(fmt.write([record]))
    except FormatError as exc:  # a format this record cannot be written in
        return Response(f"{exc}\n", 406, mimetype="text/plain")
    return Response(body, mimetype=fmt.mime)


def _record(value: str) -> Record | None:
    if not value.isdigit() or int(value) > MAX_ID:
        return None
    return get_store().get(int(value))


# -- template helpers ------------------------------------------------------------------------


def record_url(record: Record) -> str:
    return url_for("opac.record", record_id=record.id, _external=True)


def page_metadata(record: Record) -> Markup:
    """What goes in a record page's `<head>` besides the unAPI server: meta tags, JSON-LD."""
    url = record_url(record)
    parts = [
        Markup('<meta name="{}" content="{}">').format(name, value)
        for name, value in embedded.meta_tags(record, url)
    ]
    parts.append(embedded.json_ld(record, url))
    return Markup("\n  ").join(parts)


def coins_for(ids: list[int]) -> dict[int, Markup]:
    """COinS spans and unAPI ids of the records of a result list or basket, read at once."""
    records = get_store().get_many(ids)
    return {
        r.id: embedded.coins(r, record_url(r)) + unapi_id(r.id)
        for r in records
        if r.id is not None  # fmt: skip
    }


def unapi_id(record_id: int | None) -> Markup:
    return Markup('<abbr class="unapi-id" title="{}"></abbr>').format(record_id)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        page_metadata=page_metadata, coins_for=coins_for, unapi_id=unapi_id
    )
