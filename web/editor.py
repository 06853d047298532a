"""Cataloguing on the web: the record editor, history, restore, delete and undelete.

Under `/personnel/notices`, for documentalists and administrators. Every save goes to the store
(the truth, with its history) and then through the indexer's incremental update, so the public
search shows it at once; every export is written from the saved record. A save begun on an
older version is refused with the difference (`Store.save_edit`), never merged silently; a new
record that shares a match key with a stored one is shown beside it first, with « Enregistrer
quand même ». Periodicals the PMB way: from a periodical, « Nouveau numéro »; from an issue,
« Nouvel article » — the new record's host is filled from it (title, ISSN, volume, number, date).
"""

from __future__ import annotations

import copy
import uuid
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Response

from catalogue.errors import EditConflict, StoreError
from catalogue.record import DOC_TYPES, Host, Record
from catalogue.thesaurus import Thesaurus
from web import editform
from web.auth import login_required
from web.recorddiff import diff
from web.searching import get_searcher, get_store

bp = Blueprint("editor", __name__, url_prefix="/personnel/notices")

MAX_ID = 2**63 - 1
LOCAL_SOURCE = "docbase"  # the source of records catalogued here


def _actor() -> str:
    return current_user.account.username


def _stored(record_id: int, deleted: bool = False) -> Record:
    record = get_store().get(record_id, deleted=deleted) if record_id <= MAX_ID else None
    if record is None:
        raise NotFound()
    return record


def reindex() -> None:
    """Bring the search index up to date after a save (the indexer's incremental update)."""
    from indexer import build

    build.update(get_store(), Path(current_app.config["INDEX_DIR"]))


# -- pages --------------------------------------------------------------------------------------
def _render(values: dict[str, Any], record: Record | None, status: int = 200, **extra: Any):
    doc_type = values.get("doc_type") or "book"
    return (
        render_template(
            "staff/editor.html",
            values=values,
            record=record,
            groups=editform.groups_for(doc_type),
            main_parts=editform.MAIN_PARTS,
            errors=extra.pop("errors", {}),
            warnings=extra.pop("warnings", []),
            version=extra.pop("version", ""),
            **extra,
        ),
        status,
    )


def _host_from(record_id: int) -> tuple[str, Host]:
    """The type and host of a record catalogued « in » another: an issue of a periodical, an
    article of an issue (inheriting the periodical's title and ISSN)."""
    parent = _stored(record_id)
    if parent.doc_type == "periodical":
        issn = next(iter(parent.issns), "")
        return "issue", Host(title=parent.title, issn=issn, authority_id=f"docbase:{parent.id}")
    if parent.doc_type == "issue" and parent.host is not None:
        host = copy.deepcopy(parent.host)
        host.issue_title = host.issue_title or parent.title
        host.authority_id = f"docbase:{parent.id}"
        return "article", host
    raise BadRequest(_("On ne catalogue « dans » qu'un périodique ou un numéro."))


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required()
def new() -> Any:
    if request.method == "POST":
        return _post(None)
    doc_type = request.args.get("type", "book")
    record = Record(doc_type=doc_type if doc_type in DOC_TYPES else "book")
    inside = request.args.get("dans", "")
    if inside.isdigit():
        record.doc_type, record.host = _host_from(int(inside))
    return _render(editform.to_form(record), None, inside=inside if inside.isdigit() else "")


@bp.route("/<int:record_id>/modifier", methods=["GET", "POST"])
@login_required()
def edit(record_id: int) -> Any:
    record = _stored(record_id)
    if request.method == "POST":
        return _post(record)
    version = get_store().version(record_id)
    return _render(editform.to_form(record), record, version=version)


def _post(stored: Record | None) -> Any:
    form = request.form
    values = editform.posted(form)
    version = form.get("version", "")
    inside = form.get("dans", "")
    extra = {"version": version, "inside": inside if inside.isdigit() else ""}
    if form.get("_add") or form.get("_retype"):  # a form round trip, nothing saved
        return _render(values, stored, **extra)
    errors, warnings = editform.validate(values)
    if errors:
        return _render(values, stored, 422, errors=errors, warnings=warnings, **extra)
    record = editform.apply(values, copy.deepcopy(stored) if stored else _new_record(form))
    store = get_store()
    Thesaurus(store).link(record)  # descriptors point at their concepts, preferred terms
    duplicates = store.get_many(store.likely_duplicates(record))
    if stored is None and duplicates and not form.get("_force"):
        return _render(values, None, 409, duplicates=duplicates, warnings=warnings, **extra)
    try:
        if stored is None:
            outcome = store.save(record, actor=_actor())
        else:
            outcome = store.save_edit(record, version, actor=_actor())
    except EditConflict as conflict:
        changes = diff(conflict.current.to_dict(), record.to_dict())
        return _render(
            values,
            stored,
            409,
            conflict=conflict,
            changes=changes,
            version=conflict.version,
            inside=extra["inside"],
        )
    reindex()
    for warning in warnings:
        flash(str(warning), "info")
    flash(_("Notice enregistrée."), "success")
    return redirect(url_for("editor.view", record_id=outcome.record_id), 303)


def _new_record(form: Any) -> Record:
    record = Record(source=LOCAL_SOURCE, source_id=uuid.uuid4().hex)
    inside = form.get("dans", "")
    if inside.isdigit() and int(inside) <= MAX_ID and get_store().get(int(inside)):
        record.host = Host(authority_id=f"docbase:{inside}")  # the issue or periodical it is in
    return record


@bp.route("/<int:record_id>")
@login_required()
def view(record_id: int) -> str:
    store = get_store()
    record = _stored(record_id, deleted=True)
    deleted = store.get(record_id) is None
    return render_template(
        "staff/record.html",
        record=record,
        deleted=deleted,
        parts=store.get_many(store.hosted_by(f"docbase:{record_id}")),
    )


STATEFUL = ("edit", "update", "delete")  # history rows whose `before` is a state of the record


@bp.route("/<int:record_id>/historique")
@login_required()
def history(record_id: int) -> str:
    record = _stored(record_id, deleted=True)
    entries = get_store().history(record_id)
    current = record.to_dict()
    rows = []
    for index, entry in enumerate(entries):
        later = [e for e in entries[index + 1 :] if e.action in STATEFUL and e.before]
        after = later[0].before if later else current
        changes = []
        if entry.action in ("edit", "update") and entry.before is not None:
            changes = diff(entry.before, after)
        # reverting the next state-carrying row brings back the version this row made
        restorable = entry.action in ("create", "edit", "update") and bool(later)
        rows.append((entry, changes, later[0].seq if restorable else None))
    return render_template("staff/history.html", record=record, rows=list(reversed(rows)))


@bp.route("/<int:record_id>/restaurer", methods=["POST"])
@login_required()
def restore_version(record_id: int) -> Response:
    seq = request.form.get("seq", "")
    if not seq.isdigit():
        raise BadRequest(_("Version inconnue."))
    try:
        get_store().revert(record_id, int(seq), actor=_actor())
    except StoreError as exc:
        raise BadRequest(str(exc)) from None
    reindex()
    flash(_("Version rétablie."), "success")
    return redirect(url_for("editor.history", record_id=record_id), 303)


@bp.route("/<int:record_id>/supprimer", methods=["GET", "POST"])
@login_required()
def delete(record_id: int) -> Any:
    record = _stored(record_id)
    if request.method == "GET" or not request.form.get("confirmer"):
        return render_template("staff/delete.html", record=record)
    get_store().delete(record_id, actor=_actor())
    reindex()
    flash(_("Notice supprimée : elle peut être rétablie."), "success")
    return redirect(url_for("editor.view", record_id=record_id), 303)


@bp.route("/<int:record_id>/retablir", methods=["POST"])
@login_required()
def undelete(record_id: int) -> Response:
    try:
        get_store().restore(record_id, actor=_actor())
    except StoreError as exc:
        raise BadRequest(str(exc)) from None
    reindex()
    flash(_("Notice rétablie."), "success")
    return redirect(url_for("editor.view", record_id=record_id), 303)


# -- autocomplete -------------------------------------------------------------------------------
COMPLETIONS = {"author": "author", "descriptor": "descriptor", "series": "series"}


@bp.route("/autocompletion/<kind>")
@login_required()
def complete(kind: str) -> Response:
    """Values of the authority lists already in the catalogue, for the editor's inputs."""
    prefix = request.args.get("q", "").strip()[:100]
    if len(prefix) < 2:
        return jsonify([])
    if kind == "publisher":
        return jsonify(get_store().publishers(prefix, limit=10))
    if kind == "descriptor":  # the thesaurus's preferred terms first, then the catalogue's
        preferred = Thesaurus(get_store()).complete(prefix, limit=10)
        if len(preferred) >= 10:
            return jsonify(preferred)
    facet = COMPLETIONS.get(kind)
    if facet is None:
        raise NotFound()
    from indexer.search import SearchRequest

    result = get_searcher().facet_values(facet, SearchRequest(), prefix=prefix, per_page=10)
    values = [v.label or v.value for v in result.values]
    if kind == "descriptor":
        values = list(dict.fromkeys([*preferred, *values]))[:10]
    return jsonify(values)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["editor_groups"] = editform.GROUPS
