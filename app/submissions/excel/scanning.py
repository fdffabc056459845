"""An upload's XML read as a stream before openpyxl parses any of it.

The checks of the zip package bound the bytes; this bounds the work. openpyxl builds a whole
row however few columns are asked for, so one row of two million cells in a 1.6 MB file cost a
minute and 1.4 GB. Here every sheet is streamed through expat and the scan stops at the first
sheet, row or cell beyond the template's shape; every XML part is refused if it has a DOCTYPE
(the only way to declare an entity); a workbook with macros is refused. On the way, the scan
notes which cells hold a formula, so openpyxl opens the file once, for the cached values.
"""

import posixpath
import re
import zipfile
import zlib
from xml.parsers import expat

from app.submissions.excel.layout import MAX_COLUMNS, MAX_ROWS

MAX_SHEETS = 20  # the template has a sheet per section of the questionnaire, and two more
_CHUNK = 1 << 16
_LETTERS = re.compile(r"[A-Z]{1,3}")
_MACRO_TYPES = ("macroEnabled", "vbaProject")


class OutOfShape(Exception):
    """The reason is one of: doctype, macros, sheets, rows, columns, damaged."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Stop(Exception):
    """Raised from a handler once a part has been read far enough."""


def scan_package(package: zipfile.ZipFile) -> dict[str, set[tuple[int, int]]]:
    """Every sheet's cells that hold a formula, by sheet name; OutOfShape if anything is out
    of the template's shape."""
    names = {member.filename for member in package.infolist()}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise OutOfShape("macros")
    _read(package, "[Content_Types].xml", _content_types)
    sheets = _sheet_parts(package)
    for member in package.infolist():
        if member.filename not in sheets.values():
            _read(package, member.filename, None)  # a DOCTYPE would be in the prolog
    return {name: _sheet_formulas(package, part) for name, part in sheets.items()}


def _read(package, part: str, start_element) -> None:
    """Stream a part through expat, refusing a DOCTYPE. Without a handler only the prolog is
    read (up to the first element); with one, as far as the handler lets it go."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*_args):
        raise OutOfShape("doctype")

    def first_element(*_args):
        raise _Stop

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start_element or first_element
    try:
        with package.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        return
    except expat.ExpatError:
        if start_element is not None:
            raise OutOfShape("damaged") from None
        # Not XML (an image, say), in whatever encoding: no DOCTYPE for openpyxl to meet.
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError):
        raise OutOfShape("damaged") from None


def _content_types(name: str, attributes: dict) -> None:
    if any(kind in attributes.get("ContentType", "") for kind in _MACRO_TYPES):
        raise OutOfShape("macros")


def _sheet_parts(package) -> dict[str, str]:
    """Sheet name → the part that holds it, as workbook.xml and its relationships say."""
    sheets: dict[str, str] = {}
    targets: dict[str, str] = {}

    def sheet(name: str, attributes: dict) -> None:
        if _local(name) == "sheet":
            if len(sheets) >= MAX_SHEETS:
                raise OutOfShape("sheets")
            relation = next((v for k, v in attributes.items() if _local(k) == "id"), "")
            sheets[attributes.get("name", "")] = relation

    def relationship(name: str, attributes: dict) -> None:
        if _local(name) == "Relationship":
            target = attributes.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            targets[attributes.get("Id", "")] = posixpath.normpath(path)

    _read(package, "xl/workbook.xml", sheet)
    if "xl/_rels/workbook.xml.rels" in package.namelist():
        _read(package, "xl/_rels/workbook.xml.rels", relationship)
    worksheets = [
        name
        for name in package.namelist()
        if name.startswith("xl/worksheets/") and "/_" not in name
    ]
    if len(worksheets) > MAX_SHEETS:
        raise OutOfShape("sheets")
    return {name: targets[relation] for name, relation in sheets.items() if relation in targets}


def _sheet_formulas(package, part: str) -> set[tuple[int, int]]:
    """Stream one sheet, stopping at the first row or cell beyond the template's shape."""
    formulas: set[tuple[int, int]] = set()
    where = {"row": 0, "column": 0}

    def element(name: str, attributes: dict) -> None:
        local = _local(name)
        if local == "row":
            where["row"] = _number(attributes.get("r"), where["row"] + 1)
            where["column"] = 0
            if where["row"] > MAX_ROWS:
                raise OutOfShape("rows")
        elif local == "c":
            where["column"] = _column(attributes.get("r"), where["column"] + 1)
            if where["column"] > MAX_COLUMNS:
                raise OutOfShape("columns")
        elif local == "f":
            formulas.add((where["row"], where["column"]))

    if part in package.namelist():
        _read(package, part, element)
    return formulas


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def _number(text: str | None, default: int) -> int:
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise OutOfShape("rows")
    return int(text)


def _column(reference: str | None, default: int) -> int:
    letters = _LETTERS.match(reference or "")
    if letters is None:
        return default
    column = 0
    for letter in letters.group(0):
        column = column * 26 + ord(letter) - ord("A") + 1
    return column
