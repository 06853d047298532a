"""OAI-PMH 2.0 at `/oai` (GET and POST): the six verbs, over the store, written from the current
record of each (formats: web/oaiformats.py, sets: web/oaisets.py, paging: web/harvest.py).

Identifiers are `oai:<OAI_REPOSITORY_IDENTIFIER>:<record id>`; datestamps are the store's
last change time in UTC, to the second; deleted records stay as headers with
`status="deleted"` (deletedRecord « persistent »). A bad request gets the OAI error element with
HTTP 200 (badVerb, badArgument, badResumptionToken, cannotDisseminateFormat, idDoesNotExist,
noRecordsMatch), never an error page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, g, request, url_for
from werkzeug.datastructures import MultiDict

from catalogue.marcxml import xml_attr, xml_text
from catalogue.store import Stamped
from indexer.themes import Theme, load_themes, resolve_themes_file
from web import security
from web.harvest import Harvest, TokenError, Tokens
from web.i18n import source_label
from web.oaiformats import METADATA_FORMATS, MetadataFormat
from web.oaisets import OaiSet, SetTree, ThemeMembers
from web.searching import get_store

bp = Blueprint("oai", __name__)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
MAX_ID = 2**63 - 1
# verb → (required arguments, optional ones); a resumptionToken replaces all of them
VERBS: dict[str, tuple[set[str], set[str]]] = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
}
RESUMABLE = {"ListSets", "ListIdentifiers", "ListRecords"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _utc(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def datestamp(store_time: str) -> str:
    """A store time (microseconds) as an OAI datestamp (seconds)."""
    return store_time[:19] + "Z"


@bp.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    response_date = _utc()
    args = request.form if request.method == "POST" else request.args
    verb = args.get("verb", "")
    params: dict[str, str] = {}
    try:
        params = _arguments(verb, args)
        body = HANDLERS[verb](params)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            params = {}  # the request element then carries no attributes (OAI-PMH 3.6)
        body = f'<error code="{error.code}">{xml_text(error.message)}</error>'
    attrs = "".join(f' {k}="{xml_attr(v)}"' for k, v in params.items())
    base_url = url_for("oai.endpoint", _external=True)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="{OAI_NS} {OAI_SCHEMA}">\n'
        f"<responseDate>{response_date}</responseDate>\n"
        f"<request{attrs}>{xml_text(base_url)}</request>\n{body}\n</OAI-PMH>\n"
    )
    return Response(text, mimetype="text/xml")


def _arguments(verb: str, args: MultiDict) -> dict[str, str]:
    """The request's arguments, verb first, checked against the verb's (OAI-PMH 3.1)."""
    if "verb" not in args:
        raise OaiError("badVerb", "argument verb absent (missing verb)")
    if len(args.getlist("verb")) > 1 or verb not in VERBS:
        raise OaiError("badVerb", f"verbe inconnu « {verb} » (illegal verb)")
    params = {"verb": verb}
    for name in args:
        values = args.getlist(name)
        if len(values) > 1:
            raise OaiError("badArgument", f"argument {name} répété (repeated argument)")
        if name != "verb":
            params[name] = values[0]
    required, optional = VERBS[verb]
    names = set(params) - {"verb"}
    if "resumptionToken" in names and verb in RESUMABLE:
        if names != {"resumptionToken"}:
            raise OaiError("badArgument", "resumptionToken est exclusif (exclusive argument)")
        return params
    if unknown := sorted(names - required - optional):
        raise OaiError("badArgument", f"argument inconnu : {', '.join(unknown)} (illegal)")
    if missing := sorted(required - names):
        raise OaiError("badArgument", f"argument requis : {', '.join(missing)} (missing)")
    return params


# -- shared pieces ---------------------------------------------------------------------------


def _repository() -> str:
    return str(current_app.config["OAI_REPOSITORY_IDENTIFIER"])


def _identifier(record_id: int | None) -> str:
    return f"oai:{_repository()}:{record_id}"


def _record_id(identifier: str) -> int:
    prefix = f"oai:{_repository()}:"
    number = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    if not number.isascii() or not number.isdigit() or int(number) > MAX_ID:
        raise OaiError("idDoesNotExist", f"identifiant inconnu « {identifier} » (unknown)")
    return int(number)


def _stamped(identifier: str) -> Stamped:
    stamped = get_store().get_stamped(_record_id(identifier))
    if stamped is None:
        raise OaiError("idDoesNotExist", f"identifiant inconnu « {identifier} » (unknown)")
    return stamped


def _format(prefix: str) -> MetadataFormat:
    fmt = METADATA_FORMATS.get(prefix)
    if fmt is None:
        known = ", ".join(METADATA_FORMATS)
        raise OaiError("cannotDisseminateFormat", f"format inconnu « {prefix} » ({known})")
    return fmt


def _set_tree() -> SetTree:
    config = current_app.config
    path = resolve_themes_file(config.get("THEMES_FILE"), config["INSTANCE"])
    stamp = path.stat().st_mtime_ns if path else 0
    return SetTree(get_store().sources(), _themes(path, stamp), source_label, _bibliographies())


def _bibliographies() -> dict[tuple[str, str], list[int]]:
    """Each curated bibliography's records, once per request (g)."""
    from web.bibliographies import members

    if "oai_bibliographies" not in g:
        g.oai_bibliographies = {(b.slug, b.title): members(b) for b in get_store().bibliographies()}
    return g.oai_bibliographies


@lru_cache(maxsize=4)
def _themes(path: Path | None, stamp: int) -> list[Theme]:
    """The themes file read again only when it changes (`stamp`: its modification time)."""
    return load_themes(path)


def _header(stamped: Stamped, tree: SetTree) -> str:
    status = ' status="deleted"' if stamped.deleted else ""
    specs = "".join(f"<setSpec>{xml_text(s)}</setSpec>" for s in tree.specs_of(stamped.record))
    return (
        f"<header{status}><identifier>{xml_text(_identifier(stamped.record.id))}</identifier>"
        f"<datestamp>{datestamp(stamped.updated)}</datestamp>{specs}</header>"
    )


def _record(stamped: Stamped, fmt: MetadataFormat, tree: SetTree) -> str:
    if stamped.deleted:
        return f"<record>{_header(stamped, tree)}</record>"
    metadata = fmt.write(stamped.record)
    return f"<record>{_header(stamped, tree)}<metadata>{metadata}</metadata></record>"


# -- the verbs -------------------------------------------------------------------------------


def identify(params: dict[str, str]) -> str:
    config = current_app.config
    earliest = get_store().first_update()
    return (
        "<Identify>"
        f"<repositoryName>{xml_text(str(config['SITE_NAME']))}</repositoryName>"
        f"<baseURL>{xml_text(url_for('oai.endpoint', _external=True))}</baseURL>"
        "<protocolVersion>2.0</protocolVersion>"
        f"<adminEmail>{xml_text(str(config['OAI_ADMIN_EMAIL']))}</adminEmail>"
        f"<earliestDatestamp>{datestamp(earliest) if earliest else _utc()}</earliestDatestamp>"
        "<deletedRecord>persistent</deletedRecord>"
        "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"
        "</Identify>"
    )


def list_metadata_formats(params: dict[str, str]) -> str:
    fmts = list(METADATA_FORMATS.values())
    if "identifier" in params:
        record = _stamped(params["identifier"]).record
        fmts = [f for f in fmts if f.disseminates(record)]
    items = "".join(
        f"<metadataFormat><metadataPrefix>{f.prefix}</metadataPrefix>"
        f"<schema>{xml_text(f.schema)}</schema>"
        f"<metadataNamespace>{xml_text(f.namespace)}</metadataNamespace></metadataFormat>"
        for f in fmts
    )
    return f"<ListMetadataFormats>{items}</ListMetadataFormats>"


def list_sets(params: dict[str, str]) -> str:
    if "resumptionToken" in params:  # every set is in the one answer: no token is ever issued
        raise OaiError("badResumptionToken", "ListSets ne donne pas de jeton (no token issued)")
    items = "".join(
        f"<set><setSpec>{xml_text(s.spec)}</setSpec><setName>{xml_text(s.name)}</setName></set>"
        for s in _set_tree().sets.values()
    )
    return f"<ListSets>{items}</ListSets>"


def get_record(params: dict[str, str]) -> str:
    stamped = _stamped(params["identifier"])
    fmt = _format(params["metadataPrefix"])
    if not fmt.disseminates(stamped.record):
        raise OaiError(
            "cannotDisseminateFormat",
            f"cette notice n'existe pas en {fmt.prefix} (not available in this format)",
        )
    return f"<GetRecord>{_record(stamped, fmt, _set_tree())}</GetRecord>"


def list_identifiers(params: dict[str, str]) -> str:
    return _list("ListIdentifiers", params)


def list_records(params: dict[str, str]) -> str:
    return _list("ListRecords", params)


HANDLERS: dict[str, Callable[[dict[str, str]], str]] = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


# -- list requests ---------------------------------------------------------------------------


def _tokens() -> Tokens:
    config = current_app.config
    return Tokens(str(config["SECRET_KEY"]), int(config["OAI_TOKEN_MINUTES"]))


def _bound(value: str, end: bool) -> tuple[str, str]:
    """(granularity, store time) of a from (start) or until (end) argument, bounds included."""
    try:
        if _DAY.match(value):
            datetime.strptime(value, "%Y-%m-%d")
            return "day", value + ("T23:59:59.999999Z" if end else "T00:00:00.000000Z")
        if _SECOND.match(value):
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return "second", value[:-1] + (".999999Z" if end else ".000000Z")
    except ValueError:
        pass
    raise OaiError("badArgument", f"date invalide « {value} » (YYYY-MM-DD[Thh:mm:ssZ])")


def _new_harvest(verb: str, params: dict[str, str], tree: SetTree) -> Harvest:
    fmt = _format(params["metadataPrefix"])
    since = until = None
    grains = set()
    if "from" in params:
        grain, since = _bound(params["from"], end=False)
        grains.add(grain)
    if "until" in params:
        grain, until = _bound(params["until"], end=True)
        grains.add(grain)
    if len(grains) > 1:
        raise OaiError("badArgument", "from et until de granularités différentes (mixed)")
    if since and until and since > until:
        raise OaiError("badArgument", "from est après until (from after until)")
    spec = params.get("set")
    if spec is not None and tree.get(spec) is None:
        raise OaiError("badArgument", f"set inconnu « {spec} » (unknown set)")
    store = get_store()
    harvest = Harvest(verb, fmt.prefix, store.last_id(), spec, since, until)
    oai_set = tree.get(spec) if spec else None
    if oai_set is not None and oai_set.bibliography is not None:
        return harvest  # its size: not counted ahead (completeListSize left out, as for themes)
    if oai_set is None or oai_set.theme is None:  # themes are matched record by record
        size = store.count_stamped(
            0, harvest.upto, since=since, until=until, source=_source(oai_set), marc21=fmt.marc21
        )
        harvest = replace(harvest, size=size)
    return harvest


def _source(oai_set: OaiSet | None) -> str | None:
    return oai_set.source if oai_set else None


def _page(harvest: Harvest, tree: SetTree, size: int) -> tuple[list[Stamped], bool]:
    """Up to `size` records after the harvest's last one, and whether more follow."""
    fmt = METADATA_FORMATS[harvest.prefix]
    oai_set = tree.get(harvest.set_spec) if harvest.set_spec else None
    # headers need no metadata; oai_dc none of the MARC fields
    with_marc = fmt.uses_marc and harvest.verb == "ListRecords"
    filters = {
        "since": harvest.since,
        "until": harvest.until,
        "source": _source(oai_set),
        "marc21": fmt.marc21,
    }
    store = get_store()
    if oai_set is None or (oai_set.theme is None and oai_set.bibliography is None):
        rows = store.stamped(  # SQL filters it all
            harvest.after, harvest.upto, **filters, limit=size + 1, with_marc=with_marc
        )
        return rows[:size], len(rows) > size
    if oai_set.bibliography is not None:
        members = tree.members[oai_set.spec]
    else:
        members = _theme_members().members(oai_set.theme)
    start, end = bisect_right(members, harvest.after), bisect_right(members, harvest.upto)
    found: list[Stamped] = []
    for pos in range(start, end, 500):
        found += store.stamped(
            harvest.after,
            harvest.upto,
            **filters,
            ids=members[pos : min(pos + 500, end)],
            limit=size + 1 - len(found),
            with_marc=with_marc,
        )
        if len(found) > size:
            break
    return found[:size], len(found) > size


def _theme_members() -> ThemeMembers:
    """The process's theme membership for this store and themes file, up to date."""
    config = current_app.config
    path = resolve_themes_file(config.get("THEMES_FILE"), config["INSTANCE"])
    key = (config["STORE_PATH"], path, path.stat().st_mtime_ns if path else 0)
    cache = current_app.extensions.setdefault("oai_theme_members", {})
    if key not in cache:
        cache.clear()  # another themes file: the old membership is no use
        cache[key] = ThemeMembers(_themes(*key[1:]))
    members = cache[key]
    members.refresh(get_store())
    return members


def _list(verb: str, params: dict[str, str]) -> str:
    tree = _set_tree()
    tokens = _tokens()
    resumed = "resumptionToken" in params
    if resumed:
        try:
            harvest = tokens.read(params["resumptionToken"], verb)
        except TokenError as exc:
            raise OaiError("badResumptionToken", str(exc)) from None
    else:
        harvest = _new_harvest(verb, params, tree)
    page_size = max(1, int(current_app.config["OAI_PAGE_SIZE"]))
    items, more = _page(harvest, tree, page_size)
    if not items:  # also a resumed list whose remaining records left it (a later until)
        raise OaiError("noRecordsMatch", "aucune notice ne correspond (no records match)")
    fmt = METADATA_FORMATS[harvest.prefix]
    if verb == "ListRecords":
        body = "".join(_record(s, fmt, tree) for s in items)
    else:
        body = "".join(_header(s, tree) for s in items)
    size = f' completeListSize="{harvest.size}"' if harvest.size is not None else ""
    cursor = f' cursor="{harvest.cursor}"'
    if more:
        token, expires = tokens.issue(harvest.next(items[-1].record.id or 0, len(items)))
        body += (
            f'<resumptionToken expirationDate="{expires}"{size}{cursor}>{token}</resumptionToken>'
        )
    elif resumed:  # the last page of a list that was split says so with an empty token
        body += f"<resumptionToken{size}{cursor}/>"
    return f"<{verb}>{body}</{verb}>"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    security.exempt_from_csrf(bp.name)  # harvesters POST without a session: nothing to forge
