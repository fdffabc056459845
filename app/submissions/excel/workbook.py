"""An uploaded file opened safely: checked as a zip package before openpyxl parses any of it,
then its cells copied out as plain data while the workbook is open.
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
    IT_COSTS,
    MATURITY,
    MAX_COLUMNS,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    PROJECTS,
)


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


def _read_workbook(data: bytes) -> tuple[dict[str, str], dict[str, Sheet]]:
    # Opened twice: the cached values, and where the formulas are (a formula with no cached
    # value reads as empty, and must not pass for an empty answer).
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        identity = {prop.name: str(prop.value) for prop in values.custom_doc_props.props}
        sheets = {}
        for name in set(values.sheetnames) & {IT_COSTS, MATURITY, PROJECTS}:
            bounds = {"max_row": MAX_ROWS, "max_col": MAX_COLUMNS}
            rows = [
                [
                    Cell(
                        getattr(value, "value", None),
                        getattr(formula, "data_type", None) == "f",
                        getattr(value, "data_type", None) == "e",
                    )
                    for value, formula in zip(value_row, formula_row, strict=False)
                ]
                for value_row, formula_row in zip(
                    values[name].iter_rows(**bounds),
                    formulas[name].iter_rows(**bounds),
                    strict=False,
                )
            ]
            sheets[name] = Sheet(name, rows)
        return identity, sheets
    finally:
        values.close()
        formulas.close()


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
