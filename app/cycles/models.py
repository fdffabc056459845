from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow
from workflows.cycle import CycleStatus


class Cycle(db.Model):
    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=CycleStatus.PLANNED.value)
    opens_on: Mapped[date]
    submission_deadline: Mapped[date]
    review_deadline: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
