"""A form posted after the idle timeout is not lost: it is kept for its user, and after logging
in again the user is back on the form with the values filled in; one save completes it, still
checked against the version the user had loaded. Kept only for its user, never a password or
CSRF token, small, few and for a few hours."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import func, select

from app.accounts.form_stash import MAX_PER_USER
from app.accounts.models import FormStash
from app.extensions import db
from app.submissions.answers import save_section
from app.submissions.locking import lock_submission
from app.submissions.models import Submission, SubmissionValue
from tests import factories

START = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
LATE = START + timedelta(minutes=31)  # past the 30 idle minutes


def _at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def _draft():
    cycle = factories.make_cycle(questionnaire=True)
    agency = factories.make_agency(name="Bolagsverket")
    submission = factories.make_submission(cycle, agency, "draft")
    return agency, submission, factories.make_user("agency_editor", agency=agency)


def _value(submission, code):
    return db.session.scalar(
        select(SubmissionValue.number).where(
            SubmissionValue.submission_id == submission.id, SubmissionValue.item_code == code
        )
    )


def _log_in_from(client, login_url, user):
    """Log in on the page the timeout sent the user to, as the browser posts its form."""
    client._csrf_token = None  # the ended session took its CSRF secret along
    response = client.post(login_url, {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    client._csrf_token = None  # the session is renewed at login
    return response


def _post_after_timeout(client, submission, user, form):
    path = f"/submissions/{submission.id}/sections/it_costs"
    with _at(START):
        client.login(user)
        page = client.get(path).text
        assert 'name="version" value="1"' in page
        token = client.csrf_token()
    with _at(LATE):
        return path, client.post(path, {"csrf_token": token, "version": "1", **form})


def test_a_form_posted_after_the_timeout_is_refilled_after_logging_in_and_saved_in_one_go(
    client,
):
    _agency, submission, user = _draft()
    path, response = _post_after_timeout(
        client, submission, user, {"users--outcome": "2 400", "operating_cost--outcome": "90"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"
    assert _value(submission, "users") is None  # nothing was saved while logged out
    stored = db.session.scalar(select(FormStash))
    assert stored is not None and stored.user_id == user.id
    assert "csrf_token" not in stored.fields  # the token is never kept

    with _at(LATE + timedelta(minutes=1)):
        login_page = client.get("/login").text
        assert "det du skickade är inte sparat än" in login_page
        logged_in = _log_in_from(client, response.headers["Location"], user)
        assert logged_in.headers["Location"] == path
        page = client.get(path).text
        assert "Inte sparat än." in page
        assert 'value="2 400"' in page and 'value="90"' in page
        assert 'name="version" value="1"' in page
        assert (
            db.session.scalar(select(func.count()).select_from(FormStash)) == 0
        )  # handed back once
        assert "Inte sparat än." not in client.get(path).text
        saved = client.post(
            path, {"version": "1", "users--outcome": "2 400", "operating_cost--outcome": "90"}
        )
        assert saved.status_code == 302
    assert _value(submission, "users") == Decimal(2400)


def test_a_refilled_form_still_meets_a_save_made_in_between_as_a_conflict(client):
    agency, submission, user = _draft()
    path, _response = _post_after_timeout(client, submission, user, {"users--outcome": "2 400"})
    colleague = factories.make_user("agency_editor", agency=agency)
    with _at(LATE):  # a colleague saves the same field meanwhile
        locked = lock_submission(submission.id)
        save_section(locked, "it_costs", {"users--outcome": "1 000"}, 1, colleague, "")
        db.session.commit()
    assert db.session.get(Submission, submission.id).version == 2
    with _at(LATE + timedelta(minutes=1)):
        client.login(user)
        page = client.get(path).text
        assert 'value="2 400"' in page and 'name="version" value="1"' in page
        conflict = client.post(path, {"version": "1", "users--outcome": "2 400"})
    assert conflict.status_code == 409
    assert _value(submission, "users") == Decimal(1000)


def test_a_stash_is_for_its_own_user_only(client):
    agency, submission, user = _draft()
    path, _response = _post_after_timeout(client, submission, user, {"users--outcome": "2 400"})
    other = factories.make_user("agency_editor", agency=agency)
    with _at(LATE + timedelta(minutes=1)):
        client.login(other)  # someone else logs in in the same browser
        page = client.get(path).text
        assert "2 400" not in page and "Inte sparat än." not in page


def test_only_marked_forms_are_kept_and_never_passwords(client):
    user = factories.make_user("reviewer")
    with _at(START):
        client.login(user)
        token = client.csrf_token()
    with _at(LATE):
        response = client.post(
            "/password",
            {"csrf_token": token, "current_password": "x", "password": "y", "confirm": "y"},
        )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(FormStash)) == 0


def test_stashes_are_few_small_and_short_lived(client):
    _agency, submission, user = _draft()
    path = f"/submissions/{submission.id}/sections/it_costs"
    for n in range(MAX_PER_USER + 2):
        moment = START + timedelta(hours=n)
        with _at(moment):
            client.login(user)
            token = client.csrf_token()
        with _at(moment + timedelta(minutes=31)):
            client.post(path, {"csrf_token": token, "version": "1", "users--outcome": str(n)})
    kept = db.session.scalars(select(FormStash)).all()
    assert len(kept) == MAX_PER_USER  # the oldest give way
    assert {json.loads(s.fields)[1][1] for s in kept} == {str(n) for n in range(2, 7)}

    with _at(START + timedelta(hours=9)):
        client.login(user)
        token = client.csrf_token()
    with _at(START + timedelta(hours=9, minutes=31)):
        big = client.post(path, {"csrf_token": token, "version": "1", "comment": "x" * 40_000})
        assert big.status_code == 302
    # Too large is not kept; a stash older than eight hours is never handed back.
    assert all("x" * 100 not in s.fields for s in db.session.scalars(select(FormStash)))

    with _at(START + timedelta(hours=30)):
        client.login(user)
        page = client.get(path).text
        assert "Inte sparat än." not in page  # too old to be handed back


def test_a_project_form_posted_after_the_timeout_is_refilled_too(client):
    from tests.integration.test_projects_http import FORM

    _agency, submission, user = _draft()
    path = f"/submissions/{submission.id}/projects/new"
    with _at(START):
        client.login(user)
        token = client.csrf_token()
    with _at(LATE):
        response = client.post(path, {"csrf_token": token, **FORM})
    assert response.headers["Location"] == f"/login?next={path}"
    with _at(LATE + timedelta(minutes=1)):
        assert _log_in_from(client, response.headers["Location"], user).headers["Location"] == path
        page = client.get(path).text
        assert "Inte sparat än." in page
        assert 'value="Nytt ärendehanteringssystem"' in page
        assert 'value="45\u00a0000"' in page  # the budget typed, shown back the Swedish way
        assert client.post(path, FORM).status_code == 302
        projects = client.get(f"/submissions/{submission.id}/projects").text
    assert "Nytt ärendehanteringssystem" in projects
