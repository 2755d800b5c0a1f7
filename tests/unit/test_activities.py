"""Designing activities: settings, consent versions, questions, codes and status changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.activities import codes, help_links
from participation.activities import design as activities
from participation.activities.consent import default_consent, how_long
from participation.activities.kinds import PREFER_NOT_TO_SAY, question_spec
from participation.activities.library import TEMPLATES
from participation.activities.questions import (
    MAX_QUESTIONS,
    QuestionDraft,
    add_question,
    build_question,
    draft_of,
    move_question,
    remove_question,
    reorder_questions,
    update_question,
)
from participation.activities.settings import ActivityError, ActivitySettings, settings_of
from participation.clock import utcnow
from participation.models import (
    Activity,
    AuditEvent,
    ConsentVersion,
    Question,
    RetiredJoinCode,
    Submission,
)
from participation.models.activities import (
    ARCHIVED,
    CLOSED,
    CONSENT_FACILITATED,
    CONSENT_SELF,
    DRAFT,
    OPEN,
    QUESTION_KINDS,
    RESEARCH_ASK,
    RESEARCH_OFF,
)
from participation.models.enums import QuestionKind
from participation.problems import NotFound


@pytest.fixture
def lead(make):
    return make.staff("lead", make.service("Northbank Spoke", hub=make.service("Northbank Hub")))


def settings_for(make, lead, **overrides) -> ActivitySettings:
    values = {
        "title": "Group work review",
        "participation_type_id": make.participation_type("Group work").id,
        "service_id": lead.service_id,
        "consent_statement": "You can pass any question.",
    }
    values.update(overrides)
    return ActivitySettings(**values)


def problems_of(excinfo) -> dict[str, str]:
    return dict(excinfo.value.problems)


def actions(db_session, activity) -> list[str]:
    query = select(AuditEvent.action).where(
        AuditEvent.target_type == "activity", AuditEvent.target_id == activity.id
    )
    return list(db_session.scalars(query))


# --- consent wording -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "words"),
    [(365, "1 year"), (730, "2 years"), (180, "6 months"), (28, "4 weeks"), (10, "10 days")],
)
def test_durations_are_said_plainly(days, words):
    assert how_long(days) == words


def test_default_consent_covers_what_a_young_person_needs_to_know():
    text = default_consent(
        CONSENT_SELF,
        service_name="Northbank Spoke",
        retention_days=365,
        withdrawal_days=28,
        research_sharing=RESEARCH_OFF,
    )
    for fact in (
        "workers at Northbank Spoke",  # who is asking
        "make things better",  # what it is for
        "You do not give your name",  # anonymous
        "pass any question",
        "stop at any time",
        "1 year",  # how long answers are kept
        "Only workers at Northbank Spoke read your answers",  # who sees them
        "4 weeks",  # how long they can withdraw
    ):
        assert fact in text
    assert "researchers" not in text
    assert "parent or carer" not in text


def test_facilitated_consent_says_a_carer_agreed_but_the_choice_is_still_theirs():
    text = default_consent(
        CONSENT_FACILITATED,
        service_name="Northbank Spoke",
        retention_days=365,
        withdrawal_days=28,
        research_sharing=RESEARCH_ASK,
    )
    assert "parent or carer" in text
    assert "it is still your choice" in text.lower()
    assert "researchers" in text and "You can say no" in text


# --- creating ------------------------------------------------------------------------------


def test_create_activity_makes_an_audited_draft_with_a_code_and_consent_version(
    db_session, make, lead
):
    activity = activities.create_activity(db_session, lead, settings_for(make, lead))
    assert activity.status == DRAFT
    assert codes.looks_like_join_code(activity.join_code)
    assert set(activity.join_code) <= set(codes.JOIN_CODE_ALPHABET)
    assert [(v.version, v.statement) for v in activity.consent_versions] == [
        (1, "You can pass any question.")
    ]
    assert (activity.k_threshold, activity.retention_days, activity.withdrawal_days) == (5, 365, 28)
    assert activity.created_by_id == lead.id
    assert actions(db_session, activity) == ["activity_created"]


def test_new_settings_prefill_the_plain_english_default_consent(db_session, lead):
    settings = activities.new_settings(db_session, lead)
    assert settings.service_id == lead.service_id
    assert "Northbank Spoke" in settings.consent_statement
    assert (settings.k_threshold, settings.retention_days, settings.withdrawal_days) == (5, 365, 28)


def test_an_untouched_default_statement_follows_the_consent_mode(db_session, make, lead):
    settings = activities.new_settings(db_session, lead)
    settings.title = "Youth board"
    settings.participation_type_id = make.participation_type("Group work").id
    settings.consent_mode = CONSENT_FACILITATED
    activity = activities.create_activity(db_session, lead, settings)
    assert "parent or carer" in activity.current_consent.statement
    assert activity.current_consent.mode == CONSENT_FACILITATED


def test_bad_settings_are_all_reported_and_nothing_is_saved(db_session, make, lead):
    other = make.service("Elsewhere Hub", kind="hub")
    before = db_session.scalar(select(func.count()).select_from(Activity))
    now = utcnow()
    bad = settings_for(
        make,
        lead,
        title="  ",
        intro="x" * 1001,
        service_id=other.id,
        participation_type_id=None,
        opens_at=now,
        closes_at=now - timedelta(hours=1),
        consent_statement="y" * 3001,
        k_threshold=2,
        retention_days=0,
        withdrawal_days=400,
        lundy_focus="shouting",
        hart_rung=9,
    )
    with pytest.raises(ActivityError) as excinfo:
        activities.create_activity(db_session, lead, bad)
    problems = problems_of(excinfo)
    assert problems["title"] == "Enter a title."
    assert problems["closes_at"] == "The closing time must be after the opening time."
    assert problems["k_threshold"].startswith("The smallest group shown must be between 3")
    assert set(problems) == {
        "title",
        "intro",
        "service_id",
        "participation_type_id",
        "closes_at",
        "consent_statement",
        "k_threshold",
        "retention_days",
        "withdrawal_days",
        "lundy_focus",
        "hart_rung",
    }
    assert db_session.scalar(select(func.count()).select_from(Activity)) == before


def test_overlong_title_is_refused(db_session, make, lead):
    with pytest.raises(ActivityError) as excinfo:
        activities.create_activity(db_session, lead, settings_for(make, lead, title="t" * 121))
    assert "120 characters" in problems_of(excinfo)["title"]


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_makes_a_draft_with_its_questions(db_session, lead, key):
    activity = activities.create_from_template(db_session, lead, key)
    template = TEMPLATES[key]
    assert activity.status == DRAFT
    assert activity.service_id == lead.service_id
    assert activity.title == template["title"]
    assert activity.participation_type.name == template["participation_type"]
    assert [q.prompt for q in activity.questions] == [q["prompt"] for q in template["questions"]]
    assert [q.position for q in activity.questions] == list(range(len(template["questions"])))
    for question in activity.questions:
        if question.kind == QuestionKind.REACH:
            assert question.options[-1] == {"code": PREFER_NOT_TO_SAY, "label": "Prefer not to say"}
    assert "activity_from_template" in actions(db_session, activity)


def test_there_are_at_least_six_templates():
    assert len(TEMPLATES) >= 6


# --- settings and consent versions -----------------------------------------------------------


def test_editing_the_statement_adds_a_version_and_old_answers_keep_theirs(db_session, make, lead):
    activity = make.activity(lead.service, consent="First wording.")
    submission = make.submission(activity, {0: [{"choice": 3}]})
    settings = settings_of(activity)
    settings.consent_statement = "Second wording, clearer."
    changed = activities.update_settings(db_session, lead, activity, settings)
    assert "consent_statement" in changed
    assert [(v.version, v.statement) for v in activity.consent_versions] == [
        (1, "First wording."),
        (2, "Second wording, clearer."),
    ]
    db_session.refresh(submission)
    assert submission.consent_version.statement == "First wording."
    assert "consent_changed" in actions(db_session, activity)


def test_saving_unchanged_settings_adds_no_version(db_session, make, lead):
    activity = make.activity(lead.service)
    changed = activities.update_settings(db_session, lead, activity, settings_of(activity))
    assert changed == []
    assert len(activity.consent_versions) == 1


def test_settings_change_is_audited_with_the_fields(db_session, make, lead):
    activity = make.activity(lead.service)
    settings = settings_of(activity)
    settings.k_threshold, settings.hart_rung, settings.lundy_focus = 7, 5, "voice"
    assert sorted(activities.update_settings(db_session, lead, activity, settings)) == [
        "hart_rung",
        "k_threshold",
        "lundy_focus",
    ]
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "activity_updated")
    ).one()
    assert sorted(event.detail["fields"]) == ["hart_rung", "k_threshold", "lundy_focus"]


def test_own_help_links_are_checked(db_session, make, lead):
    activity = make.activity(lead.service)
    settings = settings_of(activity)
    settings.signposting = help_links.parse_help_links("Youth line | Talk to us | http://x.example")
    with pytest.raises(ActivityError) as excinfo:
        activities.update_settings(db_session, lead, activity, settings)
    assert "https://" in problems_of(excinfo)["signposting"]


def test_help_links_round_trip():
    text = "Childline | Free, any time | https://www.childline.org.uk/ | 0800 1111\n999 | In danger | 999"
    links = help_links.parse_help_links(text)
    assert links == [
        {
            "name": "Childline",
            "detail": "Free, any time",
            "href": "https://www.childline.org.uk/",
            "tel": "08001111",
        },
        {"name": "999", "detail": "In danger", "tel": "999"},
    ]
    assert help_links.check_help_links(links) == []
    assert help_links.parse_help_links(help_links.format_help_links(links)) == links


# --- questions -------------------------------------------------------------------------------


def test_every_kind_builds_and_none_can_be_mandatory():
    drafts = {
        QuestionKind.EMOJI_SCALE: QuestionDraft(
            QuestionKind.EMOJI_SCALE, "How was it?", options=["Ignored", "Too"]
        ),
        QuestionKind.TRAFFIC_LIGHT: QuestionDraft(QuestionKind.TRAFFIC_LIGHT, "Are we doing well?"),
        QuestionKind.SINGLE_CHOICE: QuestionDraft(
            QuestionKind.SINGLE_CHOICE, "Come again?", options=["Yes", "No"]
        ),
        QuestionKind.MULTIPLE_CHOICE: QuestionDraft(
            QuestionKind.MULTIPLE_CHOICE, "Enjoyed?", options=["Art", "Games", "Food"], max_picks=2
        ),
        QuestionKind.FREE_TEXT: QuestionDraft(
            QuestionKind.FREE_TEXT, "Anything else?", max_length=300
        ),
        QuestionKind.THREE_BOXES: QuestionDraft(QuestionKind.THREE_BOXES, ""),
        QuestionKind.RANKING: QuestionDraft(
            QuestionKind.RANKING, "Order these", options=["Safe", "Fun"]
        ),
        QuestionKind.REACH: QuestionDraft(QuestionKind.REACH, "", topic="gender"),
    }
    assert set(drafts) == set(QUESTION_KINDS)
    built = {kind: build_question(draft) for kind, draft in drafts.items()}
    assert len(built[QuestionKind.EMOJI_SCALE]["options"]) == 5  # fixed faces, whatever was typed
    assert all(o["face"] for o in built[QuestionKind.EMOJI_SCALE]["options"])
    assert [o["colour"] for o in built[QuestionKind.TRAFFIC_LIGHT]["options"]] == [
        "red",
        "amber",
        "green",
    ]
    assert built[QuestionKind.MULTIPLE_CHOICE]["settings"] == {"max_picks": 2}
    assert built[QuestionKind.FREE_TEXT]["settings"] == {"max_length": 300}
    assert (
        built[QuestionKind.THREE_BOXES]["prompt"]
        and len(built[QuestionKind.THREE_BOXES]["settings"]["boxes"]) == 3
    )
    assert built[QuestionKind.REACH]["prompt"] == "What is your gender?"
    assert built[QuestionKind.REACH]["options"][-1]["label"] == "Prefer not to say"
    for fields in built.values():
        assert "required" not in fields["settings"]
    # The same shape the templates and demo data use.
    assert build_question(drafts[QuestionKind.SINGLE_CHOICE]) == question_spec(
        QuestionKind.SINGLE_CHOICE, "Come again?", options=["Yes", "No"]
    )


@pytest.mark.parametrize(
    ("draft", "field", "message"),
    [
        (
            QuestionDraft(QuestionKind.SINGLE_CHOICE, "Pick", options=["Only"]),
            "options",
            "at least 2",
        ),
        (
            QuestionDraft(QuestionKind.RANKING, "Order", options=list("ABCDEFG")),
            "options",
            "up to 6",
        ),
        (
            QuestionDraft(QuestionKind.MULTIPLE_CHOICE, "Pick", options=["A", "B"], max_picks=3),
            "max_picks",
            "between 1 and 2",
        ),
        (
            QuestionDraft(QuestionKind.MULTIPLE_CHOICE, "Pick", options=["A", "B"], max_picks=0),
            "max_picks",
            "between 1 and 2",
        ),
        (
            QuestionDraft(QuestionKind.SINGLE_CHOICE, "Pick", options=["A", "a "]),
            "options",
            "same as option 1",
        ),
        (
            QuestionDraft(QuestionKind.SINGLE_CHOICE, "Pick", options=["A", "o" * 121]),
            "options",
            "120 characters",
        ),
        (QuestionDraft(QuestionKind.FREE_TEXT, "p" * 501), "prompt", "500 characters"),
        (QuestionDraft(QuestionKind.FREE_TEXT, "  "), "prompt", "Enter the question"),
        (
            QuestionDraft(QuestionKind.FREE_TEXT, "Say", max_length=5000),
            "max_length",
            "between 20 and 2000",
        ),
        (QuestionDraft(QuestionKind.REACH, "", topic="shoe_size"), "topic", "Choose what"),
        (QuestionDraft("slider", "Slide"), "kind", "Choose a kind"),
    ],
)
def test_bad_questions_are_refused_with_a_message_for_the_field(draft, field, message):
    with pytest.raises(ActivityError) as excinfo:
        build_question(draft)
    assert message in problems_of(excinfo)[field]


def test_questions_are_added_moved_and_removed_in_order(db_session, make, lead):
    activity = make.activity(lead.service, status=DRAFT, questions=[])
    for prompt in ("One?", "Two?", "Three?"):
        add_question(db_session, lead, activity, QuestionDraft(QuestionKind.FREE_TEXT, prompt))
    move_question(db_session, lead, activity.questions[2], -1)
    assert [q.prompt for q in activity.questions] == ["One?", "Three?", "Two?"]
    move_question(db_session, lead, activity.questions[0], -1)  # already first: no change
    remove_question(db_session, lead, activity.questions[0])
    assert [(q.position, q.prompt) for q in activity.questions] == [(0, "Three?"), (1, "Two?")]
    reorder_questions(db_session, lead, activity, [q.id for q in reversed(activity.questions)])
    assert [q.prompt for q in activity.questions] == ["Two?", "Three?"]
    logged = db_session.scalars(select(AuditEvent.action).where(AuditEvent.staff_id == lead.id))
    assert {"question_added", "question_moved", "question_removed"} <= set(logged)


def test_an_activity_holds_at_most_fifty_questions(db_session, make, lead):
    specs = [question_spec(QuestionKind.FREE_TEXT, f"Question {n}?") for n in range(MAX_QUESTIONS)]
    activity = make.activity(lead.service, status=DRAFT, questions=specs)
    with pytest.raises(ActivityError) as excinfo:
        add_question(db_session, lead, activity, QuestionDraft(QuestionKind.FREE_TEXT, "One more?"))
    assert "up to 50 questions" in problems_of(excinfo)["questions"]
    assert len(activity.questions) == MAX_QUESTIONS


def test_answered_activities_refuse_question_changes_but_allow_wording_fixes(
    db_session, make, lead
):
    activity = make.activity(lead.service)
    make.submission(activity, {2: [{"choice": 1}]})
    choice = activity.questions[2]  # "Would you come again?" Yes / Maybe / No
    with pytest.raises(ActivityError) as excinfo:
        add_question(db_session, lead, activity, QuestionDraft(QuestionKind.FREE_TEXT, "New?"))
    assert "Duplicate the activity" in problems_of(excinfo)["questions"]
    with pytest.raises(ActivityError):
        remove_question(db_session, lead, choice)
    with pytest.raises(ActivityError):
        move_question(db_session, lead, choice, 1)

    more_options = draft_of(choice)
    more_options.options.append("Not sure")
    with pytest.raises(ActivityError) as excinfo:
        update_question(db_session, lead, choice, more_options)
    assert "only fix its wording" in problems_of(excinfo)["options"]

    rewritten = draft_of(choice)
    rewritten.prompt = "What is your favourite colour?"
    with pytest.raises(ActivityError) as excinfo:
        update_question(db_session, lead, choice, rewritten)
    assert "reads like a different question" in problems_of(excinfo)["prompt"]

    swapped = draft_of(choice)
    swapped.options = ["No", "Maybe", "Yes"]
    with pytest.raises(ActivityError):
        update_question(db_session, lead, choice, swapped)

    fixed = draft_of(choice)
    fixed.prompt = "Would you come again next time?"
    fixed.options = ["Yes!", "Maybe", "No"]
    update_question(db_session, lead, choice, fixed)
    assert choice.prompt == "Would you come again next time?"
    assert [(o["code"], o["label"]) for o in choice.options] == [
        (1, "Yes!"),
        (2, "Maybe"),
        (3, "No"),
    ]
    assert len(activity.questions) == 8


def test_changing_max_picks_after_answers_is_refused(db_session, make, lead):
    activity = make.activity(lead.service)
    make.submission(activity, {})
    picks = activity.questions[3]
    draft = draft_of(picks)
    draft.max_picks = 3
    with pytest.raises(ActivityError) as excinfo:
        update_question(db_session, lead, picks, draft)
    assert "max_picks" in problems_of(excinfo)


def test_a_question_kind_cannot_be_changed(db_session, make, lead):
    activity = make.activity(lead.service, status=DRAFT)
    draft = draft_of(activity.questions[0])
    draft.kind = QuestionKind.FREE_TEXT
    with pytest.raises(ActivityError) as excinfo:
        update_question(db_session, lead, activity.questions[0], draft)
    assert "kind" in problems_of(excinfo)


# --- duplicating and status ----------------------------------------------------------------


def test_duplicate_copies_questions_not_answers_and_gets_a_new_code(db_session, make, lead):
    activity = make.activity(lead.service, k_threshold=8, hart_rung=6, research_sharing="ask")
    make.submission(activity, {0: [{"choice": 4}]})
    copy = activities.duplicate_activity(db_session, lead, activity)
    assert copy.id != activity.id
    assert copy.status == DRAFT
    assert copy.title == f"Copy of {activity.title}"
    assert copy.join_code != activity.join_code
    assert (copy.k_threshold, copy.hart_rung, copy.research_sharing) == (8, 6, "ask")
    assert [(q.kind, q.prompt, q.options, q.settings) for q in copy.questions] == [
        (q.kind, q.prompt, q.options, q.settings) for q in activity.questions
    ]
    assert {q.id for q in copy.questions}.isdisjoint({q.id for q in activity.questions})
    assert copy.current_consent.statement == activity.current_consent.statement
    count = select(func.count()).select_from(Submission).where(Submission.activity_id == copy.id)
    assert db_session.scalar(count) == 0
    assert copy.joined_count == 0
    assert "activity_duplicated" in actions(db_session, copy)


def test_open_needs_questions_and_consent(db_session, make, lead):
    activity = make.activity(lead.service, status=DRAFT, questions=[], consent="  ")
    with pytest.raises(ActivityError) as excinfo:
        activities.open_activity(db_session, lead, activity)
    assert set(problems_of(excinfo)) == {"questions", "consent_statement"}
    assert activity.status == DRAFT


def test_open_close_reopen_archive(db_session, make, lead):
    activity = make.activity(lead.service, status=DRAFT)
    activities.open_activity(db_session, lead, activity)
    assert activity.status == OPEN and activity.opened_at is not None
    first_opened = activity.opened_at
    with pytest.raises(ActivityError):
        activities.archive_activity(db_session, lead, activity)
    activities.close_activity(db_session, lead, activity)
    assert activity.status == CLOSED and activity.closed_at is not None
    activities.open_activity(db_session, lead, activity)
    assert activity.opened_at == first_opened and activity.closed_at is None
    activities.close_activity(db_session, lead, activity)
    activities.archive_activity(db_session, lead, activity)
    assert activity.status == ARCHIVED
    assert actions(db_session, activity) == [
        "activity_opened",
        "activity_closed",
        "activity_opened",
        "activity_closed",
        "activity_archived",
    ]
    settings = settings_of(activity)
    settings.title = "Changed"
    with pytest.raises(ActivityError):
        activities.update_settings(db_session, lead, activity, settings)
    with pytest.raises(ActivityError):
        activities.replace_join_code(db_session, lead, activity)


def test_an_activity_whose_closing_time_has_passed_cannot_open(db_session, make, lead):
    activity = make.activity(lead.service, status=DRAFT, closes_at=utcnow() - timedelta(days=1))
    with pytest.raises(ActivityError) as excinfo:
        activities.open_activity(db_session, lead, activity)
    assert "closes_at" in problems_of(excinfo)


# --- join codes ------------------------------------------------------------------------------


def test_new_code_retires_the_old_one(db_session, make, lead):
    activity = make.activity(lead.service)
    old = activity.join_code
    new = activities.replace_join_code(db_session, lead, activity)
    assert new != old and activity.join_code == new
    retired = db_session.scalars(select(RetiredJoinCode).where(RetiredJoinCode.code == old)).one()
    assert retired.activity_id == activity.id
    assert activities.code_in_use(db_session, old)  # never handed out again
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "join_code_replaced")
    ).one()
    assert event.detail == {"old": old, "new": new}


def test_a_chosen_code_is_normalised_and_checked(db_session, make, lead):
    taken = make.activity(make.service(), join_code="TAKEN2")
    activity = make.activity(lead.service)
    for raw, message in [
        ("ABC", "Use 6 letters"),
        ("HELLO1", "Use 6 letters"),  # 1 and L are easy to mix up
        (taken.join_code.lower(), "already in use"),
        (activity.join_code, "already has"),
    ]:
        with pytest.raises(ActivityError) as excinfo:
            activities.replace_join_code(db_session, lead, activity, raw)
        assert message in problems_of(excinfo)["code"]
    assert activities.replace_join_code(db_session, lead, activity, " wx-yz 23 ") == "WXYZ23"


def test_codes_of_archived_activities_can_be_reused(db_session, make, lead):
    make.activity(make.service(), status=ARCHIVED, join_code="OLDONE")
    assert not activities.code_in_use(db_session, "OLDONE")


def test_a_random_code_clash_is_drawn_again(db_session, make, lead, monkeypatch):
    taken = make.activity(make.service(), join_code="CLASH2")
    draws = iter(["CLASH2", "FRESH3"])
    monkeypatch.setattr(codes, "new_join_code", lambda: next(draws))
    activity = activities.create_activity(db_session, lead, settings_for(make, lead))
    assert activity.join_code == "FRESH3" != taken.join_code


def test_a_clash_the_database_catches_is_drawn_again(db_session, make, lead, monkeypatch):
    # Another request took the code between our check and our write: the unique index says so.
    make.activity(make.service(), join_code="RACED4")
    draws = iter(["RACED4", "SAFE56"])
    monkeypatch.setattr(codes, "new_join_code", lambda: next(draws))
    monkeypatch.setattr(activities, "code_in_use", lambda session, code: False)
    activity = activities.create_activity(db_session, lead, settings_for(make, lead))
    assert activity.join_code == "SAFE56"
    db_session.expire_all()
    stored = db_session.get(Activity, activity.id)
    assert stored.join_code == "SAFE56"
    assert [v.version for v in stored.consent_versions] == [1]
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(ConsentVersion)
            .where(ConsentVersion.activity_id == activity.id)
        )
        == 1
    )


def test_a_replaced_code_survives_a_database_clash(db_session, make, lead, monkeypatch):
    make.activity(make.service(), join_code="RACED5")
    activity = make.activity(lead.service)
    old = activity.join_code
    draws = iter(["RACED5", "SAFE78"])
    monkeypatch.setattr(codes, "new_join_code", lambda: next(draws))
    monkeypatch.setattr(activities, "code_in_use", lambda session, code: False)
    assert activities.replace_join_code(db_session, lead, activity) == "SAFE78"
    db_session.expire_all()
    assert db_session.scalars(
        select(RetiredJoinCode.code).where(RetiredJoinCode.activity_id == activity.id)
    ).all() == [old]


def test_joining_can_be_locked_and_unlocked(db_session, make, lead):
    activity = make.activity(lead.service)
    activities.set_joining_locked(db_session, lead, activity, True)
    assert activity.joining_locked
    activities.set_joining_locked(db_session, lead, activity, False)
    assert not activity.joining_locked
    assert actions(db_session, activity) == ["joining_locked", "joining_unlocked"]


# --- scope -----------------------------------------------------------------------------------


def test_leads_see_only_their_services(db_session, make):
    hub = make.service("Scope Hub", kind="hub")
    spoke = make.service("Scope Spoke", hub=hub)
    stranger = make.service("Stranger Hub", kind="hub")
    hub_lead, spoke_lead = make.staff("lead", hub), make.staff("lead", spoke)
    at_hub, at_spoke = make.activity(hub), make.activity(spoke)
    elsewhere = make.activity(stranger, status=DRAFT)

    def seen(staff):
        grouped = activities.activities_by_status(db_session, staff)
        return {a.id for group in grouped.values() for a in group}

    assert {at_hub.id, at_spoke.id} <= seen(hub_lead)
    assert elsewhere.id not in seen(hub_lead)
    assert seen(spoke_lead) == {at_spoke.id}
    assert activities.get_activity(db_session, spoke_lead, at_spoke.id) is at_spoke
    for activity_id in (at_hub.id, elsewhere.id, 10**9):
        with pytest.raises(NotFound):
            activities.get_activity(db_session, spoke_lead, activity_id)
    admin = make.staff("admin")
    with pytest.raises(NotFound):
        activities.get_activity(db_session, admin, 10**9)


def test_a_template_goes_to_the_leads_own_service(db_session, make):
    hub = make.service("Own Hub", kind="hub")
    make.service("Own Spoke", hub=hub)
    hub_lead = make.staff("lead", hub)
    activity = activities.create_from_template(db_session, hub_lead, "reach")
    assert activity.service_id == hub.id
    assert isinstance(activity.questions[0], Question)
