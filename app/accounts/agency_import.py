"""Importing agencies from a CSV file: all rows or none.

Columns (a header row is required, in any order): name, org_number, peer_group, ministry,
email. The separator may be a comma or a semicolon (Swedish Excel writes semicolons). An
agency whose organisation number already exists is updated; the others are created.
"""

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Agency, PeerGroup
from app.accounts.operations import AgencyData, create_agency, org_number_message, update_agency
from app.accounts.org_number import InvalidOrgNumber, normalise_org_number
from app.extensions import db

COLUMNS = ("name", "org_number", "peer_group", "ministry", "email")
MAX_ROWS = 5000


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(content: bytes) -> str | None:
    # Excel saves "Unicode text" as UTF-16 with a byte order mark.
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_rows(content: bytes, result: ImportResult) -> list[tuple[int, dict]] | None:
    try:
        return _rows(content, result)
    except csv.Error:
        result.errors.append(
            RowError(1, "", _("The file is not a CSV file that can be read. Save it as CSV."))
        )
        return None


def _rows(content: bytes, result: ImportResult) -> list[tuple[int, dict]] | None:
    text = _decode(content)
    if text is None or not text.strip():
        result.errors.append(RowError(1, "", _("The file is empty or not a text (CSV) file.")))
        return None
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        result.errors.append(
            RowError(
                1,
                ", ".join(missing),
                _("The header row lacks the column(s): %(columns)s.", columns=", ".join(missing)),
            )
        )
        return None
    reader.fieldnames = header
    rows = []
    for row in reader:
        if reader.line_num > MAX_ROWS + 1:
            result.errors.append(
                RowError(reader.line_num, "", _("The file has more than %(n)d rows.", n=MAX_ROWS))
            )
            return None
        cleaned = {key: (value or "").strip() for key, value in row.items() if key in COLUMNS}
        if any(cleaned.values()):
            rows.append((reader.line_num, cleaned))
    if not rows:
        result.errors.append(RowError(1, "", _("The file has no agency rows.")))
    return rows


def _peer_group_lookup() -> dict[str, int]:
    lookup = {}
    for group in db.session.scalars(select(PeerGroup)):
        for key in (group.code, group.name_sv, group.name_en):
            lookup[key.strip().lower()] = group.id
    return lookup


def _check_row(
    line: int, row: dict, peer_groups: dict[str, int], seen: dict[str, int], result: ImportResult
) -> AgencyData | None:
    errors_before = len(result.errors)
    if not row["name"]:
        result.errors.append(RowError(line, "name", _("The name is missing.")))
    elif len(row["name"]) > 200:
        result.errors.append(RowError(line, "name", _("The name is longer than 200 characters.")))
    if len(row["ministry"]) > 120:
        result.errors.append(
            RowError(line, "ministry", _("The ministry is longer than 120 characters."))
        )
    try:
        org_number = normalise_org_number(row["org_number"])
        if org_number in seen:
            result.errors.append(
                RowError(
                    line,
                    "org_number",
                    _("The organisation number is also on line %(line)d.", line=seen[org_number]),
                )
            )
        seen.setdefault(org_number, line)
    except InvalidOrgNumber as error:
        org_number = row["org_number"]
        result.errors.append(RowError(line, "org_number", org_number_message(str(error))))
    peer_group_id = peer_groups.get(row["peer_group"].lower())
    if peer_group_id is None:
        result.errors.append(
            RowError(
                line, "peer_group", _("Unknown peer group “%(value)s”.", value=row["peer_group"])
            )
        )
    if not row["ministry"]:
        result.errors.append(RowError(line, "ministry", _("The ministry is missing.")))
    try:
        email = validate_email(row["email"], check_deliverability=False).normalized
    except EmailNotValidError:
        email = row["email"]
        result.errors.append(RowError(line, "email", _("The e-mail address is not valid.")))
    if len(result.errors) > errors_before:
        return None
    return AgencyData(row["name"], org_number, peer_group_id, row["ministry"], email)


def import_agencies(content: bytes) -> ImportResult:
    """Check every row; only when all are good, create or update the agencies (flush only)."""
    result = ImportResult()
    rows = _read_rows(content, result)
    if not rows or result.errors:
        return result
    peer_groups, seen = _peer_group_lookup(), {}
    checked = [_check_row(line, row, peer_groups, seen, result) for line, row in rows]
    if result.errors:
        return result
    existing = {a.org_number: a for a in db.session.scalars(select(Agency))}
    for data in checked:
        agency = existing.get(data.org_number)
        if agency is None:
            create_agency(data)
            result.created += 1
        else:
            update_agency(agency, data)
            result.updated += 1
    return result
