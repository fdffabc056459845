import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from config import MissingSecretKey


def test_production_refuses_to_start_without_a_secret_key(app):
    with pytest.raises(MissingSecretKey):
        create_app(
            {
                "PRODUCTION": True,
                "SECRET_KEY": None,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            }
        )


def test_development_generates_and_keeps_a_secret_key(app):
    first = create_app(
        {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    second = create_app(
        {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_sqlite_connections_use_wal_normal_sync_foreign_keys_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
