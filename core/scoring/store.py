"""Write recomputed results back to ``unit_score``, a batch (a year) at a time.

* PostgreSQL (psycopg 3): the calling thread turns a batch into COPY text; a writer thread
  COPYs it into a temporary table and applies it with one ``UPDATE … FROM``. Writing a
  year's rows (new row versions, five indexes, WAL) costs the server more than reading
  them, so it runs while Python reads and scores the next year;
* SQLite: one prepared ``UPDATE`` run by ``executemany`` per batch (no SQLAlchemy
  parameter processing: that was a third of a first recompute), on a writer thread too
  (sqlite3 releases the GIL while SQLite writes), the rows having been fetched first;
* any other database: SQLAlchemy's executemany.

Per-indicator scores are encoded with orjson (a tenth of the time of ``json``, which was
another third). Everything runs in the session's transaction; the caller commits.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from operator import itemgetter

import orjson
from sqlalchemy import JSON, bindparam, update
from sqlalchemy.orm import Session

from core.kernel import changes
from core.kernel.clock import now
from core.models.scoring import UnitScore

#: write(rows): rows are ``(id, *values of the columns)``; ``scores`` a dict
Write = Callable[[list[tuple]], None]

_TABLE = UnitScore.__tablename__
_TEMP = "unit_score_results"


@contextmanager
def result_writer(session: Session, columns: Sequence[str]) -> Iterator[tuple[Write, bool]]:
    """``(write, concurrent)``: ``write(rows)`` sets ``columns`` and ``updated_at`` of each row;
    every write has reached the database when the block ends (errors are raised there).

    ``concurrent``: writes run on a worker thread, and the caller may go on fetching an
    already executed result meanwhile (psycopg holds it in memory) but must not execute
    anything on the session until the block ends.
    """
    connection = session.connection()
    dialect = connection.dialect
    columns = list(columns)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        with _copy_writer(connection, columns) as write:
            yield write, True
    elif dialect.name == "sqlite":
        yield _executemany_writer(connection, columns), False
    else:
        yield _generic_writer(connection, columns), False


def _updated_at(connection) -> object:
    """Now, as the dialect stores ``updated_at`` (one conversion for the whole run)."""
    column = UnitScore.__table__.c.updated_at
    process = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
    at = now()
    return process(at) if process else at


_NULL = "\\N"


def _escape(text: str) -> str:
    """COPY text format: the escape character, the delimiter and line ends are escaped."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _escaped(values: Sequence) -> list[str]:
    """:func:`_escape` of each value as text, once per distinct value (codes repeat in every row)."""
    done: dict = {}
    out = []
    for v in values:
        text = done.get(v)
        if text is None:
            text = done[v] = _NULL if v is None else _escape(str(v))
        out.append(text)
    return out


def _copy_column(values: Sequence, kind: type) -> list[str]:
    """One column in COPY text format, by the column's Python type (one comprehension each)."""
    n = _NULL
    if kind is bool:
        return [n if v is None else "t" if v else "f" for v in values]
    if kind is int or kind is float or kind is Decimal:
        return [n if v is None else repr(v) for v in values]
    if kind is dict:  # JSON text holds no raw control characters: only backslashes need doubling
        dumps = orjson.dumps
        return [n if v is None else dumps(v).decode().replace("\\", "\\\\") for v in values]
    return _escaped(values)


def copy_text(kinds: Sequence[type], rows: list[tuple]) -> bytes:
    """Rows in PostgreSQL's COPY text format; ``kinds`` are the columns' Python types
    (``dict`` for JSON)."""
    columns = [_copy_column(values, kind) for values, kind in zip(zip(*rows), kinds)]
    return "\n".join(map("\t".join, zip(*columns))).encode() + b"\n"


def _python_type(column) -> type:
    if isinstance(column.type, JSON):
        return dict
    try:
        return column.type.python_type
    except NotImplementedError:
        return str


@contextmanager
def _copy_writer(connection, columns: list[str]) -> Iterator[Write]:
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    assignments = ", ".join(f"{quote(c)} = r.{quote(c)}" for c in columns)
    copy_sql = f"COPY {_TEMP} (id, {names}) FROM STDIN"
    update_sql = (f"UPDATE {_TABLE} AS u SET {assignments}, updated_at = %s FROM {_TEMP} AS r "
                  f"WHERE u.id = r.id")
    table = UnitScore.__table__
    kinds = [_python_type(table.c[c]) for c in ("id", *columns)]
    at = _updated_at(connection)
    changes.wrote(connection)  # the driver's cursor writes: the commit ends kept pages like any write
    cursor = connection.connection.driver_connection.cursor()
    cursor.execute(f"CREATE TEMPORARY TABLE {_TEMP} ON COMMIT DROP AS "
                   f"SELECT id, {names} FROM {_TABLE} WITH NO DATA")

    def apply(data: bytes) -> None:  # on the worker: only waits on the server
        with cursor.copy(copy_sql) as copy:
            copy.write(data)
        cursor.execute(update_sql, (at,))
        cursor.execute(f"TRUNCATE {_TEMP}")

    pending: list[Future] = []
    # one worker: batches reach the connection one at a time, in order; the caller does not
    # touch the connection until the block ends, and leaving the block waits for the worker
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="unit-score-writer") as worker:

        def write(rows: list[tuple]) -> None:
            if rows:
                pending.append(worker.submit(apply, copy_text(kinds, rows)))

        yield write
        for future in pending:
            future.result()  # the first error, if any
    cursor.execute(f"DROP TABLE {_TEMP}")
    cursor.close()


def _executemany_writer(connection, columns: list[str]) -> Write:
    quote = connection.dialect.identifier_preparer.quote
    sql = f"UPDATE {_TABLE} SET {', '.join(f'{quote(c)} = ?' for c in columns)}, updated_at = ? WHERE id = ?"
    at = _updated_at(connection)
    changes.wrote(connection)  # the driver's cursor writes: the commit ends kept pages like any write
    cursor = connection.connection.driver_connection.cursor()

    scores = columns.index("scores") + 1  # in a row, after its id
    dumps = orjson.dumps

    def write(rows: list[tuple]) -> None:
        if rows:
            texts = [None if s is None else dumps(s).decode() for s in map(itemgetter(scores), rows)]
            cursor.executemany(sql, [(*row[1:scores], text, *row[scores + 1:], at, row[0])
                                     for row, text in zip(rows, texts)])
    return write


def _generic_writer(connection, columns: list[str]) -> Write:
    t = UnitScore.__table__
    statement = update(t).where(t.c.id == bindparam("b_id")).values(updated_at=now())

    def write(rows: list[tuple]) -> None:
        if rows:
            connection.execute(statement, [{"b_id": row[0], **dict(zip(columns, row[1:]))} for row in rows])
    return write
