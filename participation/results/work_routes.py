"""Themes (create, rename, merge, counts, quotes) and "you said, we did" actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from participation.accounts.scoping import ensure_can_see, visible_services
from participation.auth.access import staff_required
from participation.db import get_session
from participation.follow_up.actions import (
    ActionError,
    actions_for,
    delete_action,
    get_action,
    public_actions,
    save_action,
)
from participation.follow_up.themes import (
    ThemeError,
    breakdown,
    create_theme,
    merge_themes,
    quotes,
    rename_theme,
    themes_for,
    themes_for_activity,
)
from participation.models import Theme
from participation.models.staff import ADMIN, LEAD
from participation.results import bp
from participation.results.common import load_activity
from participation.results.forms import (
    ActionForm,
    EmptyForm,
    MergeForm,
    RenameForm,
    ThemeForm,
    choices,
)
from participation.results.report_forms import PublishForm


def _theme(db, theme_id: int) -> Theme:
    theme = db.get(Theme, theme_id)
    if theme is None:
        abort(404)
    ensure_can_see(db, current_user, theme.service_id)
    return theme


@bp.route("/themes", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def theme_list():
    """Every theme of the services the member of staff can see, and a form to add one."""
    db = get_session()
    services = visible_services(db, current_user)
    form = ThemeForm()
    form.service_id.choices = choices((s.id, s.name) for s in services)
    if current_user.service_id and form.service_id.data is None:
        form.service_id.data = current_user.service_id
    if form.validate_on_submit():
        try:
            theme = create_theme(db, form.service_id.data, form.name.data, current_user)
        except ThemeError as exc:
            db.rollback()
            form.name.errors.append(str(exc))
        else:
            db.commit()
            flash(f"Added the theme “{theme.name}”.", "success")
            return redirect(url_for("results.theme_list"))
    return render_template(
        "results/themes.html",
        form=form,
        themes=themes_for(db, current_user),
        several_services=len(services) > 1,
    )


def _theme_page(db, theme: Theme, rename_form=None, merge_form=None, status: int = 200):
    others = db.scalars(
        select(Theme)
        .where(Theme.service_id == theme.service_id, Theme.id != theme.id)
        .order_by(Theme.name)
    ).all()
    merge_form = merge_form or MergeForm()
    merge_form.target_id.choices = choices(
        [(0, "Select a theme"), *((t.id, t.name) for t in others)]
    )
    return (
        render_template(
            "results/theme.html",
            theme=theme,
            rename_form=rename_form or RenameForm(name=theme.name),
            merge_form=merge_form,
            has_others=bool(others),
            counts=breakdown(db, theme, current_user),
            quotes=quotes(db, theme, current_user),
        ),
        status,
    )


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def theme_detail(theme_id: int):
    """A theme's counts per activity and participation type, its quotes, and renaming."""
    db = get_session()
    theme = _theme(db, theme_id)
    form = RenameForm()
    if form.validate_on_submit():
        try:
            rename_theme(db, theme, form.name.data, current_user)
        except ThemeError as exc:
            db.rollback()
            form.name.errors.append(str(exc))
        else:
            db.commit()
            flash(f"Renamed the theme to “{theme.name}”.", "success")
            return redirect(url_for("results.theme_detail", theme_id=theme.id))
        return _theme_page(db, theme, rename_form=form)
    return _theme_page(db, theme)


@bp.post("/themes/<int:theme_id>/merge")
@staff_required(LEAD, ADMIN)
def theme_merge(theme_id: int):
    """Merge this theme into another of the same service (answers and actions move)."""
    db = get_session()
    theme = _theme(db, theme_id)
    form = MergeForm()
    others = db.scalars(
        select(Theme).where(Theme.service_id == theme.service_id, Theme.id != theme.id)
    ).all()
    form.target_id.choices = choices([(0, "Select a theme"), *((t.id, t.name) for t in others)])
    if form.validate_on_submit():
        target = next(t for t in others if t.id == form.target_id.data)
        name = theme.name
        try:
            moved = merge_themes(db, theme, target, current_user)
        except ThemeError as exc:
            db.rollback()
            form.target_id.errors = [*form.target_id.errors, str(exc)]
        else:
            db.commit()
            answers = "1 answer" if moved == 1 else f"{moved} answers"
            flash(f"Merged “{name}” into “{target.name}” ({answers} moved).", "success")
            return redirect(url_for("results.theme_detail", theme_id=target.id))
    return _theme_page(db, theme, merge_form=form)


def _action_choices(form: ActionForm, themes) -> None:
    form.theme_id.choices = choices([(0, "No theme"), *((t.id, t.name) for t in themes)])


@bp.route("/activities/<int:activity_id>/actions", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def action_list(activity_id: int):
    """The activity's "you said, we did" actions, and a form to add one."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    themes = themes_for_activity(db, activity)
    form = ActionForm()
    _action_choices(form, themes)
    if form.validate_on_submit():
        try:
            save_action(
                db,
                activity,
                current_user,
                you_said=form.you_said.data,
                we_did=form.we_did.data,
                theme_id=form.theme_id.data,
                themes=themes,
            )
        except ActionError as exc:
            db.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.commit()
            flash("Added the action.", "success")
            return redirect(url_for("results.action_list", activity_id=activity.id))
    return render_template(
        "results/actions.html",
        activity=activity,
        actions=actions_for(db, activity),
        theme_names={t.id: t.name for t in themes},
        shown_to_young_people=bool(public_actions(db, activity)),
        form=form,
        publish_form=PublishForm(
            published=activity.you_said_published, until=activity.you_said_until
        ),
    )


@bp.route("/activities/<int:activity_id>/actions/<int:action_id>", methods=["GET", "POST"])
@staff_required(LEAD, ADMIN)
def action_edit(activity_id: int, action_id: int):
    """Change an action."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    action = get_action(db, activity, action_id) or abort(404)
    themes = themes_for_activity(db, activity)
    form = ActionForm(obj=action)
    _action_choices(form, themes)
    if form.validate_on_submit():
        try:
            save_action(
                db,
                activity,
                current_user,
                you_said=form.you_said.data,
                we_did=form.we_did.data,
                theme_id=form.theme_id.data,
                themes=themes,
                action=action,
            )
        except ActionError as exc:
            db.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            db.commit()
            flash("Saved the action.", "success")
            return redirect(url_for("results.action_list", activity_id=activity.id))
    return render_template(
        "results/action_edit.html",
        activity=activity,
        action=action,
        form=form,
        delete_form=EmptyForm(),
    )


@bp.post("/activities/<int:activity_id>/actions/<int:action_id>/delete")
@staff_required(LEAD, ADMIN)
def action_delete(activity_id: int, action_id: int):
    """Remove an action."""
    db = get_session()
    activity = load_activity(db, current_user, activity_id)
    action = get_action(db, activity, action_id) or abort(404)
    if EmptyForm().validate_on_submit():
        delete_action(db, activity, action, current_user)
        db.commit()
        flash("Removed the action.", "success")
    return redirect(url_for("results.action_list", activity_id=activity.id))
