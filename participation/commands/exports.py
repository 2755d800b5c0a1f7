"""Console commands for exports and retention: `participation export` and `participation purge`."""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.activities.codes import normalise_join_code
from participation.db import session_scope
from participation.models import Activity
from participation.models.activities import ARCHIVED

FORMATS = ("csv", "zip", "pdf", "summary-csv")


def find_activity(session: Session, reference: str) -> Activity:
    """The activity with this id or join code; a ClickException names what went wrong."""
    reference = reference.strip()
    by_code = []
    if code := normalise_join_code(reference):
        by_code = list(
            session.scalars(
                select(Activity)
                .where(Activity.join_code == code)
                .order_by((Activity.status == ARCHIVED).asc(), Activity.id.desc())
            )
        )
    by_id = session.get(Activity, int(reference)) if reference.isdigit() else None
    live = [a for a in by_code if a.status != ARCHIVED]
    if by_id is not None and by_code and by_code[0].id != by_id.id:
        raise click.ClickException(
            f"{reference!r} is both an activity id and a join code; ask for the other activity "
            f"by its id ({by_code[0].id}) or this one by its code."
        )
    if by_id is not None:
        return by_id
    if len(live) == 1 or (not live and len(by_code) == 1):
        return by_code[0]
    if by_code:
        ids = ", ".join(str(a.id) for a in by_code)
        raise click.ClickException(f"Several archived activities used {code}; use an id: {ids}.")
    raise click.ClickException(f"No activity has the id or join code {reference!r}.")


def write_atomically(path: Path, chunks: Iterable[bytes]) -> int:
    """Write chunks to a temporary file beside `path`, then move it into place; returns bytes."""
    path = path.expanduser().resolve()
    written = 0
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written


@click.command("export")
@click.argument("activity")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(FORMATS),
    help="csv: anonymised responses; zip: research pack; pdf: summary report; "
    "summary-csv: the summary's figures.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (replaced if it exists).",
)
@click.option(
    "--release",
    "release_number",
    type=click.IntRange(min=1),
    help="For csv and zip: the research release to export (default: the newest).",
)
@with_appcontext
def export_command(activity: str, fmt: str, output: Path, release_number: int | None) -> None:
    """Export ACTIVITY (its id or join code) for scripted use; the export is audited.

    csv and zip hold a research release: what the lead released for research, as consent
    allows it. An activity with research sharing off gives no rows.
    """
    if not output.expanduser().resolve().parent.is_dir():
        raise click.ClickException(f"The folder for {output} does not exist.")
    # Only a complete file is recorded, once written: a failed export leaves no file behind
    # (write_atomically), and its session rolls back, so nothing claims it succeeded.
    with session_scope(current_app) as session:
        found = find_activity(session, activity)
        chunks, rows, number = _chunks(session, found, fmt, release_number)
        try:
            size = write_atomically(output, chunks)
        except OSError as exc:
            raise click.ClickException(
                f"Could not write {output}: {exc.strerror or exc}. Nothing was saved."
            ) from exc
        written = rows()
        audit.record(
            session,
            f"export_{fmt.replace('-', '_')}",
            staff=None,
            target=found,
            format=fmt,
            rows=written,
            release=number,
            scope="activity",
            via="cli",
            os_user=_os_user(),
            outcome="completed",
        )
    described = f"{written} row{'s' if written != 1 else ''}, " if written is not None else ""
    click.echo(f"Wrote {output} ({described}{size} bytes) for activity {found.id} {found.title!r}.")


def _chunks(
    session: Session, activity: Activity, fmt: str, release_number: int | None
) -> tuple[Iterable[bytes], Callable[[], int | None], int | None]:
    """The file's chunks, how many rows it held (once written) and the release exported."""
    from participation.exports import summary as reports

    if fmt in ("csv", "zip"):
        from participation.exports.consent import research_shareable
        from participation.exports.pack import research_pack_chunks
        from participation.exports.releases import get_release, release_selection, releases_of
        from participation.exports.responses import ResponseExport

        release = get_release(session, activity, release_number)
        if release_number is not None and release is None:
            raise click.ClickException(f"Activity {activity.id} has no release {release_number}.")
        export = ResponseExport(session, activity, release_selection(activity, release))
        shared = research_shareable(activity).shared
        number = release.number if release else None
        if fmt == "csv":
            return export.csv(), lambda: export.prepare().rows, number
        chunks = research_pack_chunks(
            export,
            summary_pdf=_pdf_maker(session, activity) if shared else None,
            releases=releases_of(session, activity),
            release=release,
        )
        return chunks, lambda: export.prepare().rows, number
    if fmt == "pdf":
        try:
            return [reports.activity_pdf(session, activity)], lambda: None, None
        except reports.PdfError as exc:
            raise click.ClickException(f"The summary PDF could not be made: {exc}.") from exc
    return reports.activity_summary_csv(session, activity), lambda: None, None


def _pdf_maker(session: Session, activity: Activity):
    def make() -> bytes:
        from participation.exports import summary as reports

        return reports.activity_pdf(session, activity)

    return make


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be deleted without deleting it.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Delete the answers of activities past their retention period (safe to run from cron)."""
    from participation.answering.retention import expired_activities, purge_if_expired, summary_line

    purged = []
    with session_scope(current_app) as session:
        due = [(a.id, a.title) for a in expired_activities(session)]
    for activity_id, title in due:
        if dry_run:
            click.echo(f"Would purge activity {activity_id} {title!r}.")
            continue
        # One transaction per activity: a failure part-way keeps what was already done.
        with session_scope(current_app) as session:
            done = purge_if_expired(session, activity_id)
        if done is None:  # another run got there first
            continue
        purged.append(done)
        click.echo(
            f"Purged activity {done.activity_id} {done.title!r}: "
            f"{done.submissions} submissions, {done.answers} answers."
        )
    if dry_run:
        click.echo(f"Dry run: {len(due)} activities are past their retention period.")
    else:
        click.echo(summary_line(purged))


COMMANDS = (export_command, purge_command)
