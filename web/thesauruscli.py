"""`docbase thesaurus import | show`: the thesaurus from the shell (thin over catalogue.thesaurus)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from catalogue.errors import CatalogueError
from catalogue.store import Store
from catalogue.thesaurus import FORMATS, Concept, ImportReport, Thesaurus


@click.group("thesaurus", help="Le thésaurus : importer, consulter (the thesaurus).")
def thesaurus_group() -> None:
    pass


def report_lines(name: str, report: ImportReport) -> list[str]:
    """The import report in French, as the CLI prints it and the import page shows it."""
    return [
        f"{name} [{report.format}] lus {report.read}, nouveaux {report.new},"
        f" mis à jour {report.updated}, inchangés {report.unchanged}",
        *(f"  {warning}" for warning in report.warnings),
    ]


@thesaurus_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="skos ou csv (défaut : deviné).")
@with_appcontext
def import_command(path: Path, fmt: str | None) -> None:
    """Importer un thésaurus SKOS (Turtle, RDF/XML) ou CSV (import a thesaurus file)."""
    with Store(current_app.config["STORE_PATH"]) as store:
        try:
            report = Thesaurus(store).import_file(path.read_bytes(), fmt, path.name, "import")
        except CatalogueError as exc:
            raise click.ClickException(f"{path.name} : {exc}") from None
        click.echo("\n".join(report_lines(path.name, report)))
        if (report.new or report.updated) and store.count():
            from indexer import build  # the descriptor facet shows the new broader terms

            build.rebuild(store, Path(current_app.config["INDEX_DIR"]))
            click.echo("index reconstruit : la hiérarchie du thésaurus est dans les facettes")


@thesaurus_group.command("show")
@click.argument("term")
@with_appcontext
def show_command(term: str) -> None:
    """Afficher un concept : libellés, génériques, spécifiques (show a concept)."""
    from web.cli import argv_text

    term = argv_text(term)
    with Store(current_app.config["STORE_PATH"]) as store:
        thesaurus = Thesaurus(store)
        concept = thesaurus.find(term)
        if concept is None:
            near = thesaurus.complete(term, limit=5)
            hint = f" ; termes proches : {' ; '.join(near)}" if near else ""
            raise click.ClickException(f"terme inconnu du thésaurus : « {term} »{hint}")
        if concept.pref_label != term:
            click.echo(f"« {term} » : employer « {concept.pref_label} »")
        click.echo("\n".join(_concept_lines(thesaurus, concept)))


def _concept_lines(thesaurus: Thesaurus, concept: Concept) -> list[str]:
    def names(ids: list[str]) -> str:
        return " ; ".join(c.pref_label for c in thesaurus.many(ids))

    chain = " > ".join(c.pref_label for c in thesaurus.broader_chain(concept.id))
    rows = [
        ("Anglais", concept.pref_label_en),
        ("URI", concept.uri),
        ("Termes non retenus", " ; ".join(concept.alt_labels)),
        ("Termes génériques", names(concept.broader)),
        ("Chaîne", chain if len(chain.split(" > ")) > 1 else ""),
        ("Termes spécifiques", names(concept.narrower)),
        ("Termes associés", names(concept.related)),
        ("Note d'application", concept.scope_note),
        ("Notices indexées", str(thesaurus.record_count(concept))),
    ]
    return [f"{concept.pref_label} ({concept.id})"] + [f"  {k} : {v}" for k, v in rows if v]
