from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DatasetSnapshot(db.Model):
    """A cycle's dataset as it stood when the cycle was approved: its canonical JSON and the
    SHA-256 digest of it. Written once; the database refuses to change or delete it."""

    __tablename__ = "dataset_snapshot"

    # SQLite stores a row's columns in order, and the digest and the rest come after the
    # megabytes of content: read from this index instead, a page that asks for the digests
    # of ten frozen years reads a few index pages, not every year's snapshot (migration 0031).
    __table_args__ = (
        Index("ix_dataset_snapshot_header", "cycle_id", "digest", "frozen_at", "frozen_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), unique=True)
    # Canonical JSON (UTF-8 text), up to megabytes: loaded only when read.
    content: Mapped[str] = mapped_column(Text, deferred=True)
    digest: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[datetime]
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# A snapshot's cycle matched as `cycle_id + 0`: SQLite's planner would look a cycle up in the
# unique index on cycle_id and read the row through its content to the columns after it;
# so matched, it scans the header index instead (one entry per frozen year). At ten frozen
# years: 1.7 ms of SQLite's work for the digests, 0.01 ms so.
BY_HEADER_CYCLE = DatasetSnapshot.cycle_id + 0


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


class OpenDataRelease(db.Model):
    """How a cycle's dataset is offered as open data: its licence, description and the parts
    withheld from the open version, chosen by an administrator. The files themselves are built
    once from the frozen snapshot when the cycle is published (and again when the settings
    change), so a download and its checksum in the catalogue are the same bytes."""

    __tablename__ = "open_data_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), unique=True)
    licence: Mapped[str] = mapped_column(String(20), default="cc0")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    withheld: Mapped[str] = mapped_column(String(200), default="")  # part codes, comma separated
    built_at: Mapped[datetime | None]  # when the files were last built; None: not yet
    digest: Mapped[str | None] = mapped_column(String(64))  # of the open JSON

    @property
    def withheld_parts(self) -> list[str]:
        return [part for part in self.withheld.split(",") if part]


class OpenDataFile(db.Model):
    """One download of a published cycle's open data: its bytes, SHA-256 and size."""

    __tablename__ = "open_data_file"
    # The pages and the catalogue list each file's kind, checksum and size. SQLite keeps a
    # row's columns in order, so reading the two after `content` walked through its megabytes:
    # the listing is read from this index alone, never from the rows.
    __table_args__ = (
        UniqueConstraint("release_id", "kind"),
        Index("ix_open_data_file_listing", "release_id", "kind", "sha256", "byte_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("open_data_release.id"))
    kind: Mapped[str] = mapped_column(String(20))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    byte_size: Mapped[int]
