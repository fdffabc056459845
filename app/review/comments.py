"""The conversation on a submission and the authority's internal notes.

Internal notes are read only through `comments_for`, which leaves them out for anyone who is
not the authority's staff: there is no other way to read comments.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.policies import is_authority_staff
from app.errors import FieldErrors
from app.extensions import db
from app.review.models import Comment, CommentKind
from app.submissions.models import Submission
from app.timeutil import utcnow

MAX_TEXT = 5000


def comments_for(submission_id: int, user) -> list[Comment]:
    statement = select(Comment).where(Comment.submission_id == submission_id)
    if not is_authority_staff(user):
        statement = statement.where(Comment.kind == CommentKind.CONVERSATION)
    return list(db.session.scalars(statement.order_by(Comment.created_at, Comment.id)))


def add_comment(submission: Submission, kind: str, text: str, actor) -> Comment:
    """Write to the conversation (anyone who may act on the submission) or an internal note
    (staff only); flush, never commit."""
    if kind not in {k.value for k in CommentKind}:
        raise FieldErrors({"text": _("Choose where the message goes.")})
    if kind == CommentKind.INTERNAL and not is_authority_staff(actor):
        raise PermissionError("internal notes are for the authority's staff")
    text = (text or "").strip()
    if not text:
        raise FieldErrors({"text": _("Write a message.")})
    if len(text) > MAX_TEXT:
        raise FieldErrors({"text": _("The text can be at most %(n)d characters.", n=MAX_TEXT)})
    comment = Comment(
        submission_id=submission.id, kind=kind, text=text, author_id=actor.id, created_at=utcnow()
    )
    db.session.add(comment)
    db.session.flush()
    return comment
