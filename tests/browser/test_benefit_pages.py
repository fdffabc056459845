"""The benefit register, its form (with errors) and the project's timeline pass axe, and the
form keeps what was typed next to each message."""

from decimal import Decimal

from playwright.sync_api import expect

from app.database import begin_write
from app.extensions import db
from app.submissions.models import Benefit, Project
from tests import factories
from tests.browser.support import assert_accessible
from tests.integration.test_datasets import BENEFITS, PROJECT


def test_the_register_its_form_and_the_timeline_pass_axe(page_as, live_server):
    agency = factories.make_agency("Vårt verk")
    submission = factories.make_submission(factories.make_cycle(year=2026), agency)
    begin_write(db.session)
    project = Project(submission_id=submission.id, **{**PROJECT, "status": "completed"})
    project.benefits = [
        Benefit(**{**BENEFITS[0], "realised_value": Decimal(10)}),
        Benefit(**{**BENEFITS[1], "owner": ""}),
    ]
    db.session.add(project)
    db.session.commit()
    editor = page_as(factories.make_user("agency_editor", agency=agency))
    base = f"{live_server}/submissions/{submission.id}/projects/{project.id}"
    editor.goto(f"{base}/benefits")
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Nyttor i")
    assert_accessible(editor)
    editor.goto(f"{base}/timeline")
    expect(editor.get_by_role("heading", level=1)).to_contain_text("år för år")
    assert_accessible(editor)
    editor.goto(f"{base}/benefits/new")
    editor.get_by_label("Nyttans namn").fill("Färre fel")
    editor.get_by_role("button", name="Spara nyttan").click()
    expect(editor.get_by_role("heading", name="Det finns ett problem")).to_be_visible()
    expect(editor.get_by_label("Nyttans namn")).to_have_value("Färre fel")
    assert_accessible(editor)
