"""Who a user is to Granska, and what each role is called: below every part, since pages,
policies, notifications and the API all ask."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    AGENCY_EDITOR = "agency_editor"
    AGENCY_VIEWER = "agency_viewer"
    # A ministry's staff: the published results of the ministry's own agencies, side by side
    # and as briefings for the yearly dialogue with each agency.
    MINISTRY = "ministry"

    @property
    def is_agency_role(self) -> bool:
        return self in (Role.AGENCY_EDITOR, Role.AGENCY_VIEWER)


AGENCY_ROLES = tuple(role.value for role in Role if role.is_agency_role)


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.REVIEWER: _l("Reviewer"),
    Role.AGENCY_EDITOR: _l("Agency editor"),
    Role.AGENCY_VIEWER: _l("Agency viewer"),
    Role.MINISTRY: _l("Ministry"),
}
