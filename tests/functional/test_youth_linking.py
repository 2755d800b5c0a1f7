"""The optional linking step, carrying only its hash, and removing every linked answer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from participation import throttle
from participation.clock import utcnow
from participation.models import Submission
from participation.models.enums import QuestionKind
from participation.outcomes.bank import SCALE
from participation.outcomes.linking import link_hash
from tests.conftest import TEST_SECRET
from tests.functional.youth_journey import Journey, field_name, form_values, submissions_of
from tests.helpers import page, text_of

WITHDRAW_LIMIT = int(throttle.WITHDRAW_PER_CLIENT.split()[0])
PROMPTS = {"birth_month": "3", "pet_letter": "a", "town_letter": "c", "older_siblings": "2"}
PROMPT_CODE = "p:03AC2"
CARD = "KT4M-9WPX"
CARD_CODE = "c:KT4M9WPX"


def outcome_spec(key: str = "outcome:feel-safe") -> dict:
    """An activity question asking a bank outcome question."""
    return {
        "key": key,
        "kind": QuestionKind.SINGLE_CHOICE,
        "prompt": "I feel safe.",
        "hint": "How true is this for you at the moment?",
        "options": [{"code": code, "label": label} for code, label, _ in SCALE],
        "settings": {"outcome": key},
    }


def free_text_spec() -> dict:
    return {"kind": QuestionKind.FREE_TEXT, "prompt": "Anything else?", "settings": {}}


def outcome_activity(make, service):
    """An open activity asking one outcome question and one free-text question."""
    return make.activity(service, questions=[outcome_spec(), free_text_spec()])


def key_dir(app):
    return app.config["LINK_KEY_DIR"]


def start(client, activity) -> Journey:
    """Say yes on the consent page: the linking step is next."""
    journey = Journey(client, activity)
    journey.consent()
    return journey


def link_with_prompts(client, activity, prompts=None) -> Journey:
    journey = start(client, activity)
    journey.press("prompts")
    journey.press("use", prompts or PROMPTS)
    return journey


def finish(journey: Journey, feel_safe: str = "4"):
    """Answer the outcome question, pass the rest, send."""
    journey.press("next", {field_name(journey.activity.questions[0]): feel_safe})
    while journey.soup.find(class_="progress"):
        journey.press("pass")
    return journey.send()


def draft_payload(journey: Journey) -> dict:
    token = form_values(journey.last)["draft"]
    return URLSafeSerializer(TEST_SECRET, salt="youth-draft-v1").loads(token)


def stored_hash(db_session, activity):
    [submission] = submissions_of(db_session, activity)
    return submission.link_hash


@pytest.fixture
def hub(make):
    return make.service("North Hub", kind="hub")


# --- the step ---------------------------------------------------------------------------


def test_the_linking_step_comes_after_consent_and_offers_three_equal_ways(client, make, hub):
    journey = start(client, outcome_activity(make, hub))
    soup = journey.soup
    assert journey.heading() == "See how things change for you"
    text = text_of(journey.last)
    assert "we can see how things change for you over time — without knowing who you are" in text
    assert "a scrambled version of your code, never the code or your answers" in text
    assert "answer the questions the same way" in text
    ways = soup.select(".link-ways button")
    assert [(b["value"], b.get_text(strip=True)) for b in ways] == [
        ("prompts", "Make a code from 4 questions"),
        ("card", "Use the code on my card"),
        ("skip", "Skip this"),
    ]
    assert {tuple(b["class"]) for b in ways} == {("button", "button--large", "link-way")}
    # The quick exit and the switches are there as on every young person's page.
    assert soup.find("a", class_="exit-button")["href"] == "/leave"
    assert soup.find("button", attrs={"name": "lang"})["form"] == "answers"
    assert soup.find(class_="progress") is None


def test_an_activity_without_outcome_questions_has_no_linking_step(client, make, hub):
    activity = make.activity(hub, questions=[free_text_spec()])
    journey = start(client, activity)
    assert journey.progress() == "1 of 1"
    assert "See how things change" not in text_of(journey.last)


def test_skipping_is_one_tap_and_stores_no_link(client, make, db_session, hub):
    activity = outcome_activity(make, hub)
    journey = start(client, activity)
    journey.press("skip")
    assert journey.progress() == "1 of 2"
    assert journey.soup.find(class_="link-done") is None
    finish(journey)
    assert stored_hash(db_session, activity) is None


def test_skip_from_the_prompts_page_forgets_what_was_typed(client, make, db_session, hub):
    activity = outcome_activity(make, hub)
    journey = start(client, activity)
    journey.press("prompts")
    journey.press("skip", PROMPTS)
    assert "l" not in draft_payload(journey)
    finish(journey)
    assert stored_hash(db_session, activity) is None


def test_a_code_from_prompts_is_stored_as_the_hubs_keyed_hash(client, make, app, db_session, hub):
    activity = outcome_activity(make, hub)
    journey = link_with_prompts(client, activity)
    assert journey.progress() == "1 of 2"
    assert "Your code is ready" in journey.soup.find(class_="link-done").get_text()
    finish(journey)
    assert stored_hash(db_session, activity) == link_hash(key_dir(app), hub.id, PROMPT_CODE)


def test_the_same_prompts_in_two_activities_of_one_hub_link(client, make, db_session, hub):
    in_hub = outcome_activity(make, hub)
    in_spoke = outcome_activity(make, make.service("East Spoke", hub=hub))
    finish(link_with_prompts(client, in_hub))
    typed_differently = {**PROMPTS, "pet_letter": " A ", "town_letter": "Ç"}
    finish(link_with_prompts(client, in_spoke, typed_differently))
    first, second = stored_hash(db_session, in_hub), stored_hash(db_session, in_spoke)
    assert first is not None and first == second


def test_different_prompts_do_not_link(client, make, db_session, hub):
    first, second = outcome_activity(make, hub), outcome_activity(make, hub)
    finish(link_with_prompts(client, first))
    finish(link_with_prompts(client, second, {**PROMPTS, "older_siblings": "3"}))
    assert stored_hash(db_session, first) != stored_hash(db_session, second)


def test_the_same_card_in_two_hubs_gives_unrelated_hashes(client, make, db_session, hub):
    other = make.service("South Hub", kind="hub")
    activities = [outcome_activity(make, hub), outcome_activity(make, other)]
    for activity, typed in zip(activities, (CARD, "kt4m 9wpx"), strict=True):
        journey = start(client, activity)
        journey.press("card")
        journey.press("use", {"card_code": typed})
        assert "Keep your card safe" in journey.soup.find(class_="link-done").get_text()
        finish(journey)
    hashes = [stored_hash(db_session, activity) for activity in activities]
    assert None not in hashes and hashes[0] != hashes[1]


def test_a_spoke_without_a_hub_is_its_own_hub(client, make, app, db_session):
    alone = make.service("Lone Spoke", kind="spoke")
    activity = outcome_activity(make, alone)
    finish(link_with_prompts(client, activity))
    assert stored_hash(db_session, activity) == link_hash(key_dir(app), alone.id, PROMPT_CODE)


def test_the_draft_and_cookies_never_carry_the_code(client, make, app, hub):
    activity = outcome_activity(make, hub)
    journey = start(client, activity)
    journey.press("card")
    journey.press("use", {"card_code": CARD})
    payload = draft_payload(journey)
    assert set(payload) == {"a", "v", "r", "k", "w", "t", "q", "l"}
    assert payload["l"] == link_hash(key_dir(app), hub.id, CARD_CODE)
    carried = json.dumps(payload) + str(journey.last.headers)
    cookie = client.get_cookie("session")
    carried += cookie.value if cookie else ""
    for secret in ("KT4M", "9WPX", "kt4m", CARD_CODE):
        assert secret not in carried
    # The question page keeps no linking field: the typed code has gone.
    assert "card_code" not in form_values(journey.last)


def test_the_prompt_answers_never_reach_the_draft(client, make, hub):
    journey = link_with_prompts(client, outcome_activity(make, hub))
    payload = draft_payload(journey)
    assert PROMPT_CODE not in json.dumps(payload)
    assert set(form_values(journey.last)).isdisjoint(PROMPTS)


def test_back_from_the_first_question_returns_to_the_step_and_the_code_can_be_kept(
    client, make, app, db_session, hub
):
    activity = outcome_activity(make, hub)
    journey = link_with_prompts(client, activity)
    journey.press("back")
    assert journey.heading() == "See how things change for you"
    assert "You have made a code, so these answers will be linked" in text_of(journey.last)
    journey.press("keep")
    assert journey.progress() == "1 of 2"
    finish(journey)
    assert stored_hash(db_session, activity) == link_hash(key_dir(app), hub.id, PROMPT_CODE)


def test_back_then_skip_stops_the_link(client, make, db_session, hub):
    activity = outcome_activity(make, hub)
    journey = link_with_prompts(client, activity)
    journey.press("back")
    journey.press("skip")
    assert "l" not in draft_payload(journey)
    finish(journey)
    assert stored_hash(db_session, activity) is None


def test_without_outcome_questions_the_first_question_has_no_back(client, make, hub):
    journey = start(client, make.activity(hub, questions=[free_text_spec(), free_text_spec()]))
    assert journey.soup.find("button", attrs={"value": "back"}) is None


def test_a_one_page_activity_links_before_its_page(client, make, app, db_session, hub):
    activity = make.activity(hub, questions=[outcome_spec(), free_text_spec()], one_page=True)
    journey = start(client, activity)
    assert journey.heading() == "See how things change for you"
    journey.press("card")
    journey.press("use", {"card_code": CARD})
    assert journey.soup.find("form", id="answers")["action"] == "/answers/send"
    assert "Keep your card safe" in journey.soup.find(class_="link-done").get_text()
    journey.send({field_name(activity.questions[0]): "5"})
    assert stored_hash(db_session, activity) == link_hash(key_dir(app), hub.id, CARD_CODE)


def test_the_privacy_notice_says_what_a_linking_code_keeps(client):
    text = text_of(client.get("/privacy"))
    assert "Only if you choose to make a linking code: a scrambled copy of it" in text
    assert "unless you choose to make a linking code" in text
    assert "use it to remove all your linked answers" in text


# --- mistakes and recoveries ----------------------------------------------------------------


def test_bad_letters_get_friendly_errors_next_to_each_field_and_keep_everything(
    client, make, db_session, hub
):
    activity = outcome_activity(make, hub)
    journey = start(client, activity)
    journey.press("prompts")
    typed = {"birth_month": "", "pet_letter": "12", "town_letter": "ß", "older_siblings": "1"}
    response = journey.press("use", typed)
    assert response.status_code == 400
    soup = journey.soup
    summary = [a["href"] for a in soup.select(".error-summary a")]
    assert summary == ["#birth_month", "#pet_letter", "#town_letter"]
    assert "Choose the month you were born." in soup.find(id="birth_month-error").get_text()
    assert "never had a pet" in soup.find(id="pet_letter-error").get_text()
    assert "I don't know" in soup.find(id="town_letter-error").get_text()
    assert soup.find("input", id="pet_letter")["value"] == "12"
    assert soup.find("input", id="town_letter")["value"] == "ß"
    assert soup.find("input", id="pet_letter")["aria-invalid"] == "true"
    assert soup.find("input", attrs={"name": "older_siblings", "value": "1"}).has_attr("checked")
    # Fixing them goes on to the questions, with the same draft.
    journey.press("use", {"birth_month": "3", "pet_letter": "a", "town_letter": "c"})
    assert journey.progress() == "1 of 2"


def test_oversized_and_odd_unicode_input_is_refused_kindly(client, make, hub):
    journey = start(client, outcome_activity(make, hub))
    journey.press("card")
    response = journey.press("use", {"card_code": "\u202e💥" * 3000})
    assert response.status_code == 400
    message = journey.soup.find(id="card_code-error").get_text()
    assert "8 letters and numbers" in message
    assert len(journey.soup.find("input", id="card_code")["value"]) == 40
    journey.press("choose")
    journey.press("prompts")
    response = journey.press("use", {**PROMPTS, "pet_letter": "\u0000" + "Z" * 10_000})
    assert response.status_code == 400
    assert "Type one letter" in journey.soup.find(id="pet_letter-error").get_text()


def test_the_no_pet_and_dont_know_choices_make_a_code(client, make, app, db_session, hub):
    activity = outcome_activity(make, hub)
    journey = link_with_prompts(
        client,
        activity,
        {**PROMPTS, "pet_letter": "", "no_pet": "yes", "town_letter": "", "no_town": "yes"},
    )
    assert journey.progress() == "1 of 2"
    finish(journey)
    assert stored_hash(db_session, activity) == link_hash(key_dir(app), hub.id, "p:03--2")


def test_a_failed_csrf_check_keeps_what_was_typed(client, make, hub):
    journey = start(client, outcome_activity(make, hub))
    journey.press("prompts")
    data = {**form_values(journey.last), **PROMPTS, "go": "use"}
    data.pop("csrf_token")
    response = client.post("/answers", data=data)
    assert response.status_code == 200
    soup = page(response)
    assert "press the button again" in text_of(response)
    assert soup.find("input", id="pet_letter")["value"] == "a"
    assert soup.find("option", attrs={"value": "3"}).has_attr("selected")
    assert soup.find("input", attrs={"name": "older_siblings", "value": "2"}).has_attr("checked")


def test_switching_to_welsh_keeps_what_was_typed(client, make, hub):
    journey = start(client, outcome_activity(make, hub))
    journey.press("prompts")
    journey.press(None, {**PROMPTS}, lang="cy")
    soup = journey.soup
    assert soup.html["lang"] == "cy"
    assert journey.heading() == "Gwna dy god"
    assert soup.find("option", attrs={"value": "3"}).get_text() == "Mawrth"
    assert soup.find("input", id="town_letter")["value"] == "c"
    journey.press("skip")
    assert journey.progress() == "Cwestiwn 1 o 2"


def test_easy_read_uses_shorter_words(client, make, hub):
    journey = start(client, outcome_activity(make, hub))
    journey.press(None, easy="on")
    text = text_of(journey.last)
    assert "You can make a secret code." in text
    assert "We keep a scrambled code." in text


def test_choose_another_way_goes_back_to_the_three_ways(client, make, hub):
    journey = start(client, outcome_activity(make, hub))
    journey.press("card")
    assert journey.heading() == "Use the code on your card"
    journey.press("choose")
    assert journey.heading() == "See how things change for you"


# --- removing linked answers ----------------------------------------------------------------


def post_linked(client, data):
    token = page(client.get("/withdraw")).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post("/withdraw/linked", data={"csrf_token": token, **data})


def test_the_delete_page_offers_removing_linked_answers_separately(client):
    soup = page(client.get("/withdraw"))
    section = soup.find(id="linked")
    assert section.h2.get_text() == "Remove all my linked answers"
    forms = section.find_all("form")
    assert [f.find("input", attrs={"name": "way"})["value"] for f in forms] == ["prompts", "card"]
    assert all(f["action"] == "/withdraw/linked" for f in forms)
    # The withdrawal code's own form is untouched and comes first.
    assert soup.find("form")["action"] == "/withdraw"


def test_removing_linked_answers_deletes_those_in_the_window_and_unlinks_older(
    client, make, app, db_session, hub
):
    spoke = make.service("East Spoke", hub=hub)
    other_hub = make.service("South Hub", kind="hub")
    ours = link_hash(key_dir(app), hub.id, PROMPT_CODE)
    recent = [outcome_activity(make, hub), outcome_activity(make, spoke)]
    linked = [make.submission(a, {0: [{"choice": 2}]}, link_hash=ours) for a in recent]
    in_other_hub = make.submission(
        outcome_activity(make, other_hub),
        link_hash=link_hash(key_dir(app), other_hub.id, PROMPT_CODE),
    )
    old_activity = make.activity(hub, questions=[outcome_spec()], withdrawal_days=28)
    old = make.submission(old_activity, link_hash=ours, submitted_hour=utcnow() - timedelta(40))
    other_person = make.submission(recent[0], link_hash=link_hash(key_dir(app), hub.id, "p:03AC3"))
    ids = [s.id for s in (*linked, in_other_hub, old, other_person)]

    response = post_linked(client, {"way": "prompts", **PROMPTS, "pet_letter": "A"})

    assert response.status_code == 200
    text = text_of(response)
    assert "Your linked answers have been removed" in text
    assert "We deleted 3 sets of answers for good." in text
    assert "1 set of answers was sent too long ago to delete. We took your code off it" in text
    db_session.expire_all()
    left = db_session.scalars(select(Submission).where(Submission.id.in_(ids))).all()
    assert {s.id: s.link_hash for s in left} == {
        old.id: None,
        other_person.id: other_person.link_hash,
    }


def test_removing_linked_answers_by_card(client, make, app, db_session, hub):
    activity = outcome_activity(make, hub)
    make.submission(activity, link_hash=link_hash(key_dir(app), hub.id, CARD_CODE))
    response = post_linked(client, {"way": "card", "card_code": "kt4m 9wpx"})
    assert "We deleted 1 set of answers for good." in text_of(response)
    assert submissions_of(db_session, activity) == []


def test_only_old_linked_answers_are_unlinked_and_the_page_says_so(
    client, make, app, db_session, hub
):
    activity = make.activity(hub, questions=[outcome_spec()], withdrawal_days=7)
    hashed = link_hash(key_dir(app), hub.id, CARD_CODE)
    old = make.submission(activity, link_hash=hashed, submitted_hour=utcnow() - timedelta(30))
    response = post_linked(client, {"way": "card", "card_code": CARD})
    soup = page(response)
    assert soup.h1.get_text() == "Your answers are no longer linked"
    assert "We deleted" not in soup.get_text()
    db_session.expire_all()
    assert db_session.get(Submission, old.id).link_hash is None


def test_a_code_nobody_used_gets_a_friendly_not_found_and_keeps_the_answers(client, make, hub):
    make.service("Another Hub", kind="hub")
    response = post_linked(client, {"way": "prompts", **PROMPTS})
    assert response.status_code == 400
    soup = page(response)
    assert (
        "could not find any answers linked to that code"
        in soup.find(id="linked-prompts-error").get_text()
    )
    assert soup.select(".error-summary a")[0]["href"] == "#linked-prompts"
    form = soup.find("form", id="linked-prompts")
    assert form.find_parent("details").has_attr("open")
    assert form.find("input", id="pet_letter")["value"] == "a"
    card = post_linked(client, {"way": "card", "card_code": CARD})
    assert "could not find any answers" in page(card).find(id="card_code-error").get_text()
    assert page(card).find("input", id="card_code")["value"] == CARD


def test_bad_linked_input_says_which_field_and_costs_no_try(client, make, hub):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.71"
    for _ in range(WITHDRAW_LIMIT + 2):
        response = post_linked(client, {"way": "prompts", **PROMPTS, "older_siblings": "9"})
        assert response.status_code == 400
    assert "older brothers and sisters" in page(response).find(id="older_siblings-error").get_text()


def test_removing_linked_answers_is_rate_limited_with_the_delete_page(client, make, hub):
    client.environ_base["REMOTE_ADDR"] = "198.51.100.72"
    for _ in range(WITHDRAW_LIMIT):
        assert post_linked(client, {"way": "card", "card_code": CARD}).status_code == 400
    response = post_linked(client, {"way": "card", "card_code": CARD})
    assert response.status_code == 429
    assert "Too many tries" in text_of(response)
    kept = page(response).find("form", attrs={"action": "/withdraw/linked"})
    assert kept.find("input", attrs={"name": "card_code"})["value"] == CARD


def test_removing_linked_answers_recovers_from_a_failed_csrf_check(client):
    response = client.post("/withdraw/linked", data={"way": "card", "card_code": CARD})
    assert response.status_code == 200
    assert "press the button again" in text_of(response)
    soup = page(response)
    assert soup.find("input", id="card_code")["value"] == CARD
    assert soup.find("input", id="card_code").find_parent("details").has_attr("open")


def test_a_linked_journey_can_be_removed_with_the_same_prompts(client, make, db_session, hub):
    activity = outcome_activity(make, hub)
    finish(link_with_prompts(client, activity))
    assert stored_hash(db_session, activity) is not None
    response = post_linked(client, {"way": "prompts", **PROMPTS})
    assert "We deleted 1 set of answers for good." in text_of(response)
    assert submissions_of(db_session, activity) == []
