"""The frozen dataset: approving a cycle writes a canonical JSON snapshot and its SHA-256 digest;
from then on nothing in the cycle changes, neither through the app nor behind it in the
database; the exports read back exactly what was frozen. One small fixed data set throughout:
two approved agencies with values and a project, one exempted with a reason."""

import csv
import hashlib
import io
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.accounts.models import User
from app.cycles.models import Cycle
from app.cycles.operations import fire_cycle_transition
from app.cycles.questionnaire import QuestionnaireItem, QuestionnaireRule
from app.datasets.frozen import FROZEN_TABLES
from app.datasets.guard import CycleFrozen
from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.review.models import Comment, Question, QuestionEntry
from app.submissions.models import (
    Benefit,
    Project,
    ProjectBaselineChange,
    Submission,
    SubmissionValue,
    WarningExplanation,
)
from app.submissions.transitions import fire_transition
from tests import factories
from tests.conftest import WebClient

YEAR = 2026
FROZEN_AT = datetime(2027, 4, 15, 8, 30, tzinfo=UTC)
FROZEN_PAGE = "Insamlingen 2026 är fryst sedan 15 april 2027: inget i den kan ändras."
# Computed once on SQLite from the data set below, frozen at FROZEN_AT by ADMIN_NAME, and
# written here. The tests that check it run unchanged on PostgreSQL: that is the proof that the
# same data gives the same digest on both databases. It changes, on purpose, with any change to
# the data set, the default questionnaire or the canonical form (granska-dataset/1). Last
# changed when the questionnaire's sections and key figures (with their formulas) became data
# kept in the snapshot (issue 18); the agencies' key figure values did not change. Then when
# each project's benefits (issue 19's register) joined the snapshot: the project rows carry a
# "benefits" list; nothing else changed.
EXPECTED_DIGEST = "f0dc065f535367a74d22db22a21c61a8da67ae3e75db51dddb2ad23e70048776"
ADMIN_NAME = "Ada Administratör"
EXEMPTION = "Myndigheten avvecklas den 30 juni 2027."
EXPORTS = ("csv-sv", "csv", "xlsx", "json")
# Name, org number, peer group, status, and the values as "item--period" → number or text.
AGENCIES = (
    (
        "Bolagsverket",
        "202100-0019",
        "esam",
        "approved",
        {
            "operating_cost--outcome": "500000",
            "it_cost_total--outcome": "60000",
            "it_cost_total--forecast": "62500.5",
            "users--outcome": "1200",
            "internal_it_staff--outcome": "85.5",
            "hired_it_staff--outcome": "14.5",
            "workstation_cost_direction--outcome": "fall",
        },
    ),
    (
        "Lantmäteriet",
        "202100-0027",
        "esam",
        "approved",
        {
            "operating_cost--outcome": "800000",
            "it_cost_total--outcome": "120000",
            "users--outcome": "2000",
            "workstations--outcome": "2100",
        },
    ),
    ("Tullverket", "202100-0035", "other", "draft", {}),  # exempted before the freezing
)
SUBMITTED = {  # submitted at, late, approved at
    "Bolagsverket": (datetime(2027, 1, 20, 9, 15), False, datetime(2027, 3, 2, 14, 0)),
    "Lantmäteriet": (datetime(2027, 2, 3, 16, 45), True, datetime(2027, 3, 9, 10, 5)),
}
PROJECT = {
    "name": "Nytt ärendehanteringssystem",
    "orientation": "efficiency",
    "status": "ongoing",
    "start_date": date(2025, 3, 1),
    "original_end_date": date(2027, 6, 30),
    "current_end_date": date(2027, 12, 31),
    "original_budget": Decimal(45000),
    "current_budget": Decimal(60000),
    "cost_to_date": Decimal("12500.50"),
    "forecast_at_completion": Decimal(52000),
    "risk_benefits": "medium",
    "risk_budget": "high",
    "risk_time": "low",
    "benefits_analysed": True,
    "benefits_plan": True,
}
BENEFITS = (
    {
        "name": "Kortare handläggningstid",
        "stakeholder": "Sökande företag",
        "kind": "economic",
        "goal": "En effektiv förvaltning",
        "indicator": "Handläggningstid",
        "unit": "dagar",
        "baseline_value": Decimal(30),
        "baseline_date": date(2025, 1, 15),
        "target_value": Decimal(12),
        "target_year": 2028,
        "owner": "Chef för tillståndsenheten",
        "is_main": True,
        "amount": Decimal(4500),
        "budget_affecting": True,
        "realised_value": Decimal(24),
        "realised_amount": Decimal(1200),
        "status": "on_track",
        "status_reason": "",
    },
    {
        "name": "Nöjdare kunder",
        "stakeholder": "Företag",
        "kind": "qualitative",
        "goal": "Hög förtroende",
        "indicator": "Nöjd kund-index",
        "unit": "index",
        "baseline_value": Decimal(61),
        "baseline_date": date(2024, 11, 1),
        "target_value": Decimal(75),
        "target_year": 2027,
        "owner": "",
        "status": "at_risk",
        "status_reason": "Mätningen är försenad",
    },
)
REBASELINES = (
    ("budget", "45000", "60000", "Utökat uppdrag från regeringen"),
    ("end_date", "2027-06-30", "2027-12-31", "Upphandlingen överprövades"),
)


@dataclass
class Dataset:
    cycle: Cycle
    admin: User
    submissions: dict[str, Submission]

    def __getitem__(self, name: str) -> Submission:
        return self.submissions[name]


def _value_row(submission: Submission, field: str, value: str) -> SubmissionValue:
    code, period = field.split("--")
    number = None if value.isalpha() else Decimal(value)
    return SubmissionValue(
        submission_id=submission.id,
        item_code=code,
        period=period,
        number=number,
        text=value if number is None else None,
    )


def _dataset(reverse: bool = False) -> Dataset:
    """The fixed data set in an open cycle; reverse: the same rows, inserted the other way."""
    order = (lambda rows: list(reversed(rows))) if reverse else list
    cycle = factories.make_cycle(YEAR, "open", questionnaire=True)
    admin = factories.make_user("admin", name=ADMIN_NAME)
    submissions = {}
    for name, org_number, group, status, values in order(AGENCIES):
        agency = factories.make_agency(
            name, group, org_number=org_number, contact_email=f"registrator@{org_number}.example"
        )
        submission = factories.make_submission(cycle, agency, status)
        if name in SUBMITTED:
            submitted, late, approved = SUBMITTED[name]
            submission.submitted_at, submission.submitted_late = submitted, late
            submission.approved_at = approved
        db.session.add_all(_value_row(submission, f, v) for f, v in order(list(values.items())))
        submissions[name] = submission
    project = Project(submission_id=submissions["Bolagsverket"].id, **PROJECT)
    project.baseline_changes = [
        ProjectBaselineChange(field=f, old_value=o, new_value=n, reason=r, changed_by_id=admin.id)
        for f, o, n, r in REBASELINES
    ]
    project.benefits = [Benefit(**benefit) for benefit in BENEFITS]
    db.session.add(project)
    _conversation(submissions["Bolagsverket"], admin.id)
    db.session.commit()
    return Dataset(cycle, admin, submissions)


def _conversation(submission: Submission, author: int) -> None:
    """A resolved question with its thread, an explained warning and a comment: rows of the
    cycle that are not part of the snapshot, but frozen with it all the same."""
    question = Question(
        submission_id=submission.id,
        subject="Antal användare",
        item_code="users",
        text="Stämmer ökningen?",
        status="resolved",
        answer="Ja, en ny enhet.",
        raised_by_id=author,
        rounds_sent=1,
    )
    db.session.add(question)
    db.session.flush()
    db.session.add_all(
        [
            QuestionEntry(question_id=question.id, step="raised", author_id=author),
            WarningExplanation(submission_id=submission.id, target="users:outcome", text="Ny"),
            Comment(submission_id=submission.id, kind="conversation", text="Hej", author_id=author),
        ]
    )


def _freeze(data: Dataset) -> DatasetSnapshot:
    """Exempt Tullverket, close and approve the cycle: the services behind the web, at
    FROZEN_AT (the full loop over the web is test_close_approve_verify_publish_over_the_web)."""
    with time_machine.travel(FROZEN_AT, tick=False):
        fire_transition(data["Tullverket"].id, "exempt", data.admin, EXEMPTION)
        db.session.commit()
        for trigger in ("close", "approve"):
            fire_cycle_transition(YEAR, trigger, data.admin)
            db.session.commit()
    return _snapshot()


def _frozen_dataset() -> tuple[Dataset, DatasetSnapshot]:
    data = _dataset()
    return data, _freeze(data)


def _snapshot() -> DatasetSnapshot:
    db.session.rollback()
    return db.session.scalar(select(DatasetSnapshot))


def _content(snapshot: DatasetSnapshot) -> dict:
    return json.loads(snapshot.content)


def _verify(app):
    db.session.rollback()
    return app.test_cli_runner().invoke(args=["dataset", "verify", str(YEAR)])


def _logged_in(app, user) -> WebClient:
    client = WebClient(app.test_client())
    client.login(user)
    return client


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


# 1. The whole loop over the web, and who may read the dataset when.


def _dataset_responses(client) -> dict:
    urls = [f"/cycles/{YEAR}/dataset"] + [f"/cycles/{YEAR}/dataset/{kind}" for kind in EXPORTS]
    return {url: client.get(url) for url in urls}


def _statuses(client) -> set[int]:
    return {response.status_code for response in _dataset_responses(client).values()}


def test_close_approve_verify_publish_over_the_web(app, client):
    data = _dataset()
    viewer = factories.make_user("agency_viewer", agency=data["Bolagsverket"].agency)
    with time_machine.travel(FROZEN_AT, tick=False):
        client.login(data.admin)
        exempt = client.post(
            f"/submissions/{data['Tullverket'].id}/transitions/exempt", {"reason": EXEMPTION}
        )
        assert exempt.status_code == 302
        for trigger in ("close", "approve"):
            assert client.post(f"/admin/cycles/{YEAR}/transitions/{trigger}").status_code == 302
    assert _snapshot().digest == EXPECTED_DIGEST  # the web and the services freeze alike
    client.login(data.admin)  # the session signed at FROZEN_AT lies in the future now
    page = client.get(f"/cycles/{YEAR}/dataset").get_data(as_text=True)
    assert f'<code class="digest">{EXPECTED_DIGEST}</code>' in page and "Oförändrat" not in page
    assert client.post(f"/cycles/{YEAR}/dataset/verify").status_code == 302  # on demand
    page = client.get(f"/cycles/{YEAR}/dataset").get_data(as_text=True)
    assert "Oförändrat" in page and "Senast kontrollerad" in page
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert f"match: the {YEAR} dataset is as it was frozen" in result.output
    assert result.output.count(EXPECTED_DIGEST) == 3  # stored, from the snapshot, from the rows
    agency_user = _logged_in(app, viewer)
    assert _statuses(agency_user) == {404}  # frozen, not yet published
    assert client.post(f"/admin/cycles/{YEAR}/transitions/publish").status_code == 302
    assert db.session.get(Cycle, data.cycle.id).status == "published"
    for url, response in _dataset_responses(agency_user).items():
        assert response.status_code == 200, url
        if url.endswith("/dataset"):
            assert EXPECTED_DIGEST in response.get_data(as_text=True)
        else:
            assert response.headers["X-Dataset-SHA256"] == EXPECTED_DIGEST
    assert _verify(app).exit_code == 0  # publishing changes nothing in the dataset


def test_staff_read_the_dataset_once_frozen_every_agency_once_published(app):
    data, _snapshot = _frozen_dataset()
    staff = [_logged_in(app, factories.make_user("reviewer")), _logged_in(app, data.admin)]
    agency_users = [
        _logged_in(app, factories.make_user(role, agency=data[name].agency))
        for role, name in (("agency_editor", "Bolagsverket"), ("agency_viewer", "Tullverket"))
    ] + [_logged_in(app, factories.make_user("agency_editor"))]  # an agency not in the cycle
    assert [_statuses(who) for who in staff + agency_users] == [{200}] * 2 + [{404}] * 3
    fire_cycle_transition(YEAR, "publish", data.admin)
    db.session.commit()
    assert [_statuses(who) for who in staff + agency_users] == [{200}] * 5


def test_before_the_approval_there_is_nothing_to_download_or_verify(app, client):
    data = _dataset()
    client.login(data.admin)
    page = client.get(f"/cycles/{YEAR}/dataset")
    assert page.status_code == 200 and "/dataset/json" not in page.get_data(as_text=True)
    assert {client.get(f"/cycles/{YEAR}/dataset/{kind}").status_code for kind in EXPORTS} == {404}
    result = _verify(app)
    assert result.exit_code == 1 and "is not frozen" in result.output


# 2. The snapshot.


def _no_floats(literal: str):
    raise AssertionError(
        f"a number written as a JSON number, not a fixed-decimal string: {literal}"
    )


def test_snapshot_is_canonical_json_and_its_digest_is_its_sha256(app):
    _data, snapshot = _frozen_dataset()
    content = json.loads(snapshot.content, parse_float=_no_floats)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert snapshot.content == canonical
    assert snapshot.digest == hashlib.sha256(snapshot.content.encode("utf-8")).hexdigest()
    assert snapshot.frozen_at == FROZEN_AT.replace(tzinfo=None)
    assert content["format"] == "granska-dataset/1"
    assert content["frozen"] == {"at": "2027-04-15T08:30:00Z", "by": ADMIN_NAME}
    assert content["cycle"] == {
        "year": YEAR,
        "title": f"Insamling {YEAR}",
        "opens_on": "2026-11-02",
        "submission_deadline": "2027-01-29",
        "review_deadline": "2027-03-31",
    }


def test_snapshot_holds_every_approved_value_key_figure_and_project(app):
    _data, snapshot = _frozen_dataset()
    first, second = _content(snapshot)["submissions"]  # approved only, by org number
    assert first["agency"] == {
        "name": "Bolagsverket",
        "org_number": "202100-0019",
        "peer_group": "esam",
        "ministry": "Finansdepartementet",
    }
    assert (first["submitted_at"], first["approved_at"], first["late"]) == (
        "2027-01-20T09:15:00Z",
        "2027-03-02T14:00:00Z",
        False,
    )
    assert first["values"] == {
        "operating_cost": {"outcome": "500000.00"},
        "it_cost_total": {"outcome": "60000.00", "forecast": "62500.50"},
        "users": {"outcome": "1200.00"},
        "internal_it_staff": {"outcome": "85.50"},
        "hired_it_staff": {"outcome": "14.50"},
        "workstation_cost_direction": {"outcome": "fall"},
    }
    # 60 000 / 500 000 = 12 %; 60 000 tkr / 1 200 users = 50 000 kr; 14,5 / (85,5 + 14,5) = 14,5 %
    assert {k: v for k, v in first["key_figures"].items() if v is not None} == {
        "it_cost_share": "12.0000",
        "it_cost_per_user": "50000.0000",
        "hired_staff_share": "14.5000",
    }
    assert second["agency"]["name"] == "Lantmäteriet" and second["late"] is True
    assert second["values"]["workstations"] == {"outcome": "2100.00"}
    # 120 000 tkr / 2 100 workstations = 57 142,857… kr
    assert second["key_figures"]["cost_per_workstation"] == "57142.8571"
    assert second["projects"] == []
    assert first["projects"] == [
        {
            "name": "Nytt ärendehanteringssystem",
            "orientation": "efficiency",
            "status": "ongoing",
            "risk_benefits": "medium",
            "risk_budget": "high",
            "risk_time": "low",
            "benefits_analysed": True,
            "benefits_plan": True,
            "benefits_owner": False,
            "start_date": "2025-03-01",
            "original_end_date": "2027-06-30",
            "current_end_date": "2027-12-31",
            "original_budget": "45000.00",
            "current_budget": "60000.00",
            "cost_to_date": "12500.50",
            "forecast_at_completion": "52000.00",
            "cost_variance": "7000.00",  # 52 000 − 45 000
            "cost_variance_share": "15.5556",  # 7 000 / 45 000
            "schedule_slip_days": 184,  # 30 June → 31 December
            "rebaselines": [
                {"field": f, "old": o, "new": n, "reason": r} for f, o, n, r in REBASELINES
            ],
            "benefits": [
                {
                    **{k: v for k, v in b.items() if not isinstance(v, (Decimal, date))},
                    "baseline_date": b["baseline_date"].isoformat(),
                    "is_main": b.get("is_main", False),
                    "budget_affecting": b.get("budget_affecting", False),
                    **{
                        k: f"{b[k]:.2f}" if b.get(k) is not None else None
                        for k in (
                            "baseline_value",
                            "target_value",
                            "amount",
                            "realised_value",
                            "realised_amount",
                        )
                    },
                }
                for b in BENEFITS
            ],
        }
    ]


def _items(cycle) -> list[QuestionnaireItem]:
    return list(
        db.session.scalars(
            select(QuestionnaireItem)
            .where(QuestionnaireItem.cycle_id == cycle.id)
            .order_by(QuestionnaireItem.position)
        )
    )


def test_snapshot_holds_the_questionnaire_and_the_exempted_agency_with_its_reason(app):
    data, snapshot = _frozen_dataset()
    questionnaire = _content(snapshot)["questionnaire"]
    items = _items(data.cycle)
    assert [i["code"] for i in questionnaire["items"]] == [i.code for i in items]
    assert [i["definition"]["sv"] for i in questionnaire["items"]] == [
        i.definition_sv for i in items
    ]
    users = next(i for i in questionnaire["items"] if i["code"] == "users")
    assert users["label"] == {"sv": "Antal användare", "en": "Number of users"}
    assert users["definition"]["en"].startswith("People with their own account")
    assert (users["kind"], users["min"], users["max"]) == ("count", "0.00", None)
    rules = db.session.scalars(
        select(QuestionnaireRule.code)
        .where(QuestionnaireRule.cycle_id == data.cycle.id)
        .order_by(QuestionnaireRule.id)
    )
    assert [r["code"] for r in questionnaire["rules"]] == list(rules)
    assert _content(snapshot)["exempted"] == [
        {
            "name": "Tullverket",
            "org_number": "202100-0035",
            "peer_group": "other",
            "ministry": "Finansdepartementet",
            "reason": EXEMPTION,
        }
    ]


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_the_same_data_frozen_at_the_same_time_gives_the_known_digest(app, order):
    """Two separate freezings (and both orders of insertion), on SQLite and on PostgreSQL."""
    snapshot = _freeze(_dataset(reverse=order == "reversed"))
    assert snapshot.digest == EXPECTED_DIGEST


# 3. The guard in the app: nothing in a frozen cycle changes through the web.

DUMPED_TABLES = (
    "cycle",
    "submission",
    "submission_value",
    "warning_explanation",
    "project",
    "project_baseline_change",
    "question",
    "question_entry",
    "comment",
    "questionnaire_item",
    "questionnaire_rule",
    "dataset_snapshot",
    "audit_event",
)


def _dump() -> dict[str, list[tuple]]:
    db.session.rollback()
    tables = db.metadata.tables
    return {
        name: [
            tuple(row)
            for row in db.session.execute(
                tables[name].select().order_by(*tables[name].primary_key.columns)
            )
        ]
        for name in DUMPED_TABLES
    }


PROJECT_FORM = {
    "name": "Nytt ärendehanteringssystem",
    "orientation": "efficiency",
    "status": "ongoing",
    "start_date": "2025-03-01",
    "end_date": "2027-12-31",
    "budget": "70 000",
    "cost_to_date": "20 000",
    "forecast_at_completion": "70 000",
    "risk_benefits": "low",
    "risk_budget": "low",
    "risk_time": "low",
    "rebaseline_reason": "Större uppdrag",
}
NOT_ALLOWED = "Du har inte behörighet till den här sidan"
WORKFLOW_REFUSAL = "Insamlingen är godkänd och fryst: inget i den kan ändras."
# The question is resolved: the question workflow refuses before it looks at the submission.
QUESTION_SETTLED = "Frågan är löst – det här steget går inte längre."
ONLY_IN_REVIEW = "Frågor kan bara ställas medan inlämningen granskas."
ONLY_ANSWERED_SENT_BACK = "Bara en besvarad fråga kan skickas tillbaka."
QUESTIONNAIRE_FIXED = "Frågeformuläret är låst när insamlingen har öppnat."


def _refusal(client, url, form) -> tuple[int, str]:
    """The status and the page. A CycleFrozen that escapes the app (its own 409 page failed)
    is what a browser gets as a 500."""
    try:
        response = client.post(url, form)
    except CycleFrozen as escaped:
        return 500, f"{escaped!r} escaped the app"
    return response.status_code, response.get_data(as_text=True)


def test_every_write_through_the_web_is_refused_and_changes_nothing(app):
    data, _snapshot = _frozen_dataset()
    submission, item = data["Bolagsverket"], _items(data.cycle)[0]
    project, question = db.session.scalar(select(Project)), db.session.scalar(select(Question))
    clients = {
        "editor": _logged_in(app, factories.make_user("agency_editor", agency=submission.agency)),
        "reviewer": _logged_in(app, factories.make_user("reviewer")),
        "admin": _logged_in(app, data.admin),
    }
    on = f"/submissions/{submission.id}"
    # Who posts what where, and the refusal: the guard's 409 page wherever nothing in the app
    # refuses first; else the app's own answer (an approved submission is not editable, etc.).
    attempts = [
        ("editor", f"{on}/comments", {"kind": "conversation", "text": "Tillägg"}, 409, FROZEN_PAGE),
        ("reviewer", f"{on}/comments", {"kind": "conversation", "text": "Hej"}, 409, FROZEN_PAGE),
        ("reviewer", f"{on}/comments", {"kind": "internal", "text": "Notering"}, 409, FROZEN_PAGE),
        ("admin", f"{on}/comments", {"kind": "internal", "text": "Notering"}, 409, FROZEN_PAGE),
        ("admin", f"{on}/transitions/reopen", {"reason": "Fel i siffrorna"}, 409, WORKFLOW_REFUSAL),
        (
            "admin",
            f"/submissions/{data['Tullverket'].id}/transitions/reinstate",
            {},
            409,
            WORKFLOW_REFUSAL,
        ),
        (
            "editor",
            f"{on}/sections/it_costs",
            {"version": "1", "users--outcome": "1 300"},
            403,
            NOT_ALLOWED,
        ),
        ("editor", f"{on}/projects/new", PROJECT_FORM, 403, NOT_ALLOWED),
        ("editor", f"{on}/projects/{project.id}/edit", PROJECT_FORM, 403, NOT_ALLOWED),
        ("editor", f"{on}/projects/{project.id}/delete", {}, 403, NOT_ALLOWED),
        ("editor", f"{on}/explanations", {"explain:users:outcome": "Annat"}, 403, NOT_ALLOWED),
        (
            "editor",
            f"{on}/excel/upload",
            {"file": (io.BytesIO(b"PK"), "svar.xlsx")},
            403,
            NOT_ALLOWED,
        ),
        (
            "editor",
            f"{on}/questions/{question.id}/answer",
            {"answer": "Nytt svar"},
            422,
            QUESTION_SETTLED,
        ),
        (
            "reviewer",
            f"/review/submissions/{submission.id}/questions",
            {"target": "item:users", "text": "?"},
            422,
            ONLY_IN_REVIEW,
        ),
        (
            "reviewer",
            f"/review/questions/{question.id}/send-back",
            {"comment": "Nej"},
            422,
            ONLY_ANSWERED_SENT_BACK,
        ),
        (
            "admin",
            f"/admin/cycles/{YEAR}/questionnaire/{item.id}",
            {"label_sv": "Ny", "label_en": "New"},
            422,
            QUESTIONNAIRE_FIXED,
        ),
    ]
    before = _dump()
    outcomes, expected = {}, {}
    for who, url, form, status, message in attempts:
        key = f"{who} {url} {form.get('kind', '')}".strip()
        got_status, page = _refusal(clients[who], url, form)
        outcomes[key], expected[key] = (got_status, message in page), (status, True)
    assert _dump() == before
    assert outcomes == expected


def test_the_guard_refuses_every_row_of_a_frozen_cycle_in_the_orm(app):
    data, _snapshot = _frozen_dataset()
    submission = data["Bolagsverket"]
    project, question = db.session.scalar(select(Project)), db.session.scalar(select(Question))
    newcomer = factories.make_agency("Skatteverket")
    author = data.admin.id
    # Each guarded model: a new row in the frozen cycle, and a text column to change.
    cases = {
        Submission: (Submission(cycle_id=data.cycle.id, agency_id=newcomer.id), "status"),
        SubmissionValue: (_value_row(submission, "workstations--outcome", "10"), "text"),
        WarningExplanation: (
            WarningExplanation(submission_id=submission.id, target="x", text="y"),
            "text",
        ),
        Project: (Project(submission_id=submission.id, **{**PROJECT, "name": "Nytt"}), "name"),
        ProjectBaselineChange: (
            ProjectBaselineChange(
                project_id=project.id, field="budget", old_value="1", new_value="2", reason="r"
            ),
            "reason",
        ),
        Question: (
            Question(submission_id=submission.id, subject="s", text="t", raised_by_id=author),
            "text",
        ),
        QuestionEntry: (
            QuestionEntry(question_id=question.id, step="sent", author_id=author),
            "text",
        ),
        Comment: (
            Comment(submission_id=submission.id, kind="internal", text="t", author_id=author),
            "text",
        ),
        QuestionnaireItem: (
            QuestionnaireItem(
                cycle_id=data.cycle.id,
                code="x",
                section="it_costs",
                position=99,
                label_sv="x",
                label_en="x",
                kind="text",
            ),
            "label_sv",
        ),
        QuestionnaireRule: (
            QuestionnaireRule(
                cycle_id=data.cycle.id,
                code="x",
                kind="sum",
                target="x",
                operands=[],
                label_sv="x",
                label_en="x",
            ),
            "label_sv",
        ),
    }
    before = _dump()
    let_through = []
    for model, (new_row, column) in cases.items():
        existing = db.session.scalars(select(model).order_by(model.id)).first()
        for change, apply in (
            ("insert", lambda new_row=new_row: db.session.add(new_row)),
            ("update", lambda row=existing, c=column: setattr(row, c, "Ändrad")),
            ("delete", lambda row=existing: db.session.delete(row)),
        ):
            apply()
            try:
                db.session.flush()
                let_through.append(f"{change} {model.__name__}")
            except CycleFrozen as refused:
                assert (refused.year, refused.since) == (YEAR, FROZEN_AT.replace(tzinfo=None))
            db.session.rollback()
    assert let_through == []
    assert _dump() == before


# 4. The database refuses by itself, whatever the app does.

RAW_CHANGES = {  # table: a change to one of its rows in the frozen cycle
    "submission": "status = 'in_review'",
    "submission_value": "number = 1300",
    "project": "current_budget = 1",
    "question": "text = 'Ändrad'",
    "questionnaire_item": "label_sv = 'Ändrad'",
    "dataset_snapshot": "digest = 'ändrad'",
}


def _refused_by_the_database(sql: str, **params) -> str:
    with pytest.raises(DBAPIError) as refused:
        db.session.execute(text(sql), params)
    db.session.rollback()
    return str(refused.value.orig)


def _first_row_id(table: str) -> int:
    row_id = db.session.execute(text(f"SELECT min(id) FROM {table}")).scalar_one()  # noqa: S608
    assert row_id is not None, f"the data set has no {table} row"
    return row_id


@pytest.mark.parametrize("table", list(RAW_CHANGES))
def test_the_database_refuses_raw_updates_and_deletes_in_a_frozen_cycle(app, table):
    _data, _snapshot = _frozen_dataset()
    before, row = _dump(), _first_row_id(table)
    message = (
        "a dataset snapshot never changes"
        if table == "dataset_snapshot"
        else f"frozen cycle: {table} cannot change"
    )
    for sql in (
        f"UPDATE {table} SET {RAW_CHANGES[table]} WHERE id = :id",  # noqa: S608
        f"DELETE FROM {table} WHERE id = :id",  # noqa: S608
    ):
        assert message in _refused_by_the_database(sql, id=row)
    assert _dump() == before


def test_the_database_refuses_new_rows_in_a_frozen_cycle(app):
    data, _snapshot = _frozen_dataset()
    message = _refused_by_the_database(
        "INSERT INTO submission_value (submission_id, item_code, period, number,"
        " changed_in_version, updated_at) VALUES (:s, 'workstations', 'outcome', 5, 1, :now)",
        s=data["Bolagsverket"].id,
        now=FROZEN_AT.replace(tzinfo=None),
    )
    assert "frozen cycle: submission_value cannot change" in message


def test_the_database_refuses_unfreezing_and_allows_publishing(app):
    data, _snapshot = _frozen_dataset()
    for sql in (
        "UPDATE cycle SET status = 'closed' WHERE id = :id",
        "UPDATE cycle SET approved_at = NULL WHERE id = :id",
        "DELETE FROM cycle WHERE id = :id",
    ):
        assert "a frozen cycle cannot be" in _refused_by_the_database(sql, id=data.cycle.id)
    db.session.execute(
        text("UPDATE cycle SET status = 'published', published_at = :now WHERE id = :id"),
        {"now": FROZEN_AT.replace(tzinfo=None), "id": data.cycle.id},
    )
    db.session.commit()
    assert db.session.get(Cycle, data.cycle.id).status == "published"
    assert _verify(app).exit_code == 0


def test_the_database_refuses_changing_the_frozen_cycles_title(app):
    """The snapshot holds the cycle's title beside its year and dates, which the trigger
    guards; a title changed behind the app would make verify report the cycle's rows."""
    data, _snapshot = _frozen_dataset()
    sql = "UPDATE cycle SET title = 'Ändrad' WHERE id = :id"
    assert "a frozen cycle cannot be" in _refused_by_the_database(sql, id=data.cycle.id)


def test_raw_sql_still_changes_an_open_cycle_beside_a_frozen_one(app):
    _data, snapshot = _frozen_dataset()
    cycle = factories.make_cycle(YEAR + 1, "open", questionnaire=True)
    submission = factories.make_submission(cycle, factories.make_agency("Skatteverket"))
    db.session.add(_value_row(submission, "users--outcome", "10"))
    db.session.commit()
    for sql in (
        "UPDATE submission_value SET number = 11 WHERE submission_id = :id",
        "UPDATE submission SET status = 'submitted' WHERE id = :id",
        "DELETE FROM submission_value WHERE submission_id = :id",
    ):
        db.session.execute(text(sql), {"id": submission.id})
    db.session.execute(text("UPDATE cycle SET title = 'Ny' WHERE id = :id"), {"id": cycle.id})
    db.session.commit()
    assert db.session.get(Submission, submission.id).status == "submitted"
    assert _verify(app).exit_code == 0 and _snapshot().digest == snapshot.digest


def test_an_agency_edited_after_the_freezing_leaves_the_dataset_verifiable(app, client):
    data, snapshot = _frozen_dataset()
    agency = data["Bolagsverket"].agency
    client.login(data.admin)
    response = client.post(
        f"/admin/agencies/{agency.id}/edit",
        {
            "name": "Bolagsverket",
            "org_number": agency.org_number,
            "peer_group_id": str(factories.peer_group("other").id),
            "ministry": "Näringsdepartementet",  # after a change of government
            "contact_email": agency.contact_email,
        },
    )
    assert response.status_code == 302
    assert _snapshot().content == snapshot.content  # the frozen dataset is as it was
    result = _verify(app)
    assert result.exit_code == 0, result.output


# 5. Tampering behind the database's back, with a trigger dropped (and put back).


def _trigger_names() -> set[str]:
    db.session.rollback()
    if _postgres():
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    return set(db.session.scalars(text(sql)))


@contextmanager
def _trigger_dropped(table: str, sqlite_name: str):
    """Drop one trigger as an intruder would, and create it again from the database's own
    definition of it (sqlite_master, pg_get_triggerdef) however the test ends."""
    name = f"frozen_{table}" if _postgres() else sqlite_name
    db.session.rollback()
    if _postgres():
        definition = db.session.scalar(
            text("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = :name"),
            {"name": name},
        )
        db.session.execute(text(f"DROP TRIGGER {name} ON {table}"))
    else:
        definition = db.session.scalar(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": name},
        )
        db.session.execute(text(f"DROP TRIGGER {name}"))
    db.session.commit()
    try:
        assert definition and name not in _trigger_names()
        yield
    finally:
        db.session.rollback()
        db.session.connection().exec_driver_sql(definition)
        db.session.commit()
    assert name in _trigger_names()


def test_verify_says_when_the_stored_snapshot_was_altered(app, client):
    data, snapshot = _frozen_dataset()
    frozen_content = snapshot.content
    with _trigger_dropped("dataset_snapshot", "frozen_dataset_snapshot_update"):
        db.session.execute(
            text(
                "UPDATE dataset_snapshot"
                " SET content = replace(content, '\"1200.00\"', '\"1300.00\"')"
            )
        )
        db.session.commit()
        assert _snapshot().content != frozen_content
        result = _verify(app)
        assert result.exit_code == 1
        assert "MISMATCH: the stored snapshot has been altered" in result.output
        assert "rows differ" not in result.output
        client.login(data.admin)
        page = client.get(f"/cycles/{YEAR}/dataset").get_data(as_text=True)
        assert "Den sparade ögonblicksbilden har ändrats." in page  # the CLI's check, recorded


def test_verify_says_when_the_cycles_rows_were_altered(app):
    data, _snapshot = _frozen_dataset()
    with _trigger_dropped("submission_value", "frozen_submission_value_update"):
        db.session.execute(
            text(
                "UPDATE submission_value SET number = 1300"
                " WHERE submission_id = :id AND item_code = 'users'"
            ),
            {"id": data["Bolagsverket"].id},
        )
        db.session.commit()
        result = _verify(app)
        assert result.exit_code == 1
        assert "MISMATCH: the cycle's rows differ from the snapshot" in result.output
        assert "snapshot has been altered" not in result.output


# 6. The exports read back exactly.


def _download(app, data, kind: str):
    response = _logged_in(app, data.admin).get(f"/cycles/{YEAR}/dataset/{kind}")
    assert response.status_code == 200
    return response


def _file_name(response) -> str:
    return response.headers["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_json_export_is_the_snapshot_and_hashes_to_the_digest(app, tmp_path):
    data, snapshot = _frozen_dataset()
    response = _download(app, data, "json")
    assert response.data == snapshot.content.encode("utf-8")
    assert hashlib.sha256(response.data).hexdigest() == snapshot.digest == EXPECTED_DIGEST
    assert _file_name(response) == f"granska-{YEAR}-{EXPECTED_DIGEST[:12]}.json"
    output = tmp_path / "dataset.json"
    result = app.test_cli_runner().invoke(
        args=["dataset", "export", str(YEAR), "json", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert output.read_bytes() == response.data


def _csv_rows(content: str, delimiter: str) -> list[dict]:
    header, *rows = csv.reader(io.StringIO(content), delimiter=delimiter)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _frozen_cells(submission: dict) -> dict[str, str | None]:
    """What the snapshot holds for one agency, under the CSV's column names."""
    cells = {f"kf_{code}": value for code, value in submission["key_figures"].items()}
    for code, periods in submission["values"].items():
        for period, value in periods.items():
            cells[code if period == "outcome" else f"{code}_{period}"] = value
    return cells


def _read_back(cell: str, decimal_comma: bool):
    """The CSV cell read back as the snapshot's string or number (None for an empty cell)."""
    if not cell:
        return None
    try:
        return Decimal(cell.replace(",", ".") if decimal_comma else cell)
    except ArithmeticError:
        return cell


@pytest.mark.parametrize("kind", ["csv-sv", "csv"])
def test_csv_exports_read_back_the_same_numbers(app, kind):
    data, snapshot = _frozen_dataset()
    response = _download(app, data, kind)
    swedish = kind == "csv-sv"
    assert response.data.startswith(b"\xef\xbb\xbf") is swedish
    rows = _csv_rows(response.data.decode("utf-8-sig"), ";" if swedish else ",")
    frozen = _content(snapshot)["submissions"]
    assert [row["agency"] for row in rows] == ["Bolagsverket", "Lantmäteriet"]
    assert set(rows[0]) >= {item.code for item in _items(data.cycle)}
    for row, submission in zip(rows, frozen, strict=True):
        assert (row["cycle"], row["dataset_sha256"]) == (str(YEAR), snapshot.digest)
        cells = _frozen_cells(submission)
        read_back = {column: _read_back(row[column], swedish) for column in cells}
        assert read_back == {
            column: None if v is None else Decimal(v) if v[0].isdigit() else v
            for column, v in cells.items()
        }
    # Hand-checked: 1 200 users, 85,5 staff, 120 000 tkr / 2 100 workstations.
    assert (rows[0]["users"], rows[0]["internal_it_staff"]) == (
        ("1200", "85,5") if swedish else ("1200", "85.5")
    )
    assert rows[1]["kf_cost_per_workstation"] == ("57142,8571" if swedish else "57142.8571")
    suffix = "-sv.csv" if swedish else ".csv"
    assert _file_name(response) == f"granska-{YEAR}-{snapshot.digest[:12]}{suffix}"


def _sheet_rows(sheet) -> list[dict]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_xlsx_export_reads_back_typed_values_definitions_and_the_digest(app):
    data, snapshot = _frozen_dataset()
    response = _download(app, data, "xlsx")
    assert _file_name(response) == f"granska-{YEAR}-{snapshot.digest[:12]}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == [
        "It-kostnader",
        "Mognad",
        "Nyckeltal",
        "Projekt",
        "Nyttor",
        "Definitioner",
        "Om datasetet",
    ]
    assert {sheet.freeze_panes for sheet in workbook} == {"A2"}
    bolagsverket, lantmateriet = _sheet_rows(workbook["It-kostnader"])
    assert bolagsverket["Myndighet"] == "Bolagsverket"
    assert bolagsverket["Antal användare"] == 1200.0
    assert isinstance(bolagsverket["Antal användare"], float | int)
    assert bolagsverket["Total it-kostnad (prognos)"] == 62500.5
    assert bolagsverket["Intern it-personal"] == 85.5
    assert bolagsverket["Kostnaden per arbetsplats bör"] == "fall"
    assert lantmateriet["Antal it-arbetsplatser"] == 2100.0
    figures = _sheet_rows(workbook["Nyckeltal"])
    assert [f["Myndighet"] for f in figures] == ["Bolagsverket", "Lantmäteriet"]
    assert figures[0]["It-kostnad som andel av verksamhetskostnaden"] == 12.0
    assert figures[0]["It-kostnad per användare"] == 50000.0
    (project,) = _sheet_rows(workbook["Projekt"])
    assert (
        project["Projektets namn"],
        project["Ursprunglig budget (tkr)"],
        project["Kostnadsavvikelse (tkr)"],
    ) == ("Nytt ärendehanteringssystem", 45000.0, 7000.0)
    assert project["Tidsförskjutning (dagar)"] == 184
    definitions = _sheet_rows(workbook["Definitioner"])
    assert [
        (d["Kod"], d["Definition"]) for d in definitions if d["Del"] not in ("projects", "benefits")
    ] == [(i.code, i.definition_sv) for i in _items(data.cycle)]
    about = {row["Uppgift"]: row["Värde"] for row in _sheet_rows(workbook["Om datasetet"])}
    assert (about["Insamling"], about["SHA-256"], about["Fryst"]) == (
        YEAR,
        snapshot.digest,
        "2027-04-15T08:30:00Z",
    )
    assert (about["Godkända inlämningar"], about["Undantagna myndigheter"]) == (2, 1)


# 7. The triggers are there after the migrations (a table rebuilt by a batch migration loses
# its triggers on SQLite; this is where that would show).

CYCLE_TABLES = tuple(FROZEN_TABLES)  # the one declaration of what a frozen cycle protects


def test_the_migrations_leave_every_frozen_dataset_trigger_in_place(app):
    frozen = {name for name in _trigger_names() if name.startswith("frozen_")}
    if _postgres():
        expected = {f"frozen_{t}" for t in (*CYCLE_TABLES, "dataset_snapshot", "cycle")}
        on_tables = db.session.execute(
            text(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
                " WHERE NOT tgisinternal AND tgname LIKE 'frozen%'"
            )
        ).all()
        assert sorted(on_tables) == sorted(
            (name.removeprefix("frozen_"), name) for name in expected
        )
    else:
        expected = {
            f"frozen_{t}_{op}" for t in CYCLE_TABLES for op in ("insert", "update", "delete")
        }
        expected |= {
            f"frozen_{t}_{op}" for t in ("dataset_snapshot", "cycle") for op in ("update", "delete")
        }
        assert len(expected) == 3 * len(CYCLE_TABLES) + 4
    assert frozen == expected


def test_the_results_read_a_snapshots_digest_without_its_content(app, count_queries):
    # SQLite stores a row's columns in order: the digest and the freezing's time and author come
    # after the snapshot's megabytes, so a page asking for the digests of ten frozen years read
    # every year's snapshot. Those reads come from an index instead.
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans; PostgreSQL keeps large values apart")
    data, _snapshot_row = _frozen_dataset()
    client = _logged_in(app, data.admin)
    org_number = data["Bolagsverket"].agency.org_number
    with count_queries() as counter:
        for path in (
            f"/cycles/{YEAR}/analysis",
            f"/cycles/{YEAR}/analysis/{org_number}",
            f"/cycles/{YEAR}/dataset",
        ):
            assert client.get(path).status_code == 200, path
    headers = counter.plans(reading="dataset_snapshot", leaving_out=".content")
    assert len(headers) >= 3, counter.statements
    for statement, plan in headers:
        steps = [step for step in plan if "dataset_snapshot" in step]
        assert steps and all("COVERING INDEX" in step for step in steps), (statement, steps)
