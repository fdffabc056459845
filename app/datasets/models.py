from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DatasetSnapshot(db.Model):
    """A cycle's dataset as it stood when the cycle was approved: its canonical JSON and the
    SHA-256 digest of it. Written once; the database refuses to change or delete it."""

    __tablename__ = "dataset_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), unique=True)
    # Canonical JSON (UTF-8 text), up to megabytes: loaded only when read.
    content: Mapped[str] = mapped_column(Text, deferred=True)
    digest: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[datetime]
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class FrozenKeyFigure(db.Model):
    """One agency's key figure in one frozen cycle, copied from the snapshot when it is
    written: an agency's trend over the years is read from these rows (a few per year)
    instead of parsing every year's snapshot."""

    __tablename__ = "frozen_key_figure"
    __table_args__ = (UniqueConstraint("cycle_id", "org_number", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"))
    org_number: Mapped[str] = mapped_column(String(11), index=True)
    code: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal | None] = mapped_column(Numeric(24, 4))
