"""Who gets mail: an agency's own list of addresses, and each user's choice of mail or in-app
notices only. Operations flush, never commit."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.audit.operations import record_event
from app.errors import FieldErrors
from app.extensions import db

MAX_ADDRESSES = 20


def set_agency_addresses(agency, text: str, actor) -> list[str]:
    """One address per line (commas and semicolons split too); empty means the defaults."""
    parts = [p.strip() for p in (text or "").replace(",", "\n").replace(";", "\n").splitlines()]
    addresses, wrong = [], []
    for part in filter(None, parts):
        try:
            addresses.append(validate_email(part, check_deliverability=False).normalized.lower())
        except EmailNotValidError:
            wrong.append(part)
    if wrong:
        raise FieldErrors(
            {"addresses": _("These are not e-mail addresses: %(list)s.", list=", ".join(wrong))}
        )
    addresses = list(dict.fromkeys(addresses))
    if len(addresses) > MAX_ADDRESSES:
        raise FieldErrors({"addresses": _("At most %(n)d addresses.", n=MAX_ADDRESSES)})
    agency.mail_recipients = "\n".join(addresses)
    record_event(
        "agency", "set_mail_recipients", actor, agency_id=agency.id, to_value=", ".join(addresses)
    )
    db.session.flush()
    return addresses


def set_mail_preference(user, wants_mail: bool) -> None:
    user.wants_mail = wants_mail
    db.session.flush()
