"""An administrator of many agencies acts on many submissions at once, from the cycle's list,
after a confirmation page that says what will happen and which of the selected it leaves
alone; each bulk action is all or nothing."""

from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.notifications.models import Notification, OutboxMessage
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm
from tests import factories


def _text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def _statuses(submissions) -> list[str]:
    return [db.session.get(Submission, s.id).status for s in submissions]


def _url(action, submissions) -> str:
    query = "&".join(f"submission={s.id}" for s in submissions)
    return f"/admin/cycles/2026/bulk/{action}?{query}"


def test_many_agencies_are_exempted_with_one_reason(client, login):
    cycle = factories.make_cycle(2026)
    drafts = [factories.make_submission(cycle, factories.make_agency(), "draft") for _ in range(3)]
    approved = factories.make_submission(
        cycle, factories.make_agency(name="Tullverket"), "approved"
    )
    login("admin")
    show = client.get("/admin/cycles/2026").get_data(as_text=True)
    assert 'formaction="/admin/cycles/2026/bulk/exempt"' in show
    assert f'name="submission" value="{drafts[0].id}"' in show

    page = _text(client.get(_url("exempt", [*drafts, approved])))
    assert "3 myndigheter behöver inte rapportera för 2026" in page
    assert "1 av de valda lämnas orörd" in page
    assert "Tullverket – godkänd: bara ett utkast eller en inlämnad kan undantas" in page

    ids = [str(s.id) for s in (*drafts, approved)]
    refused = client.post("/admin/cycles/2026/bulk/exempt", {"submission": ids, "reason": " "})
    assert refused.status_code == 422
    assert '<a href="#reason">Ange skälet till undantaget.</a>' in _text(refused)
    assert _statuses(drafts) == ["draft"] * 3

    done = client.post(
        "/admin/cycles/2026/bulk/exempt", {"submission": ids, "reason": "Avvecklas 2026"}
    )
    assert done.status_code == 302
    assert _statuses([*drafts, approved]) == ["exempted"] * 3 + ["approved"]
    reasons = db.session.scalars(select(AuditEvent.comment).where(AuditEvent.name == "exempt"))
    assert list(reasons) == ["Avvecklas 2026"] * 3


def test_a_reviewer_is_assigned_to_many_submissions(client, login):
    cycle = factories.make_cycle(2026)
    held = [factories.make_submission(cycle, factories.make_agency(), s) for s in
            ("submitted", "in_review")]  # fmt: skip
    draft = factories.make_submission(cycle, factories.make_agency(), "draft")
    reviewer = factories.make_user("reviewer", name="Greta Granskare")
    login("admin")
    page = _text(client.get(_url("assign_reviewer", [*held, draft])))
    assert "Granskaren du väljer får de här 2 inlämningarna." in page
    assert "Greta Granskare" in page

    ids = [str(s.id) for s in (*held, draft)]
    refused = client.post("/admin/cycles/2026/bulk/assign_reviewer", {"submission": ids})
    assert refused.status_code == 422 and '<a href="#reviewer">Välj en granskare.</a>' in _text(
        refused
    )
    done = client.post(
        "/admin/cycles/2026/bulk/assign_reviewer",
        {"submission": ids, "reviewer": str(reviewer.id)},
    )
    assert done.status_code == 302
    reviewers = [db.session.get(Submission, s.id).reviewer_id for s in (*held, draft)]
    assert reviewers == [reviewer.id, reviewer.id, None]
    history = client.get(f"/submissions/{held[0].id}/history").get_data(as_text=True)
    assert "Granskare tilldelad" in history


def test_the_late_agencies_are_reminded_now_once_a_day(client, login):
    cycle = factories.make_cycle(2026, submission_deadline=today_in_stockholm() - timedelta(3))
    late = factories.make_submission(cycle, factories.make_agency(), "draft")
    factories.make_user("agency_editor", agency=late.agency)
    factories.make_submission(cycle, factories.make_agency(), "submitted")
    login("admin")
    show = client.get("/admin/cycles/2026").get_data(as_text=True)
    assert "Påminn de sena myndigheterna nu" in show

    page = _text(client.get(_url("remind", [late])))
    assert "1 myndighet får en påminnelse nu: 2 e-postmeddelanden" in page
    for _ in range(2):  # a second click the same day sends nothing more
        assert (
            client.post(
                "/admin/cycles/2026/bulk/remind", {"submission": [str(late.id)]}
            ).status_code
            == 302
        )
    mails = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "overdue_reminder")
    )
    notices = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "overdue_reminder")
    )
    assert (mails, notices) == (2, 1)


def test_bulk_pages_are_for_administrators_and_this_cycle_only(client, login):
    cycle = factories.make_cycle(2026)
    other = factories.make_cycle(2025)
    mine = factories.make_submission(cycle, factories.make_agency(), "draft")
    theirs = factories.make_submission(other, factories.make_agency(name="Annan"), "draft")
    login("reviewer")
    assert client.get(_url("exempt", [mine])).status_code == 403
    client.logout()
    login("admin")
    page = _text(client.get(_url("exempt", [mine, theirs])))
    assert "Annan" not in page  # another cycle's submission is not part of this one
    assert client.get("/admin/cycles/2026/bulk/delete").status_code == 404
