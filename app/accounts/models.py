import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.roles import Role
from app.timeutil import utcnow


class PeerGroup(db.Model):
    __tablename__ = "peer_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_sv


class Agency(db.Model):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str] = mapped_column(String(11), unique=True)
    peer_group_id: Mapped[int] = mapped_column(ForeignKey("peer_group.id"))
    ministry: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    # The addresses that receive the agency's mail, one per line; empty: the contact address
    # and the agency's editors.
    mail_recipients: Mapped[str] = mapped_column(Text, default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    peer_group: Mapped[PeerGroup] = relationship(lazy="joined")


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        # An agency user belongs to exactly one agency; the authority's staff to none.
        CheckConstraint(
            "(role IN ('agency_editor', 'agency_viewer')) = (agency_id IS NOT NULL)",
            name="agency_matches_role",
        ),
        # A ministry's user belongs to exactly one ministry (the `ministry` of its agencies).
        CheckConstraint(
            "(role = 'ministry') = (ministry IS NOT NULL)", name="ministry_matches_role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    ministry: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    # False: only in-app notices, except for the mail the process requires.
    wants_mail: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Two-factor authentication: the TOTP secret (base32), set once the user has confirmed a
    # code from their authenticator app.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]  # a code is good once: its 30-second step is kept
    # Part of the session identity: rotating it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_agency_user(self) -> bool:
        return self.role_enum.is_agency_role

    def rotate_session_token(self) -> None:
        self.session_token = secrets.token_hex(16)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128))  # sha256$salt$hash (older: bare hash)
    used_at: Mapped[datetime | None]


class FormStash(db.Model):
    """A form whose post arrived after the session had ended, kept for its user to finish after
    logging in again (see app/accounts/form_stash.py): the posted fields as JSON, never a
    password or a CSRF token, only for forms that allow it, small, few and for a few hours."""

    __tablename__ = "form_stash"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)  # random, the session's key
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    path: Mapped[str] = mapped_column(String(300))  # the form's page (GET) and action (POST)
    fields: Mapped[str] = mapped_column(Text)  # JSON: [[name, value], …] in posted order
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
