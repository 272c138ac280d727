"""Engines and schema migration. The schema is applied automatically on first use."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from jixiao.errors import BadDatabaseUrl, DatabaseMissing, DatabaseUnavailable
from jixiao.fsutil import DiskFull, is_disk_full, out_of_space

SUPPORTED_BACKENDS = ("sqlite", "postgresql")

_migrated: set[str] = set()
_lock = threading.Lock()


def _alembic_config(url: str) -> Any:
    # Imported here: a command that only reads the ledger (jixiao ingest of files seen before) needs no
    # alembic (0.3 s).
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("jixiao.db").joinpath("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (jixiao reports, the watcher) work while an ingest writes; the busy timeout turns
    # a concurrent writer into a wait instead of "database is locked".
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_disk_full(context: Any) -> None:
    """A write that failed because the database's disk is full becomes DiskFull: named, never retried
    (SQLite reports a full disk under its WAL or journal as "disk I/O error")."""
    exc = context.original_exception
    database = context.engine.url.database if context.engine is not None else None
    if not database or database == ":memory:":
        return
    if is_disk_full(exc) or ("disk I/O error" in str(exc) and out_of_space(Path(database))):
        raise DiskFull(Path(database), "write the database") from exc


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _sqlite_disk_full)
        return engine
    return create_engine(url, pool_pre_ping=True)


def check_url(url: str) -> str:
    """The backend of ``url`` ("sqlite" or "postgresql"), or BadDatabaseUrl saying what is accepted."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise BadDatabaseUrl(
            f"the database URL {url!r} is not a URL; use e.g. sqlite:////path/jixiao.db or "
            "postgresql+psycopg://user@host:5432/jixiao (JIXIAO_DATABASE_URL or --database-url)"
        ) from None
    if backend not in SUPPORTED_BACKENDS:
        raise BadDatabaseUrl(
            f"jixiao stores its data in SQLite or PostgreSQL, not {backend!r} ({_safe(url)}); "
            "use sqlite:///… or postgresql+psycopg://… (JIXIAO_DATABASE_URL or --database-url)"
        )
    return backend


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for in-memory or non-SQLite URLs)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return None
    return Path(str(u.database))


def open_existing(url: str, home: Path | str | None = None) -> Engine:
    """An engine on a database that already holds jixiao's schema; never creates a file, folder or table.

    Read commands use this: a mistyped ``--home`` must say so, not answer from a new empty database.
    """
    backend = check_url(url)
    where = f" (--home {home})" if home is not None else ""
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None and not path.is_file():
            raise DatabaseMissing(
                f"no jixiao database at {path}{where}; run `jixiao ingest` there first, "
                "or pass the right --home / JIXIAO_DATABASE_URL"
            )
    try:
        engine = _engine(url)
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
    except NoSuchModuleError as exc:
        raise BadDatabaseUrl(f"no database driver for {_safe(url)}: {exc}") from None
    except OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot reach the database at {_safe(url)}: {str(exc.orig).strip().splitlines()[0]}. "
            "Check JIXIAO_DATABASE_URL, or that the server is running."
        ) from None
    if "report" not in tables:
        raise DatabaseMissing(
            f"the database at {_safe(url)}{where} holds no jixiao data yet; run `jixiao ingest` first"
        )
    return get_engine(url)


def get_engine(url: str, *, migrate_schema: bool = True) -> Engine:
    """An engine for ``url`` with the schema at the newest migration."""
    check_url(url)
    try:
        engine = _engine(url)
    except NoSuchModuleError as exc:
        raise BadDatabaseUrl(f"no database driver for {_safe(url)}: {exc}") from None
    if migrate_schema and url not in _migrated:
        with _lock:
            if url not in _migrated:
                migrate(engine)
                _migrated.add(url)
    return engine


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations across processes: two ingests starting on a fresh database must not both
    create the tables. PostgreSQL takes an advisory lock in the transaction; SQLite a lock file."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        lock_path = Path(str(engine.url.database) + ".migrate.lock")
        with lock_path.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield


def migrate(engine: Engine) -> None:
    try:
        with _migration_lock(engine), engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7206581)"))
            cfg = _alembic_config(str(engine.url.render_as_string(hide_password=False)))
            cfg.attributes["connection"] = conn
            from alembic import command

            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot reach the database at {engine.url.render_as_string(hide_password=True)}: {exc.orig}. "
            "Check JIXIAO_DATABASE_URL, or that the server is running."
        ) from exc


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
