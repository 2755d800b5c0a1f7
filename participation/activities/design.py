"""Designing activities: settings, consent versions, join codes and status changes.

Questions are edited in `participation.activities.questions`. Every function here takes the
staff member doing the work, keeps to what they may see (`participation.accounts.scoping`), records
what they did (`participation.accounts.audit`) and leaves committing to the caller.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from participation.accounts import audit
from participation.accounts.scoping import (
    can_see_service,
    get_visible,
    service_filter,
    visible_services,
)
from participation.activities import codes
from participation.activities.consent import default_consent
from participation.activities.library import TEMPLATES
from participation.activities.settings import (
    MAX_TITLE,
    PLAIN_FIELDS,
    ActivityError,
    ActivitySettings,
    Problem,
    check_settings,
    settings_of,
)
from participation.clock import utcnow
from participation.exports.releases import release_on_close
from participation.models import (
    Activity,
    ConsentVersion,
    ParticipationType,
    Question,
    RetiredJoinCode,
    Service,
    Staff,
    Submission,
)
from participation.models.activities import (
    ARCHIVED,
    CLOSED,
    DRAFT,
    OPEN,
    STATUSES,
)
from participation.models.enums import QuestionKind

CODE_ATTEMPTS = 10


def new_settings(session: Session, staff: Staff) -> ActivitySettings:
    """Defaults for a blank activity, with the plain-English consent statement filled in."""
    service = _home_service(session, staff)
    settings = ActivitySettings(
        title="", participation_type_id=None, service_id=service.id if service else None
    )
    settings.consent_statement = default_consent_for(session, settings)
    return settings


def default_consent_for(session: Session, settings: ActivitySettings) -> str:
    """The default consent statement for these settings (it names the service)."""
    service = session.get(Service, settings.service_id) if settings.service_id else None
    return default_consent(
        settings.consent_mode,
        service_name=service.name if service else "",
        retention_days=settings.retention_days,
        withdrawal_days=settings.withdrawal_days,
        research_sharing=settings.research_sharing,
    )


# --- looking things up -------------------------------------------------------------------


def get_activity(session: Session, staff: Staff, activity_id: int) -> Activity:
    """The activity with this id if `staff` may see it; otherwise 404."""
    return get_visible(session, staff, Activity, activity_id)


def activities_by_status(session: Session, staff: Staff) -> dict[str, list[Activity]]:
    """The activities `staff` may see, grouped by status, most recently changed first."""
    query = (
        select(Activity)
        .where(service_filter(session, staff, Activity.service_id))
        .order_by(Activity.updated_at.desc(), Activity.id.desc())
    )
    grouped: dict[str, list[Activity]] = {status: [] for status in STATUSES}
    for activity in session.scalars(query):
        grouped[activity.status].append(activity)
    return grouped


def submission_counts(session: Session, activity_ids: list[int]) -> dict[int, int]:
    """How many young people have sent answers to each activity."""
    if not activity_ids:
        return {}
    query = (
        select(Submission.activity_id, func.count())
        .where(Submission.activity_id.in_(activity_ids))
        .group_by(Submission.activity_id)
    )
    return {activity_id: count for activity_id, count in session.execute(query)}


def has_answers(session: Session, activity: Activity) -> bool:
    """Whether any young person has sent answers to this activity."""
    return bool(session.scalar(select(exists().where(Submission.activity_id == activity.id))))


SERVICE_FIXED = (
    "Young people have already answered, so this activity stays with {service}. They were "
    "told who would see their answers. To run it for another service, duplicate it."
)


def service_fixed_reason(session: Session, activity: Activity) -> str | None:
    """Why the activity can't move to another service (anyone answered), or None if it can."""
    if activity.id is None or not has_answers(session, activity):
        return None
    return SERVICE_FIXED.format(service=activity.service.name)


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise ActivityError(*problems)


def _ensure_changeable(activity: Activity) -> None:
    if activity.status == ARCHIVED:
        raise ActivityError(
            ("status", "This activity is archived, so it can't be changed. Duplicate it instead.")
        )


# --- join codes ----------------------------------------------------------------------------


def code_in_use(session: Session, code: str) -> bool:
    """Whether a join code belongs to a live activity or was retired (so old QR codes say so)."""
    live = exists().where(Activity.join_code == code, Activity.status != ARCHIVED)
    retired = exists().where(RetiredJoinCode.code == code)
    return bool(session.scalar(select(live | retired)))


def free_join_code(session: Session) -> str:
    """A random join code nobody is using."""
    for _ in range(CODE_ATTEMPTS):
        code = codes.new_join_code()
        if not code_in_use(session, code):
            return code
    raise RuntimeError("could not find a free join code")  # 31**6 codes: practically never


def _store_with_code(session: Session, activity: Activity, chosen: str | None) -> None:
    # Another request may take the same code between our check and the write; the database's
    # partial unique index catches that, and a random code is simply drawn again. The code is
    # set inside the savepoint because opening one flushes what is pending.
    code = chosen or free_join_code(session)
    for _ in range(CODE_ATTEMPTS):
        try:
            with session.begin_nested():
                activity.join_code = code
                session.add(activity)
                session.flush()
            return
        except IntegrityError:
            if chosen:
                raise ActivityError(("code", CODE_TAKEN)) from None
            code = free_join_code(session)
    raise RuntimeError("could not store a free join code")


CODE_TAKEN = "That code is already in use. Choose another, or leave it blank for a random code."


def check_chosen_code(session: Session, raw: str, current: str | None = None) -> str:
    """The normalised form of a code a lead typed, or ActivityError saying what is wrong."""
    code = codes.normalise_join_code(raw)
    if not codes.looks_like_join_code(code) or set(code) - set(codes.JOIN_CODE_ALPHABET):
        raise ActivityError(
            (
                "code",
                "Use 6 letters or numbers, leaving out 0, O, 1, I and L, which are easy to mix up.",
            )
        )
    if code == current:
        raise ActivityError(("code", "That is the code the activity already has."))
    if code_in_use(session, code):
        raise ActivityError(("code", CODE_TAKEN))
    return code


def replace_join_code(session: Session, staff: Staff, activity: Activity, chosen: str = "") -> str:
    """Give the activity a new join code (random, or `chosen`); the old one stops working."""
    _ensure_changeable(activity)
    new = check_chosen_code(session, chosen, activity.join_code) if chosen.strip() else None
    old = activity.join_code
    session.add(RetiredJoinCode(code=old, activity_id=activity.id))
    _store_with_code(session, activity, new)
    audit.record(
        session, "join_code_replaced", staff=staff, target=activity, old=old, new=activity.join_code
    )
    return activity.join_code


def set_joining_locked(session: Session, staff: Staff, activity: Activity, locked: bool) -> None:
    """Stop (or let again) new young people starting; those already in can still finish."""
    _ensure_changeable(activity)
    activity.joining_locked = locked
    audit.record(
        session, "joining_locked" if locked else "joining_unlocked", staff=staff, target=activity
    )
    session.flush()


# --- creating and changing -----------------------------------------------------------------


def create_activity(session: Session, staff: Staff, settings: ActivitySettings) -> Activity:
    """Create a draft activity from the settings form (no questions yet).

    A consent statement left exactly as the blank form's default follows the chosen settings.
    """
    follow_default_consent(session, settings, new_settings(session, staff))
    _raise_problems(check_settings(session, staff, settings))
    activity = Activity(
        created_by_id=staff.id,
        status=DRAFT,
        **{name: getattr(settings, name) for name in PLAIN_FIELDS},
    )
    activity.title = settings.title.strip()
    activity.intro = settings.intro.strip()
    activity.consent_versions.append(
        ConsentVersion(
            version=1, statement=settings.consent_statement.strip(), mode=settings.consent_mode
        )
    )
    _store_with_code(session, activity, None)
    audit.record(session, "activity_created", staff=staff, target=activity, title=activity.title)
    return activity


def _home_service(session: Session, staff: Staff) -> Service | None:
    """The lead's own service, else the first one they can see (admins have none of their own)."""
    services = visible_services(session, staff)
    return next(
        (s for s in services if s.id == staff.service_id), services[0] if services else None
    )


def create_from_template(session: Session, staff: Staff, key: str) -> Activity:
    """Create a draft activity from a ready-made template, in one step."""
    template = TEMPLATES.get(key)
    if template is None:
        raise KeyError(key)
    service = _home_service(session, staff)
    if service is None:
        raise ActivityError(("service_id", "Your account has no service to create activities in."))
    kind = session.scalar(
        select(ParticipationType).where(ParticipationType.name == template["participation_type"])
    ) or session.scalar(
        select(ParticipationType)
        .where(ParticipationType.is_active.is_(True))
        .order_by(ParticipationType.position)
    )
    settings = ActivitySettings(
        title=template["title"],
        intro=template["intro"],
        participation_type_id=kind.id if kind else None,
        service_id=service.id,
        lundy_focus=template.get("lundy_focus"),
    )
    settings.consent_statement = default_consent_for(session, settings)
    activity = create_activity(session, staff, settings)
    for position, spec in enumerate(template["questions"]):
        activity.questions.append(Question(position=position, **_copy_spec(spec)))
    session.flush()
    audit.record(session, "activity_from_template", staff=staff, target=activity, template=key)
    return activity


def _copy_spec(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        **({"key": spec["key"]} if spec.get("key") else {}),
        "kind": spec["kind"],
        "prompt": spec["prompt"],
        "hint": spec.get("hint", ""),
        "options": [dict(option) for option in spec.get("options", [])],
        "settings": dict(spec.get("settings", {})),
        # Sensitive template questions and reach questions stay off the big screen.
        **(
            {"never_on_screen": True}
            if spec.get("never_on_screen") or spec["kind"] == QuestionKind.REACH
            else {}
        ),
    }


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def follow_default_consent(
    session: Session, settings: ActivitySettings, shown: ActivitySettings
) -> None:
    """Swap in the default statement for `settings` if the lead left the one for `shown` as it was."""
    if _same_text(settings.consent_statement, default_consent_for(session, shown)):
        settings.consent_statement = default_consent_for(session, settings)


def update_settings(
    session: Session, staff: Staff, activity: Activity, settings: ActivitySettings
) -> list[str]:
    """Save the settings form; a changed consent statement or mode becomes a new version.

    A statement left exactly as the default follows the other settings (mode, service,
    retention), so leads who did not reword it always show young people the right default.
    Returns the names of the fields that changed.
    """
    _ensure_changeable(activity)
    before = settings_of(activity)
    follow_default_consent(session, settings, before)
    problems = check_settings(session, staff, settings)
    if settings.service_id != activity.service_id and not any(
        name == "service_id" for name, _ in problems
    ):
        # Answers were given for the workers of this service: a move would show them to others.
        fixed = service_fixed_reason(session, activity)
        problems.extend([("service_id", fixed)] if fixed else [])
    _raise_problems(problems)
    settings.title, settings.intro = settings.title.strip(), settings.intro.strip()
    changed = [name for name in PLAIN_FIELDS if getattr(before, name) != getattr(settings, name)]
    for name in changed:
        setattr(activity, name, getattr(settings, name))
    statement = settings.consent_statement.strip()
    current = activity.current_consent
    if current is None or statement != current.statement or settings.consent_mode != current.mode:
        version = (current.version if current else 0) + 1
        activity.consent_versions.append(
            ConsentVersion(version=version, statement=statement, mode=settings.consent_mode)
        )
        changed.append("consent_statement")
        audit.record(session, "consent_changed", staff=staff, target=activity, version=version)
    session.flush()
    if changed:
        audit.record(session, "activity_updated", staff=staff, target=activity, fields=changed)
    return changed


def duplicate_activity(session: Session, staff: Staff, activity: Activity) -> Activity:
    """A new draft copy with the same settings and questions, no answers and a new code."""
    settings = settings_of(activity)
    settings.title = f"Copy of {activity.title}"[:MAX_TITLE]
    settings.opens_at = settings.closes_at = None
    if not can_see_service(session, staff, settings.service_id):
        raise ActivityError(("service_id", "Choose one of your services."))
    copy = create_activity(session, staff, settings)
    for question in activity.questions:
        copy.questions.append(
            Question(
                position=question.position,
                kind=question.kind,
                prompt=question.prompt,
                hint=question.hint,
                options=[dict(option) for option in question.options],
                settings=dict(question.settings),
                never_on_screen=question.never_on_screen,
                key=question.key,
            )
        )
    session.flush()
    audit.record(
        session, "activity_duplicated", staff=staff, target=copy, source_activity_id=activity.id
    )
    return copy


# --- status --------------------------------------------------------------------------------


def open_activity(session: Session, staff: Staff, activity: Activity) -> None:
    """Open a draft or closed activity so young people can join."""
    if activity.status not in (DRAFT, CLOSED):
        raise ActivityError(("status", f"A {activity.status} activity can't be opened."))
    problems: list[Problem] = []
    if not activity.questions:
        problems.append(("questions", "Add at least one question before opening."))
    if activity.current_consent is None or not activity.current_consent.statement.strip():
        problems.append(("consent_statement", "Write a consent statement before opening."))
    if activity.closes_at is not None and activity.closes_at <= utcnow():
        problems.append(
            ("closes_at", "The closing time has passed. Change or clear it before opening.")
        )
    _raise_problems(problems)
    activity.status = OPEN
    activity.opened_at = activity.opened_at or utcnow()
    activity.closed_at = None
    audit.record(session, "activity_opened", staff=staff, target=activity)
    session.flush()


def close_activity(session: Session, staff: Staff, activity: Activity) -> None:
    """Close an open activity: nobody new can start, and the retention clock starts."""
    if activity.status != OPEN:
        raise ActivityError(("status", "Only an open activity can be closed."))
    activity.status = CLOSED
    activity.closed_at = utcnow()
    audit.record(session, "activity_closed", staff=staff, target=activity)
    session.flush()
    release_on_close(session, staff, activity)


def archive_activity(session: Session, staff: Staff, activity: Activity) -> None:
    """Archive a draft or closed activity: it is kept but can no longer change or be joined."""
    if activity.status == OPEN:
        raise ActivityError(("status", "Close the activity before archiving it."))
    if activity.status == ARCHIVED:
        raise ActivityError(("status", "This activity is already archived."))
    activity.status = ARCHIVED
    audit.record(session, "activity_archived", staff=staff, target=activity)
    session.flush()
