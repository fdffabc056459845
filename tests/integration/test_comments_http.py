"""The conversation between authority and agency, and internal notes agencies never see."""

from sqlalchemy import func, select

from app.extensions import db
from app.review.models import Comment
from tests import factories

SECRET = "Internt: misstänkt dubbelräkning av licenser"


def _setup():
    cycle = factories.make_cycle()
    agency = factories.make_agency()
    return agency, factories.make_submission(cycle, agency, "in_review")


def test_conversation_between_reviewer_and_agency(client, login):
    agency, submission = _setup()
    login("reviewer")
    client.post(
        f"/submissions/{submission.id}/comments",
        {"kind": "conversation", "text": "Hej! Vi tittar på era siffror nu."},
    )
    client.logout()
    login("agency_editor", agency=agency)
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Hej! Vi tittar på era siffror nu." in page and "(Granskare)" in page
    client.post(
        f"/submissions/{submission.id}/comments",
        {"kind": "conversation", "text": "Tack, hör av er vid frågor."},
    )
    assert db.session.scalar(select(func.count(Comment.id))) == 2


def test_internal_notes_never_reach_an_agency_user(client, login):
    agency, submission = _setup()
    login("reviewer")
    client.post(f"/submissions/{submission.id}/comments", {"kind": "internal", "text": SECRET})
    assert SECRET in client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    client.logout()
    for role in ("agency_editor", "agency_viewer"):
        login(role, agency=agency)
        for path in (
            f"/submissions/{submission.id}",
            f"/submissions/{submission.id}/history",
            f"/submissions/{submission.id}/summary",
            f"/submissions/{submission.id}/sections/it_costs",
            f"/submissions/{submission.id}/projects",
            f"/submissions/{submission.id}/excel",
            "/agency/",
        ):
            body = client.get(path).get_data()
            assert SECRET.encode() not in body, path
            assert b"Interna anteckningar" not in body, path
        client.logout()


def test_agency_users_cannot_write_internal_notes_or_to_other_agencies(client, login):
    agency, submission = _setup()
    login("agency_editor", agency=agency)
    assert (
        client.post(
            f"/submissions/{submission.id}/comments", {"kind": "internal", "text": "x"}
        ).status_code
        == 403
    )
    client.logout()
    login("agency_editor", agency=factories.make_agency())
    assert (
        client.post(
            f"/submissions/{submission.id}/comments", {"kind": "conversation", "text": "x"}
        ).status_code
        == 404
    )
    client.logout()
    login("agency_viewer", agency=agency)
    assert (
        client.post(
            f"/submissions/{submission.id}/comments", {"kind": "conversation", "text": "x"}
        ).status_code
        == 403
    )
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_an_empty_message_is_refused_and_the_text_kept(client, login):
    _, submission = _setup()
    login("reviewer")
    response = client.post(
        f"/submissions/{submission.id}/comments", {"kind": "conversation", "text": "   "}
    )
    assert response.status_code == 422
    assert '<a href="#comment-conversation">Skriv ett meddelande.</a>' in response.get_data(
        as_text=True
    )
    long_text = "å" * 5001
    response = client.post(
        f"/submissions/{submission.id}/comments", {"kind": "internal", "text": long_text}
    )
    assert response.status_code == 422 and long_text in response.get_data(as_text=True)


def test_messages_are_escaped(client, login):
    _, submission = _setup()
    login("reviewer")
    client.post(
        f"/submissions/{submission.id}/comments",
        {"kind": "conversation", "text": "<script>alert(1)</script>"},
    )
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
