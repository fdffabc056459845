"""Connection settings that SQLite needs on every connection."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while one writer writes; the busy timeout makes a second
        # writer wait instead of failing at once; SQLite leaves foreign keys off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
