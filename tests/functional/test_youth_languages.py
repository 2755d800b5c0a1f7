"""Young people's pages in Welsh, easy read and colours; the leads' Welsh wording; leftovers."""

from __future__ import annotations

from sqlalchemy import select

from participation.models import Answer, ConsentVersion, Submission
from participation.youth.draft import decode
from tests.functional.youth_journey import Journey, field_name, hidden_fields, submissions_of
from tests.helpers import page, text_of


def welsh_activity(make, db_session):
    activity = make.activity(title="Our group")
    activity.translations = {"cy": {"title": "Ein grŵp", "intro": "Dwed dy farn."}}
    single = activity.questions[2]
    single.translations = {"cy": {"prompt": "Fyddet ti’n dod eto?", "options": {"1": "Byddwn"}}}
    db_session.flush()
    return activity


def test_the_welsh_switch_turns_the_whole_page_welsh(client, make, db_session):
    activity = welsh_activity(make, db_session)
    soup = page(client.get(f"/j/{activity.join_code}?lang=cy"))
    assert soup.html["lang"] == "cy"
    assert soup.find(class_="exit-button").get_text() == "Gadael y wefan hon"
    assert soup.h1.get_text() == "Ein grŵp"
    assert "Dwed dy farn." in soup.find(class_="consent").get_text()
    switch = soup.find("button", attrs={"name": "lang"})
    assert switch["value"] == "en" and switch.get_text() == "English" and switch["lang"] == "en"
    # The choice sticks for the visit, and staff pages stay English.
    assert page(client.get("/join")).html["lang"] == "cy"
    assert page(client.get("/staff/sign-in")).html["lang"] == "en-GB"


def test_answers_in_welsh_are_stored_against_the_same_questions(client, make, db_session):
    activity = welsh_activity(make, db_session)
    journey = Journey(client, activity)
    journey.consent()
    face = activity.questions[0]
    # Switching language on a question keeps what was chosen and stays on that question.
    journey.press(None, {field_name(face): "4"}, lang="cy")
    soup = journey.soup
    assert soup.html["lang"] == "cy"
    assert soup.find(class_="progress__words").get_text() == "Cwestiwn 1 o 8"
    assert soup.find("input", attrs={"name": field_name(face), "value": "4"}).has_attr("checked")
    assert "Hapus" in soup.find("fieldset").get_text()
    journey.press("next")
    journey.press("pass")
    assert journey.soup.find("h1").get_text() == "Fyddet ti’n dod eto?"
    labels = [label.get_text(" ", strip=True) for label in journey.soup.select(".choice label")]
    assert labels[0] == "Byddwn"
    journey.press("next", {field_name(activity.questions[2]): "1"})
    while journey.soup.find(class_="progress"):
        journey.press("pass")
    assert journey.soup.h1.get_text() == "Gwiria dy atebion"
    thanks = journey.send()
    assert page(thanks).h1.get_text() == "Diolch"
    submission = db_session.scalars(select(Submission).filter_by(activity_id=activity.id)).one()
    assert submission.language == "cy"
    stored = db_session.execute(
        select(Answer.question_id, Answer.choice).filter_by(submission_id=submission.id)
    ).all()
    assert sorted(stored) == sorted([(face.id, 4), (activity.questions[2].id, 1)])


def test_english_submissions_say_english(client, make, db_session):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", {field_name(activity.questions[0]): "2"})
    while journey.soup.find(class_="progress"):
        journey.press("pass")
    journey.send()
    submission = db_session.scalars(select(Submission).filter_by(activity_id=activity.id)).one()
    assert submission.language == "en"


def test_next_with_nothing_asks_once_and_pass_stays_one_tap(client, make):
    activity = make.activity()
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next")
    assert journey.soup.find(class_="nudge__title").get_text() == (
        "You haven’t answered – pass this one?"
    )
    assert journey.progress() == "1 of 8"
    journey.press("next")  # asked already: Next now passes
    assert journey.progress() == "2 of 8"
    journey.press("pass")  # Pass never asks
    assert journey.progress() == "3 of 8"


def test_easy_read_and_colours_switches(client, make, db_session):
    activity = make.activity(easy_read=True)
    journey = Journey(client, activity)
    journey.consent()
    journey.press("pass")
    journey.press("pass")
    body = journey.soup.body
    assert "easy" in body["class"] and "colours-auto" in body["class"]
    # Each option has a picture beside it, drawn from the page's own symbols.
    uses = [use["href"] for use in journey.soup.select(".choice svg.symbol use")]
    assert uses and all(journey.soup.find(id=href[1:]) for href in uses)
    assert uses[0] == "#s-yes"
    journey.press(None, easy="off")
    journey.press(None, colours="dark")
    body = journey.soup.body
    assert "easy" not in body["class"] and "colours-dark" in body["class"]
    assert journey.progress() == "3 of 8"


def test_pages_are_not_kept_and_forms_are_not_refilled(client, make):
    activity = make.activity()
    journey = Journey(client, activity)
    response = journey.consent()
    assert response.headers["Cache-Control"] == "no-store"
    assert journey.soup.find("form", id="answers")["autocomplete"] == "off"


def test_privacy_notice_tells_the_numbers_the_code_uses(client):
    from participation.activities.settings import MIN_K, ActivitySettings

    defaults = ActivitySettings(title="", participation_type_id=None, service_id=None)
    text = text_of(client.get("/privacy"))
    assert f"fewer than {defaults.k_threshold} people" in text
    assert f"never fewer than {MIN_K}" in text
    assert f"Usually {defaults.retention_days} days" in text
    assert f"within {defaults.withdrawal_days} days" in text
    assert "IP address" in text
    welsh = text_of(client.get("/privacy?lang=cy"))
    assert f"llai na {defaults.k_threshold} o bobl" in welsh
    for path in ("/accessibility", "/join", "/"):
        links = page(client.get(path)).select(".youth-links a")
        assert [a["href"] for a in links] == ["/privacy", "/accessibility"]


def test_leads_give_welsh_wording_and_the_preview_shows_both(client, make, db_session, sign_in):
    spoke = make.service()
    activity = make.activity(spoke)
    sign_in(make.staff("lead", spoke))
    url = f"/studio/activities/{activity.id}/translations"
    form = page(client.get(url)).find("form", class_="translations")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")} | {
        t["name"]: t.get_text() for t in form.find_all("textarea")
    }
    face = activity.questions[0]
    data |= {
        "title": "Ein grŵp",
        "consent": "Gelli di basio unrhyw gwestiwn.",
        f"q{face.id}_prompt": "Sut wyt ti’n teimlo am y grŵp?",
        f"q{face.id}_o1": "Trist iawn",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    db_session.expire_all()
    assert activity.translations == {"cy": {"title": "Ein grŵp"}}
    assert face.translations["cy"] == {
        "prompt": "Sut wyt ti’n teimlo am y grŵp?",
        "options": {"1": "Trist iawn"},
    }
    versions = db_session.scalars(
        select(ConsentVersion).filter_by(activity_id=activity.id).order_by(ConsentVersion.version)
    ).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].statement == versions[0].statement
    assert versions[1].translations == {"cy": "Gelli di basio unrhyw gwestiwn."}
    preview = page(client.get(f"/studio/activities/{activity.id}/preview"))
    english, welsh = preview.select(".preview-pair")[1].find_all(class_="phone-frame")
    assert "How do you feel about the group?" in english.get_text()
    assert "Sut wyt ti’n teimlo am y grŵp?" in welsh.get_text()
    assert "Trist iawn" in welsh.get_text() and "Pasio" in welsh.get_text()
    ids = [element["id"] for element in preview.find_all(id=True)]
    assert len(ids) == len(set(ids)), "the two languages' inputs need their own ids"


def test_the_thanks_page_switches_language_without_carrying_the_answers(
    app, client, make, db_session
):
    activity = make.activity()
    text_question = next(q for q in activity.questions if q.kind == "free_text")
    journey = Journey(client, activity)
    journey.consent()
    journey.press("next", {field_name(activity.questions[0]): "2"})
    while journey.soup.find(class_="progress"):
        fields = {}
        if journey.soup.find("textarea", attrs={"name": field_name(text_question)}):
            fields = {field_name(text_question): "The synthetic snack table answer"}
        journey.press("next", fields)
    thanks = journey.send()
    code = page(thanks).find(id="withdrawal-code").get_text()
    with app.app_context():
        carried = decode(hidden_fields(thanks)["draft"])
    assert carried is not None and carried.answers == {}
    assert "synthetic snack table" not in thanks.get_data(as_text=True)
    welsh = journey.press(None, url="/answers/send", lang="cy")
    assert page(welsh).h1.get_text() == "Diolch"
    assert page(welsh).find(id="withdrawal-code").get_text() == code
    assert len(submissions_of(db_session, activity)) == 1
    stored = db_session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
    assert "The synthetic snack table answer" in stored
