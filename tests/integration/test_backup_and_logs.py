"""A backup of the live SQLite database restores to a database whose audit chain and frozen
digests verify; errors are logged as JSON with the request id the user sees (ASVS 5.0 V16.2.1,
V16.5.1)."""

import json
import logging

import pytest
from sqlalchemy import select

from app import create_app
from app.audit.chain import verify_chain
from app.cycles.models import Cycle
from app.cycles.operations import fire_cycle_transition
from app.datasets.freezing import verify
from app.extensions import db
from app.logs import JsonFormatter
from tests import factories


def _frozen_history():
    cycle = factories.make_cycle(year=2025, status="closed", questionnaire=True)
    for _n in range(3):
        factories.make_submission(cycle, factories.make_agency(), "approved")
    fire_cycle_transition(2025, "approve", factories.make_user("admin"))
    db.session.commit()


def test_a_backup_restores_with_its_chain_and_digests_intact(app, tmp_path):
    if db.session.get_bind().dialect.name != "sqlite":
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.db")])
        assert result.exit_code == 1 and "pg_dump" in result.output
        return
    _frozen_history()
    target = tmp_path / "granska-backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    restored = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}", "SECRET_KEY": "x", "TESTING": True}
    )
    with restored.app_context():
        assert verify_chain().ok and verify_chain().checked >= 1
        cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2025))
        check = verify(cycle)
        assert check is not None and check.ok
        db.session.remove()
    again = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output


def test_an_error_is_logged_as_json_with_the_request_id(app, client, caplog):
    def broken():
        raise RuntimeError("the disk is full")

    original = app.view_functions["accounts.healthz"]
    app.view_functions["accounts.healthz"] = broken
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        with caplog.at_level(logging.ERROR):
            response = client.get("/healthz", headers={"X-Request-Id": "abc123"})
    finally:
        app.view_functions["accounts.healthz"] = original
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "abc123" in response.get_data(as_text=True)  # the id the user can quote
    record = next(r for r in caplog.records if r.levelno == logging.ERROR)
    with app.test_request_context("/healthz", headers={"X-Request-Id": "abc123"}):
        from flask import g

        g.request_id = "abc123"
        entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["request_id"] == "abc123"
    assert "RuntimeError: the disk is full" in entry["traceback"]


@pytest.mark.parametrize("text", ["rad ett\nFALSK RAD level=INFO", "tab\tand\r\nreturn"])
def test_a_log_line_cannot_be_forged(text):
    record = logging.LogRecord("granska", logging.WARNING, __file__, 1, text, None, None)
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line
    assert json.loads(line)["message"] == text
