"""Benefits in review: their plausibility warnings wherever warnings are shown (the check
page, the reviewer's comparison, the register), explained like any other, and questions
raised on a benefit like on a value."""

from decimal import Decimal

from sqlalchemy import select

from app.database import begin_write
from app.extensions import db
from app.review.models import Question
from app.submissions.models import Benefit, Project, WarningExplanation
from tests import factories
from tests.integration.test_datasets import BENEFITS, PROJECT


def _submission(status="draft"):
    cycle = factories.make_cycle(year=2026, questionnaire=True)
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency, status)
    begin_write(db.session)
    project = Project(submission_id=submission.id, **{**PROJECT, "status": "completed"})
    project.benefits = [
        # 4 500 tkr a year realised at 10 days against a target of 12: beyond it.
        Benefit(**{**BENEFITS[0], "realised_value": Decimal(10)}),
        # The project has ended and nobody owns the benefit.
        Benefit(**{**BENEFITS[1], "owner": ""}),
    ]
    db.session.add(project)
    db.session.commit()
    return agency, submission, project


def test_the_check_page_lists_benefit_warnings_and_takes_explanations(client, login):
    agency, submission, project = _submission()
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}/summary").get_data(as_text=True)
    page = page.replace("&nbsp;", "\u00a0")
    assert "Nytt ärendehanteringssystem: Kortare handläggningstid" in page
    assert "Det realiserade värdet 10 ligger bortom målet 12." in page
    assert "Projektet har avslutats men nyttan saknar ägare" in page
    first = project.benefits[0]
    assert f"/submissions/{submission.id}/benefits/{first.id}" in page
    response = client.post(
        f"/submissions/{submission.id}/explanations",
        {f"explain:benefit:{first.id}:outcome": "Ny rutin gav mer än väntat."},
    )
    assert response.status_code == 302
    saved = db.session.scalar(select(WarningExplanation.text))
    assert saved == "Ny rutin gav mer än väntat."
    register = client.get(f"/submissions/{submission.id}/projects/{project.id}/benefits")
    assert "bortom målet" in register.get_data(as_text=True)
    link = client.get(f"/submissions/{submission.id}/benefits/{first.id}")
    assert link.status_code == 302 and f"#benefit-{first.id}" in link.headers["Location"]


def test_the_reviewer_sees_the_warnings_and_raises_a_question_on_a_benefit(client, login):
    _agency, submission, project = _submission("in_review")
    benefit = project.benefits[1]
    login("reviewer")
    page = client.get(f"/review/submissions/{submission.id}/compare").get_data(as_text=True)
    assert "Varningar om projektens nyttor (2)" in page
    assert f"about=benefit:{benefit.id}" in page
    show = client.get(f"/submissions/{submission.id}?about=benefit:{benefit.id}")
    assert f'<option value="benefit:{benefit.id}" selected>' in show.get_data(as_text=True)
    response = client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": f"benefit:{benefit.id}", "text": "Vem äger nyttan nu?"},
    )
    assert response.status_code == 302
    question = db.session.scalar(select(Question))
    assert question.benefit_id == benefit.id and question.project_id == project.id
    assert question.subject == "Nytt ärendehanteringssystem: nyttan ”Nöjdare kunder”"


def test_a_benefit_of_another_submission_is_no_target(client, login):
    _agency, submission, _project = _submission("in_review")
    _other_agency, _other, other_project = _submission_in_same_cycle(submission)
    login("reviewer")
    response = client.post(
        f"/review/submissions/{submission.id}/questions",
        {"target": f"benefit:{other_project.benefits[0].id}", "text": "?"},
    )
    assert response.status_code == 422
    assert db.session.scalar(select(Question)) is None


def _submission_in_same_cycle(submission):
    agency = factories.make_agency(name="Annan")
    other = factories.make_submission(submission.cycle, agency, "in_review")
    begin_write(db.session)
    project = Project(submission_id=other.id, **PROJECT)
    project.benefits = [Benefit(**BENEFITS[1])]
    db.session.add(project)
    db.session.commit()
    return agency, other, project


def test_removing_a_benefit_keeps_the_question_under_its_name(client, login):
    agency, submission, project = _submission("draft")
    reviewer = factories.make_user("reviewer")
    benefit = project.benefits[1]
    begin_write(db.session)
    db.session.add(
        Question(
            submission_id=submission.id,
            subject="Nöjdare kunder",
            text="?",
            raised_by_id=reviewer.id,
            project_id=project.id,
            benefit_id=benefit.id,
        )
    )
    db.session.commit()
    login("agency_editor", agency=agency)
    url = f"/submissions/{submission.id}/projects/{project.id}/benefits/{benefit.id}/delete"
    assert client.post(url).status_code == 302
    question = db.session.scalar(select(Question))
    assert question.benefit_id is None and question.subject == "Nöjdare kunder"
