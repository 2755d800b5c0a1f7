"""`participation export`: files for scripted use, opened with the tools researchers use."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from pypdf import PdfReader
from sqlalchemy import select

from participation.exports.releases import make_release
from participation.models import AuditEvent


def activity_with_answers(make, count: int = 6):
    activity = make.activity(title="Summer group", k_threshold=5, research_sharing="ask")
    for i in range(count):
        make.submission(activity, {0: [{"choice": 4}], 4: [{"text": f"=cmd|' /C calc'!A{i}"}]})
    if count >= 5:
        make_release(make.session, None, activity)
        make.session.flush()
    return activity


def test_export_csv_by_id_writes_an_anonymised_file(runner, make, db_session, tmp_path):
    activity = activity_with_answers(make)
    out = tmp_path / "answers.csv"
    result = runner.invoke(args=["export", str(activity.id), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 rows" in result.output
    frame = pd.read_csv(out)
    assert len(frame) == 6 and list(frame["q01"]) == [4] * 6
    assert all(text.startswith("'=") for text in frame["q05"])
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "export_csv")).one()
    assert event.target_id == activity.id and event.detail["rows"] == 6
    assert event.detail["via"] == "cli" and event.staff_id is None


def test_export_zip_by_join_code(runner, make, tmp_path):
    activity = activity_with_answers(make)
    out = tmp_path / "pack.zip"
    code = activity.join_code.lower()
    result = runner.invoke(args=["export", code, "--format", "zip", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert {"responses.csv", "datapackage.json", "README.txt", "responses.sav"} <= set(names)


def test_export_pdf_writes_the_summary_report(runner, make, tmp_path):
    activity = activity_with_answers(make)
    out = tmp_path / "summary.pdf"
    result = runner.invoke(args=["export", str(activity.id), "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Summer group" in text


def test_export_refuses_an_unknown_activity_and_a_missing_folder(runner, make, tmp_path):
    activity_with_answers(make)
    unknown = runner.invoke(args=["export", "99999", "--format", "csv", "-o", str(tmp_path / "a")])
    assert unknown.exit_code != 0 and "No activity" in unknown.output
    missing = tmp_path / "no-such-folder" / "a.csv"
    nowhere = runner.invoke(args=["export", "99999", "--format", "csv", "-o", str(missing)])
    assert nowhere.exit_code != 0 and "does not exist" in nowhere.output
    assert not list(tmp_path.iterdir())
