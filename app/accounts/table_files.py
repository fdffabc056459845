"""A list as an administrator really has it, read into rows of text: a CSV file (comma,
semicolon or tab; UTF-8 with or without BOM, UTF-16 from Excel's "Unicode text", or
Windows-1252 from an older Excel) or the first sheet of an .xlsx workbook."""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 5000
MAX_COLUMNS = 30
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a register export of 5,000 rows is far smaller


class UnreadableFile(Exception):
    """The file cannot be read as a table; the message says what to do."""


def read_rows(content: bytes) -> list[tuple[int, list[str]]]:
    """(line number, cells) for each row, the header first; the line is the spreadsheet's row."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(_("The file is larger than %(n)d MB.", n=MAX_BYTES // (1024 * 1024)))
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content)
    return _csv_rows(content)


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


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get)


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(content)
    if text is None or "\x00" in text or not text.strip():
        raise UnreadableFile(_("The file is empty or not a CSV or Excel (.xlsx) file."))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.splitlines()[0]))
    rows = []
    try:
        for cells in reader:
            if reader.line_num > MAX_ROWS + 1:
                raise UnreadableFile(_("The file has more than %(n)d rows.", n=MAX_ROWS))
            rows.append((reader.line_num, [cell.strip() for cell in cells[:MAX_COLUMNS]]))
    except csv.Error:
        raise UnreadableFile(
            _("The file is not a CSV file that can be read. Save it as CSV or .xlsx.")
        ) from None
    return rows


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    not_xlsx = _("The file is not an Excel workbook (.xlsx) that can be read. Save it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            if sum(member.file_size for member in package.infolist()) > MAX_UNPACKED_BYTES:
                raise UnreadableFile(not_xlsx)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise UnreadableFile(not_xlsx) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(
            sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True), 1
        ):
            if number > MAX_ROWS + 1:
                raise UnreadableFile(_("The file has more than %(n)d rows.", n=MAX_ROWS))
            rows.append((number, [_text(value) for value in values]))
        return rows
    finally:
        workbook.close()


def _text(value) -> str:
    """A cell as the person typed it: 2021005448 stays digits, not 2021005448.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()
