"""`docbase user add | passwd | disable | enable | list`: the staff accounts, from the shell.

Passwords are asked twice without echo, or read from the first line of stdin with
`--password-stdin` (for scripts); never taken as an argument, which `ps` would show.
"""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from web.accounts import ROLES, AccountError, Accounts


def _accounts() -> Accounts:
    return Accounts(current_app.config["STORE_PATH"])


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Encore une fois")


def _run(action) -> None:
    store = _accounts()
    try:
        action(store)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


@click.group("user", help="Comptes du personnel (staff accounts).")
def user_group() -> None:
    pass


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), default="documentalist", show_default=True)
@click.option("--name", default="", help="Nom affiché (display name).")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur stdin.")
@with_appcontext
def add_command(username: str, role: str, name: str, password_stdin: bool) -> None:
    password = _password(password_stdin)
    _run(lambda store: store.add(username, password, role, name))
    click.echo(f"compte « {username} » créé ({ROLES[role][0].lower()})")


@user_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur stdin.")
@with_appcontext
def passwd_command(username: str, password_stdin: bool) -> None:
    password = _password(password_stdin)
    _run(lambda store: store.set_password(username, password))
    click.echo(f"mot de passe de « {username} » changé : ses sessions ouvertes sont fermées")


@user_group.command("disable")
@click.argument("username")
@with_appcontext
def disable_command(username: str) -> None:
    _run(lambda store: store.set_active(username, False))
    click.echo(f"compte « {username} » désactivé")


@user_group.command("enable")
@click.argument("username")
@with_appcontext
def enable_command(username: str) -> None:
    _run(lambda store: store.set_active(username, True))
    click.echo(f"compte « {username} » réactivé")


@user_group.command("list")
@with_appcontext
def list_command() -> None:
    def show(store: Accounts) -> None:
        for account in store.all():
            state = "actif" if account.active else "désactivé"
            changed = datetime.fromtimestamp(account.password_changed).strftime("%Y-%m-%d")
            click.echo(
                f"{account.username}\t{ROLES[account.role][0]}\t{state}\t"
                f"{account.name}\tmot de passe du {changed}"
            )

    _run(show)
