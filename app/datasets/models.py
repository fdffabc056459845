from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DatasetSnapshot(db.Model):
    """A cycle's dataset as it stood when the cycle was approved: its canonical JSON and the
    SHA-256 digest of it. Written once; the database refuses to change or delete it."""

    __tablename__ = "dataset_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), unique=True)
    content: Mapped[str] = mapped_column(Text)  # canonical JSON (UTF-8 text)
    digest: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[datetime]
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
