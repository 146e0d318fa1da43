"""Set-based reads and writes straight through the driver, the same SQL on both databases.

Rows travel into a temporary staging table (PostgreSQL: binary COPY; SQLite: executemany in
the driver's C loop) and one INSERT … SELECT or UPDATE … FROM merges them. SQLAlchemy's
per-row parameter processing costs more than the database's own work at a million rows.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Sequence

import asyncpg
from sqlalchemy import Column, Table, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.ext.asyncio import AsyncConnection

_DRIVER_ERRORS = (sqlite3.Error, asyncpg.PostgresError, asyncpg.InterfaceError)


def _translated(operation):
    """Driver errors raised as SQLAlchemy's, as if the statement had gone through it: callers
    (and the command line) then handle one kind of database error."""

    @functools.wraps(operation)
    async def call(conn: AsyncConnection, *args, **kwargs):
        try:
            return await operation(conn, *args, **kwargs)
        except _DRIVER_ERRORS as exc:
            raise DatabaseError(f"bulk {operation.__name__}", None, exc) from exc

    return call


async def driver(conn: AsyncConnection):
    """The driver's own connection, inside the transaction SQLAlchemy has begun."""
    raw = (await conn.get_raw_connection()).driver_connection
    if conn.dialect.name != "sqlite" and not raw.is_in_transaction():
        # asyncpg begins lazily, at SQLAlchemy's first statement: a raw write before it
        # would commit on its own, outside the all-or-nothing transaction.
        await conn.execute(text("SELECT 1"))
    return raw


@_translated
async def tune(conn: AsyncConnection) -> None:
    """Settings for a transaction of bulk statements: on PostgreSQL no JIT compiling, which
    row estimates of tables just written (statistics not yet gathered) set off for queries
    that run in a fraction of the compile time."""
    if conn.dialect.name != "sqlite":
        await run(conn, "SET LOCAL jit = off")


@_translated
async def stage(conn: AsyncConnection, name: str, columns: dict[str, str],
                rows: Iterable[Sequence]) -> None:
    """A temporary table `name` (column → PostgreSQL type) holding `rows`, replacing any
    earlier one of that name; it goes with the transaction on PostgreSQL, at drop() on both."""
    raw = await driver(conn)
    if conn.dialect.name == "sqlite":
        # No declared types: SQLite then stores every value exactly as bound.
        await raw.execute(f"DROP TABLE IF EXISTS temp.{name}")
        await raw.execute(f"CREATE TEMP TABLE {name} ({', '.join(columns)})")
        marks = ", ".join("?" * len(columns))
        await raw.executemany(f"INSERT INTO temp.{name} VALUES ({marks})", rows)
        return
    await raw.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
    ddl = ", ".join(f"{column} {kind}" for column, kind in columns.items())
    await raw.execute(f"CREATE TEMP TABLE {name} ({ddl}) ON COMMIT DROP")
    await raw.copy_records_to_table(name, records=rows, columns=list(columns))
    # Statistics, so the merge joins the staged rows the right way round.
    await raw.execute(f"ANALYZE {name}")


def types_of(conn: AsyncConnection, table: Table, columns: Sequence[str]) -> dict[str, str]:
    """Staging columns typed like `table`'s."""
    return {c: table.c[c].type.compile(dialect=conn.dialect) for c in columns}


@_translated
async def drop(conn: AsyncConnection, *names: str) -> None:
    """Remove staging tables once merged (SQLite keeps them on a pooled connection)."""
    raw = await driver(conn)
    schema = "temp" if conn.dialect.name == "sqlite" else "pg_temp"
    for name in names:
        await raw.execute(f"DROP TABLE IF EXISTS {schema}.{name}")


@_translated
async def fetch(conn: AsyncConnection, sql: str, columns: Sequence[Column] = ()
                ) -> list[tuple]:
    """Every row of a statement without parameters, as plain tuples; values are converted as
    SQLAlchemy reads `columns` (dates stored as text on SQLite), else left as the driver
    returns them (integers, text)."""
    raw = await driver(conn)
    if conn.dialect.name == "sqlite":
        rows = list(await raw.execute_fetchall(sql))
    else:
        rows = [tuple(record) for record in await raw.fetch(sql)]
    convert = [c.type._cached_result_processor(conn.dialect, None) for c in columns]
    if any(convert):
        convert = [f or _same for f in convert]
        rows = [tuple(f(v) for f, v in zip(convert, row, strict=True)) for row in rows]
    return rows


@_translated
async def run(conn: AsyncConnection, sql: str) -> None:
    """Execute a statement without parameters or results."""
    raw = await driver(conn)
    if conn.dialect.name == "sqlite":
        await raw.execute_fetchall(sql)
    else:
        await raw.execute(sql)


@_translated
async def insert(conn: AsyncConnection, table: Table, columns: Sequence[str],
                 rows: list[tuple]) -> None:
    """Append rows (values for `columns`, as SQLAlchemy would bind them) to a real table."""
    if not rows:
        return
    rows = bound(conn, table, columns, rows)
    raw = await driver(conn)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        await raw.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                              f"VALUES ({marks})", rows)
    else:
        await raw.copy_records_to_table(table.name, records=rows, columns=list(columns))


def bound(conn: AsyncConnection, table: Table, columns: Sequence[str],
          rows: list[tuple]) -> list[tuple]:
    """Rows with each value converted as the column's type binds it (dates as text on
    SQLite), so raw writes store exactly what SQLAlchemy would."""
    convert = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
    if not any(convert):
        return rows
    convert = [f or _same for f in convert]
    return [tuple(f(v) for f, v in zip(convert, row, strict=True)) for row in rows]


def _same(value):
    return value


@_translated
async def analyze(conn: AsyncConnection, tables: Sequence[str]) -> None:
    """Fresh planner statistics for tables just filled (PostgreSQL; SQLite plans without)."""
    if conn.dialect.name != "sqlite":
        await run(conn, f"ANALYZE {', '.join(tables)}")


@_translated
async def fetch_plain(conn: AsyncConnection, statement) -> list[tuple]:
    """Every row of a SQLAlchemy statement as plain tuples, straight from the driver.

    SQLAlchemy's async adapters hand rows over one at a time; for a million rows of ids and
    keys that costs more than the query. Only for columns the driver returns as they are
    stored (integers, text; SQLite dates come back as ISO text).
    """
    compiled = statement.compile(dialect=conn.dialect,
                                 compile_kwargs={"render_postcompile": True})
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    raw = await driver(conn)
    if conn.dialect.name == "sqlite":
        return list(await raw.execute_fetchall(str(compiled), params))
    return [tuple(record) for record in await raw.fetch(str(compiled), *params)]
