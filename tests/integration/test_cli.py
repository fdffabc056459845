"""Operator commands: names and options are a contract."""

from sqlalchemy import func, select

from app.accounts.models import Agency, User
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission
from tests import factories


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_create_admin_prompts_and_creates(app, client):
    result = _run(
        app,
        "create-admin",
        "--email",
        "boss@test.example",
        "--name",
        "Chef",
        input="ett långt lösenord\nett långt lösenord\n",
    )
    assert result.exit_code == 0, result.output
    assert client.login("boss@test.example", "ett långt lösenord").headers["Location"] == "/admin/"


def test_users_create_for_an_agency(app):
    agency = factories.make_agency(org_number="202100-5448")
    result = _run(
        app,
        "users",
        "create",
        "e@test.example",
        "--role",
        "agency_editor",
        "--agency",
        "2021005448",
        "--name",
        "Eva",
        "--password",
        "tolv tecken minst",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "e@test.example"))
    assert user.agency_id == agency.id and user.name == "Eva"


def test_users_create_refuses_bad_input_with_one_line(app):
    factories.make_agency(org_number="202100-5448")
    cases = [
        (
            ["x@test.example", "--role", "agency_editor", "--password", "tolv tecken minst"],
            "needs --agency",
        ),
        (
            [
                "x@test.example",
                "--role",
                "agency_editor",
                "--agency",
                "202100-5449",
                "--password",
                "tolv tecken minst",
            ],
            "invalid organisation number",
        ),
        (
            [
                "x@test.example",
                "--role",
                "agency_editor",
                "--agency",
                "202100-5489",
                "--password",
                "tolv tecken minst",
            ],
            "no agency with organisation number",
        ),
        (
            [
                "x@test.example",
                "--role",
                "reviewer",
                "--agency",
                "202100-5448",
                "--password",
                "tolv tecken minst",
            ],
            "does not belong to an agency",
        ),
        (["x@test.example", "--role", "reviewer", "--password", "kort"], "minst 12 tecken"),
        (
            ["x@test.example", "--role", "wizard", "--password", "tolv tecken minst"],
            "Invalid value for '--role'",
        ),
    ]
    for args, message in cases:
        result = _run(app, "users", "create", *args)
        assert result.exit_code != 0
        assert message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_users_create_refuses_a_duplicate(app):
    factories.make_user("reviewer", email="dup@test.example")
    result = _run(
        app,
        "users",
        "create",
        "dup@test.example",
        "--role",
        "reviewer",
        "--password",
        "tolv tecken minst",
    )
    assert result.exit_code == 1 and "redan" in result.output


def test_import_agencies_command(app, tmp_path):
    good = tmp_path / "ok.csv"
    good.write_text(
        "name,org_number,peer_group,ministry,email\n"
        "Skatteverket,202100-5448,esam,Finansdepartementet,s@example.se\n",
        encoding="utf-8",
    )
    result = _run(app, "import-agencies", str(good))
    assert result.exit_code == 0 and "1 created" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name,org_number,peer_group,ministry,email\nX,1,esam,Fi,x@example.se\n")
    result = _run(app, "import-agencies", str(bad))
    assert result.exit_code == 1
    assert "line 2 (X), org_number “1”:" in result.output and "nothing imported" in result.output
    assert db.session.scalar(select(func.count(Agency.id))) == 1


def test_import_agencies_speaks_english_and_creates_peer_groups_on_request(app, tmp_path):
    export = tmp_path / "register.csv"
    export.write_text("Namn;Organisationsnummer;Grupp\nRiksrevisionen;202100-5026;Riksdagen\n")
    result = _run(app, "import-agencies", str(export))
    assert result.exit_code == 1
    assert "line 2 (Riksrevisionen), peer_group “Riksdagen”: Unknown peer group. Valid: esam" in (
        result.output
    )
    assert "Okänd" not in result.output
    result = _run(app, "import-agencies", "--create-peer-groups", str(export))
    assert result.exit_code == 0, result.output
    assert "Created peer group Riksdagen" in result.output and "1 created" in result.output


def test_seed_demo_is_realistic_and_idempotent(app):
    for _ in range(2):
        result = _run(app, "seed-demo")
        assert result.exit_code == 0, result.output
    agencies = list(db.session.scalars(select(Agency)))
    assert len(agencies) == 70
    assert {a.peer_group.code for a in agencies} == {"esam", "higher_education", "other"}
    assert len({a.org_number for a in agencies}) == 70
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"admin", "reviewer", "agency_editor", "agency_viewer", "ministry"}
    years = {c.year: c.status for c in db.session.scalars(select(Cycle))}
    assert years == {2025: "published", 2026: "open"}
    assert db.session.scalar(select(func.count(Submission.id))) == 140
    statuses_2026 = set(
        db.session.scalars(
            select(Submission.status).join(Submission.cycle).where(Cycle.year == 2026)
        )
    )
    assert {"draft", "submitted", "in_review", "clarification", "approved"} <= statuses_2026


def test_seed_demo_at_a_larger_size_generates_agencies_and_frozen_years(app):
    from app.accounts.org_number import luhn_ok
    from app.datasets.freezing import verify
    from app.seed import DEMO_USERS
    from app.submissions.answers import errors_of

    for _ in range(2):
        result = _run(app, "seed-demo", "--agencies", "73", "--years", "2")
        assert result.exit_code == 0, result.output
    agencies = list(db.session.scalars(select(Agency)))
    assert len(agencies) == 73
    generated = [a for a in agencies if a.name.startswith("Exempelmyndighet")]
    assert len(generated) == 3
    assert all(luhn_ok(a.org_number.replace("-", "")) for a in agencies)
    assert {a.peer_group.code for a in generated} <= {"esam", "higher_education", "other"}
    assert {email for email, *_ in DEMO_USERS} <= set(db.session.scalars(select(User.email)))
    cycles = {c.year: c for c in db.session.scalars(select(Cycle))}
    assert {year: c.status for year, c in cycles.items()} == {
        2024: "published",
        2025: "published",
        2026: "open",
    }
    assert all(verify(cycles[year]).ok for year in (2024, 2025))
    assert db.session.scalar(select(func.count(Submission.id))) == 3 * 73
    handed_in = db.session.scalars(
        select(Submission).where(
            Submission.status != "draft", Submission.cycle_id == cycles[2026].id
        )
    ).all()
    assert handed_in and all(errors_of(s) == [] for s in handed_in)


def test_seed_demo_small_keeps_the_demo_accounts_and_every_peer_group(app, client):
    from app.seed import DEMO_PASSWORD

    result = _run(app, "seed-demo", "--agencies", "10")
    assert result.exit_code == 0, result.output
    agencies = list(db.session.scalars(select(Agency)))
    assert len(agencies) == 10
    # What it says it made: the six demo accounts and an editor for each of the eight agencies
    # they leave without one.
    assert db.session.scalar(select(func.count(User.id))) == 14
    assert "10 agencies, 14 users" in result.output
    assert {"Skatteverket", "Lantmäteriet"} <= {a.name for a in agencies}
    assert {a.peer_group.code for a in agencies} == {"esam", "higher_education", "other"}
    client.login("redaktor@skatteverket.example", DEMO_PASSWORD)
    client.logout()
    # The demo ministry sees its own agencies' published figures, the home agency among them.
    client.login("departement@finans.example", DEMO_PASSWORD)
    ours = client.get("/ministry/")
    assert ours.status_code == 200
    assert "Skatteverket" in ours.get_data(as_text=True)
    assert "Lantmäteriet" not in ours.get_data(as_text=True)  # another ministry's agency


def _demo_story() -> list[tuple]:
    """Per agency of the open cycle: its state, clarification rounds, values and projects."""
    from app.seed import OPEN_YEAR
    from app.submissions.models import Project, SubmissionValue

    values = (
        select(func.count(SubmissionValue.id))
        .where(SubmissionValue.submission_id == Submission.id)
        .scalar_subquery()
    )
    projects = (
        select(func.count(Project.id)).where(Project.submission_id == Submission.id)
    ).scalar_subquery()
    rows = db.session.execute(
        select(Agency.name, Submission.status, Submission.clarification_rounds, values, projects)
        .join(Agency, Agency.id == Submission.agency_id)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(Cycle.year == OPEN_YEAR)
    )
    return sorted(tuple(row) for row in rows)


def test_the_demo_is_the_same_whatever_ids_the_database_hands_out(app, tmp_path):
    # PostgreSQL never hands out an id twice: a demo chosen by ids (which drafts have answers,
    # which agencies had a clarification round) came out otherwise after any earlier rows.
    from flask_migrate import upgrade

    from app import create_app

    factories.make_agency(name="Myndigheten som fanns före demon")  # the first agency id
    assert _run(app, "seed-demo", "--agencies", "10").exit_code == 0
    shifted = _demo_story()
    fresh = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
            "SECRET_KEY": "test-secret-key",
            "MAIL_SERVER": "",
        }
    )
    with fresh.app_context():
        upgrade()
        assert _run(fresh, "seed-demo", "--agencies", "10").exit_code == 0
        expected = _demo_story()
        db.engine.dispose()
    assert shifted == expected
    home = next(row for row in shifted if row[0] == "Skatteverket")
    assert home[1] == "draft" and home[3] > 0 and home[4] > 0  # the README's editor's draft
