"""A published cycle as open data: the licence (from an allow-list, CC0 unless an
administrator chooses otherwise), the parts withheld from the open version, and the open
version's files, built once from the frozen snapshot so every download is the bytes whose
checksum the catalogue states."""

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select

from app.audit.operations import record_event
from app.cycles.models import Cycle
from app.cycles.questionnaire_changes import series_breaks
from app.datasets.canonical import canonical_bytes, digest_of
from app.datasets.exports import CSV, JSON, XLSX, data_export
from app.datasets.freezing import snapshot_of
from app.datasets.models import OpenDataFile, OpenDataRelease
from app.errors import FieldErrors
from app.extensions import db
from app.timeutil import utcnow
from workflows.cycle import CycleStatus


@dataclass(frozen=True)
class Licence:
    code: str
    name: str
    uri: str  # the EU Publications Office's licence authority, as DCAT-AP asks
    deed: str  # the licence text people read


# What DIGG recommends for Swedish open data: public domain or attribution.
LICENCES = {
    "cc0": Licence(
        "cc0",
        "CC0 1.0",
        "http://publications.europa.eu/resource/authority/licence/CC0",
        "https://creativecommons.org/publicdomain/zero/1.0/deed.sv",
    ),
    "cc-by-4.0": Licence(
        "cc-by-4.0",
        "CC BY 4.0",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "https://creativecommons.org/licenses/by/4.0/deed.sv",
    ),
}
DEFAULT_LICENCE = "cc0"

# Parts an administrator may withhold from the open version, each stated on the public page.
PARTS = {
    "project_text": _l(
        "Free text about projects: their names, the reasons given for new baselines and the "
        "texts of their benefits (names, stakeholders, goals, indicators, owners, reasons)"
    ),
    "projects": _l("Every project (the project table is left empty)"),
    "text_answers": _l("Free-text answers to the questionnaire"),
    "exemption_reasons": _l("The reasons why agencies were exempted"),
}
# Never in the open version, whatever is chosen: the name of the administrator who approved.
ALWAYS_WITHHELD = _l("The name of the person who approved the cycle")


@dataclass(frozen=True)
class Distribution:
    kind: str
    media_type: str
    file_type: str  # the EU Publications Office's file type
    suffix: str
    title: object


DISTRIBUTIONS = {
    "json": Distribution("json", JSON, "JSON", ".json", _l("The whole dataset as JSON")),
    "csv": Distribution(
        "csv", CSV, "CSV", ".csv", _l("Answers and key figures as CSV, one row per agency")
    ),
    "projects-csv": Distribution(
        "projects-csv", CSV, "CSV", "-projects.csv", _l("Projects as CSV, one row per project")
    ),
    "benefits-csv": Distribution(
        "benefits-csv",
        CSV,
        "CSV",
        "-benefits.csv",
        _l("The projects' benefits as CSV, one row per benefit"),
    ),
    "xlsx": Distribution(
        "xlsx", XLSX, "XLSX", ".xlsx", _l("Excel workbook, one sheet per section")
    ),
}


def is_open(cycle: Cycle) -> bool:
    return cycle.status == CycleStatus.PUBLISHED


def release_of(cycle: Cycle) -> OpenDataRelease | None:
    return db.session.scalar(select(OpenDataRelease).where(OpenDataRelease.cycle_id == cycle.id))


def files_of(release: OpenDataRelease) -> dict[str, OpenDataFile]:
    """The release's files without their bytes, by kind."""
    rows = db.session.scalars(select(OpenDataFile).where(OpenDataFile.release_id == release.id))
    return {row.kind: row for row in rows}


def open_version(data: dict, withheld: list[str], source_digest: str, licence: str) -> dict:
    """The snapshot's data less what is withheld, saying what was left out and of which
    frozen snapshot it is a version."""
    items = data["questionnaire"]["items"]
    text_codes = {i["code"] for i in items if i["kind"] == "text"}
    submissions = []
    for submission in data["submissions"]:
        values = submission["values"]
        if "text_answers" in withheld:
            values = {code: v for code, v in values.items() if code not in text_codes}
        projects = [] if "projects" in withheld else submission["projects"]
        if "project_text" in withheld:
            projects = [_without_text(p) for p in projects]
        submissions.append({**submission, "values": values, "projects": projects})
    exempted = data["exempted"]
    if "exemption_reasons" in withheld:
        exempted = [{**e, "reason": None} for e in exempted]
    return {
        **data,
        "frozen": {**data["frozen"], "by": None},
        "submissions": submissions,
        "exempted": exempted,
        "open_data": {
            "licence": LICENCES[licence].uri,
            "withheld": sorted(withheld),
            "snapshot_sha256": source_digest,
        },
    }


BENEFIT_TEXTS = ("name", "stakeholder", "goal", "indicator", "owner", "status_reason")


def _without_text(project: dict) -> dict:
    rebaselines = [{**r, "reason": None} for r in project["rebaselines"]]
    plain = {**project, "name": None, "rebaselines": rebaselines}
    if "benefits" in project:  # a snapshot frozen before the benefit register has none
        plain["benefits"] = [{**b, **dict.fromkeys(BENEFIT_TEXTS)} for b in project["benefits"]]
    return plain


def build_files(cycle: Cycle, release: OpenDataRelease) -> None:
    """(Re)write the release's files from the frozen snapshot; flush only."""
    snapshot = snapshot_of(cycle)
    if snapshot is None:
        raise LookupError(cycle.year)
    data = open_version(
        json.loads(snapshot.content), release.withheld_parts, snapshot.digest, release.licence
    )
    content = canonical_bytes(data)
    digest = digest_of(content)
    breaks = series_breaks(cycle)
    rows = []
    for kind in DISTRIBUTIONS:
        body = content if kind == "json" else data_export(data, digest, kind, breaks)
        rows.append(
            {
                "release_id": release.id,
                "kind": kind,
                "content": body,
                "sha256": digest_of(body),
                "byte_size": len(body),
            }
        )
    db.session.execute(delete(OpenDataFile).where(OpenDataFile.release_id == release.id))
    db.session.execute(insert(OpenDataFile), rows)
    release.digest = digest
    release.built_at = utcnow()
    db.session.flush()


def ensure_release(cycle: Cycle) -> OpenDataRelease:
    release = release_of(cycle)
    if release is None:
        release = OpenDataRelease(
            cycle_id=cycle.id,
            licence=DEFAULT_LICENCE,
            description_sv="",
            description_en="",
            withheld="",
        )
        db.session.add(release)
        db.session.flush()
    return release


def publish(cycle: Cycle) -> OpenDataRelease:
    """At publication, in the transition's transaction: the open version as chosen so far."""
    release = ensure_release(cycle)
    build_files(cycle, release)
    return release


def save_settings(
    cycle: Cycle, actor, licence: str, withheld: list[str], description_sv: str, description_en: str
) -> OpenDataRelease:
    """An administrator's choice; a published cycle's files are rebuilt in the same
    transaction, so the catalogue never states a checksum of files that are gone."""
    errors = {}
    if licence not in LICENCES:
        errors["licence"] = _l("Choose one of the licences listed.")
    unknown = [part for part in withheld if part not in PARTS]
    if unknown:
        errors["withheld"] = _l("Choose only among the parts listed.")
    if len(description_sv) > 5000 or len(description_en) > 5000:
        errors["description_sv" if len(description_sv) > 5000 else "description_en"] = _l(
            "Write at most 5,000 characters."
        )
    if errors:
        raise FieldErrors(errors)
    release = ensure_release(cycle)
    before = f"{release.licence}; {release.withheld or '-'}"
    release.licence = licence
    release.withheld = ",".join(part for part in PARTS if part in withheld)
    release.description_sv = description_sv.strip()
    release.description_en = description_en.strip()
    if is_open(cycle):
        build_files(cycle, release)
    record_event(
        "open_data",
        "settings",
        actor,
        cycle_id=cycle.id,
        from_value=before,
        to_value=f"{release.licence}; {release.withheld or '-'}",
    )
    return release
