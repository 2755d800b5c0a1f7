"""Administration views: thin wrappers over the account and taxonomy functions."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from participation.accounts import audit
from participation.accounts.services import ServiceError, save_service
from participation.accounts.staff import AccountError, create_staff, deactivate, end_sessions
from participation.activities import types
from participation.activities.help_links import format_help_links
from participation.admin import bp
from participation.admin.forms import (
    EmptyForm,
    ParticipationTypeForm,
    RoleForm,
    ServiceForm,
    StaffForm,
)
from participation.auth.access import staff_required
from participation.db import get_session
from participation.models import ParticipationType, Service, Staff
from participation.models.staff import ADMIN


def _service_choices() -> list[SelectChoice]:
    services = get_session().scalars(select(Service).order_by(Service.kind, Service.name))
    return [SelectChoice(0, "None (administrators only)")] + [
        SelectChoice(s.id, s.name) for s in services
    ]


@bp.get("/staff")
@staff_required(ADMIN)
def staff_list():
    """List every staff account."""
    staff = get_session().scalars(select(Staff).order_by(Staff.is_active.desc(), Staff.email))
    return render_template("admin/staff_list.html", staff=list(staff), form=EmptyForm())


@bp.route("/staff/new", methods=["GET", "POST"])
@staff_required(ADMIN)
def staff_new():
    """Invite a staff member; their first password is shown once to hand over."""
    form = StaffForm()
    form.service_id.choices = _service_choices()
    if form.validate_on_submit():
        db = get_session()
        service = db.get(Service, form.service_id.data) if form.service_id.data else None
        password = "-".join(secrets.token_urlsafe(4) for _ in range(4))
        try:
            staff = create_staff(
                db,
                form.email.data,
                password,
                form.role.data,
                service,
                safeguarding_lead=form.is_safeguarding_lead.data,
                must_change_password=True,
            )
        except AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            audit.record(
                db,
                "staff_invited",
                staff=current_user._get_current_object(),
                target=staff,
                role=staff.role,
            )
            db.commit()
            return render_template("admin/staff_invited.html", staff=staff, password=password)
    return render_template("admin/staff_form.html", form=form)


@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
@staff_required(ADMIN)
def staff_edit(staff_id: int):
    """Change a staff member's role, or deactivate them."""
    db = get_session()
    staff = db.get(Staff, staff_id) or abort(404)
    form = RoleForm(obj=staff)
    if form.validate_on_submit():
        if staff.service_id is None and form.role.data != ADMIN:
            form.role.errors.append(
                "This account has no service, so it can only be an administrator."
            )
        else:
            staff.role = form.role.data
            staff.is_safeguarding_lead = form.is_safeguarding_lead.data
            audit.record(
                db, "staff_role_changed", staff=current_user, target=staff, role=staff.role
            )
            db.commit()
            flash(f"Saved changes to {staff.email}.", "success")
            return redirect(url_for("admin.staff_list"))
    return render_template("admin/staff_edit.html", staff=staff, form=form, action_form=EmptyForm())


@bp.post("/staff/<int:staff_id>/deactivate")
@staff_required(ADMIN)
def staff_deactivate(staff_id: int):
    """Deactivate a staff account and end its sessions."""
    db = get_session()
    staff = db.get(Staff, staff_id) or abort(404)
    if EmptyForm().validate_on_submit():
        deactivate(staff)
        audit.record(db, "staff_deactivated", staff=current_user, target=staff)
        db.commit()
        flash(f"{staff.email} can no longer sign in.", "success")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:staff_id>/end-sessions")
@staff_required(ADMIN)
def staff_end_sessions(staff_id: int):
    """Sign a staff member out on every device (e.g. a lost laptop)."""
    db = get_session()
    staff = db.get(Staff, staff_id) or abort(404)
    if EmptyForm().validate_on_submit():
        end_sessions(staff)
        audit.record(
            db, "staff_sessions_ended", staff=current_user._get_current_object(), target=staff
        )
        db.commit()
        flash(f"{staff.email} has been signed out on every device.", "success")
    return redirect(url_for("admin.staff_edit", staff_id=staff.id))


@bp.route("/participation-types", methods=["GET", "POST"])
@staff_required(ADMIN)
def participation_types():
    """List participation types and add a new one."""
    db = get_session()
    form = ParticipationTypeForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.scalar(select(ParticipationType.id).where(ParticipationType.name == name)):
            form.name.errors.append("There is already a participation type with that name.")
        else:
            position = len(db.scalars(select(ParticipationType.id)).all())
            kind = ParticipationType(
                name=name, description=form.description.data.strip(), position=position
            )
            db.add(kind)
            db.flush()
            audit.record(db, "participation_type_added", staff=current_user, target=kind, name=name)
            db.commit()
            flash(f"Added “{name}”.", "success")
            return redirect(url_for("admin.participation_types"))
    kinds = types.participation_types(db)
    return render_template("admin/participation_types.html", kinds=kinds, form=form)


@bp.route("/participation-types/<int:type_id>", methods=["GET", "POST"])
@staff_required(ADMIN)
def participation_type_edit(type_id: int):
    """Rename a participation type or take it out of use."""
    db = get_session()
    kind = db.get(ParticipationType, type_id) or abort(404)
    form = ParticipationTypeForm(obj=kind)
    if form.validate_on_submit():
        name = form.name.data.strip()
        clash = db.scalar(
            select(ParticipationType.id).where(
                ParticipationType.name == name, ParticipationType.id != kind.id
            )
        )
        if clash:
            form.name.errors.append("There is already a participation type with that name.")
        else:
            kind.name, kind.description, kind.is_active = (
                name,
                form.description.data.strip(),
                form.is_active.data,
            )
            audit.record(
                db, "participation_type_changed", staff=current_user, target=kind, name=name
            )
            db.commit()
            flash(f"Saved “{name}”.", "success")
            return redirect(url_for("admin.participation_types"))
    return render_template("admin/participation_type_edit.html", kind=kind, form=form)


def _hub_choices(exclude: int | None = None) -> list[SelectChoice]:
    hubs = get_session().scalars(
        select(Service).where(Service.kind == "hub").order_by(Service.name)
    )
    choices = [SelectChoice(h.id, h.name) for h in hubs if h.id != exclude]
    return [SelectChoice(0, "None: this is a Hub"), *choices]


@bp.get("/services")
@staff_required(ADMIN)
def service_list():
    """List Hubs with their Spokes."""
    hubs = get_session().scalars(
        select(Service).where(Service.parent_id.is_(None)).order_by(Service.name)
    )
    return render_template("admin/service_list.html", hubs=list(hubs))


@bp.route("/services/new", methods=["GET", "POST"])
@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@staff_required(ADMIN)
def service_edit(service_id: int | None = None):
    """Add a service or change its name, Hub and help links."""
    db = get_session()
    service = (db.get(Service, service_id) or abort(404)) if service_id else None
    form = ServiceForm(obj=service)
    form.parent_id.choices = _hub_choices(exclude=service_id)
    if not form.is_submitted():
        form.parent_id.data = service.parent_id or 0 if service else 0
        form.signposting.data = format_help_links(service.signposting if service else None)
    if form.validate_on_submit():
        try:
            saved = save_service(
                db, service, form.name.data, form.parent_id.data, form.signposting.data or ""
            )
        except ServiceError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            audit.record(
                db,
                "service_saved",
                staff=current_user,
                target=saved,
                service_id=saved.id,
                name=saved.name,
            )
            db.commit()
            flash(f"Saved {saved.name}.", "success")
            return redirect(url_for("admin.service_list"))
    return render_template("admin/service_edit.html", service=service, form=form)
