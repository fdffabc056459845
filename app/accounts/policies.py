"""Who may see and do what: pure predicates over a user and an object."""

from flask import current_app

from app.roles import Role


def is_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_authority_staff(user) -> bool:
    return user.is_authenticated and user.role in (Role.ADMIN, Role.REVIEWER)


def can_view_agency_data(user, agency_id: int) -> bool:
    if is_authority_staff(user):
        return True
    return user.is_authenticated and user.is_agency_user and user.agency_id == agency_id


def is_own_agency_editor(user, agency_id: int) -> bool:
    return user.is_authenticated and user.role == Role.AGENCY_EDITOR and user.agency_id == agency_id


def must_use_two_factor(user) -> bool:
    return current_app.config["REQUIRE_2FA_FOR_STAFF"] and is_authority_staff(user)
