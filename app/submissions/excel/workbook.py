"""An uploaded file opened safely: checked as a zip package, then its XML streamed against the
template's shape (`scanning.py`), before openpyxl parses any of it; then its cells copied out
as plain data while the workbook is open.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import load_workbook

from app.submissions.excel.layout import (
    MAX_COLUMNS,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
)
from app.submissions.excel.scanning import MAX_SHEETS, OutOfShape, scan_package


@dataclass(frozen=True)
class Cell:
    value: object = None
    formula: bool = False
    error: bool = False  # a cached error such as #DIV/0!


class Sheet:
    """A sheet's cells as plain data, copied out while the workbook is open."""

    def __init__(self, name: str, rows: list[list[Cell]]):
        self.name, self.rows = name, rows

    def cell(self, row: int, column: int) -> Cell:
        cells = self.rows[row - 1] if row <= len(self.rows) else []
        return cells[column - 1] if column <= len(cells) else Cell()

    def text(self, row: int, column: int) -> str:
        return _text(self.cell(row, column).value)


def _damaged() -> str:
    return _("The file is damaged and cannot be read. Save it again as .xlsx and try again.")


def _package_problem(data: bytes) -> str | None:
    """Refuse what is not a small, sound .xlsx before any of its XML is parsed."""
    if len(data) > MAX_UPLOAD_BYTES:
        return _("The file is larger than %(n)d MB.", n=MAX_UPLOAD_BYTES // (1024 * 1024))
    not_xlsx = _("The file is not an Excel workbook (.xlsx). Download the template and use it.")
    bomb = _("The file unpacks to far more data than an Excel template holds, so it is refused.")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return _damaged() if data.startswith(b"PK") else not_xlsx
    with package:
        members = package.infolist()
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= {m.filename for m in members}:
            return not_xlsx
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            return bomb
        if any(
            m.file_size > 1 << 20 and m.file_size > MAX_RATIO * m.compress_size for m in members
        ):
            return bomb
        # The sizes above are what the file claims; count what it really unpacks to.
        unpacked = 0
        try:
            for member in members:
                with package.open(member) as stream:
                    while chunk := stream.read(1 << 16):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNPACKED_BYTES:
                            return bomb
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            return _damaged()
    return None


def _shape_problem(reason: str) -> str:
    if reason == "doctype":
        return _(
            "The file holds XML that an Excel workbook never has (a DOCTYPE), so it is refused."
        )
    if reason == "macros":
        return _(
            "The file contains macros, which the service does not accept. Save it as an Excel "
            "workbook (.xlsx) without macros."
        )
    if reason == "sheets":
        return _(
            "The workbook has more than %(n)d sheets. Download the template and use it.",
            n=MAX_SHEETS,
        )
    if reason in ("rows", "columns"):
        return _(
            "A sheet has more than %(rows)d rows or %(columns)d columns, far more than the "
            "template. Download the template and use it.",
            rows=MAX_ROWS,
            columns=MAX_COLUMNS,
        )
    return _damaged()


def _scan(data: bytes) -> dict[str, set[tuple[int, int]]] | str:
    """The cells with a formula by sheet, or what is wrong with the file's XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return scan_package(package)
    except OutOfShape as out:
        return _shape_problem(out.reason)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return _damaged()


def _read_workbook(
    data: bytes, formulas: dict[str, set[tuple[int, int]]], names: set[str]
) -> tuple[dict[str, str], dict[str, Sheet]]:
    """The workbook's identity, and its sheets of these names (any other is not read)."""
    # The cached values only: where the formulas are the scan has said (a formula with no
    # cached value reads as empty, and must not pass for an empty answer).
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        identity = {prop.name: str(prop.value) for prop in book.custom_doc_props.props}
        sheets = {}
        for name in set(book.sheetnames) & names:
            with_formula = formulas.get(name, set())
            rows = [
                [
                    Cell(
                        getattr(cell, "value", None),
                        (row, column) in with_formula,
                        getattr(cell, "data_type", None) == "e",
                    )
                    for column, cell in enumerate(cells, 1)
                ]
                for row, cells in enumerate(
                    book[name].iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS), 1
                )
            ]
            sheets[name] = Sheet(name, rows)
        return identity, sheets
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
        if not number.is_finite() or abs(number) >= Decimal("1e16"):
            return format(number, "E") if number.is_finite() else str(value)  # refused later
        if isinstance(value, float):  # drop binary noise such as 0.30000000000000004
            number = number.quantize(Decimal("0.000001"))
        text = format(number, "f")
        return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()
