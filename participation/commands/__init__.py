"""The `participation` console script: the same commands as `flask --app participation`."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from participation import create_app
from participation.db import session_scope


def create_cli_app():
    """The app for console commands (which may run before demo accounts are removed)."""
    return create_app({"CLI": True})


@click.group(cls=FlaskGroup, create_app=create_cli_app)
def main() -> None:
    """Manage a Participation installation."""


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations and add the reference data a fresh database needs."""
    from participation.commands.migrate import upgrade
    from participation.commands.seed import ensure_reference_data

    upgrade(current_app.config["DATABASE_URL"], revision)
    with session_scope(current_app) as session:
        ensure_reference_data(session)
    click.echo("Database is up to date.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "lead", "researcher"]))
@click.option("--service", "service_name", help="Service name (may be left out for an admin).")
@click.option("--safeguarding-lead", is_flag=True, help="Make them a designated safeguarding lead.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(
    email: str, role: str, service_name: str | None, safeguarding_lead: bool, password_stdin: bool
) -> None:
    """Create a staff account."""
    from participation.accounts import audit
    from participation.accounts.staff import AccountError, create_staff
    from participation.models import Service

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session_scope(current_app) as session:
        service = None
        if service_name:
            service = session.scalar(select(Service).where(Service.name == service_name))
            if service is None:
                raise click.ClickException(f"No service called {service_name!r}.")
        try:
            staff = create_staff(
                session, email, password, role, service, safeguarding_lead=safeguarding_lead
            )
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        audit.record(session, "staff_created_cli", staff=None, target=staff, role=role)
    click.echo(f"Created {role} {email.strip().lower()}.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo services, staff, activities and synthetic answers (idempotent)."""
    from participation.commands.demo import demo_sign_in_text, load_demo

    if current_app.config["ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    with session_scope(current_app) as session:
        created = load_demo(session)
    click.echo("Loaded demo data." if created else "Demo data is already loaded.")
    click.echo(demo_sign_in_text())
    click.echo("Young people's demo activity: /j/DEMOYP")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve the app for local use, with access logs that hold no client address."""
    from werkzeug.serving import run_simple

    from participation.logging_setup import AnonymousRequestHandler

    click.echo(f"Serving on http://{host}:{port}  (Ctrl+C to stop)")
    run_simple(
        host,
        port,
        current_app._get_current_object(),
        threaded=True,
        request_handler=AnonymousRequestHandler,
    )


def register_commands(app) -> None:
    """Attach the CLI commands to `app` (so `flask --app participation` has them too)."""
    for command in (db_group, create_user, demo_command, serve):
        app.cli.add_command(command)
    from participation.commands.backup import backup_command

    app.cli.add_command(backup_command)
    from participation.commands.exports import COMMANDS as export_commands

    for command in export_commands:
        app.cli.add_command(command)
