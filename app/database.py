"""Connection settings SQLite needs, and taking the write lock at the start of a change."""

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

WRITE_LOCK_OPTION = "granska_write_lock"
_WROTE = "granska_wrote"


@event.listens_for(Session, "before_flush")
def _no_nul_characters(session, _context, _instances):
    """PostgreSQL cannot store NUL in a text, SQLite can: neither gets one, whichever path a
    text came by (a form, the API, an upload)."""
    for obj in (*session.new, *session.dirty):
        for attribute in inspect(obj).mapper.column_attrs:
            value = getattr(obj, attribute.key, None)
            if isinstance(value, str) and "\x00" in value:
                setattr(obj, attribute.key, value.replace("\x00", ""))


@event.listens_for(Session, "after_flush")
def _remember_write(session, _context):
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_write(session):
    session.info.pop(_WROTE, None)
    session.info.pop(WRITE_LOCK_OPTION, None)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # SQLAlchemy, not the sqlite3 module, decides where transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while one writer writes; the busy timeout makes a second
        # writer wait instead of failing at once; SQLite leaves foreign keys off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A change that reads, decides and writes takes the write lock first (BEGIN IMMEDIATE),
        # so two of them queue up instead of one failing with "database is locked".
        immediate = connection.get_execution_options().get(WRITE_LOCK_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session) -> None:
    """Start the session's transaction as a writer; call before the first read of a change.

    PostgreSQL needs nothing here (rows are locked with SELECT … FOR UPDATE). On SQLite a
    transaction that has only read so far is ended and begun again with the write lock; one
    that has already written holds the lock already.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.info.get(_WROTE) or session.info.get(WRITE_LOCK_OPTION):
            return
        if session.new or session.dirty or session.deleted:
            session.flush()  # pending changes take the write lock with them
            return
        session.rollback()
    session.connection(execution_options={WRITE_LOCK_OPTION: True})
    session.info[WRITE_LOCK_OPTION] = True


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
