"""The `docbase` command: a click group on the Flask app, so every command sees its settings.

Commands are thin: they translate options into calls of `catalogue` and `indexer`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from catalogue import formats
from catalogue.errors import CatalogueError
from catalogue.ingest import FileReport, import_paths
from catalogue.store import Store
from indexer.search import SORTS


def open_store() -> Store:
    return Store(current_app.config["STORE_PATH"])


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source", help="Base d'origine (source base); défaut : le nom du fichier.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats.IMPORT_FORMATS),
    help="Forcer le format (force the format) au lieu de le détecter.",
)
@click.option("--json", "as_json", is_flag=True, help="Le rapport en JSON sur stdout.")
@with_appcontext
def import_command(paths: tuple[Path, ...], source: str | None, fmt: str | None, as_json: bool):
    """Importer des fichiers de notices (import record files; a directory imports every file)."""
    bar = None
    if not as_json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit=" notices", file=sys.stderr, desc="Import")
    with open_store() as store:
        try:
            report = import_paths(
                store,
                paths,
                rejects_dir=Path(current_app.config["REJECTS_DIR"]),
                source=source,
                fmt=fmt,
                progress=bar.update if bar else None,
            )
        except CatalogueError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            if bar:
                bar.close()
        _after_import(store)
    data = report.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        for f in report.files:
            status = f"erreur : {f.error}" if f.error and not f.read else f.format
            click.echo(
                f"{f.path} [{status}] lues {f.read}, nouvelles {f.new}, mises à jour {f.updated},"
                f" inchangées {f.unchanged}, doublons {f.duplicates}, rejetées {f.rejected},"
                f" avec avertissements {f.warned}"
            )
            _echo_warnings(f)
            _echo_conflicts(f)
        click.echo(
            f"Total : {data['read']} lues, {data['new']} nouvelles, {data['updated']} mises à jour,"
            f" {data['unchanged']} inchangées, {data['duplicates']} doublons,"
            f" {data['rejected']} rejetées"
            + (
                f", {data['conflicts']} conflits avec des modifications locales"
                if data["conflicts"]
                else ""
            )
        )
        if report.reject_file:
            click.echo(f"Notices rejetées et raisons : {report.reject_file}")
        for error in data["errors"]:
            click.echo(f"Erreur : {error}", err=True)
    if report.failed_files:
        sys.exit(1)


def _echo_warnings(report: FileReport) -> None:
    for entry in report.warnings:
        for warning in entry["warnings"]:
            click.echo(f"  notice {entry['position']} ({entry['id']}) : {warning}")
    if report.warned > len(report.warnings):
        more = report.warned - len(report.warnings)
        click.echo(f"  … et {more} autres notices avec avertissements (voir chaque notice)")


def _echo_conflicts(report: FileReport) -> None:
    for entry in report.conflict_list:
        fields = ", ".join(entry["fields"])
        click.echo(
            f"  conflit, notice {entry['record_id']} : la base source a changé {fields},"
            " modifié(s) ici — la modification locale est gardée (local edit kept)"
        )
    if report.conflicts > len(report.conflict_list):
        click.echo(f"  … et {report.conflicts - len(report.conflict_list)} autres conflits")


def _after_import(store: Store) -> None:
    """Keep the index current after an import (the indexer follows the store's change feed)."""
    from indexer import build

    build.update(store, Path(current_app.config["INDEX_DIR"]))


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats.EXPORT_FORMATS),
    default="unimarc",
    show_default=True,
    help="Format d'export (export format).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Fichier (défaut : stdout).")
@click.option("-q", "--query", default="", help="Exporter les résultats d'une recherche.")
@click.option("--facet", "facets", multiple=True, metavar="NOM=VALEUR", help="Filtre de facette.")
@click.option("--exclude", "excludes", multiple=True, metavar="NOM=VALEUR", help="Exclure.")
@click.option(
    "--sort", type=click.Choice(SORTS), default="relevance", show_default=True, help="Ordre."
)
@with_appcontext
def export_command(fmt, output, query, facets, excludes, sort):
    """Exporter le catalogue, ou les résultats d'une recherche (export the store or a search)."""
    writer = formats.get(fmt)
    with open_store() as store:
        if query or facets or excludes:
            records = store.iter_many(_search_ids(query, facets, excludes, sort))
        else:
            records = store.iter_records()
        _write_out(writer.write(records), output)


def _search_ids(query: str, facets: tuple, excludes: tuple, sort: str) -> list[int]:
    from indexer.cli import run_record_ids

    try:
        return run_record_ids(
            current_app.config["INDEX_DIR"],
            argv_text(query),
            [argv_text(f) for f in facets],
            [argv_text(x) for x in excludes],
            sort=sort,
            themes_file=current_app.config.get("THEMES_FILE"),
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _write_out(chunks, output: Path | None) -> None:
    if output is None:
        out = sys.stdout.buffer
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        return
    tmp = output.with_name(output.name + ".part")  # a half-written file never takes the name
    with tmp.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    tmp.replace(output)


@click.command("index")
@click.option(
    "--rebuild", is_flag=True, help="Reconstruire à côté puis basculer (rebuild and swap)."
)
@click.option("--json", "as_json", is_flag=True, help="Les statistiques en JSON.")
@with_appcontext
def index_command(rebuild: bool, as_json: bool):
    """Mettre l'index à jour (bring the search index up to date)."""
    from indexer.cli import format_index_stats, run_index

    stats = run_index(current_app.config["STORE_PATH"], current_app.config["INDEX_DIR"], rebuild)
    click.echo(json.dumps(stats, ensure_ascii=False) if as_json else format_index_stats(stats))


def argv_text(value: str) -> str:
    """An argument as the user typed it. Python decodes argv as UTF-8 with surrogateescape, so
    `café` typed in a Latin-1 terminal arrives as "caf\\udce9": re-read such bytes as Latin-1
    (cp1252 for its typographic quotes) instead of failing."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--facet", "facets", multiple=True, metavar="NOM=VALEUR", help="Filtre de facette.")
@click.option("--exclude", "excludes", multiple=True, metavar="NOM=VALEUR", help="Exclure.")
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
)
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON (total, hits, facets).")
@with_appcontext
def search_command(query, facets, excludes, sort, page, per_page, as_json):
    """Chercher dans le catalogue (search the catalogue)."""
    from indexer.cli import format_result, run_search

    try:
        result = run_search(
            current_app.config["INDEX_DIR"],
            " ".join(map(argv_text, query)),
            [argv_text(f) for f in facets],
            [argv_text(x) for x in excludes],
            sort=sort,
            page=page,
            per_page=per_page,
            themes_file=current_app.config.get("THEMES_FILE"),
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(format_result(result, as_json))


def init_app(app: Flask) -> None:
    from web import serve

    for command in (import_command, export_command, index_command, search_command):
        app.cli.add_command(command)
    serve.init_app(app)
    from web import staffcli

    app.cli.add_command(staffcli.user_group)
    from web import thesauruscli

    app.cli.add_command(thesauruscli.thesaurus_group)


def _create_app() -> Flask:
    from web import create_app

    return create_app()


main = FlaskGroup(
    name="docbase",
    create_app=_create_app,
    add_default_commands=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="docbase : catalogue et moteur de recherche du centre de ressources.",
)


if __name__ == "__main__":
    main()
