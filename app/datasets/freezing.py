"""Freezing a cycle when it is approved: the snapshot of its dataset, written once in the
approval's transaction, and verifying it later."""

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import insert, select

from app.audit.models import AuditEvent
from app.audit.operations import record_event
from app.consultation.services import record_of
from app.cycles.models import Cycle
from app.cycles.questionnaire_service import (
    items_of,
    key_figure_specs,
    key_figures_of,
    rules_of,
    sections_of,
)
from app.datasets.canonical import FORMAT, FOUR, canonical_bytes, digest_of, moment, number
from app.datasets.models import BY_HEADER_CYCLE, DatasetSnapshot, FrozenKeyFigure
from app.extensions import db
from app.submissions.models import Benefit, Project, Submission, SubmissionValue
from app.submissions.projects import figures_of
from app.submissions.stored import as_answers
from app.timeutil import utcnow
from workflows.answers import KeyFigureSpec, key_figures
from workflows.submission import SubmissionStatus

PROJECT_FIELDS = (
    "name",
    "orientation",
    "status",
    "risk_benefits",
    "risk_budget",
    "risk_time",
    "benefits_analysed",
    "benefits_plan",
    "benefits_owner",
)
PROJECT_DATES = ("start_date", "original_end_date", "current_end_date")
PROJECT_AMOUNTS = ("original_budget", "current_budget", "cost_to_date", "forecast_at_completion")
BENEFIT_FIELDS = (
    "name",
    "stakeholder",
    "kind",
    "goal",
    "indicator",
    "unit",
    "target_year",
    "owner",
    "is_main",
    "budget_affecting",
    "status",
    "status_reason",
)
BENEFIT_NUMBERS = (
    "baseline_value",
    "target_value",
    "amount",
    "realised_value",
    "realised_amount",
)


def _questionnaire(cycle: Cycle) -> dict:
    items = [
        {
            "code": item.code,
            "section": item.section,
            "heading": item.heading,
            "position": item.position,
            "kind": item.kind,
            "required": item.required,
            "has_forecast": item.has_forecast,
            "label": {"sv": item.label_sv, "en": item.label_en},
            "definition": {"sv": item.definition_sv, "en": item.definition_en},
            "min": number(item.min_value),
            "max": number(item.max_value),
            "choices": item.choices,
        }
        for item in items_of(cycle.id)
    ]
    rules = [
        {
            "code": rule.code,
            "kind": rule.kind,
            "target": rule.target,
            "operands": rule.operands,
            "label": {"sv": rule.label_sv, "en": rule.label_en},
        }
        for rule in rules_of(cycle.id)
    ]
    # Each key figure as the agencies agreed it: the formula is part of the record.
    figures = [
        {
            "code": figure.code,
            "label": {"sv": figure.label_sv, "en": figure.label_en},
            "definition": {"sv": figure.definition_sv, "en": figure.definition_en},
            "unit": figure.unit,
            "formula": figure.formula,
        }
        for figure in key_figures_of(cycle.id)
    ]
    sections = [
        {"code": s.code, "label": {"sv": s.label_sv, "en": s.label_en}}
        for s in sections_of(cycle.id)
    ]
    return {"items": items, "rules": rules, "sections": sections, "key_figures": figures}


def _project(project: Project) -> dict:
    figures = figures_of(project)
    return {
        **{name: getattr(project, name) for name in PROJECT_FIELDS},
        **{name: moment(getattr(project, name)) for name in PROJECT_DATES},
        **{name: number(getattr(project, name)) for name in PROJECT_AMOUNTS},
        "cost_variance": number(figures.cost_variance),
        "cost_variance_share": number(figures.cost_variance_share, FOUR),
        "schedule_slip_days": figures.schedule_slip_days,
        "rebaselines": [
            {"field": c.field, "old": c.old_value, "new": c.new_value, "reason": c.reason}
            for c in project.baseline_changes
        ],
        # Ordered by content, like the projects: the same on any database.
        "benefits": sorted(
            (_benefit(b) for b in project.benefits),
            key=lambda b: (b["name"], canonical_bytes(b)),
        ),
    }


def _benefit(benefit: Benefit) -> dict:
    return {
        **{name: getattr(benefit, name) for name in BENEFIT_FIELDS},
        "baseline_date": moment(benefit.baseline_date),
        **{name: number(getattr(benefit, name)) for name in BENEFIT_NUMBERS},
    }


def _agency(submission: Submission) -> dict:
    agency = submission.agency
    return {
        "name": agency.name,
        "org_number": agency.org_number,
        "peer_group": agency.peer_group.code,
        "ministry": agency.ministry,
    }


def _submissions(approved: list[Submission], figures: list[KeyFigureSpec]) -> list[dict]:
    ids = [s.id for s in approved]
    # The value columns only: full SubmissionValue objects (their editor joined) made the
    # first view of an open cycle's results after a change take half a second at 340 agencies.
    rows = db.session.execute(
        select(
            SubmissionValue.submission_id,
            SubmissionValue.item_code,
            SubmissionValue.period,
            SubmissionValue.number,
            SubmissionValue.text,
        ).where(SubmissionValue.submission_id.in_(ids))
    )
    values: dict[int, dict] = {i: {} for i in ids}
    for row in rows:
        values[row.submission_id][(row.item_code, row.period)] = row
    projects: dict[int, list] = {i: [] for i in ids}
    for project in db.session.scalars(select(Project).where(Project.submission_id.in_(ids))):
        projects[project.submission_id].append(_project(project))
    for listed in projects.values():
        # Ordered by content, not by the database's collation or ids: the same on any database.
        listed.sort(key=lambda p: (p["name"], canonical_bytes(p)))
    result = []
    for submission in approved:
        stored = values[submission.id]
        reported: dict[str, dict] = {}
        for (code, period), row in sorted(stored.items()):
            value = number(row.number) if row.number is not None else row.text
            reported.setdefault(code, {})[period] = value
        computed = key_figures(as_answers(stored), figures)
        result.append(
            {
                "agency": _agency(submission),
                "submitted_at": moment(submission.submitted_at),
                "approved_at": moment(submission.approved_at),
                "late": submission.submitted_late,
                "values": reported,
                "key_figures": {code: number(v, FOUR) for code, v in computed.items()},
                "projects": projects[submission.id],
            }
        )
    return result


def _exempted(exempted: list[Submission]) -> list[dict]:
    reasons = dict(
        db.session.execute(
            select(AuditEvent.submission_id, AuditEvent.comment)
            .where(
                AuditEvent.submission_id.in_([s.id for s in exempted]),
                AuditEvent.name == "exempt",
            )
            .order_by(AuditEvent.id)
        ).all()
    )  # the latest exemption's reason wins
    return [{**_agency(s), "reason": reasons.get(s.id) or ""} for s in exempted]


# What a live analysis counts before the cycle is frozen: everything submitted so far.
LIVE_STATUSES = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.IN_REVIEW,
    SubmissionStatus.CLARIFICATION,
    SubmissionStatus.APPROVED,
)


def build_snapshot(
    cycle: Cycle, frozen_at, frozen_by: str, counted=(SubmissionStatus.APPROVED,)
) -> dict:
    """The dataset of the cycle: the approved submissions (or, for a live analysis, those in
    `counted`), the exempted agencies and the questionnaire."""
    submissions = list(
        db.session.scalars(select(Submission).where(Submission.cycle_id == cycle.id))
    )
    submissions.sort(key=lambda s: s.agency.org_number)
    by_status = {
        "counted": [s for s in submissions if s.status in counted],
        SubmissionStatus.EXEMPTED: [
            s for s in submissions if s.status == SubmissionStatus.EXEMPTED
        ],
    }
    snapshot = {
        "format": FORMAT,
        "cycle": {
            "year": cycle.year,
            "title": cycle.title,
            "opens_on": moment(cycle.opens_on),
            "submission_deadline": moment(cycle.submission_deadline),
            "review_deadline": moment(cycle.review_deadline),
        },
        "frozen": {"at": moment(frozen_at), "by": frozen_by},
        "questionnaire": _questionnaire(cycle),
        "submissions": _submissions(by_status["counted"], key_figure_specs(cycle.id)),
        "exempted": _exempted(by_status[SubmissionStatus.EXEMPTED]),
    }
    # How the definitions were agreed, when the questionnaire was consulted on: present only
    # then, so a dataset frozen without one (every dataset frozen before migration 0028) is
    # rebuilt in the form it was made in, with the digest it had; a consultation row added to
    # a frozen cycle (the guard and the triggers refuse it) would show as a changed row.
    consultation = record_of(cycle)
    if consultation is not None:
        snapshot["consultation"] = consultation
    return snapshot


def freeze(cycle: Cycle, actor) -> DatasetSnapshot:
    """Write the cycle's snapshot and digest; in the approval's transaction, flush only."""
    frozen_at = utcnow()
    dataset = build_snapshot(cycle, frozen_at, getattr(actor, "name", None) or "")
    content = canonical_bytes(dataset)
    _write_key_figures(cycle, dataset)
    snapshot = DatasetSnapshot(
        cycle_id=cycle.id,
        content=content.decode("utf-8"),
        digest=digest_of(content),
        frozen_at=frozen_at,
        frozen_by_id=getattr(actor, "id", None),
    )
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def _write_key_figures(cycle: Cycle, dataset: dict) -> None:
    """Each agency's key figures, beside the snapshot, for its trend over the years."""
    rows = [
        {
            "cycle_id": cycle.id,
            "org_number": submission["agency"]["org_number"],
            "code": code,
            "value": Decimal(value) if value is not None else None,
        }
        for submission in dataset["submissions"]
        for code, value in submission["key_figures"].items()
    ]
    if rows:
        db.session.execute(insert(FrozenKeyFigure), rows)


def snapshot_of(cycle: Cycle) -> DatasetSnapshot | None:
    return db.session.scalar(select(DatasetSnapshot).where(cycle.id == BY_HEADER_CYCLE))


@dataclass(frozen=True)
class Verification:
    year: int
    stored: str  # the digest written at freezing
    of_snapshot: str  # recomputed from the stored snapshot
    of_live_rows: str  # recomputed from the cycle's rows as they are now

    @property
    def snapshot_intact(self) -> bool:
        return self.stored == self.of_snapshot

    @property
    def rows_intact(self) -> bool:
        return self.stored == self.of_live_rows

    @property
    def ok(self) -> bool:
        return self.snapshot_intact and self.rows_intact


def verify(cycle: Cycle) -> Verification | None:
    """Recompute the digest twice: from the stored snapshot (has it been altered?) and from
    the cycle's rows (has anything behind the snapshot been altered?)."""
    snapshot = snapshot_of(cycle)
    if snapshot is None:
        return None
    stored = json.loads(snapshot.content)
    live = build_snapshot(cycle, snapshot.frozen_at, stored["frozen"]["by"])
    _as_agencies_stood(live, stored)
    _as_questionnaire_stood(live, stored)
    _as_projects_stood(live, stored)
    return Verification(
        cycle.year,
        snapshot.digest,
        digest_of(snapshot.content.encode("utf-8")),
        digest_of(canonical_bytes(live)),
    )


def record_verification(cycle: Cycle, actor) -> Verification | None:
    """Verify now and keep the outcome in the audit trail, where the dataset page reads when
    it was last verified (verifying rebuilds the whole dataset: on demand, never per view).
    Flush only."""
    result = verify(cycle)
    if result is not None:
        record_event(
            "dataset",
            "verify",
            actor,
            cycle_id=cycle.id,
            to_value="ok" if result.ok else "mismatch",
            comment=(
                f"snapshot {'intact' if result.snapshot_intact else 'altered'}, "
                f"rows {'intact' if result.rows_intact else 'changed'}"
            ),
        )
    return result


def last_verification(cycle: Cycle) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.cycle_id == cycle.id,
            AuditEvent.kind == "dataset",
            AuditEvent.name == "verify",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def _as_agencies_stood(live: dict, stored: dict) -> None:
    """An agency's name, group or ministry may change after the freezing: they are not the
    cycle's data. The live rows are compared with the agencies as they stood, matched by
    organisation number (which does not change; if it did, verify reports the difference)."""
    stood = {
        entry["org_number"]: entry
        for entry in [s["agency"] for s in stored["submissions"]] + stored["exempted"]
    }
    for submission in live["submissions"]:
        submission["agency"] = stood.get(submission["agency"]["org_number"], submission["agency"])
    for index, entry in enumerate(live["exempted"]):
        before = stood.get(entry["org_number"])
        if before is not None:
            live["exempted"][index] = {**before, "reason": entry["reason"]}
    live["submissions"].sort(key=lambda s: s["agency"]["org_number"])
    live["exempted"].sort(key=lambda e: e["org_number"])


def _as_questionnaire_stood(live: dict, stored: dict) -> None:
    """A snapshot frozen before sections and key figures were data (migration 0022) lists
    neither: its rows are compared in the form it was made in."""
    for part in ("sections", "key_figures"):
        if part not in stored["questionnaire"]:
            live["questionnaire"].pop(part, None)


def _as_projects_stood(live: dict, stored: dict) -> None:
    """A snapshot frozen before the benefit register (migration 0020) has no benefits on its
    projects: its rows are compared in the form it was made in."""
    stored_projects = [p for s in stored["submissions"] for p in s["projects"]]
    if all("benefits" in p for p in stored_projects):
        return
    for submission in live["submissions"]:
        for project in submission["projects"]:
            project.pop("benefits", None)
