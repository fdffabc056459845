"""Importing agencies from a register export: all rows or none.

A header row names the columns, in any order, in English or Swedish. Only the name and the
organisation number are required: bodies under the Riksdag have no ministry, and a register
has no e-mail addresses. A missing peer group is the default one; an unknown one is refused
with the valid ones listed, or created when the administrator asks for it. An agency whose
organisation number already exists is updated, keeping what the file leaves out.
"""

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Agency, PeerGroup
from app.accounts.operations import AgencyData, create_agency, org_number_message, update_agency
from app.accounts.org_number import InvalidOrgNumber, normalise_org_number
from app.accounts.table_files import UnreadableFile, read_rows
from app.extensions import db

COLUMNS = ("name", "org_number", "ministry", "peer_group", "email")
REQUIRED = ("name", "org_number")
# What a register or a spreadsheet calls each column (compared in lower case).
HEADERS = {
    "name": {"name", "namn", "myndighet", "myndighetens namn", "organisation"},
    "org_number": {"org_number", "organisationsnummer", "orgnr", "org.nr", "org nr", "org.nr."},
    "ministry": {"ministry", "departement"},
    "peer_group": {"peer_group", "peer group", "grupp", "jämförelsegrupp", "myndighetsgrupp"},
    "email": {"email", "e-mail", "e-post", "epost", "e-postadress", "contact_email"},
}
DEFAULT_PEER_GROUP = "other"
LIMITS = {"name": 200, "ministry": 120}


@dataclass
class RowError:
    line: int
    column: str
    message: str
    agency: str = ""
    value: str = ""


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    peer_groups_created: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _column_of(header: str) -> str | None:
    name = " ".join(header.replace("\ufeff", "").split()).lower()
    return next((column for column, names in HEADERS.items() if name in names), None)


def _records(content: bytes, result: ImportResult) -> tuple[set[str], list[tuple[int, dict]]]:
    """The columns the file has, and each non-empty row as {column: text}."""
    try:
        rows = read_rows(content)
    except UnreadableFile as error:
        result.errors.append(RowError(1, "", str(error)))
        return set(), []
    header_line, header = rows[0] if rows else (1, [])
    positions = {}
    for index, name in enumerate(header):
        column = _column_of(name)
        if column is not None:
            positions.setdefault(column, index)
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        result.errors.append(
            RowError(
                header_line,
                ", ".join(missing),
                _("The header row lacks the column(s): %(columns)s.", columns=", ".join(missing)),
            )
        )
        return set(), []
    records = []
    for line, cells in rows[1:]:
        record = {c: cells[i] if i < len(cells) else "" for c, i in positions.items()}
        if any(record.values()):
            records.append((line, record))
    if not records:
        result.errors.append(RowError(header_line, "", _("The file has no agency rows.")))
    return set(positions), records


def _peer_group_lookup() -> dict[str, int]:
    lookup = {}
    for group in db.session.scalars(select(PeerGroup)):
        for key in (group.code, group.name_sv, group.name_en):
            lookup[" ".join(key.split()).lower()] = group.id
    return lookup


def _valid_peer_groups() -> str:
    groups = db.session.scalars(select(PeerGroup).order_by(PeerGroup.position))
    return ", ".join(f"{group.code} ({group.name_sv})" for group in groups)


def default_peer_group() -> PeerGroup:
    """ "Other agencies" while it exists, else the first group."""
    return db.session.scalars(
        select(PeerGroup).order_by((PeerGroup.code != DEFAULT_PEER_GROUP), PeerGroup.position)
    ).first()


class _RowCheck:
    """The checks of one row; each error names the line, the agency and the value."""

    def __init__(self, line: int, row: dict, result: ImportResult):
        self.line, self.row, self.result = line, row, result
        self.failed = False

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.result.errors.append(
            RowError(self.line, column, message, self.row.get("name", ""), self.row.get(column, ""))
        )


def _check_row(line, row, peer_groups, seen, result) -> AgencyData | None:
    check = _RowCheck(line, row, result)
    if not row["name"]:
        check.error("name", _("The name is missing."))
    for column, limit in LIMITS.items():
        if len(row.get(column, "")) > limit:
            check.error(column, _("Longer than %(n)d characters.", n=limit))
    try:
        org_number = normalise_org_number(row["org_number"])
        if org_number in seen:
            message = _("The organisation number is also on line %(line)d.", line=seen[org_number])
            check.error("org_number", message)
        seen.setdefault(org_number, line)
    except InvalidOrgNumber as error:
        org_number = row["org_number"]
        check.error("org_number", org_number_message(str(error)))
    group = " ".join(row.get("peer_group", "").split()).lower()
    peer_group_id = peer_groups.get(group) if group else peer_groups[None]
    if peer_group_id is None:
        check.error(
            "peer_group",
            _("Unknown peer group. Valid: %(groups)s.", groups=_valid_peer_groups()),
        )
    email = row.get("email", "")
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            check.error("email", _("The e-mail address is not valid."))
    if check.failed:
        return None
    return AgencyData(row["name"], org_number, peer_group_id, row.get("ministry", ""), email)


def _create_peer_groups(records: list[tuple[int, dict]], result: ImportResult) -> None:
    known = _peer_group_lookup()
    wanted = {}
    for _line, row in records:
        name = " ".join(row.get("peer_group", "").split())
        if name and name.lower() not in known:
            wanted.setdefault(name.lower(), name)
    if not wanted:
        return
    codes = set(db.session.scalars(select(PeerGroup.code)))
    position = db.session.scalar(select(func.max(PeerGroup.position))) or 0
    for name in wanted.values():
        code = base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:36] or "group"
        suffix = 1
        while code in codes:
            suffix += 1
            code = f"{base}_{suffix}"
        codes.add(code)
        position += 1
        db.session.add(PeerGroup(code=code, name_sv=name, name_en=name, position=position))
        result.peer_groups_created.append(name)
    db.session.flush()


def import_agencies(content: bytes, create_peer_groups: bool = False) -> ImportResult:
    """Check every row; only when all are good, create or update the agencies (flush only)."""
    result = ImportResult()
    columns, records = _records(content, result)
    if result.errors:
        return result
    if create_peer_groups and "peer_group" in columns:
        _create_peer_groups(records, result)
    peer_groups, seen = _peer_group_lookup(), {}
    peer_groups[None] = default_peer_group().id
    checked = [_check_row(line, row, peer_groups, seen, result) for line, row in records]
    if result.errors:
        return result
    existing = {a.org_number: a for a in db.session.scalars(select(Agency))}
    for data, (_line, row) in zip(checked, records, strict=True):
        agency = existing.get(data.org_number)
        if agency is None:
            create_agency(data)
            result.created += 1
        else:
            update_agency(agency, _keeping_what_is_left_out(agency, data, columns, row))
            result.updated += 1
    return result


def _keeping_what_is_left_out(agency: Agency, data: AgencyData, columns, row) -> AgencyData:
    """An update changes only what the file says: an absent column or an empty cell keeps the
    agency's value (a register export does not erase the contact address)."""
    given = {column for column in columns if row.get(column)}
    return AgencyData(
        data.name,
        data.org_number,
        data.peer_group_id if "peer_group" in given else agency.peer_group_id,
        data.ministry if "ministry" in given else agency.ministry,
        data.contact_email if "email" in given else agency.contact_email,
    )
