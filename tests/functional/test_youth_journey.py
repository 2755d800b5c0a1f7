"""The young person's journey: consent, answering every kind, checking, sending, thanks."""

from __future__ import annotations

from sqlalchemy import select

from participation.activities.consent import default_consent
from participation.activities.kinds import PREFER_NOT_TO_SAY
from participation.models import Activity, Flag, Submission
from participation.models.activities import CLOSED, CONSENT_FACILITATED, RESEARCH_ASK
from participation.models.submissions import PENDING
from tests.functional.youth_journey import (
    Journey,
    answer_count,
    answers_by_question,
    field_name,
    hidden_fields,
    submissions_of,
)
from tests.helpers import page, text_of


def every_answer(activity: Activity) -> list[dict]:
    """Form fields answering each question of the every-kind activity, by position."""
    q = activity.questions
    return [
        {field_name(q[0]): "4"},
        {field_name(q[1]): "3"},
        {field_name(q[2]): "1"},
        {field_name(q[3]): ["1", "3"]},
        {field_name(q[4]): "Getting here on the bus"},
        {
            field_name(q[5], "_0"): "The art",
            field_name(q[5], "_1"): "",
            field_name(q[5], "_2"): "Later sessions",
        },
        {field_name(q[6], "_r1"): "2", field_name(q[6], "_r2"): "3", field_name(q[6], "_r3"): "1"},
        {field_name(q[7]): str(PREFER_NOT_TO_SAY)},
    ]


def answer_all(journey: Journey, skip: int | None = None) -> None:
    """Answer every question (passing `skip`), ending on the check page."""
    for position, fields in enumerate(every_answer(journey.activity)):
        assert journey.progress() == f"{position + 1} of 8"
        if position == skip:
            journey.press("pass")
        else:
            journey.press("next", fields)
        assert journey.last.status_code == 200, text_of(journey.last)
    assert journey.heading() == "Check your answers"


def test_the_consent_page_says_what_the_young_person_needs_to_know(client, make):
    activity = make.activity(research_sharing=RESEARCH_ASK, withdrawal_days=28)
    journey = Journey(client, activity)
    response = journey.open()
    assert response.status_code == 200
    text = text_of(response)
    for fact in (
        activity.service.name,
        "do not ask for your name or contact details",
        "pass any question",
        "stop at any time",
        "How long we keep them: 1 year",
        "Who sees your answers",
        "within 28 days",
        "Yes, I'll take part",
        "No thanks",
        "Leave this site",
        "Childline",
    ):
        assert fact in text, fact
    research = journey.soup.find("input", attrs={"name": "research"})
    assert research is not None and not research.has_attr("checked")
    label = journey.soup.find("label", attrs={"for": research["id"]}).get_text()
    assert "researchers use your answers (without your name)" in label
    assert journey.soup.title.get_text() == "Feedback"
    assert "worker has already checked with your parent or carer" not in text


def test_facilitated_consent_says_a_worker_checked_with_a_parent_or_carer(client, make):
    activity = make.activity(consent_mode=CONSENT_FACILITATED)
    text = text_of(Journey(client, activity).open())
    assert "worker has already checked with your parent or carer" in text
    assert "It is still your choice" in text


def use_default_statement(activity: Activity, db_session, change=None) -> list[str]:
    """Give the activity the default statement for its settings (after `change`); its paragraphs."""
    paragraphs = default_consent(
        activity.consent_mode,
        service_name=activity.service.name,
        retention_days=activity.retention_days,
        withdrawal_days=activity.withdrawal_days,
        research_sharing=activity.research_sharing,
    ).split("\n\n")
    if change:
        paragraphs = change(paragraphs)
    activity.current_consent.statement = "\n\n".join(paragraphs)
    db_session.flush()
    return paragraphs


def test_the_default_statement_is_shown_in_paragraphs_and_not_said_twice(client, make, db_session):
    activity = make.activity(research_sharing=RESEARCH_ASK, intro="Tell us about the new room.")
    paragraphs = use_default_statement(activity, db_session)
    journey = Journey(client, activity)
    journey.open()
    consent = journey.soup.find(class_="consent")
    # The full statement (behind "Read everything about it") says each fact once; the short
    # layer above it sums some of them up on purpose.
    text = " ".join(consent.get_text(" ").split())
    assert [p.get_text() for p in consent.select("p.consent__paragraph")] == paragraphs
    assert consent.find(class_="consent-facts") is None, "the statement already says all of it"
    for fact in (
        f"These questions are from the workers at {activity.service.name}",  # who is asking
        "Tell us about the new room.",  # what it is for
        "Nobody can tell which answers are yours",  # anonymous
        "You can pass any question",
        "You can stop at any time",
        "We keep the answers for 1 year",
        f"Only workers at {activity.service.name} read your answers",  # who sees them
        "worried about someone's safety",
        "delete your answers for up to 4 weeks",  # withdrawal window
        "let researchers see your answers",
    ):
        assert text.count(fact) == 1, fact


def test_a_reworded_paragraph_brings_back_only_its_fact(client, make, db_session):
    activity = make.activity(consent_mode=CONSENT_FACILITATED)

    def reword_how_long(paragraphs: list[str]) -> list[str]:
        kept = [p for p in paragraphs if not p.startswith("We keep the answers")]
        return [*kept, "Your answers are looked after."]

    use_default_statement(activity, db_session, reword_how_long)
    journey = Journey(client, activity)
    text = text_of(journey.open())
    facts = [li.get_text(" ", strip=True) for li in journey.soup.select(".consent-facts li")]
    assert facts == ["How long we keep them: 1 year, then they are deleted."]
    # The default opening says a worker checked with a parent or carer: said once, not twice.
    assert text.count("parent or carer") == 1


def test_no_research_choice_when_the_activity_does_not_ask(client, make):
    journey = Journey(client, make.activity())
    journey.open()
    assert journey.soup.find("input", attrs={"name": "research"}) is None


def test_no_thanks_stores_nothing_and_shows_help(client, make, db_session):
    activity = make.activity()
    response = Journey(client, activity).consent("no")
    assert response.status_code == 200
    assert "Nothing has been saved" in text_of(response)
    assert "Childline" in text_of(response)
    back = page(response).find("a", string="Go back to the start")
    assert back["href"] == f"/j/{activity.join_code}"  # changing their mind is one tap
    db_session.refresh(activity)
    assert activity.joined_count == 0
    assert submissions_of(db_session, activity) == []


def test_yes_counts_a_join_but_stores_no_answers_yet(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", every_answer(activity)[0])
    db_session.refresh(activity)
    assert activity.joined_count == 1
    assert submissions_of(db_session, activity) == []


def test_full_journey_with_every_kind_of_question(client, make, db_session):
    activity = make.activity(research_sharing=RESEARCH_ASK)
    journey = Journey(client, activity)
    journey.consent(research=True)
    answer_all(journey)
    check = text_of(journey.last)
    for shown in ("Happy", "Green", "Art", "Food", "Getting here on the bus", "Prefer not to say"):
        assert shown in check
    assert "1. Learning" in check
    response = journey.send()
    assert response.status_code == 200
    assert journey.heading() == "Thank you"
    code = journey.soup.find(id="withdrawal-code").get_text(strip=True)
    assert len(code.split("-")) == 4
    assert "Keep this if you might change your mind" in text_of(response)

    [submission] = submissions_of(db_session, activity)
    assert submission.research_consent is True
    assert submission.consent_version_id == activity.current_consent.id
    assert submission.submitted_hour.minute == submission.submitted_hour.second == 0
    assert code not in submission.withdrawal_code_hash
    assert answers_by_question(db_session, submission) == {
        0: [(0, 4, None)],
        1: [(0, 3, None)],
        2: [(0, 1, None)],
        3: [(0, 1, None), (0, 3, None)],
        4: [(0, None, "Getting here on the bus")],
        5: [(0, None, "The art"), (2, None, "Later sessions")],
        6: [(0, 3, None), (1, 1, None), (2, 2, None)],
        7: [(0, PREFER_NOT_TO_SAY, None)],
    }
    assert all(a.moderation == PENDING for a in submission.answers if a.text)
    assert "If you need someone to talk to" not in text_of(response)


def test_research_sharing_is_off_unless_ticked(client, make, db_session):
    activity = make.activity(research_sharing=RESEARCH_ASK)
    journey = Journey(client, activity)
    journey.consent()
    answer_all(journey)
    journey.send()
    [submission] = submissions_of(db_session, activity)
    assert submission.research_consent is False


def test_passing_a_question_stores_nothing_for_it(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    answer_all(journey, skip=2)
    assert "You passed this one" in text_of(journey.last)
    journey.send()
    [submission] = submissions_of(db_session, activity)
    stored = answers_by_question(db_session, submission)
    assert 2 not in stored and 1 in stored and 3 in stored


def test_pass_clears_an_answer_given_before(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", every_answer(activity)[0])
    journey.press("back")
    journey.press("pass", every_answer(activity)[0])
    assert journey.progress() == "2 of 8"
    journey.press("back")
    assert journey.soup.find("input", checked=True) is None


def test_every_question_page_has_pass_and_progress_and_one_heading(client, make):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    for position in range(8):
        buttons = {b.get_text(strip=True) for b in journey.soup.find_all("button")}
        assert "Pass" in buttons
        assert ("Back" in buttons) == (position > 0)
        assert len(journey.soup.find_all("h1")) == 1
        assert journey.heading() == activity.questions[position].prompt
        journey.press("pass")


def test_faces_are_drawn_the_same_on_every_phone_and_named_in_words(client, make):
    journey = Journey(client, make.activity())
    journey.consent()
    labels = journey.soup.select(".choice label")
    assert [label.get_text(strip=True) for label in labels] == [
        "Really unhappy",
        "Unhappy",
        "Okay",
        "Happy",
        "Really happy",
    ]
    faces = [label.find("svg") for label in labels]
    assert all(face is not None and face["aria-hidden"] == "true" for face in faces)
    # Five different drawings, and no emoji left to an emoji font the phone may not have.
    assert len({str(face) for face in faces}) == 5
    assert not any(ord(character) > 0x2FFF for character in journey.last.get_data(as_text=True))


def test_back_and_next_keep_answers(client, make):
    activity = make.activity()
    answers = every_answer(activity)
    journey = Journey(client, activity)
    journey.consent()
    for position in range(6):
        journey.press("next", answers[position])
    # On the ranking page now; go all the way back.
    for _ in range(6):
        journey.press("back")
    assert journey.progress() == "1 of 8"
    checked = journey.soup.find("input", checked=True)
    assert checked["value"] == "4"
    journey.press("next")
    journey.press("next")
    journey.press("next")
    picks = {i["value"] for i in journey.soup.find_all("input", checked=True)}
    assert picks == {"1", "3"}
    journey.press("next")
    assert journey.soup.find("textarea").get_text() == "Getting here on the bus"
    journey.press("next")
    boxes = [t.get_text() for t in journey.soup.find_all("textarea")]
    assert boxes == ["The art", "", "Later sessions"]


def test_back_keeps_an_unchecked_answer_and_next_then_checks_it(client, make, db_session):
    activity = make.activity()
    free_text = activity.questions[4]
    journey = Journey(client, activity)
    journey.consent()
    for _ in range(4):
        journey.press("pass")
    journey.press("back", {field_name(free_text): "x" * 250})
    assert journey.progress() == "4 of 8"
    draft_with_long_text = hidden_fields(journey.last)
    journey.press("next")  # nothing chosen on question 4: first asked "pass this one?"
    assert journey.soup.find(class_="nudge") is not None
    journey.press("next")
    assert journey.soup.find("textarea").get_text() == "x" * 250
    response = journey.press("next")
    assert response.status_code == 400
    assert journey.progress() == "5 of 8"
    assert "Make it 200 characters or fewer" in text_of(response)
    # Sending a form that still holds it re-shows that question with the error.
    response = client.post(
        "/answers/send", data={**draft_with_long_text, "step": "8", "go": "send"}
    )
    assert response.status_code == 400
    assert "5 of 8" in text_of(response)
    assert "Make it 200 characters or fewer" in text_of(response)
    assert submissions_of(db_session, activity) == []


def test_change_from_the_check_page_goes_to_that_question_and_back(client, make):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    answer_all(journey)
    journey.press(None, goto="3")
    assert journey.progress() == "4 of 8"
    assert {i["value"] for i in journey.soup.find_all("input", checked=True)} == {"1", "3"}
    journey.press("next", {field_name(activity.questions[3]): ["2", "4", "1"]})
    assert journey.last.status_code == 400
    journey.press("next", {field_name(activity.questions[3]): "2"})
    assert journey.heading() == "Check your answers"
    check = text_of(journey.last)
    assert "Games" in check and "Food" not in check


def test_a_double_tap_or_resent_form_stores_one_submission(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    answer_all(journey)
    fields = hidden_fields(journey.last)
    first = client.post("/answers/send", data={**fields, "go": "send"})
    second = client.post("/answers/send", data={**fields, "go": "send"})
    assert first.status_code == second.status_code == 200
    assert len(submissions_of(db_session, activity)) == 1
    assert answer_count(db_session, activity) == 12
    codes = [page(r).find(id="withdrawal-code").get_text(strip=True) for r in (first, second)]
    assert codes[0] == codes[1]


def test_one_page_activity_shows_every_question_on_one_form(client, make, db_session):
    activity = make.activity(one_page=True)
    journey = Journey(client, activity)
    journey.consent()
    assert journey.soup.find(class_="progress") is None
    assert len(journey.soup.find_all(class_="question-block")) == 8
    fields: dict = {}
    for position, answer in enumerate(every_answer(activity)):
        if position != 2:
            fields.update(answer)
    journey.send(fields)
    assert journey.heading() == "Thank you"
    [submission] = submissions_of(db_session, activity)
    assert 2 not in answers_by_question(db_session, submission)
    assert len(answers_by_question(db_session, submission)) == 7


def test_one_page_pass_ticks_clear_an_answer_tapped_by_mistake(client, make, db_session):
    activity = make.activity(one_page=True)
    journey = Journey(client, activity)
    journey.consent()
    passes = journey.soup.find_all("input", attrs={"name": "pass"})
    assert len(passes) == 8
    # Each box's label says which question, so no two form controls share a name.
    labels = [
        " ".join(journey.soup.find("label", attrs={"for": p["id"]}).get_text().split())
        for p in passes
    ]
    assert labels == [f"Pass this question ({n} of 8)" for n in range(1, 9)]
    first, second = activity.questions[0], activity.questions[1]
    journey.send({field_name(first): "2", field_name(second): "3", "pass": str(first.id)})
    [submission] = submissions_of(db_session, activity)
    assert answers_by_question(db_session, submission) == {1: [(0, 3, None)]}


def test_one_page_errors_are_shown_next_to_the_field_with_answers_kept(client, make, db_session):
    activity = make.activity(one_page=True)
    free_text = activity.questions[4]
    journey = Journey(client, activity)
    journey.consent()
    response = journey.send({field_name(free_text): "y" * 201, **every_answer(activity)[0]})
    assert response.status_code == 400
    summary = journey.soup.find(class_="error-summary")
    assert summary.find("a")["href"] == f"#{field_name(free_text)}"
    assert journey.soup.find(id=field_name(free_text)).get_text() == "y" * 201
    assert journey.soup.find(
        "input", attrs={"name": field_name(activity.questions[0])}, checked=True
    )
    assert submissions_of(db_session, activity) == []


def test_a_flagged_answer_gets_the_gentle_message_and_a_private_flag(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    for _ in range(4):
        journey.press("pass")
    journey.press(
        "next", {field_name(activity.questions[4]): "Sometimes I want to run away from everything"}
    )
    for _ in range(3):
        journey.press("pass")
    response = journey.send()
    text = text_of(response)
    for words in (
        "anonymous",
        "cannot get in touch with you",
        "talk to a worker today",
        "0800 1111",
        "CEOP",
        "999",
    ):
        assert words in text, words
    flag = db_session.scalar(select(Flag).where(Flag.activity_id == activity.id))
    assert flag.categories == "missing_trafficking"
    assert flag.service_id == activity.service_id


def test_an_expired_csrf_token_on_send_keeps_the_answers(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    answer_all(journey)
    client.delete_cookie("session")
    response = journey.send()
    assert response.status_code == 200
    assert journey.heading() == "Check your answers"
    assert "Your answers are still here" in text_of(response)
    assert "Getting here on the bus" in text_of(response)
    assert submissions_of(db_session, activity) == []
    journey.send()
    assert journey.heading() == "Thank you"
    [submission] = submissions_of(db_session, activity)
    assert len(answers_by_question(db_session, submission)) == 8


def test_a_missing_csrf_token_between_questions_keeps_the_answer(client, make):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", every_answer(activity)[0], csrf_token="")
    assert journey.progress() == "1 of 8"
    assert "Your answers are still here" in text_of(journey.last)
    assert journey.soup.find("input", checked=True)["value"] == "4"
    journey.press("next")
    assert journey.progress() == "2 of 8"


def test_an_activity_that_closes_while_answering_says_what_happened(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    answer_all(journey)
    activity.status = CLOSED
    db_session.flush()
    response = journey.send()
    assert response.status_code == 409
    text = text_of(response)
    assert "Your answers were not sent" in text
    assert "closed while you were answering" in text
    assert "have not been saved" in text
    assert "Getting here on the bus" in text
    assert submissions_of(db_session, activity) == []


def test_locking_joining_does_not_stop_someone_already_answering(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    activity.joining_locked = True
    db_session.flush()
    answer_all(journey)
    journey.send()
    assert journey.heading() == "Thank you"
    assert len(submissions_of(db_session, activity)) == 1


def test_after_sending_old_pages_do_not_show_the_answers_again(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", every_answer(activity)[0])
    on_second_page = hidden_fields(journey.last)
    for _ in range(7):
        journey.press("pass")
    journey.send()
    resent = client.post("/answers", data={**on_second_page, "go": "back"})
    assert "This page has ended" in text_of(resent)
    assert resent.get_data(as_text=True).count('value="4" checked') == 0


def test_quick_exit_ends_the_visit_so_re_posted_pages_show_nothing(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", every_answer(activity)[0])
    page_with_answers = hidden_fields(journey.last)
    leave = journey.soup.find("a", attrs={"data-exit": True})
    assert leave.get_text(strip=True) == "Leave this site"
    response = client.get(leave["href"])
    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.bbc.co.uk/weather"
    resent = client.post("/answers", data={**page_with_answers, "go": "back"})
    assert "This page has ended" in text_of(resent)
    assert client.post("/answers/send", data={**page_with_answers}).status_code == 200
    assert submissions_of(db_session, activity) == []


def test_pages_are_not_cached_and_submission_is_one_row(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    assert journey.last.headers["Cache-Control"] == "no-store"
    assert (
        db_session.scalar(select(Submission.id).where(Submission.activity_id == activity.id))
        is None
    )
