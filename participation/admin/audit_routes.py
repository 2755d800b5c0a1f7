"""The audit log screen: admins read every event, safeguarding leads their services' flags."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any, TypedDict

from flask import Response, render_template, request, stream_with_context, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from participation.accounts import audit
from participation.admin import bp
from participation.auth.access import staff_required
from participation.clock import utcnow
from participation.db import get_session, writes_database
from participation.privacy.csv_cells import safe_csv_writer
from participation.research.forms import DayField

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class AuditFilterForm(FlaskForm):
    """Narrow the log to an action, a staff member and dates; sent with GET, so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField("Action", default="")
    staff_id = SelectField("Staff member", default="")
    date_from = DayField(
        "From", validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    date_to = DayField("To", validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"})

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, that the dates are sensible and in order."""
        valid = super().validate(extra_validators)
        for day in (self.date_from, self.date_to):
            if day.data and not EARLIEST <= day.data <= LATEST:
                day.errors = [*day.errors, "Enter a date between 2000 and 2100."]
                valid = False
        start, end = self.date_from.data, self.date_to.data
        if start and end and start > end:
            self.date_to.errors = [
                *self.date_to.errors,
                "The end date must be on or after the start.",
            ]
            valid = False
        return valid

    def filters(self) -> audit.AuditFilters:
        """The chosen filters (only call after validate())."""
        return audit.AuditFilters(
            action=self.action.data or None,
            staff_id=int(self.staff_id.data) if self.staff_id.data else None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )


FILTER_FIELDS = ("action", "staff_id", "date_from", "date_to")


def _form() -> tuple[AuditFilterForm, audit.AuditFilters]:
    """The filter form read from the query string, and the filters (none when invalid)."""
    actions, people = audit.audit_choices(get_session(), current_user)
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", "Any action")] + [SelectChoice(a, a) for a in actions]
    form.staff_id.choices = [SelectChoice("", "Anyone")] + [
        SelectChoice(str(staff_id), email) for staff_id, email in people
    ]
    valid = form.validate() if request.args else True
    return form, form.filters() if valid else audit.AuditFilters()


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


@bp.get("/audit")
@writes_database
@staff_required()
def audit_log():
    """The audit log: who did what, when (to the hour, UK time), on which object."""
    db = get_session()
    form, filters = _form()
    shown = audit.audit_page(db, current_user, filters, _page_number())
    audit.record(db, "audit_log_viewed", staff=current_user, page=shown.page, **_described(filters))
    db.commit()
    # Only the filters are carried on to other pages: url_for would also obey keys such as
    # `_external` or `_anchor` if the query string were passed through whole.
    args: dict[str, Any] = {k: v for k in FILTER_FIELDS if (v := request.args.get(k))}
    return render_template(
        "admin/audit_log.html",
        form=form,
        shown=shown,
        csv_url=url_for("admin.audit_log_csv", **args),
        page_url=lambda number: url_for("admin.audit_log", page=number, **args),
    )


@bp.get("/audit.csv")
@writes_database
@staff_required()
def audit_log_csv():
    """The audit log under the chosen filters as CSV (every cell safe for spreadsheets)."""
    db = get_session()
    _unused, filters = _form()
    audit.record(db, "audit_log_exported", staff=current_user, **_described(filters))
    db.commit()
    staff = current_user._get_current_object()

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = safe_csv_writer(buffer)
        writer.writerow(audit.CSV_HEADER)
        for line in audit.audit_lines(get_session(), staff, filters):
            writer.writerow(line.cells)
            if buffer.tell() > 64 * 1024:
                yield _drain(buffer)
        yield _drain(buffer)

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    name = f"audit-log-{utcnow():%Y-%m-%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _drain(buffer: io.StringIO) -> str:
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data


class _FilterDetail(TypedDict):
    """The filters as an audit event's detail."""

    action_filter: str | None
    staff_filter: int | None
    date_from: str | None
    date_to: str | None


def _described(filters: audit.AuditFilters) -> _FilterDetail:
    return {
        "action_filter": filters.action,
        "staff_filter": filters.staff_id,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
    }
