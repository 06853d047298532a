"""`docbase bibliography create | add | remove | list | show | delete`: documentalists manage the
curated bibliographies here until the staff workspace exists. Every change is versioned in the
store (bibliography_history), like records."""

from __future__ import annotations

import json
from dataclasses import replace

import click
from flask.cli import with_appcontext

from catalogue.bibliography import Bibliography
from catalogue.citations import DEFAULT_STYLE, GROUPINGS, ORDERS, STYLES, CitationError
from catalogue.errors import StoreError
from web.searching import get_store

ACTOR = "docbase bibliography"


@click.group("bibliography")
def bibliography() -> None:
    """Bibliographies thématiques (curated bibliographies)."""


def _get(slug: str) -> Bibliography:
    bib = get_store().bibliography(slug)
    if bib is None:
        raise click.ClickException(f"bibliographie « {slug} » inconnue (unknown bibliography)")
    return bib


def _save(bib: Bibliography) -> Bibliography:
    try:
        return get_store().save_bibliography(bib, actor=ACTOR)
    except (CitationError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None


def _pairs(values: tuple[str, ...]) -> list[str]:
    """`--facet theme=logement` as the site writes it: `theme:logement`."""
    out = []
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep:
            name, sep, rest = value.partition(":")
        if not sep or not rest.strip():
            raise click.BadParameter(f"« {value} » : attendu NOM=VALEUR (expected NAME=VALUE)")
        out.append(f"{name.strip()}:{rest.strip()}")
    return out


def _ids(values: tuple[int, ...]) -> list[int]:
    store = get_store()
    missing = [i for i in values if store.get(i) is None]
    if missing:
        raise click.ClickException(f"notices inconnues (unknown records): {missing}")
    return list(values)


@bibliography.command("create")
@click.argument("slug")
@click.option("--title", required=True, help="Titre (title).")
@click.option(
    "--intro", "introduction", default="", help="Introduction (paragraphes : ligne vide)."
)
@click.option(
    "--query", default="", help="Recherche enregistrée (saved search), comme sur le site."
)
@click.option("--facet", "facets", multiple=True, metavar="NOM=VALEUR", help="Filtre de facette.")
@click.option("--exclude", "excludes", multiple=True, metavar="NOM=VALEUR", help="Exclure.")
@click.option("--group", "grouping", type=click.Choice(list(GROUPINGS)), default="")
@click.option("--order", type=click.Choice(list(ORDERS)), default="author", show_default=True)
@click.option("--style", type=click.Choice(list(STYLES)), default=DEFAULT_STYLE, show_default=True)
@click.argument("records", nargs=-1, type=int)
@with_appcontext
def create(slug, title, introduction, query, facets, excludes, grouping, order, style, records):
    """Créer une bibliographie (create one), avec des notices choisies en option."""
    if get_store().bibliography(slug) is not None:
        raise click.ClickException(f"la bibliographie « {slug} » existe déjà (already exists)")
    bib = Bibliography(
        slug=slug, title=title, introduction=introduction.replace("\\n", "\n"), query=query,
        filters=_pairs(facets), excludes=_pairs(excludes), picks=_ids(records),
        grouping=grouping, order=order, style=style,
    )  # fmt: skip
    saved = _save(bib)
    click.echo(f"Bibliographie « {saved.slug} » créée : {saved.title}")


@bibliography.command("add")
@click.argument("slug")
@click.argument("records", nargs=-1, type=int, required=True)
@with_appcontext
def add(slug: str, records: tuple[int, ...]):
    """Ajouter des notices choisies, à la fin (add hand-picked records)."""
    bib = _get(slug)
    picks = bib.picks + [i for i in _ids(records) if i not in bib.picks]
    saved = _save(replace(bib, picks=picks))
    click.echo(f"« {slug} » : {len(saved.picks)} notices choisies")


@bibliography.command("remove")
@click.argument("slug")
@click.argument("records", nargs=-1, type=int, required=True)
@with_appcontext
def remove(slug: str, records: tuple[int, ...]):
    """Retirer des notices choisies (remove hand-picked records)."""
    bib = _get(slug)
    absent = [i for i in records if i not in bib.picks]
    if absent:
        raise click.ClickException(f"notices absentes de « {slug} » (not in it): {absent}")
    saved = _save(replace(bib, picks=[i for i in bib.picks if i not in records]))
    click.echo(f"« {slug} » : {len(saved.picks)} notices choisies")


@bibliography.command("list")
@click.option("--json", "as_json", is_flag=True, help="En JSON.")
@with_appcontext
def list_command(as_json: bool):
    """Lister les bibliographies (list them)."""
    bibs = get_store().bibliographies()
    if as_json:
        click.echo(json.dumps([b.to_dict() for b in bibs], ensure_ascii=False))
        return
    for bib in bibs:
        search = " (recherche enregistrée)" if bib.has_search else ""
        click.echo(f"{bib.slug}\t{bib.title}\t{len(bib.picks)} notices choisies{search}")


@bibliography.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="En JSON, avec les notices qu'elle contient.")
@with_appcontext
def show(slug: str, as_json: bool):
    """Afficher une bibliographie et ses notices (show one and its records)."""
    from web.bibliographies import members

    bib = _get(slug)
    ids = members(bib)
    if as_json:
        data = bib.to_dict() | {"records": ids, "history": get_store().bibliography_history(slug)}
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(f"{bib.title} ({bib.slug})")
    if bib.introduction:
        click.echo(bib.introduction)
    click.echo(f"Recherche : {bib.search()}" if bib.has_search else "Recherche : aucune")
    click.echo(
        f"Style : {bib.style} ; regroupement : {bib.grouping or 'aucun'} ; ordre : {bib.order}"
    )
    for record in get_store().get_many(ids):
        mark = "*" if record.id in bib.picks else " "
        click.echo(f"{mark} {record.id}\t{record.title}")


@bibliography.command("delete")
@click.argument("slug")
@with_appcontext
def delete(slug: str):
    """Supprimer une bibliographie (gardée dans l'historique ; delete, kept in the history)."""
    try:
        get_store().delete_bibliography(slug, actor=ACTOR)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Bibliographie « {slug} » supprimée")
