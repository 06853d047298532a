"""Imports on the web (`/personnel/imports`): upload, preview, confirm or cancel, progress, report.

The upload is saved in a job folder and previewed in a process of its own (web/importjob.py):
what would be created, updated (with the difference), flagged as a duplicate, in conflict with a
local edit, or rejected (with its reason and raw text). « Confirmer » runs the import, again
outside the worker; the page refreshes itself while a step runs (a `<meta http-equiv=refresh>`,
so it works without JavaScript) and keeps the report afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from catalogue import formats
from web import importjob
from web.auth import login_required
from web.recorddiff import diff

bp = Blueprint("imports", __name__, url_prefix="/personnel/imports")

JOBS_LISTED = 30


def _root() -> Path:
    return Path(current_app.config["INSTANCE"]) / "imports"


def _folder(job_id: str) -> Path:
    if not job_id.isalnum() or len(job_id) != 32:
        abort(404)
    folder = _root() / job_id
    if not (folder / "state.json").is_file():
        abort(404)
    return folder


def _jobs() -> list[dict[str, Any]]:
    root = _root()
    if not root.is_dir():
        return []
    states = [importjob.read_state(f) for f in root.iterdir() if f.is_dir()]
    return sorted((s for s in states if s), key=lambda s: -s.get("created", 0))[:JOBS_LISTED]


@bp.route("/", methods=["GET"])
@login_required()
def index() -> str:
    return render_template(
        "staff/imports.html",
        jobs=_jobs(),
        formats=[f for f in formats.FORMATS.values() if f.reader],
    )


@bp.route("/", methods=["POST"])
@login_required()
def upload() -> Response:
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        raise BadRequest(_("Choisissez un fichier à importer."))
    fmt = request.form.get("format", "") or None
    if fmt is not None and fmt not in formats.IMPORT_FORMATS:
        raise BadRequest(_("Format inconnu."))
    name = secure_filename(upload.filename) or "import"
    source = request.form.get("source", "").strip()[:200] or name
    config = current_app.config
    folder = importjob.create(_root(), name, {
        "source": source, "format": fmt, "actor": current_user.account.username,
        "store": str(config["STORE_PATH"]), "index": str(config["INDEX_DIR"]),
        "rejects": str(config["REJECTS_DIR"]),
    })  # fmt: skip
    upload.save(folder / "upload.dat")
    importjob.start(folder, "preview")
    return redirect(url_for("imports.job", job_id=folder.name), 303)


@bp.route("/<job_id>")
@login_required()
def job(job_id: str) -> str:
    state = importjob.read_state(_folder(job_id)) or {}
    updated = []
    for entry in (state.get("preview") or {}).get("examples", {}).get("updated", []):
        updated.append((entry, diff(entry["before"], entry["after"])))
    return render_template(
        "staff/import.html",
        state=state,
        running=state.get("phase") in importjob.RUNNING,
        updated=updated,
    )


@bp.route("/<job_id>/confirmer", methods=["POST"])
@login_required()
def confirm(job_id: str) -> Response:
    folder = _folder(job_id)
    state = importjob.read_state(folder) or {}
    if state.get("phase") != "ready":
        flash(_("Cet import n'attend pas de confirmation."), "info")
    else:
        importjob.start(folder, "import")
    return redirect(url_for("imports.job", job_id=job_id), 303)


@bp.route("/<job_id>/annuler", methods=["POST"])
@login_required()
def cancel(job_id: str) -> Response:
    folder = _folder(job_id)
    state = importjob.read_state(folder) or {}
    if state.get("phase") == "ready":
        importjob.update_state(folder, phase="cancelled")
        (folder / "upload.dat").unlink(missing_ok=True)
        flash(_("Import annulé : rien n'a été enregistré."), "success")
    return redirect(url_for("imports.job", job_id=job_id), 303)


def _upload_limit() -> None:
    """Uploads may be larger than the public forms' limit (set before the CSRF check reads
    the body)."""
    if request.method == "POST" and request.path.rstrip("/") == "/personnel/imports":
        request.max_content_length = int(current_app.config["IMPORT_MAX_BYTES"])


PHASES = {
    "queued": ("en attente", "queued"),
    "previewing": ("lecture du fichier", "reading the file"),
    "ready": ("aperçu prêt : à confirmer", "preview ready: to confirm"),
    "importing": ("import en cours", "importing"),
    "done": ("terminé", "done"),
    "failed": ("échec", "failed"),
    "cancelled": ("annulé", "cancelled"),
}


def phase_label(phase: str) -> str:
    from web.i18n import lang

    labels = PHASES.get(phase, (phase, phase))
    return labels[0] if lang() == "fr" else labels[1]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["phase_label"] = phase_label
    app.before_request_funcs.setdefault(None, []).insert(0, _upload_limit)
