"""The benefits sheet ("Nyttor") of the Excel template: each registered benefit with its
project, target and this year's realisation; an upload reports the realisation through the
register's own rules, all or nothing, and a row it cannot match is refused."""

from decimal import Decimal

from sqlalchemy import select

from app.database import begin_write
from app.extensions import db
from app.submissions.models import Benefit, Project
from tests.integration.test_datasets import BENEFITS, PROJECT
from tests.integration.test_excel import _bytes, _download, _draft, _errors, _upload


def _with_benefits(submission) -> list[Benefit]:
    begin_write(db.session)
    project = Project(submission_id=submission.id, **PROJECT)
    project.benefits = [Benefit(**b) for b in BENEFITS]
    db.session.add(project)
    db.session.commit()
    return project.benefits


def _benefit_row(sheet, benefit_id) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == benefit_id)


def test_the_template_lists_each_benefit_with_its_realisation(client, login):
    agency, submission = _draft()
    first, _second = _with_benefits(submission)
    login("agency_editor", agency=agency)
    sheet = _download(client, submission)["Nyttor"]
    row = _benefit_row(sheet, first.id)
    assert sheet.cell(row, 2).value == "Nytt ärendehanteringssystem"
    assert sheet.cell(row, 3).value == "Kortare handläggningstid"
    assert sheet.cell(row, 4).value == "12 dagar (2028)"
    assert sheet.cell(row, 5).value == 24 and sheet.cell(row, 7).value == "Enligt plan"
    assert sheet.cell(row, 3).protection.locked and not sheet.cell(row, 5).protection.locked


def test_an_upload_reports_the_realisation_through_the_registers_rules(client, login):
    agency, submission = _draft()
    first, second = _with_benefits(submission)
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    sheet = book["Nyttor"]
    row = _benefit_row(sheet, first.id)
    sheet.cell(row, 5).value = "12"
    sheet.cell(row, 6).value = "4 700"
    sheet.cell(row, 7).value = "Realiserad"
    other = _benefit_row(sheet, second.id)
    sheet.cell(other, 7).value = "Övergiven"  # without a reason: refused, nothing stored
    sheet.cell(other, 8).value = None
    refused = _upload(client, submission, _bytes(book))
    assert refused.status_code == 422
    assert ("Nyttor", f"H{other}", "Ange varför nyttan övergavs.") in _errors(refused)
    db.session.refresh(first)
    assert first.status == "on_track"
    sheet.cell(other, 8).value = "Lagen ändrades"
    stored = _upload(client, submission, _bytes(book))
    assert stored.status_code == 200, _errors(stored)
    assert "<li>Kortare handläggningstid</li>" in stored.get_data(as_text=True)
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, first.realised_value, first.realised_amount) == (
        "realised",
        Decimal(12),
        Decimal(4700),
    )
    assert (second.status, second.status_reason) == ("abandoned", "Lagen ändrades")


def test_a_row_without_a_registered_benefit_is_refused(client, login):
    agency, submission = _draft()
    first, _second = _with_benefits(submission)
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    sheet = book["Nyttor"]
    sheet.cell(20, 5).value = "3"  # a new row: benefits are registered in the service
    sheet.cell(_benefit_row(sheet, first.id), 1).value = 999999
    response = _upload(client, submission, _bytes(book))
    assert response.status_code == 422
    messages = {message for _sheet, _cell, message in _errors(response)}
    assert "Registrera en ny nytta i tjänsten: filen rapporterar om dem." in messages
    assert any(message.startswith("Nyttan hör inte till inlämningen") for message in messages)
    assert db.session.scalar(select(Benefit.realised_value).where(Benefit.id == first.id)) == 24


def test_a_template_without_the_benefits_sheet_still_uploads(client, login):
    agency, submission = _draft()
    _with_benefits(submission)
    login("agency_editor", agency=agency)
    book = _download(client, submission)
    del book["Nyttor"]
    response = _upload(client, submission, _bytes(book))
    assert response.status_code == 302, _errors(response)  # nothing changed, nothing refused
