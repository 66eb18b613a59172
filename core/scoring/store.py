"""Write recomputed results back to ``unit_score``, a batch (a year) at a time, from columns.

* PostgreSQL (psycopg 3): the calling thread turns a batch into COPY text; a writer thread
  COPYs it into a temporary table and applies it with one ``UPDATE … FROM``, while Python
  reads and scores the next year (the table's pages are filled to 40 %, so the new row
  versions stay in their pages and no index changes: ``core.models.scoring.FILLFACTOR``);
* SQLite: one ``UPDATE`` run by ``executemany`` per batch, on the driver's cursor (no
  SQLAlchemy parameter processing: that was a third of a first recompute), flags bound as
  0/1 and a column NULL in every row set in the statement (see ``_SQLITE_BOOL``). It runs in
  the calling thread: sqlite3 needs the GIL back for every row it binds;
* any other database: SQLAlchemy's executemany.

Per-indicator scores are encoded with orjson (a tenth of the time of ``json``, which was
another third). Everything runs in the session's transaction; the caller commits.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from itertools import compress, repeat

import orjson
from sqlalchemy import JSON, Boolean, bindparam, update
from sqlalchemy.orm import Session

from core.kernel import changes
from core.clock import now
from core.models.scoring import UnitScore

#: write(ids, columns, changed): sets the columns of the rows ``ids``, where ``changed`` is true (``None``: of
#: every row); ``columns`` hold one sequence per column, a row at each index (``scores`` dicts)
Write = Callable[[Sequence[int], Sequence[Sequence], Sequence[bool] | None], None]

_TABLE = UnitScore.__tablename__
_TEMP = "unit_score_results"


@contextmanager
def result_writer(session: Session, columns: Sequence[str]) -> Iterator[tuple[Write, bool]]:
    """``(write, concurrent)``: ``write(ids, values, changed)`` sets ``columns`` and ``updated_at`` of the rows;
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


def copy_text(kinds: Sequence[type], columns: Sequence[Sequence]) -> bytes:
    """Rows in PostgreSQL's COPY text format, from their columns (one sequence per column, a row at each
    index); ``kinds`` are the columns' Python types (``dict`` for JSON)."""
    texts = [_copy_column(values, kind) for values, kind in zip(columns, kinds)]
    return "\n".join(map("\t".join, zip(*texts))).encode() + b"\n"


def _changed_only(ids: Sequence[int], columns: Sequence[Sequence],
                  changed: Sequence[bool] | None) -> tuple[Sequence[int], Sequence[Sequence]]:
    if changed is None:
        return ids, columns
    return list(compress(ids, changed)), [list(compress(column, changed)) for column in columns]


def _json_texts(values: Sequence) -> list[str | None]:
    """JSON text of each value (orjson, a tenth of the time of ``json``), ``None`` for ``None``."""
    texts = list(map(bytes.decode, map(orjson.dumps, values)))
    if None in values:
        texts = [None if v is None else text for v, text in zip(values, texts)]
    return texts


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

        def write(ids: Sequence[int], values: Sequence[Sequence], changed: Sequence[bool] | None) -> None:
            ids, values = _changed_only(ids, values, changed)
            if ids:
                pending.append(worker.submit(apply, copy_text(kinds, [ids, *values])))

        yield write
        for future in pending:
            future.result()  # the first error, if any
    cursor.execute(f"DROP TABLE {_TEMP}")
    cursor.close()


#: a boolean as SQLite stores it: the sqlite3 module binds int, float and str at once, but looks for an
#: adapter for anything else (a bool, None) and fails at some cost (two attribute lookups, one a formatted
#: error): a third of its binding time
_SQLITE_BOOL = {False: 0, True: 1, None: None}.__getitem__


def _executemany_writer(connection, columns: list[str]) -> Write:
    quote = connection.dialect.identifier_preparer.quote
    table = UnitScore.__table__
    booleans = [isinstance(table.c[c].type, Boolean) for c in columns]
    at = _updated_at(connection)
    changes.wrote(connection)  # the driver's cursor writes: the commit ends kept pages like any write
    cursor = connection.connection.driver_connection.cursor()
    scores = columns.index("scores")

    def write(ids: Sequence[int], values: Sequence[Sequence], changed: Sequence[bool] | None) -> None:
        ids, values = _changed_only(ids, values, changed)
        if not ids:
            return
        values = [_json_texts(column) if i == scores else list(map(_SQLITE_BOOL, column)) if boolean else column
                  for i, (column, boolean) in enumerate(zip(values, booleans))]
        # a column that is NULL in every row is set by the statement, not bound row by row (see above)
        null = [column.count(None) == len(column) for column in values]
        sets = ", ".join(f"{quote(c)} = {'NULL' if n else '?'}" for c, n in zip(columns, null))
        bound = [column for column, n in zip(values, null) if not n]
        cursor.executemany(f"UPDATE {_TABLE} SET {sets}, updated_at = ? WHERE id = ?", zip(*bound, repeat(at), ids))
    return write


def _generic_writer(connection, columns: list[str]) -> Write:
    t = UnitScore.__table__
    statement = update(t).where(t.c.id == bindparam("b_id")).values(updated_at=now())

    def write(ids: Sequence[int], values: Sequence[Sequence], changed: Sequence[bool] | None) -> None:
        ids, values = _changed_only(ids, values, changed)
        if ids:
            connection.execute(statement, [{"b_id": id_, **dict(zip(columns, row))}
                                           for id_, row in zip(ids, zip(*values))])
    return write
