"""The `participation` console script: the same commands as `flask --app participation`."""

from __future__ import annotations

import errno
import socket
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from participation import create_app
from participation.commands.database import db_group
from participation.db import session_scope


def create_cli_app():
    """The app for console commands (which may run before demo accounts are removed)."""
    return create_app({"CLI": True})


@click.group(cls=FlaskGroup, create_app=create_cli_app)
def main() -> None:
    """Manage a Participation installation."""


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
        created = load_demo(session, link_key_dir=current_app.config["LINK_KEY_DIR"])
    click.echo("Loaded demo data." if created else "Demo data is already loaded.")
    click.echo(demo_sign_in_text())
    click.echo("Young people's demo activity: /j/DEMOYP")


def port_in_use(host: str, port: int) -> bool:
    """Whether another program is already listening on `host`:`port`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server will: a port left in TIME_WAIT by a previous run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve the app for local use, with access logs that hold no client address."""
    from werkzeug.serving import run_simple

    from participation.config import served_base_url
    from participation.logging_setup import AnonymousRequestHandler

    if port_in_use(host, port):
        raise click.ClickException(
            f"Port {port} is already in use: try make run PORT={port + 1} "
            f"(or participation serve --port {port + 1})."
        )
    # Flask types current_app as the app itself, so the proxy's own method is unknown to it.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("BASE_URL_FOLLOWS_SERVER"):
        app.config["BASE_URL"] = served_base_url(host, port)
    click.echo(f"Serving on http://{host}:{port}  (Ctrl+C to stop)")
    click.echo(f"QR codes and links point at {app.config['BASE_URL']}")
    run_simple(host, port, app, threaded=True, request_handler=AnonymousRequestHandler)


def register_commands(app) -> None:
    """Attach the CLI commands to `app` (so `flask --app participation` has them too)."""
    for command in (db_group, create_user, demo_command, serve):
        app.cli.add_command(command)
    from participation.commands.backup import backup_command

    app.cli.add_command(backup_command)
    from participation.commands.exports import COMMANDS as export_commands

    for command in export_commands:
        app.cli.add_command(command)
