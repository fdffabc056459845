"""Changes to agencies and users. They flush but never commit: the caller owns the transaction."""

from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Agency, PeerGroup, User
from app.accounts.org_number import InvalidOrgNumber, normalise_org_number
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.errors import FieldErrors
from app.extensions import db
from app.roles import Role
from app.timeutil import utcnow


def org_number_message(reason: str) -> str:
    return {
        "shape": _("Enter the organisation number as NNNNNN-NNNN, for example 202100-5489."),
        "not_organisation": _(
            "This is not an organisation number: the third digit must be 2 or higher."
        ),
        "check_digit": _("The organisation number is not valid: the check digit does not match."),
    }[reason]


@dataclass
class AgencyData:
    name: str
    org_number: str
    peer_group_id: int
    ministry: str
    contact_email: str


def _checked_org_number(raw: str, agency_id: int | None) -> str:
    try:
        org_number = normalise_org_number(raw)
    except InvalidOrgNumber as error:
        raise FieldErrors({"org_number": org_number_message(str(error))}) from None
    clash = db.session.scalar(select(Agency.id).where(Agency.org_number == org_number))
    if clash is not None and clash != agency_id:
        raise FieldErrors({"org_number": _("Another agency already has this organisation number.")})
    return org_number


def create_agency(data: AgencyData) -> Agency:
    agency = Agency(active=True)
    _apply_agency_data(agency, data)
    db.session.add(agency)
    db.session.flush()
    return agency


def update_agency(agency: Agency, data: AgencyData) -> None:
    _apply_agency_data(agency, data)
    db.session.flush()


def _required_text(fields: dict[str, tuple[str, int, str]]) -> dict[str, str]:
    """{field: (text, maximum length, message)} → the stripped texts, or FieldErrors: a text
    of spaces alone (no-break spaces too) is no text."""
    cleaned, errors = {}, {}
    for name, (text, limit, message) in fields.items():
        value = " ".join((text or "").split())
        if not value or len(value) > limit:
            errors[name] = message
        cleaned[name] = value
    if errors:
        raise FieldErrors(errors)
    return cleaned


def _apply_agency_data(agency: Agency, data: AgencyData) -> None:
    texts = _required_text(
        {"name": (data.name, 200, _("Enter the agency's name, at most 200 characters."))}
    )
    # Bodies under the Riksdag belong to no ministry: the ministry may be left empty.
    ministry = " ".join((data.ministry or "").split())
    if len(ministry) > 120:
        raise FieldErrors({"ministry": _("The ministry can be at most 120 characters.")})
    agency.org_number = _checked_org_number(data.org_number, agency.id)
    agency.name = texts["name"]
    agency.peer_group_id = data.peer_group_id
    agency.ministry = ministry
    agency.contact_email = data.contact_email.strip().lower()


def set_agency_active(agency: Agency, active: bool) -> None:
    agency.active = active
    if not active:
        # The agency's people lose access with it.
        for user in db.session.scalars(select(User).where(User.agency_id == agency.id)):
            user.active = False
            user.rotate_session_token()
    db.session.flush()


def peer_groups() -> list[PeerGroup]:
    return list(db.session.scalars(select(PeerGroup).order_by(PeerGroup.position)))


@dataclass
class UserData:
    email: str
    name: str
    role: str
    agency_id: int | None
    ministry: str | None = None


def _checked_email(email: str, user_id: int | None) -> str:
    email = email.strip().lower()
    clash = db.session.scalar(select(User.id).where(func.lower(User.email) == email))
    if clash is not None and clash != user_id:
        raise FieldErrors({"email": _("A user with this e-mail address already exists.")})
    return email


def _checked_agency(role: str, agency_id: int | None) -> int | None:
    if not Role(role).is_agency_role:
        return None
    if agency_id is None or db.session.get(Agency, agency_id) is None:
        raise FieldErrors({"agency_id": _("Choose the agency this user works for.")})
    return agency_id


def ministries() -> list[str]:
    """The ministries of the agencies, as the register names them."""
    return list(
        db.session.scalars(
            select(Agency.ministry)
            .where(Agency.ministry != "")
            .distinct()
            .order_by(Agency.ministry)
        )
    )


def _checked_ministry(role: str, ministry: str | None) -> str | None:
    if role != Role.MINISTRY:
        return None
    ministry = (ministry or "").strip()
    if ministry not in ministries():
        raise FieldErrors(
            {"ministry": _("Choose the ministry, as the agencies' register names it.")}
        )
    return ministry


def _user_name(name: str) -> str:
    return _required_text({"name": (name, 200, _("Enter the name, at most 200 characters."))})[
        "name"
    ]


def create_user(data: UserData, password: str | None = None) -> User:
    user = User(
        email=_checked_email(data.email, None),
        name=_user_name(data.name),
        role=Role(data.role).value,
        agency_id=_checked_agency(data.role, data.agency_id),
        ministry=_checked_ministry(data.role, data.ministry),
        password_hash=hash_password(password) if password else None,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, data: UserData, actor: User) -> None:
    if user.id == actor.id and data.role != user.role:
        raise FieldErrors({"role": _("You cannot change your own role.")})
    user.email = _checked_email(data.email, user.id)
    user.name = _user_name(data.name)
    agency_id = _checked_agency(data.role, data.agency_id)
    ministry = _checked_ministry(data.role, data.ministry)
    if (user.role, user.agency_id, user.ministry) != (data.role, agency_id, ministry):
        user.rotate_session_token()  # access changes take effect at once
    user.role = Role(data.role).value
    user.agency_id = agency_id
    user.ministry = ministry
    db.session.flush()


def set_user_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise FieldErrors({"active": _("You cannot deactivate your own account.")})
    user.active = active
    user.rotate_session_token()
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The user when the e-mail and password match an active account, otherwise None."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    # The hash is checked whatever the account: unknown and inactive ones take as long (V6.3.8).
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


@cache
def _common_passwords() -> frozenset[str]:
    # The 30 000 most common passwords of leaked lists, as zxcvbn ships them (ASVS V6.2.4).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> str | None:
    """Length only, no composition rules (ASVS V6.2.1, V6.2.5), and not a common password."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("The password must be at least %(n)d characters long.", n=minimum)
    if len(password) > 128:
        return _("The password can be at most 128 characters long.")
    if password.lower() in _common_passwords():
        return _("This password is one of the most common ones. Choose another.")
    return None


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise FieldErrors({"password": problem})
    user.password_hash = hash_password(password)
    user.rotate_session_token()  # every other session of this user ends
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise FieldErrors({"current_password": _("The current password is wrong.")})
    set_password(user, new_password)


@dataclass
class PeerGroupData:
    code: str
    name_sv: str
    name_en: str


def save_peer_group(group: PeerGroup | None, data: PeerGroupData) -> PeerGroup:
    """Create (group=None) or rename a peer group; codes are unique."""
    clash = db.session.scalar(select(PeerGroup.id).where(PeerGroup.code == data.code))
    if clash is not None and (group is None or clash != group.id):
        raise FieldErrors({"code": _("Another peer group already has this code.")})
    if group is None:
        last = db.session.scalar(select(func.max(PeerGroup.position))) or 0
        group = PeerGroup(position=last + 1)
        db.session.add(group)
    group.code, group.name_sv, group.name_en = data.code, data.name_sv.strip(), data.name_en.strip()
    db.session.flush()
    return group
