from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.timeutil import utcnow
from workflows.question import QuestionStatus

__all__ = ["Comment", "CommentKind", "Question", "QuestionEntry", "QuestionStatus", "QuestionStep"]


class Question(db.Model):
    """A reviewer's question to the agency about one part of a submission."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))  # the value, project or section
    subject_en: Mapped[str | None] = mapped_column(String(200))  # the same, in English
    # Where the question sits in the questionnaire, so the agency sees its questions grouped by
    # section: a questionnaire section code, "projects", or None for the submission as a whole.
    section: Mapped[str | None] = mapped_column(String(40))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    benefit_id: Mapped[int | None] = mapped_column(ForeignKey("benefit.id"))
    # The questionnaire item asked about, if any, and its value when the question was raised:
    # if the agency corrects it, the thread shows both.
    item_code: Mapped[str | None] = mapped_column(String(60))
    value_at_raise: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.OPEN.value)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None]
    # The reviewer's reason for sending an answered question back (answered → open).
    sent_back_comment: Mapped[str | None] = mapped_column(Text)
    sent_back_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[datetime | None]
    # The clarification rounds that carried the question to the agency (sent back: once more).
    rounds_sent: Mapped[int] = mapped_column(default=0)

    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id], lazy="joined")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id], lazy="joined")
    # Loaded on request only (the dashboard joins it): most pages already hold the submission.
    submission = relationship("Submission", lazy="raise")

    def subject_in(self, locale: str) -> str:
        """What the question is about, in the page's language (older questions: Swedish)."""
        return (self.subject_en or self.subject) if locale == "en" else self.subject


class QuestionStep(StrEnum):
    RAISED = "raised"
    SENT = "sent"  # carried to the agency by a clarification round
    ANSWERED = "answered"
    CORRECTED = "corrected"  # the agency corrected the value asked about
    SENT_BACK = "sent_back"
    RESOLVED = "resolved"
    EDITED = "edited"  # the reviewer changed the text before any round carried it
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"  # settled without an answer


class QuestionEntry(db.Model):
    """One step in a question's thread, in order: nothing in a thread is ever overwritten."""

    __tablename__ = "question_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    round: Mapped[int | None]  # for SENT: the clarification round
    from_value: Mapped[str | None] = mapped_column(Text)  # for CORRECTED
    to_value: Mapped[str | None] = mapped_column(Text)

    author: Mapped[User] = relationship(lazy="joined")


class CommentKind(StrEnum):
    CONVERSATION = "conversation"  # between the authority and the agency
    INTERNAL = "internal"  # reviewers and administrators only; never shown to an agency


class Comment(db.Model):
    """A message on a submission: the general conversation, or an internal note."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
