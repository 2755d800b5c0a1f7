"""The console commands: create-user and demo."""

from sqlalchemy import func, select

from participation.models import Activity, Service, Staff, Submission


def test_create_first_admin_without_a_service(runner, db_session):
    result = runner.invoke(
        args=["create-user", "First.Admin@Example.org", "--role", "admin", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    staff = db_session.scalar(select(Staff).where(Staff.email == "first.admin@example.org"))
    assert staff.role == "admin" and staff.service_id is None


def test_create_user_refuses_weak_password_and_missing_service(runner, make):
    service = make.service("Northside Spoke")
    weak = runner.invoke(
        args=[
            "create-user",
            "a@example.org",
            "--role",
            "lead",
            "--service",
            service.name,
            "--password-stdin",
        ],
        input="password\n",
    )
    assert weak.exit_code != 0 and "at least 12" in weak.output
    no_service = runner.invoke(
        args=["create-user", "b@example.org", "--role", "lead", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert no_service.exit_code != 0 and "Choose a service" in no_service.output


def test_demo_is_idempotent_and_has_the_demo_code(runner, db_session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Loaded demo data" in first.output and "/j/DEMOYP" in first.output
    counts = (
        db_session.scalar(select(func.count()).select_from(Service)),
        db_session.scalar(select(func.count()).select_from(Submission)),
    )
    second = runner.invoke(args=["demo"])
    assert "already loaded" in second.output
    assert counts == (
        db_session.scalar(select(func.count()).select_from(Service)),
        db_session.scalar(select(func.count()).select_from(Submission)),
    )
    demo = db_session.scalar(select(Activity).where(Activity.join_code == "DEMOYP"))
    assert demo.status == "open"
    assert counts[1] >= 200
