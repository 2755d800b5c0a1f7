"""Kiosk mode on a shared tablet: who may start it, and that nobody sees the last person's answers."""

from __future__ import annotations

from participation.models import AuditEvent
from participation.models.activities import CLOSED, DRAFT
from tests.functional.youth_journey import Journey, field_name, hidden_fields, submissions_of
from tests.helpers import csrf_token, page, text_of


def start_kiosk(client, activity):
    token = csrf_token(client.get("/join"))
    return client.post(f"/studio/activities/{activity.id}/kiosk/start", data={"csrf_token": token})


KIOSK_BUTTON = "Start kiosk mode on this device"


def kiosk_form(response):
    """The activity page's form that starts kiosk mode, or None."""
    button = page(response).find("button", string=KIOSK_BUTTON)
    return button.find_parent("form") if button else None


def test_a_lead_starts_kiosk_mode_from_the_activity_page(make, sign_in, db_session):
    spoke = make.service()
    activity = make.activity(spoke, join_code="KIOSK5")
    client = sign_in(make.staff("lead", spoke))
    studio = client.get(f"/studio/activities/{activity.id}/share")
    form = kiosk_form(studio)
    assert form is not None, "no kiosk button on an open activity"
    button = form.find("button")
    explanation = page(studio).find(id=button["aria-describedby"]).get_text()
    assert "one shared tablet" in explanation
    assert "nothing of the person before is shown" in explanation

    fields = {i["name"]: i["value"] for i in form.find_all("input", attrs={"type": "hidden"})}
    landed = client.post(form["action"], data=fields, follow_redirects=True)
    assert landed.status_code == 200
    assert landed.request.path == "/j/KIOSK5"
    consent = page(landed)
    assert consent.find("h1").get_text() == activity.title
    assert consent.find("button", string="Yes, I'll take part") is not None
    assert consent.find("a", string="Staff: end kiosk mode") is not None
    assert db_session.query(AuditEvent).filter_by(action="kiosk_started").count() == 1


def test_no_kiosk_button_on_an_activity_young_people_cannot_answer(make, sign_in):
    spoke = make.service()
    client = sign_in(make.staff("lead", spoke))
    for status in (DRAFT, CLOSED):
        activity = make.activity(spoke, status=status)
        assert kiosk_form(client.get(f"/studio/activities/{activity.id}/share")) is None, status


def test_only_signed_in_leads_and_admins_of_the_service_can_start_kiosk_mode(
    app, make, sign_in, db_session
):
    hub = make.service("Kiosk Hub", kind="hub")
    spoke = make.service("Kiosk Spoke", hub=hub)
    activity = make.activity(spoke)
    anonymous = app.test_client()
    response = start_kiosk(anonymous, activity)
    assert response.status_code == 302
    assert "/staff/sign-in" in response.headers["Location"]

    researcher = sign_in(make.staff("researcher", spoke))
    assert start_kiosk(researcher, activity).status_code == 403
    researcher.post("/staff/sign-out", data={"csrf_token": csrf_token(researcher.get("/results/"))})

    outsider = sign_in(make.staff("lead", make.service("Elsewhere Spoke", hub=make.service())))
    assert start_kiosk(outsider, activity).status_code == 404
    assert start_kiosk(outsider, make.activity(spoke, status=CLOSED)).status_code == 404
    assert outsider.post(f"/studio/activities/{activity.id}/kiosk/start").status_code == 400


def test_kiosk_mode_refuses_an_activity_that_is_not_open(make, sign_in):
    spoke = make.service()
    client = sign_in(make.staff("lead", spoke))
    response = start_kiosk(client, make.activity(spoke, status=CLOSED))
    assert response.status_code == 400
    assert "can only start on an activity that is open" in text_of(response)


def test_kiosk_mode_returns_to_the_start_and_never_shows_the_last_person(make, sign_in, db_session):
    spoke = make.service()
    activity = make.activity(spoke, join_code="KIOSK7")
    other = make.activity(spoke, join_code="OTHER7")
    lead = make.staff("lead", spoke)
    client = sign_in(lead)
    response = start_kiosk(client, activity)
    assert response.status_code == 303
    assert response.headers["Location"] == "/j/KIOSK7"
    assert db_session.query(AuditEvent).filter_by(action="kiosk_started").count() == 1

    # The tablet is no longer signed in to staff pages, and every start leads to the activity.
    assert "/staff/sign-in" in client.get("/results/").headers["Location"]
    for path in ("/", "/join", "/j/OTHER7", "/j/ZZZZZZ"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"] == "/j/KIOSK7"
    assert other.join_code == "OTHER7"

    first = Journey(client, activity)
    first.consent()
    first.press("next", {field_name(activity.questions[0]): "5"})
    earlier_page = hidden_fields(first.last)
    while first.soup.find(class_="progress"):
        first.press("pass")
    check_page = hidden_fields(first.last)
    sent = first.send()
    # Post/redirect/get: the thanks page is a plain GET, so Back from the next person's start
    # never lands on a form the browser offers to send again.
    assert sent.status_code == 303
    assert sent.headers["Location"] == "/thanks"
    thanks = client.get("/thanks")
    soup = page(thanks)
    assert soup.find("a", string="I'm done – next person")["href"] == "/j/KIOSK7"
    assert soup.find(id="withdrawal-code") is not None
    # Shown once: Back (or a reload) goes to the start, showing nothing of theirs.
    again = client.get("/thanks")
    assert again.status_code == 303
    assert again.headers["Location"] == "/j/KIOSK7"
    # No timer: the page waits for the button, however long the young person needs.
    assert soup.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert len(submissions_of(db_session, activity)) == 1

    # Back or a re-sent form shows nothing of theirs: it goes to the start.
    for url, fields in (("/answers", earlier_page), ("/answers/send", check_page)):
        response = client.post(url, data={**fields, "go": "back"})
        assert response.status_code == 303
        assert response.headers["Location"] == "/j/KIOSK7"
    assert len(submissions_of(db_session, activity)) == 1

    second = Journey(client, activity)
    second.consent()
    assert second.soup.find("input", checked=True) is None
    assert "Staff: end kiosk mode" in text_of(client.get("/j/KIOSK7"))


def test_ending_kiosk_mode_needs_staff_to_sign_in(client, make, sign_in):
    spoke = make.service()
    activity = make.activity(spoke, join_code="KIOSK8")
    lead = make.staff("lead", spoke)
    sign_in(lead)
    start_kiosk(client, activity)
    response = client.get("/studio/kiosk/end")
    assert response.status_code == 302
    assert "/staff/sign-in" in response.headers["Location"]
    assert client.get("/").status_code == 303
    sign_in(lead)
    ended = client.get("/studio/kiosk/end")
    assert ended.status_code == 200
    assert page(ended).find("h1").get_text() == "Kiosk mode is off"
    assert client.get("/").status_code == 200
    token = csrf_token(client.get("/results/"))
    assert client.post("/studio/kiosk/end", data={"csrf_token": token}).status_code == 200
