"""The thesaurus in the staff workspace (`/personnel/thesaurus`): browse (top concepts, narrower
terms, A–Z, search), a concept's page, its editor, and the import of a SKOS or CSV file.

Every view needs a staff login; documentalists and administrators both edit. Forms are WTForms
under the site's own CSRF check (web/security.py), as in web/auth.py. Views only call
`catalogue.thesaurus`; the pages are noindex like every page under /personnel (web/auth.py).
"""

from __future__ import annotations

import string
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
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
from werkzeug.wrappers import Response
from wtforms import Form, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

from catalogue.errors import CatalogueError
from catalogue.text import fold
from catalogue.thesaurus import Concept, Thesaurus
from web.auth import login_required
from web.searching import get_store
from web.thesauruscli import report_lines

bp = Blueprint("thesaurus", __name__, url_prefix="/personnel/thesaurus")


class ConceptForm(Form):
    pref_label = StringField("Terme préféré", [InputRequired(), Length(max=200)])
    alt_labels = TextAreaField("Termes non retenus", [Length(max=10_000)])
    broader = StringField("Termes génériques", [Length(max=2_000)])
    scope_note = TextAreaField("Note d'application", [Length(max=10_000)])
    version = HiddenField()


class ImportForm(Form):
    format = StringField("Format", [AnyOf(["", "skos", "csv"])])


def thesaurus() -> Thesaurus:
    return Thesaurus(get_store())


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: Any) -> None:
    """A thesaurus file is larger than the site's forms: raise the limit for its upload only.
    URL preprocessors run before the app's CSRF check, which is what reads the body."""
    if endpoint == "thesaurus.upload":
        request.max_content_length = int(current_app.config["THESAURUS_MAX_UPLOAD"])


@bp.route("/")
@login_required()
def browse() -> str:
    t = thesaurus()
    query = request.args.get("q", "").strip()[:200]
    found = t.search(query) if query else []
    return render_template(
        "staff/thesaurus/browse.html",
        query=query,
        found=found,
        tops=[] if query else t.top_concepts(),
        count=t.count(),
        why={c.id: _matched(c, query) for c in found},
    )


def _matched(concept: Concept, query: str) -> str:
    """The non-preferred label a search found a concept by, if not its preferred one."""
    needle = fold(query)
    if needle in fold(concept.pref_label):
        return ""
    return next((a for a in concept.alt_labels if needle in fold(a)), "")


@bp.route("/az/")
@bp.route("/az/<letter>")
@login_required()
def az(letter: str = "a") -> str:
    letter = fold(letter)[:1]
    if not letter:
        abort(404)
    return render_template(
        "staff/thesaurus/az.html",
        letter=letter,
        letters=string.ascii_lowercase,
        concepts=thesaurus().by_letter(letter),
    )


@bp.route("/concept/<concept_id>")
@login_required()
def concept(concept_id: str) -> str:
    t = thesaurus()
    found = t.get(concept_id)
    if found is None:
        abort(404)
    linked = {c.id: c for c in t.many(found.broader + found.narrower + found.related)}
    return render_template(
        "staff/thesaurus/concept.html",
        concept=found,
        chain=list(reversed(t.broader_chain(found.id))),
        linked=linked,
        records=t.record_count(found),
        history=list(reversed(t.history(found.id)))[:10],
    )


@bp.route("/concept/<concept_id>/modifier", methods=["GET", "POST"])
@login_required()
def edit(concept_id: str) -> Any:
    t = thesaurus()
    found = t.get(concept_id)
    if found is None:
        abort(404)
    if request.method == "GET":
        form = ConceptForm(
            pref_label=found.pref_label,
            alt_labels="\n".join(found.alt_labels),
            broader=" ; ".join(c.pref_label for c in t.many(found.broader)),
            scope_note=found.scope_note,
            version=found.updated,
        )
        return render_template("staff/thesaurus/edit.html", concept=found, form=form, error="")
    form = ConceptForm(request.form)
    error, status = "", 400
    if not form.validate():
        error = _("Le terme préféré est obligatoire (200 caractères au plus).")
    else:
        try:
            t.edit(
                concept_id,
                pref_label=form.pref_label.data or "",
                alt_labels=(form.alt_labels.data or "").replace(";", "\n").splitlines(),
                broader_labels=[b for b in (form.broader.data or "").split(";") if b.strip()],
                scope_note=form.scope_note.data or "",
                actor=current_user.account.username,
                expected=form.version.data or None,
            )
        except CatalogueError as exc:
            error = str(exc)
            status = 409 if "quelqu'un d'autre" in error else 400
        else:
            flash(_("Concept enregistré."), "success")
            return redirect(url_for("thesaurus.concept", concept_id=concept_id), 303)
    return render_template(
        "staff/thesaurus/edit.html", concept=found, form=form, error=error
    ), status


@bp.route("/import", methods=["GET", "POST"])
@login_required()
def upload() -> Any:
    form = ImportForm(request.form)
    if request.method == "GET":
        return render_template("staff/thesaurus/import.html", form=form, lines=[], error="")
    upload = request.files.get("fichier")
    data = upload.read() if upload else b""
    name = (upload.filename or "") if upload else ""
    if not data or not form.validate():
        error = _("Choisissez un fichier SKOS (Turtle, RDF/XML) ou CSV.")
        return render_template("staff/thesaurus/import.html", form=form, lines=[], error=error), 400
    try:
        report = thesaurus().import_file(
            data, form.format.data or None, name, current_user.account.username
        )
    except CatalogueError as exc:
        return render_template(
            "staff/thesaurus/import.html", form=form, lines=[], error=f"{name} : {exc}"
        ), 400
    return render_template(
        "staff/thesaurus/import.html", form=form, lines=report_lines(name, report), error=""
    )


@bp.route("/suggestions")
@login_required()
def suggestions() -> Response:
    """The editor's autocomplete: preferred terms starting with `q` (JSON, as /suggestions)."""
    terms = thesaurus().complete(request.args.get("q", "")[:200], limit=10)
    return jsonify([{"kind": "descriptor", "label": term} for term in terms])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
