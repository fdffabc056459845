"""The frozen dataset as tables for analysts: one row per agency (answers and key figures) and
one row per project. Each column knows its key (for programs), its label (for people) and
its kind, so the CSV and XLSX writers type and format a whole column the same way."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.cycles.questionnaire_service import figures_in

# Kinds of column: how a cell is typed, and how many decimals a number column shows.
TEXT, CHOICE, DATE, NUMBER, INTEGER, FLAG = "text", "choice", "date", "number", "integer", "flag"


@dataclass(frozen=True)
class TableColumn:
    key: str
    label: object  # a str or a lazy translation
    kind: str = TEXT
    definition: object = ""
    choices: dict | None = None  # code → label, for CHOICE


@dataclass
class Table:
    columns: list[TableColumn]
    rows: list[list]  # typed cells: str, Decimal, int, date, bool or None


_RISK = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
PROJECT_COLUMNS = (
    TableColumn("name", _l("Name of the project")),
    TableColumn(
        "orientation",
        _l("Orientation"),
        CHOICE,
        choices={"develop": _l("Develop the business"), "efficiency": _l("Make it more efficient")},
    ),
    TableColumn(
        "status",
        _l("Status"),
        CHOICE,
        choices={
            "ongoing": _l("Ongoing"),
            "reorienting": _l("Re-orienting"),
            "completed": _l("Completed"),
            "cancelled": _l("Cancelled"),
        },
    ),
    TableColumn("start_date", _l("Start date"), DATE),
    TableColumn("original_end_date", _l("Original end date"), DATE),
    TableColumn("current_end_date", _l("Planned end date"), DATE),
    TableColumn("original_budget", _l("Original budget (tkr)"), NUMBER),
    TableColumn("current_budget", _l("Current budget (tkr)"), NUMBER),
    TableColumn("cost_to_date", _l("Costs to date (tkr)"), NUMBER),
    TableColumn("forecast_at_completion", _l("Forecast at completion (tkr)"), NUMBER),
    TableColumn(
        "cost_variance",
        _l("Cost variance (tkr)"),
        NUMBER,
        _l("Forecast at completion minus the original budget."),
    ),
    TableColumn(
        "cost_variance_share",
        _l("Cost variance (%)"),
        NUMBER,
        _l("The cost variance as a share of the original budget."),
    ),
    TableColumn(
        "schedule_slip_days",
        _l("Schedule slip (days)"),
        INTEGER,
        _l("Days between the original and the planned end date."),
    ),
    TableColumn(
        "risk_benefits", _l("Risk that the benefits are not realised"), CHOICE, choices=_RISK
    ),
    TableColumn("risk_budget", _l("Risk that the budget is exceeded"), CHOICE, choices=_RISK),
    TableColumn("risk_time", _l("Risk that the project is delayed"), CHOICE, choices=_RISK),
    TableColumn("benefits_analysed", _l("The benefits have been analysed"), FLAG),
    TableColumn("benefits_plan", _l("There is a benefits realisation plan"), FLAG),
    TableColumn("benefits_owner", _l("The benefits have a named owner"), FLAG),
)
BENEFIT_COLUMNS = (
    TableColumn("project", _l("Name of the project")),
    TableColumn("name", _l("Name of the benefit")),
    TableColumn("stakeholder", _l("Stakeholder")),
    TableColumn(
        "kind",
        _l("Kind of benefit"),
        CHOICE,
        choices={"economic": _l("Economic"), "qualitative": _l("Qualitative")},
    ),
    TableColumn("is_main", _l("Main benefit"), FLAG),
    TableColumn("goal", _l("Goal of the organisation it contributes to")),
    TableColumn("indicator", _l("Indicator (what is measured)")),
    TableColumn("unit", _l("Unit")),
    TableColumn("baseline_value", _l("Baseline value"), NUMBER),
    TableColumn("baseline_date", _l("Baseline date"), DATE),
    TableColumn("target_value", _l("Target value"), NUMBER),
    TableColumn("target_year", _l("Target year"), INTEGER),
    TableColumn("owner", _l("Benefit owner (a role in the line organisation)")),
    TableColumn(
        "amount", _l("Amount (tkr a year)"), NUMBER, _l("Economic benefits only, tkr a year.")
    ),
    TableColumn("budget_affecting", _l("Affects the budget"), FLAG),
    TableColumn("realised_value", _l("Realised value"), NUMBER),
    TableColumn("realised_amount", _l("Realised amount (tkr)"), NUMBER),
    TableColumn(
        "status",
        _l("Status of the realisation"),
        CHOICE,
        choices={
            "on_track": _l("On track"),
            "at_risk": _l("At risk"),
            "realised": _l("Realised"),
            "abandoned": _l("Abandoned"),
        },
    ),
    TableColumn("status_reason", _l("Why abandoned or at risk")),
)
AGENCY_COLUMNS = (
    TableColumn("org_number", _l("Organisation number")),
    TableColumn("agency", _l("Agency")),
    TableColumn("peer_group", _l("Peer group")),
)


def _number(value) -> Decimal | None:
    """A snapshot's fixed-decimal string as a number; None stays None, a text is no number."""
    if value is None:
        return None
    try:
        return Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        return value


def _cell(column: TableColumn, value):
    if value is None:
        return None
    if column.kind == NUMBER:
        return _number(value)
    if column.kind == INTEGER:
        return int(value)
    if column.kind == DATE:
        return date.fromisoformat(value)
    return value


def _agency_cells(submission: dict) -> list:
    agency = submission["agency"]
    return [agency["org_number"], agency["name"], agency["peer_group"]]


def item_columns(data: dict, section: str | None = None) -> list[tuple[TableColumn, str, str]]:
    """(column, item code, period) for every answer of the questionnaire, in its order."""
    columns = []
    for item in data["questionnaire"]["items"]:
        if section is not None and item["section"] != section:
            continue
        kind = TEXT if item["kind"] in ("text", "choice") else NUMBER
        label, definition = item["label"]["sv"], item["definition"]["sv"]
        outcome = TableColumn(item["code"], label, kind, definition)
        columns.append((outcome, item["code"], "outcome"))
        if item["has_forecast"]:
            forecast = TableColumn(f"{item['code']}_forecast", f"{label} (prognos)", kind)
            columns.append((forecast, item["code"], "forecast"))
    return columns


def answers_table(data: dict, section: str | None = None) -> Table:
    """One row per approved submission: its agency and its answers (of one section)."""
    columns = item_columns(data, section)
    rows = [
        [
            *_agency_cells(s),
            *(_cell(c, s["values"].get(code, {}).get(period)) for c, code, period in columns),
        ]
        for s in data["submissions"]
    ]
    return Table([*AGENCY_COLUMNS, *(c for c, _, _ in columns)], rows)


def key_figures_table(data: dict, prefix: str = "") -> Table:
    figures = figures_in(data["questionnaire"])
    columns = [TableColumn(prefix + code, label, NUMBER) for code, (label, _) in figures.items()]
    rows = [
        [*_agency_cells(s), *(_number(s["key_figures"].get(code)) for code in figures)]
        for s in data["submissions"]
    ]
    return Table([*AGENCY_COLUMNS, *columns], rows)


def projects_table(data: dict) -> Table:
    """One row per project of every approved submission, with its agency."""
    rows = [
        [*_agency_cells(s), *(_cell(c, p.get(c.key)) for c in PROJECT_COLUMNS)]
        for s in data["submissions"]
        for p in s["projects"]
    ]
    return Table([*AGENCY_COLUMNS, *PROJECT_COLUMNS], rows)


def benefits_table(data: dict) -> Table:
    """One row per benefit of every project of every approved submission (a snapshot frozen
    before the benefit register has none)."""
    rows = [
        [
            *_agency_cells(s),
            *(_cell(c, p["name"] if c.key == "project" else b.get(c.key)) for c in BENEFIT_COLUMNS),
        ]
        for s in data["submissions"]
        for p in s["projects"]
        for b in p.get("benefits", [])
    ]
    return Table([*AGENCY_COLUMNS, *BENEFIT_COLUMNS], rows)


def joined(left: Table, right: Table) -> Table:
    """Two tables of the same agencies side by side, the agency columns once."""
    skip = len(AGENCY_COLUMNS)
    rows = [a + b[skip:] for a, b in zip(left.rows, right.rows, strict=True)]
    return Table(left.columns + right.columns[skip:], rows)


def decimals_of(table: Table) -> list[int]:
    """Per column, the most decimals any of its numbers needs, so a column reads alike."""
    places = [0] * len(table.columns)
    for row in table.rows:
        for i, value in enumerate(row):
            if isinstance(value, Decimal) and value.is_finite():
                exponent = value.normalize().as_tuple().exponent
                places[i] = max(places[i], -exponent if isinstance(exponent, int) else 0)
    return places
