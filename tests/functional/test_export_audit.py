"""An export that fails part-way leaves no audit record claiming it succeeded."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

import participation.exports.pack as pack
from participation.exports.releases import make_release
from participation.models import AuditEvent


@pytest.fixture
def released(make):
    lead = make.staff("lead")
    activity = make.activity(lead.service, research_sharing="ask", k_threshold=5)
    for number in range(40):
        make.submission(activity, {0: [{"choice": number % 5 + 1}], 4: [{"text": "y" * 400}]})
    make_release(make.session, lead, activity)
    make.session.flush()
    return lead, activity


def actions(db_session, prefix: str) -> list[tuple[str, Any]]:
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action.like(f"{prefix}%")).order_by(AuditEvent.id)
    )
    return [(e.action, e.detail.get("outcome")) for e in events]


def test_a_pack_that_breaks_mid_stream_is_recorded_as_failed_not_done(
    released, sign_in, db_session, monkeypatch
):
    lead, activity = released
    real = pack.write_sav

    def broken_sav(*args: Any, **kwargs: Any) -> None:
        raise MemoryError("injected: the SPSS file could not be made")

    monkeypatch.setattr(pack, "write_sav", broken_sav)
    client = sign_in(lead)
    response = client.get(f"/research/activities/{activity.id}/pack.zip", buffered=False)
    assert response.status_code == 200
    with pytest.raises(MemoryError):
        b"".join(response.response)
    response.close()
    assert actions(db_session, "export_research_pack") == [
        ("export_research_pack_started", None),
        ("export_research_pack_failed", "failed"),
    ]
    (failed,) = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export_research_pack_failed")
    )
    assert failed.staff_id == lead.id and failed.detail["error"] == "MemoryError"

    monkeypatch.setattr(pack, "write_sav", real)
    whole = client.get(f"/research/activities/{activity.id}/pack.zip")
    assert whole.status_code == 200
    assert "README.txt" in zipfile.ZipFile(io.BytesIO(whole.get_data())).namelist()
    assert actions(db_session, "export_research_pack")[-2:] == [
        ("export_research_pack_started", None),
        ("export_research_pack", "completed"),
    ]


def test_a_download_the_client_abandons_is_recorded_as_stopped(released, sign_in, db_session):
    lead, activity = released
    client = sign_in(lead)
    response = client.get(f"/research/activities/{activity.id}/responses.csv")
    chunks: Iterator[bytes] = iter(response.response)
    next(chunks)
    response.close()  # the browser went away after the first chunk
    assert actions(db_session, "export_responses_csv") == [
        ("export_responses_csv_started", None),
        ("export_responses_csv_failed", "stopped"),
    ]


def test_a_cli_export_that_fails_records_nothing_and_one_that_works_records_its_rows(
    released, runner, db_session, tmp_path, monkeypatch
):
    _lead, activity = released

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    out = tmp_path / "pack.zip"
    monkeypatch.setattr(pack, "write_sav", broken)
    result = runner.invoke(args=["export", str(activity.id), "--format", "zip", "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()
    assert actions(db_session, "export_zip") == []
    monkeypatch.undo()
    result = runner.invoke(args=["export", str(activity.id), "--format", "zip", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "README.txt" in zipfile.ZipFile(out).namelist()
    (done,) = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "export_zip"))
    assert done.detail["rows"] == 40 and done.detail["release"] == 1
