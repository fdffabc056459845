"""Every cycle transition is confirmed on a page that says what it will do, in numbers; a closed
cycle can be reopened with a reason until it is approved."""

from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.cycles.models import Cycle
from app.cycles.operations import set_participants
from app.extensions import db
from app.notifications.models import OutboxMessage
from app.timeutil import today_in_stockholm
from tests import factories


def _planned_cycle_with(agencies, opens_in_days=0):
    today = today_in_stockholm()
    opens_on = today + timedelta(days=opens_in_days)
    cycle = factories.make_cycle(
        2027,
        status="planned",
        opens_on=opens_on,
        submission_deadline=opens_on + timedelta(days=60),
        review_deadline=opens_on + timedelta(days=120),
    )
    set_participants(cycle, [agency.id for agency in agencies])
    db.session.commit()
    return cycle


def _text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def test_opening_states_who_gets_mail_and_warns_far_from_the_planned_day(client, login):
    reachable = factories.make_agency(name="Kammarkollegiet")
    factories.make_user("agency_editor", agency=reachable, email="redaktor@kammarkollegiet.se")
    silent = factories.make_agency(name="Riksrevisionen", contact_email="")
    _planned_cycle_with([reachable, silent], opens_in_days=330)
    login("admin")

    show = _text(client.get("/admin/cycles/2027"))
    assert 'href="/admin/cycles/2027/transitions/open"' in show

    page = _text(client.get("/admin/cycles/2027/transitions/open"))
    assert "<h1>Öppna insamlingen?</h1>" in page
    assert "2 myndigheter får ett utkast och en inbjudan att lämna in senast" in page
    assert "2 e-postmeddelanden skickas" in page
    assert "1 myndighet saknar e-postadress och får besked bara i Granska: Riksrevisionen." in page
    assert "330 dagar från i dag" in page
    assert "Inbjudningarna kan inte kallas tillbaka." in page
    # Looking is harmless: nothing opened, nothing queued.
    assert db.session.scalar(select(Cycle.status).where(Cycle.year == 2027)) == "planned"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0

    assert client.post("/admin/cycles/2027/transitions/open").status_code == 302
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_no_date_warning_when_opening_on_the_planned_day(client, login):
    _planned_cycle_with([factories.make_agency()], opens_in_days=0)
    login("admin")
    page = _text(client.get("/admin/cycles/2027/transitions/open"))
    assert "Kontrollera innan du går vidare" not in page


def test_closing_counts_the_unsettled_submissions_and_can_be_undone(client, login):
    cycle = factories.make_cycle(2026, submission_deadline=today_in_stockholm() + timedelta(3))
    for status in ("draft", "draft", "submitted", "approved", "exempted"):
        factories.make_submission(cycle, factories.make_agency(), status)
    login("admin")
    page = _text(client.get("/admin/cycles/2026/transitions/close"))
    assert "2 utkast kan inte längre lämnas in" in page
    assert '<th scope="row">Utkast</th><td class="numeric">2</td>' in page
    assert '<th scope="row">Inlämnad</th><td class="numeric">1</td>' in page
    assert "är 3 dagar bort: myndigheterna kan fortfarande lämna in." in page
    assert "kan den öppnas igen med en motivering" in page


def test_a_closed_cycle_is_reopened_with_a_reason_and_kept_in_the_history(client, login):
    cycle = factories.make_cycle(2026, status="closed")
    factories.make_submission(cycle, factories.make_agency(), "draft")
    login("admin")
    page = _text(client.get("/admin/cycles/2026"))
    assert 'href="/admin/cycles/2026/transitions/reopen"' in page
    confirm = _text(client.get("/admin/cycles/2026/transitions/reopen"))
    assert "1 utkast kan lämnas in igen" in confirm

    refused = client.post("/admin/cycles/2026/transitions/reopen", {"reason": "  "})
    assert refused.status_code == 409
    text = _text(refused)
    assert "<title>Fel:" in text and 'href="#reason"' in text
    assert "Ange en motivering för ”Öppna insamlingen igen”." in text
    assert db.session.get(Cycle, cycle.id).status == "closed"

    reason = "Stängdes en vecka för tidigt"
    assert (
        client.post("/admin/cycles/2026/transitions/reopen", {"reason": reason}).status_code == 302
    )
    assert db.session.get(Cycle, cycle.id).status == "open"
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.name == "reopen", AuditEvent.kind == "cycle_transition")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert (event.from_value, event.to_value, event.comment) == ("closed", "open", reason)


def test_an_approved_cycle_cannot_be_reopened(client, login):
    factories.make_cycle(2026, status="approved")
    login("admin")
    page = client.get("/admin/cycles/2026/transitions/reopen")
    assert "<p>”Öppna insamlingen igen” går inte när den är godkänd (fryst).</p>" in _text(page)
    assert 'name="reason"' not in page.get_data(as_text=True)
    refused = client.post("/admin/cycles/2026/transitions/reopen", {"reason": "x"})
    assert refused.status_code == 409
    assert db.session.scalar(select(Cycle.status).where(Cycle.year == 2026)) == "approved"


def test_approval_and_publication_say_what_can_never_change(client, login):
    cycle = factories.make_cycle(2026, status="closed")
    factories.make_submission(cycle, factories.make_agency(), "approved")
    factories.make_submission(cycle, factories.make_agency(), "exempted")
    login("admin")
    page = _text(client.get("/admin/cycles/2026/transitions/approve"))
    assert "Datasetet med 1 godkänd inlämning fryses med en SHA-256-kontrollsumma." in page
    assert "1 undantagen myndighet ingår inte." in page
    assert "Insamlingen kan aldrig öppnas igen" in page
    factories.freeze(cycle)
    page = _text(client.get("/admin/cycles/2026/transitions/publish"))
    assert "En publicerad insamling kan inte dras tillbaka." in page


def test_confirmation_pages_are_for_administrators_only(client, login):
    factories.make_cycle(2026, status="open")
    login("reviewer")
    assert client.get("/admin/cycles/2026/transitions/close").status_code == 403
    client.logout()
    login("admin")
    assert client.get("/admin/cycles/2026/transitions/explode").status_code == 404
    assert client.get("/admin/cycles/1999/transitions/close").status_code == 404


def test_approval_refused_names_the_first_ten_unsettled_agencies_and_counts_them_all(client, login):
    cycle = factories.make_cycle(2026, status="closed")
    names = [f"Myndighet {index:02d}" for index in range(14)]
    for name in reversed(names):
        factories.make_submission(cycle, factories.make_agency(name=name), "submitted")
    factories.make_submission(cycle, factories.make_agency(name="Aaa godkänd"), "approved")
    login("admin")
    page = _text(client.get("/admin/cycles/2026"))
    assert "14 inlämningar är varken godkända eller undantagna: " in page
    assert ", ".join(names[:10]) + ", …." in page
    assert names[10] not in page.split("undantagna:")[1].split("</p>")[0]
    assert "Aaa godkänd, Myndighet" not in page
    refused = client.post("/admin/cycles/2026/transitions/approve", {"reason": ""})
    assert refused.status_code == 409
    assert "14 inlämningar är varken godkända eller undantagna" in _text(refused)
    assert db.session.get(Cycle, cycle.id).status == "closed"
