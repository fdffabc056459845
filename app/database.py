"""Connection settings SQLite needs, and when a transaction takes SQLite's write lock."""

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from app.session_memo import forget

# Statements that only read: on SQLite they run outside any transaction until the first write.
_READING = ("SELECT", "WITH", "PRAGMA", "EXPLAIN", "VALUES", "BEGIN", "COMMIT", "ROLLBACK", "END")


@event.listens_for(Session, "before_flush")
def _no_nul_characters(session, _context, _instances):
    """PostgreSQL cannot store NUL in a text, SQLite can: neither gets one, whichever path a
    text came by (a form, the API, an upload)."""
    for obj in (*session.new, *session.dirty):
        for attribute in inspect(obj).mapper.column_attrs:
            value = getattr(obj, attribute.key, None)
            if isinstance(value, str) and "\x00" in value:
                setattr(obj, attribute.key, value.replace("\x00", ""))


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """On SQLite a transaction begins at its first write, as BEGIN IMMEDIATE.

    Reads before it run each in their own snapshot and hold no lock, so a request that only
    reads never waits for a writer, and a login's password hash is computed with no lock held.
    A transaction that has begun is always a writer: SQLite's busy timeout helps only a
    transaction that asks for the write lock as it begins. A deferred one that has read and then
    writes after another writer committed fails at once with "database is locked" (its snapshot
    is out of date), however long the timeout; that cannot happen here.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # The sqlite3 module must not begin transactions on its own: see _writes_take_the_lock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while one writer writes; the busy timeout makes a second
        # writer wait instead of failing at once; SQLite leaves foreign keys off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs the log at checkpoints, not at every commit: a commit no
        # longer holds the write lock through an fsync. The database stays consistent after
        # a crash; a power cut may lose the last transactions (SQLite's documented trade-off),
        # and SQLite serves a pilot, PostgreSQL production.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def _writes_take_the_lock(connection, cursor, statement, _parameters, context, _many):
        if (
            _is_write(statement, context)
            and not connection.connection.dbapi_connection.in_transaction
        ):
            cursor.execute("BEGIN IMMEDIATE")


def _is_write(statement: str, context) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    return not statement.lstrip().upper().startswith(_READING)


def holds_write_lock(session) -> bool:
    """True on SQLite once the session's transaction holds the write lock; always on others,
    where rows are locked one by one with SELECT … FOR UPDATE."""
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return True
    return session.connection().connection.dbapi_connection.in_transaction


def begin_write(session) -> None:
    """Take the write lock before a change reads what it decides on; call before that read.

    PostgreSQL needs nothing here (rows are locked with SELECT … FOR UPDATE). On SQLite, pending
    changes are written (their first statement takes the lock); otherwise the lock is taken
    now and what the session read before is expired, so the decision reads it again under the
    lock.
    """
    if isinstance(session, scoped_session):
        session = session()
    # A decision reads under the lock: nothing the request kept from before it (a memoised
    # read, app/session_memo.py) may stand in for that read, on either database.
    forget(session)
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    if not holds_write_lock(session):
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        session.expire_all()


def read_snapshot(session) -> None:
    """Let the rest of this transaction read one snapshot of the database, for a check that
    reads in several statements and writes nothing (on SQLite a write after it would have to
    upgrade the transaction, which may fail). Ends what the session had begun."""
    if isinstance(session, scoped_session):
        session = session()
    session.rollback()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    elif dialect == "sqlite":
        session.connection().exec_driver_sql("BEGIN")  # deferred: the first read fixes it


def lock_row(session, row) -> None:
    """Read the row afresh, locked until the transaction ends: SELECT … FOR UPDATE on
    PostgreSQL, under the write lock on SQLite; for a change that decides on its state."""
    begin_write(session)
    session.refresh(row, with_for_update=True)


def insert_new(session, model, rows: list[dict]) -> int:
    """Insert the rows whose unique key is not there yet, skipping the others, in one
    statement; returns how many were inserted. Two processes inserting the same key at once
    get one row between them: the database decides, not a read before the write."""
    if not rows:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = (
        insert(model)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(model.id)
    )
    # Counted from RETURNING: the driver's rowcount of an INSERT is not reliable everywhere.
    return len(session.execute(statement).all())


def read_columns(session, statement, parameters: dict | None = None):
    """Run a SELECT of columns (never of ORM entities), built once with bound parameters, on
    the session's connection: the ORM's handling of a statement (its compile state, its
    loading) costs about as much again as SQLite's work for the small reads a page makes
    several of, and a read of columns needs none of it. As the ORM would, the session's
    pending changes are written first unless autoflush is off."""
    if isinstance(session, scoped_session):
        session = session()
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, parameters or {})
