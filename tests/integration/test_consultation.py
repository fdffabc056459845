"""The consultation on a planned cycle's questionnaire, through the pages, the API and the
freezing: an administrator sends the draft out with a deadline, the agencies comment item by
item (what changed since last year marked) or in general and see only their own comments,
the authority answers, decides and records, and the record is frozen with the dataset."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.api.tokens import create_token
from app.consultation.models import Consultation, ConsultationComment
from app.cycles.models import CycleParticipant
from app.cycles.operations import fire_cycle_transition
from app.database import begin_write
from app.datasets.freezing import snapshot_of, verify
from app.datasets.guard import CycleFrozen
from app.extensions import db
from app.notifications.models import OutboxMessage
from app.timeutil import today_in_stockholm
from tests import factories

YEAR = 2027
OURS, THEIRS = "Skatteverket", "Tullverket"
THEIR_SECRET = "Tullverkets synpunkt: definitionen av användare är oklar"


def _world(participants: bool = True):
    """2026 closed with the default questionnaire; 2027 planned, its draft with the users
    definition reworded (a series break); two agencies with an editor and a viewer each."""
    factories.make_cycle(2026, status="closed", questionnaire=True)
    cycle = factories.make_cycle(YEAR, status="planned", questionnaire=True)
    begin_write(db.session)
    from app.cycles.questionnaire import QuestionnaireItem

    users = db.session.scalar(
        select(QuestionnaireItem).where(
            QuestionnaireItem.cycle_id == cycle.id, QuestionnaireItem.code == "users"
        )
    )
    users.definition_sv = "Personer med eget konto vid årets slut, utom konsulter."
    db.session.commit()
    world = {"cycle": cycle, "admin": factories.make_user("admin", name="Ada Administratör")}
    for name in (OURS, THEIRS):
        agency = factories.make_agency(name=name, contact_email=f"registrator@{name}.example")
        world[name] = agency
        world[f"{name} editor"] = factories.make_user("agency_editor", agency=agency)
        world[f"{name} viewer"] = factories.make_user("agency_viewer", agency=agency)
        if participants:
            begin_write(db.session)
            db.session.add(CycleParticipant(cycle_id=cycle.id, agency_id=agency.id))
            db.session.commit()
    return world


def _open(client, world, deadline: date | None = None):
    client.login(world["admin"])
    deadline = deadline or today_in_stockholm() + timedelta(days=21)
    response = client.post(
        f"/admin/cycles/{YEAR}/consultation",
        {"deadline": deadline.isoformat(), "intro_sv": "Tyck till om årets frågor."},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    client.logout()


def _comment(client, key: str, text: str):
    return client.post(f"/cycles/{YEAR}/consultation/items/{key}/comments", {f"c{key}-text": text})


def test_an_administrator_sends_the_draft_out_and_each_agency_is_mailed(app, client):
    world = _world()
    client.login(world["admin"])
    page = client.get(f"/admin/cycles/{YEAR}/consultation").get_data(as_text=True)
    assert "Skicka på remiss" in page and "Sista dag för synpunkter" in page
    # A deadline that is not ahead comes back next to its field, the introduction kept.
    typed = {"deadline": "2020-01-01", "intro_sv": "Tyck till om årets frågor."}
    response = client.post(f"/admin/cycles/{YEAR}/consultation", typed)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ange en sista dag efter i dag." in body
    assert "Tyck till om årets frågor." in body and "<title>Fel:" in body
    response = client.post(f"/admin/cycles/{YEAR}/consultation", {"deadline": "i morgon"})
    assert response.status_code == 422 and "ÅÅÅÅ-MM-DD" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Consultation.id))) == 0
    client.logout()
    _open(client, world)
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "consultation_opened")
    ).all()
    assert {m.agency_id for m in mail} == {world[OURS].id, world[THEIRS].id}
    message = next(m for m in mail if m.recipient == f"registrator@{OURS.lower()}.example")
    assert message.subject == f"Granska: synpunkter önskas på frågeformuläret för {YEAR}"
    assert "Myndigheten ber om Skatteverket" in message.body  # Swedish first …
    assert "The authority asks for Skatteverket" in message.body  # … then English
    assert f"/cycles/{YEAR}/consultation" in message.body
    # A second consultation of the same cycle is refused.
    client.login(world["admin"])
    again = {"deadline": (today_in_stockholm() + timedelta(days=5)).isoformat()}
    assert client.post(f"/admin/cycles/{YEAR}/consultation", again).status_code == 422
    assert db.session.scalar(select(func.count(Consultation.id))) == 1


def test_agencies_comment_item_by_item_and_see_only_their_own(app, client):
    world = _world()
    _open(client, world)
    client.login(world[f"{OURS} editor"])
    page = client.get(f"/cycles/{YEAR}/consultation").get_data(as_text=True)
    users = page[page.index('id="item-users"') :][:2000]
    assert "Ändrad" in users and "Seriebrott" in users
    assert '<ins><span class="visually-hidden">tillagt: </span>utom</ins>' in users
    assert "Tyck till om årets frågor." in page
    # A comment needs a text: the error is next to the form, on the item.
    response = _comment(client, "users", "   ")
    assert response.status_code == 422 and "Skriv din synpunkt." in response.get_data(as_text=True)
    assert _comment(client, "users", "Räkna konsulter som förut.").status_code == 302
    assert _comment(client, "_general", "Bra att formuläret blir kortare.").status_code == 302
    assert _comment(client, "no_such_item", "Okänd").status_code == 404
    client.logout()
    client.login(world[f"{THEIRS} editor"])
    assert _comment(client, "users", THEIR_SECRET).status_code == 302
    client.logout()
    client.login(world[f"{OURS} viewer"])
    page = client.get(f"/cycles/{YEAR}/consultation").get_data(as_text=True)
    assert "Räkna konsulter som förut." in page and "Bra att formuläret blir kortare." in page
    assert THEIR_SECRET not in page and THEIRS not in page
    assert _comment(client, "users", "Tittare").status_code == 403  # a viewer reads only
    client.logout()
    # Another agency's comment id is as good as missing.
    theirs = db.session.scalar(
        select(ConsultationComment).where(ConsultationComment.text == THEIR_SECRET)
    )
    client.login(world[f"{OURS} editor"])
    response = client.post(f"/cycles/{YEAR}/consultation/comments/{theirs.id}/withdraw")
    assert response.status_code == 404 and THEIR_SECRET not in response.get_data(as_text=True)
    assert db.session.get(ConsultationComment, theirs.id) is not None
    own = db.session.scalar(
        select(ConsultationComment.id).where(ConsultationComment.item_code == "")
    )
    assert client.post(f"/cycles/{YEAR}/consultation/comments/{own}/withdraw").status_code == 302
    left = db.session.scalars(select(ConsultationComment.id)).all()
    assert own not in left and len(left) == 2


def test_an_agency_that_is_not_consulted_gets_404(app, client, login):
    world = _world()
    _open(client, world)
    login("agency_editor", agency=factories.make_agency(name="Inte med"))
    assert client.get(f"/cycles/{YEAR}/consultation").status_code == 404
    assert _comment(client, "users", "Hej").status_code == 404


def test_without_participants_every_active_agency_is_consulted(app, client, login):
    world = _world(participants=False)
    _open(client, world)
    newcomer = factories.make_agency(name="Ny myndighet")
    login("agency_editor", agency=newcomer)
    assert client.get(f"/cycles/{YEAR}/consultation").status_code == 200
    recipients = db.session.scalars(
        select(OutboxMessage.agency_id).where(OutboxMessage.kind == "consultation_opened")
    ).all()
    assert {world[OURS].id, world[THEIRS].id} <= set(recipients)


def test_comments_are_refused_after_the_deadline_and_once_the_cycle_opens(app, client):
    world = _world()
    _open(client, world)
    begin_write(db.session)
    consultation = db.session.scalar(select(Consultation))
    consultation.deadline = today_in_stockholm() - timedelta(days=1)
    db.session.commit()
    client.login(world[f"{OURS} editor"])
    response = _comment(client, "users", "För sent")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Sista dagen för synpunkter har passerat." in body
    assert "För sent" in body  # the text is kept
    consultation.deadline = today_in_stockholm() + timedelta(days=3)
    world["cycle"].status = "open"
    db.session.commit()
    response = _comment(client, "users", "Efter öppnandet")
    assert response.status_code == 422
    assert "Omgången har öppnat" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ConsultationComment.id))) == 0


def test_only_a_planned_cycle_is_sent_out(app, client, login):
    factories.make_cycle(YEAR, status="open", questionnaire=True)
    login("admin")
    deadline = (today_in_stockholm() + timedelta(days=9)).isoformat()
    response = client.post(f"/admin/cycles/{YEAR}/consultation", {"deadline": deadline})
    assert response.status_code == 422
    assert "Bara en planerad omgångs frågeformulär" in response.get_data(as_text=True)


def _answer_all(client, world):
    """Close, answer every comment and decide on every commented item, as the administrator."""
    client.login(world["admin"])
    assert client.post(f"/admin/cycles/{YEAR}/consultation/close").status_code == 302
    for comment in db.session.scalars(select(ConsultationComment)).all():
        response = client.post(
            f"/admin/cycles/{YEAR}/consultation/comments/{comment.id}/answer",
            {f"a{comment.id}-text": f"Tack. Svar på {comment.text[:20]}"},
        )
        assert response.status_code == 302


def test_the_authority_answers_decides_and_records(app, client):
    world = _world()
    _open(client, world)
    for name, text in ((OURS, "Räkna konsulter som förut."), (THEIRS, THEIR_SECRET)):
        client.login(world[f"{name} editor"])
        assert _comment(client, "users", text).status_code == 302
        client.logout()
    client.login(world["admin"])
    # Answers wait until the consultation is closed.
    comment_id = db.session.scalar(select(func.min(ConsultationComment.id)))
    early = client.post(
        f"/admin/cycles/{YEAR}/consultation/comments/{comment_id}/answer",
        {f"a{comment_id}-text": "För tidigt"},
    )
    assert early.status_code == 422 and "Synpunkter besvaras när remissen har stängts" in (
        early.get_data(as_text=True)
    )
    page = client.get(f"/admin/cycles/{YEAR}/consultation").get_data(as_text=True)
    assert "2 synpunkter totalt." in page and OURS in page and THEIR_SECRET in page
    client.logout()
    _answer_all(client, world)
    # Every commented item needs its decision before the outcome is recorded.
    response = client.post(f"/admin/cycles/{YEAR}/consultation/record", follow_redirects=True)
    assert "Varje fråga med synpunkter behöver ett beslut" in response.get_data(as_text=True)
    missing = client.post(
        f"/admin/cycles/{YEAR}/consultation/items/users/decision", {"dusers-outcome": "changed"}
    )
    assert missing.status_code == 422 and "Motivera beslutet." in missing.get_data(as_text=True)
    decided = client.post(
        f"/admin/cycles/{YEAR}/consultation/items/users/decision",
        {"dusers-outcome": "changed", "dusers-text": "Konsulter räknas med, som förut."},
    )
    assert decided.status_code == 302
    assert client.post(f"/admin/cycles/{YEAR}/consultation/record").status_code == 302
    assert db.session.scalar(select(Consultation.status)) == "recorded"
    client.logout()
    # Our agency sees its comment, the answer and the decision; never the other's comment.
    client.login(world[f"{OURS} viewer"])
    page = client.get(f"/cycles/{YEAR}/consultation").get_data(as_text=True)
    assert "Svar från myndigheten" in page and "Tack. Svar på Räkna konsulter" in page
    assert "Ändrad efter synpunkterna" in page and "Konsulter räknas med, som förut." in page
    assert THEIR_SECRET not in page
    # Once the cycle opens, its changes page leads to how the definitions were agreed.
    begin_write(db.session)
    world["cycle"].status = "open"
    db.session.commit()
    changes = client.get(f"/cycles/{YEAR}/questionnaire/changes").get_data(as_text=True)
    assert f'href="/cycles/{YEAR}/consultation"' in changes
    page = client.get(f"/cycles/{YEAR}/consultation").get_data(as_text=True)
    assert "Konsulter räknas med, som förut." in page and "Skicka synpunkten" not in page


def _token(user) -> str:
    begin_write(db.session)
    _row, raw = create_token(user, "test", 90)
    db.session.commit()
    return raw


def test_the_api_gives_the_record_to_staff_and_an_agency_its_own_part(app, client):
    world = _world()
    _open(client, world)
    for name, text in ((OURS, "Räkna konsulter som förut."), (THEIRS, THEIR_SECRET)):
        client.login(world[f"{name} editor"])
        assert _comment(client, "users", text).status_code == 302
        client.logout()

    def get(user):
        headers = {"Authorization": f"Bearer {_token(user)}"}
        return client.get(f"/api/v1/cycles/{YEAR}/consultation", headers=headers)

    body = get(world["admin"]).get_json()
    assert body["status"] == "open" and len(body["comments"]) == 2
    assert {c["agency"]["name"] for c in body["comments"]} == {OURS, THEIRS}
    own = get(world[f"{OURS} viewer"]).get_json()
    assert [c["text"] for c in own["comments"]] == ["Räkna konsulter som förut."]
    assert get(factories.make_user("ministry")).status_code == 404
    stranger = factories.make_user("agency_editor", agency=factories.make_agency(name="Annan"))
    assert get(stranger).status_code == 404
    assert client.get("/api/v1/cycles/2026/consultation", headers={
        "Authorization": f"Bearer {_token(world['admin'])}"
    }).status_code == 404  # fmt: skip
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/cycles/{year}/consultation" in spec["paths"]
    assert "Consultation" in spec["components"]["schemas"]


def test_the_record_is_frozen_with_the_dataset_and_verifies(app, client):
    world = _world()
    _open(client, world)
    client.login(world[f"{OURS} editor"])
    assert _comment(client, "users", "Räkna konsulter som förut.").status_code == 302
    client.logout()
    _answer_all(client, world)
    client.post(
        f"/admin/cycles/{YEAR}/consultation/items/users/decision",
        {"dusers-outcome": "adopted", "dusers-text": "Förslaget står sig."},
    )
    assert client.post(f"/admin/cycles/{YEAR}/consultation/record").status_code == 302
    client.logout()
    cycle, admin = world["cycle"], world["admin"]
    begin_write(db.session)
    cycle.status = "closed"  # a cycle with no submissions, closed and approved as it stands
    db.session.commit()
    fire_cycle_transition(YEAR, "approve", admin)
    db.session.commit()
    snapshot = snapshot_of(cycle)
    record = json.loads(snapshot.content)["consultation"]
    assert record["status"] == "recorded"
    (comment,) = record["comments"]
    assert comment["item"] == "users" and comment["agency"]["name"] == OURS
    assert comment["answer"].startswith("Tack.")
    assert record["decisions"] == [
        {
            "item": "users",
            "outcome": "adopted",
            "text": "Förslaget står sig.",
            "decided_at": record["decisions"][0]["decided_at"],
        }
    ]
    assert "Ada" not in json.dumps(record)  # agencies are named, persons are not
    assert verify(cycle).ok
    client.login(admin)
    page = client.get(f"/cycles/{YEAR}/dataset").get_data(as_text=True)
    assert "part of the frozen dataset" in page or "del av den frysta datamängden" in page
    assert f'href="/admin/cycles/{YEAR}/consultation"' in page
    client.logout()
    # Nothing of the consultation changes once frozen.
    begin_write(db.session)
    db.session.get(
        ConsultationComment, db.session.scalar(select(ConsultationComment.id))
    ).text = "Ändrad i efterhand"
    with pytest.raises(CycleFrozen):
        db.session.flush()
    db.session.rollback()


def test_a_dataset_frozen_without_a_consultation_keeps_its_form_and_verifies(app, client):
    """Datasets frozen before consultations existed have no such part: they are rebuilt
    without one, so their digests still verify (test_datasets.py holds the fixed digest)."""
    world = _world()
    cycle = world["cycle"]
    begin_write(db.session)
    cycle.status = "closed"
    db.session.commit()
    fire_cycle_transition(YEAR, "approve", world["admin"])
    db.session.commit()
    snapshot = snapshot_of(cycle)
    assert "consultation" not in json.loads(snapshot.content)
    result = verify(cycle)
    assert result.ok and result.stored == snapshot.digest


def test_a_reminder_before_the_deadline_goes_to_the_agencies_still_silent(app, client):
    from app.notifications.reminders import still_needed, sweep

    world = _world()
    _open(client, world, deadline=today_in_stockholm() + timedelta(days=10))
    client.login(world[f"{OURS} editor"])
    assert _comment(client, "users", "Räkna konsulter som förut.").status_code == 302
    client.logout()

    def reminders():
        db.session.rollback()
        return db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "consultation_reminder")
        ).all()

    sweep(today_in_stockholm())  # ten days left: too early
    db.session.commit()
    assert reminders() == []
    begin_write(db.session)
    db.session.scalar(select(Consultation)).deadline = today_in_stockholm() + timedelta(days=2)
    db.session.commit()
    for _ in range(2):  # a second sweep adds nothing
        sweep(today_in_stockholm())
        db.session.commit()
    sent = reminders()
    # Tullverket's address and its editor's, once each; Skatteverket has commented already.
    assert {r.agency_id for r in sent} == {world[THEIRS].id} and len(sent) == 2
    reminder = sent[0]
    assert reminder.subject == f"Granska: påminnelse, synpunkter på frågeformuläret för {YEAR}"
    assert "om 2 dagar" in reminder.body and "in 2 days" in reminder.body
    assert still_needed(reminder)
    client.login(world[f"{THEIRS} editor"])
    assert _comment(client, "_general", "Inga synpunkter.").status_code == 302
    assert not still_needed(reminders()[0])  # commented meanwhile: it is skipped at sending


def test_a_comment_stays_with_its_code_when_the_authority_removes_the_question(app, client):
    """The questionnaire is still edited during the consultation: a comment on a question the
    authority then drops is shown under its code, answered and decided like any other."""
    from app.cycles.questionnaire import QuestionnaireItem

    world = _world()
    _open(client, world)
    client.login(world[f"{OURS} editor"])
    assert _comment(client, "users", "Stryk frågan, den mäter inget.").status_code == 302
    client.logout()
    begin_write(db.session)
    db.session.execute(
        QuestionnaireItem.__table__.delete().where(
            QuestionnaireItem.cycle_id == world["cycle"].id, QuestionnaireItem.code == "users"
        )
    )
    db.session.commit()
    _answer_all(client, world)
    page = client.get(f"/admin/cycles/{YEAR}/consultation").get_data(as_text=True)
    assert "(sedan borttagen ur förslaget)" in page and "Stryk frågan" in page
    decided = client.post(
        f"/admin/cycles/{YEAR}/consultation/items/users/decision",
        {"dusers-outcome": "adopted", "dusers-text": "Frågan stryks, som föreslaget."},
    )
    assert decided.status_code == 302
    assert client.post(f"/admin/cycles/{YEAR}/consultation/record").status_code == 302
    client.logout()
    client.login(world[f"{OURS} viewer"])
    page = client.get(f"/cycles/{YEAR}/consultation").get_data(as_text=True)
    assert "Stryk frågan, den mäter inget." in page and "Frågan stryks, som föreslaget." in page
