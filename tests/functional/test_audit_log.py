"""The audit log screen: who did what, when (to the hour, UK time), to which thing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from participation.accounts.audit import action_label
from participation.models import AuditEvent
from tests.helpers import page, text_of


def utc(*parts: int) -> datetime:
    """A naive UTC time, as the app stores them."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


@pytest.fixture
def services(make):
    hub = make.service("Riverside Hub", kind="hub")
    return hub, make.service("Millbrook Spoke", hub=hub), make.service("Eastgate Hub", kind="hub")


def event(
    db_session, action, *, staff=None, target=("activity", 1), service=None, at=None, **detail
):
    made = AuditEvent(
        staff_id=staff.id if staff else None,
        action=action,
        target_type=target[0],
        target_id=target[1],
        service_id=service.id if service else None,
        detail=detail,
        at=at or utc(2026, 7, 1, 13, 37, 12),
    )
    db_session.add(made)
    db_session.flush()
    return made


def table_rows(response) -> list[list[str]]:
    """The log's rows as text, with each action as its code (the cell shows plain words)."""
    return [
        [td.get("data-action") or td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page(response).select("#audit-table tbody tr")
    ]


def test_actions_read_as_plain_words(make, services, sign_in, db_session):
    _hub, spoke, _other = services
    event(db_session, "activity_opened", staff=make.staff("lead", spoke), service=spoke)
    response = sign_in(make.staff("admin")).get("/admin/audit")
    cells = page(response).select("#audit-table td[data-action]")
    words = {cell["data-action"]: cell.get_text(strip=True) for cell in cells}
    assert words["activity_opened"] == "Activity opened"
    assert words["sign_in"] == "Signed in"
    assert action_label("research_pack_downloaded_started") == "Research pack downloaded: started"


def test_an_admin_reads_every_event_to_the_hour_in_uk_time(make, services, sign_in, db_session):
    _hub, spoke, other = services
    lead = make.staff("lead", spoke, email="pat.lead@example.org")
    admin = make.staff("admin")
    event(db_session, "activity_opened", staff=lead, target=("activity", 7), service=spoke)
    event(
        db_session,
        "flag_viewed",
        staff=lead,
        target=("flag", 3),
        service=other,
        at=utc(2026, 1, 5, 9, 59),
    )
    response = sign_in(admin).get("/admin/audit")
    assert response.status_code == 200
    # Signing in (and setting up a second factor) adds events of its own, newest of all.
    rows = [row for row in table_rows(response) if row[2] in ("activity_opened", "flag_viewed")]
    # Newest first; July is British Summer Time (13:37 UTC is 14:37 in the UK, shown as 14:00).
    assert rows[0][:5] == [
        "1 Jul 2026, 14:00",
        "pat.lead@example.org",
        "activity_opened",
        "activity 7",
        "Millbrook Spoke",
    ]
    assert rows[1][:5] == [
        "5 Jan 2026, 09:00",
        "pat.lead@example.org",
        "flag_viewed",
        "flag 3",
        "Eastgate Hub",
    ]
    assert table_rows(response)[0][2] in ("sign_in", "totp_enrolled", "recovery_codes_issued")


def test_a_safeguarding_lead_reads_only_their_services_flags(make, services, sign_in, db_session):
    hub, spoke, other = services
    guard = make.staff("lead", hub, safeguarding=True)
    worker = make.staff("lead", spoke)
    event(db_session, "flag_reviewed", staff=worker, target=("flag", 11), service=spoke)
    event(db_session, "flag_viewed", staff=worker, target=("flag", 12), service=hub)
    event(db_session, "flag_viewed", staff=worker, target=("flag", 13), service=other)
    event(db_session, "activity_opened", staff=worker, target=("activity", 5), service=spoke)
    response = sign_in(guard).get("/admin/audit")
    assert response.status_code == 200
    assert sorted(row[3] for row in table_rows(response)) == ["flag 11", "flag 12"]
    assert "flag 13" not in text_of(response)


@pytest.mark.parametrize("role", ["lead", "researcher"])
def test_other_staff_may_not_read_the_log(make, services, sign_in, role):
    client = sign_in(make.staff(role, services[1]))
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_filters_by_action_staff_member_and_uk_dates(make, services, sign_in, db_session):
    _hub, spoke, _other = services
    one, two = make.staff("lead", spoke), make.staff("lead", spoke)
    event(db_session, "activity_opened", staff=one, at=utc(2026, 3, 1, 10))
    event(db_session, "activity_closed", staff=one, at=utc(2026, 3, 2, 10))
    event(db_session, "activity_closed", staff=two, at=utc(2026, 3, 3, 10))
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK: it belongs to 1 July.
    event(db_session, "activity_closed", staff=two, at=utc(2026, 6, 30, 23, 30))
    client = sign_in(make.staff("admin"))

    def shown(**args) -> list[tuple[str, str]]:
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 200
        return [(row[0], row[2]) for row in table_rows(response) if row[2].startswith("activity_")]

    assert [a for _, a in shown(action="activity_closed")] == ["activity_closed"] * 3
    assert shown(action="activity_closed", staff_id=str(one.id)) == [
        ("2 Mar 2026, 10:00", "activity_closed")
    ]
    assert shown(date_from="2026-03-02", date_to="2026-03-02") == [
        ("2 Mar 2026, 10:00", "activity_closed")
    ]
    assert shown(date_from="2026-07-01", date_to="2026-07-01") == [
        ("1 Jul 2026, 00:00", "activity_closed")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"date_from": "9999-12-31"}, "Enter a date between 2000 and 2100."),
        ({"date_from": "2026-02-30"}, "Enter a real date"),
        ({"date_from": "2026-03-05", "date_to": "2026-03-01"}, "on or after the start"),
        ({"action": "no_such_action"}, "Not a valid choice"),
    ],
)
def test_a_bad_filter_is_explained_not_a_failure(make, sign_in, args, message):
    response = sign_in(make.staff("admin")).get("/admin/audit", query_string=args)
    assert response.status_code == 200
    assert message in page(response).select_one(".error-summary").get_text()


def test_the_log_comes_in_pages(make, sign_in, db_session):
    admin = make.staff("admin")
    for hour in range(120):
        event(
            db_session,
            "theme_created",
            staff=admin,
            at=utc(2026, 2, 1 + hour // 24, hour % 24),
        )
    client = sign_in(admin)
    first = client.get("/admin/audit", query_string={"action": "theme_created"})
    assert len(table_rows(first)) == 50
    assert "120 events, page 1 of 3" in text_of(first)
    older = page(first).select_one("a[rel=next]")["href"]
    assert "action=theme_created" in older
    last = client.get(page(client.get(older)).select_one("a[rel=next]")["href"])
    assert len(table_rows(last)) == 20 and "page 3 of 3" in text_of(last)
    assert table_rows(last)[-1][0] == "1 Feb 2026, 00:00"


def test_the_csv_holds_the_filtered_events_with_safe_cells_and_reading_is_audited(
    make, services, sign_in, db_session
):
    _hub, spoke, _other = services
    admin = make.staff("admin")
    formula = {'=HYPERLINK("http://x")': "click"}  # a details cell that begins with "="
    event(db_session, "theme_created", staff=admin, service=spoke, **formula)
    event(db_session, "activity_opened", staff=admin, service=spoke)
    client = sign_in(admin)
    client.get("/admin/audit", query_string={"action": "theme_created"})
    response = client.get("/admin/audit.csv", query_string={"action": "theme_created"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["when (UK time, to the hour)", "who", "action"]
    assert [row[2] for row in rows[1:]] == ["theme_created"]
    assert rows[1][0] == "2026-07-01 14:00" and rows[1][4] == "Millbrook Spoke"
    assert rows[1][5] == '\'=HYPERLINK("http://x"): click'
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    recorded = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("audit_log_%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.staff_id, e.detail["action_filter"]) for e in recorded] == [
        ("audit_log_viewed", admin.id, "theme_created"),
        ("audit_log_exported", admin.id, "theme_created"),
    ]


def test_safeguarding_leads_find_the_log_in_the_menu_and_other_leads_do_not(
    make, services, sign_in, app
):
    _hub, spoke, _other = services
    guard = sign_in(make.staff("lead", spoke, safeguarding=True), into=app.test_client())
    worker = sign_in(make.staff("lead", spoke), into=app.test_client())
    menu = [a.get_text() for a in page(guard.get("/results/")).select("nav a")]
    assert "Audit log" in menu and "Safeguarding phrases" in menu
    menu = [a.get_text() for a in page(worker.get("/results/")).select("nav a")]
    assert "Audit log" not in menu and "Safeguarding phrases" not in menu


def test_page_links_carry_only_the_filters(make, services, sign_in, db_session):
    _hub, spoke, _other = services
    lead = make.staff("lead", spoke)
    for _ in range(60):
        event(db_session, "activity_opened", staff=lead, service=spoke)
    client = sign_in(make.staff("admin"))
    doc = page(client.get("/admin/audit?action=activity_opened&_external=1&_anchor=x"))
    links = [a["href"] for a in doc.select(".pagination a")] + [
        a["href"] for a in doc.select("a") if "audit.csv" in a["href"]
    ]
    assert links and all(link.startswith("/admin/audit") for link in links)
    assert all("_anchor" not in link and "#" not in link for link in links)
    assert all("action=activity_opened" in link for link in links)
