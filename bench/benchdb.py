"""Where the benchmarks run, and the two options that let several people bench on one machine (issue 57).

Databases: a fresh SQLite file, then a throwaway PostgreSQL database (created and dropped here) when the server
answers, so every figure is measured on both in one run. With ``keep`` (a directory) the databases outlive the run
instead: ``KEEP/<name>.sqlite3`` and the PostgreSQL database ``<prefix><name>``, so a 500k build
(bench/build_rows.py ``keep=True``, which rebuilds them when the schema head changes) is made once.

Every bench takes the same two options, declared once here (:func:`options`, an argparse parent):

* ``--db-prefix PREFIX``: the name of every PostgreSQL database the bench creates or keeps starts with it, a
  throwaway one ``PREFIX`` + ``bench_`` + 8 random hex digits, a kept one ``PREFIX`` + its name (default
  ``greenmfg_``, today's names; or ``GREENMFG_BENCH_DB_PREFIX``);
* ``--ports LOW-HIGH`` (or one port): every server the bench starts listens on a port of that range, a port in
  use skipped, and the bench says which one it took (:class:`Ports`; default: ports the system hands out, or
  ``GREENMFG_BENCH_PORTS``).

A bench that creates no database or starts no server still accepts the option, so one command line fits every
bench; its help says that the option changes nothing there.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

T = TypeVar("T")

DEFAULT_PREFIX = "greenmfg_"
#: a prefix PostgreSQL takes unquoted in psql too, short enough for the longest name a bench makes after it
#: (``bench_`` + 8 hex digits + ``_empty``: 20 characters; a name has at most 63)
PREFIX_PATTERN = re.compile(r"[a-z_][a-z0-9_]{0,39}")


def db_prefix(value: str) -> str:
    """``--db-prefix``'s argparse type: the prefix, or an argparse error saying what a prefix may hold."""
    if not PREFIX_PATTERN.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r}: a prefix is 1-40 lower-case letters, digits and _, "
                                         "not starting with a digit")
    return value


def throwaway_name(prefix: str) -> str:
    """The name of a throwaway database: ``prefix`` + ``bench_`` + 8 random hex digits."""
    return f"{prefix}bench_{uuid.uuid4().hex[:8]}"


def kept_name(prefix: str, name: str) -> str:
    """The name of a kept database (reused by the next run): ``prefix`` + ``name``."""
    return f"{prefix}{name}"


def port_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:``port`` now (as gunicorn does, with SO_REUSEADDR: a port whose
    last connections linger in TIME_WAIT is free, one with a listener on any address is not)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Ports:
    """The ports a bench's servers listen on: ``low``-``high``, or (both None) ports the system hands out.

    :meth:`take` hands out the first port of the range that is free and not already handed to another server of
    this bench (which may not be listening yet), says it, and holds it until :meth:`give_back`. Another process
    may still take a port between the look and the server's start: the server then fails to start, as before."""

    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low, self.high = low, high
        self.held: set[int] = set()

    def __repr__(self) -> str:
        return f"Ports({self.low}, {self.high})"

    def _usable(self, first: int, span: int) -> bool:
        return all(p <= 65535 and p not in self.held and port_free(p) for p in range(first, first + span))

    def _candidates(self) -> Iterator[int]:
        if self.low is not None:
            yield from range(self.low, self.high + 1)
            return
        for _ in range(50):  # the system's choice; tried again when the ports after it (``span``) are taken
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            yield port  # closed first: looked at as any other port

    def take(self, what: str, span: int = 1) -> int:
        """The first of ``span`` consecutive free ports for ``what`` (a server; said on stdout), held until given
        back; SystemExit, naming the range, when none is left."""
        for first in self._candidates():
            if (self.low is None or first + span - 1 <= self.high) and self._usable(first, span):
                self.held.update(range(first, first + span))
                last = f"-{first + span - 1}" if span > 1 else ""
                print(f"  {what}: port {first}{last}", flush=True)
                return first
        where = f"in {self.low}-{self.high}" if self.low is not None else "from the system"
        raise SystemExit(f"no {span} free consecutive port(s) {where} for {what} (ports in use are skipped; this "
                         f"bench holds {sorted(self.held) or 'none'}): give a wider --ports LOW-HIGH")

    def give_back(self, first: int, span: int = 1) -> None:
        """``span`` ports from ``first`` no longer held (their server has stopped)."""
        self.held.difference_update(range(first, first + span))


def port_range(value: str) -> Ports:
    """``--ports``' argparse type: ``LOW-HIGH`` or one port, 1 ≤ LOW ≤ HIGH ≤ 65535."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?", value)
    low, high = (int(match[1]), int(match[2] or match[1])) if match else (0, -1)
    if not 1 <= low <= high <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r}: give LOW-HIGH (1 ≤ LOW ≤ HIGH ≤ 65535) or one port")
    return Ports(low, high)


def port_alias(parser: argparse.ArgumentParser, span: int, help: str) -> None:
    """A bench's older ``--port PORT`` option, kept working: the range PORT to PORT + ``span`` - 1 (``span``: the
    ports the bench used from PORT), the same destination as ``--ports`` (the last one given counts)."""
    def ports_from(value: str) -> Ports:
        first = port_range(value)
        return Ports(first.low, min(65535, first.low + span - 1))

    alias = "--ports PORT" + (f"-PORT+{span - 1}" if span > 1 else "")
    parser.add_argument("--port", dest="ports", type=ports_from, metavar="PORT", help=f"{help} (an alias of {alias})")


def options(*, databases: bool, serves: bool) -> argparse.ArgumentParser:
    """The argparse parent of every bench: ``--db-prefix`` and ``--ports`` (module docstring). ``databases``:
    whether the bench creates or keeps PostgreSQL databases; ``serves``: whether it starts servers. The help
    says so where the option changes nothing."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("running benches side by side (docs/benchmarks.md)")
    nothing = " (accepted so that one command line fits every bench)"
    # the defaults from the environment are strings: argparse checks them with the option's type as it parses
    group.add_argument("--db-prefix", type=db_prefix, metavar="PREFIX",
                       default=os.environ.get("GREENMFG_BENCH_DB_PREFIX", DEFAULT_PREFIX),
                       help="the PostgreSQL databases this bench creates or keeps are named PREFIX + bench_ + random "
                            "(throwaway) or PREFIX + name (kept); default %(default)s"
                       if databases else "this bench creates no PostgreSQL database" + nothing)
    # without the option or its variable: the system's ports (a string default is parsed by ``port_range``)
    group.add_argument("--ports", type=port_range, metavar="LOW-HIGH",
                       default=os.environ.get("GREENMFG_BENCH_PORTS") or Ports(),
                       help="every server this bench starts listens on a free port of LOW-HIGH (or of one PORT); "
                            "ports in use are skipped and the bench says which it took; default: ports the system "
                            "hands out" if serves else "this bench starts no server" + nothing)
    return parent


def server(pg_url: str) -> sa.Engine | None:
    """The administrative connection to the PostgreSQL server at ``pg_url`` (autocommit, to create and drop
    databases), or None, said, when no server answers."""
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        print("PostgreSQL: no server answers; skipped")
        return None
    return admin


def created(admin: sa.Engine, pg_url: str, names: list[str]) -> list[str]:
    """The URLs of the databases ``names`` on ``admin``'s server, each created unless it is there (a kept one from
    an earlier run)."""
    with admin.connect() as conn:
        for name in names:
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": name}).first():
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return [sa.engine.make_url(pg_url).set(database=name).render_as_string(hide_password=False) for name in names]


@contextlib.contextmanager
def postgresql(admin: sa.Engine, pg_url: str, names: list[str], keep: bool = False) -> Iterator[list[str]]:
    """:func:`created`'s URLs, the databases dropped on leaving unless ``keep``."""
    try:
        yield created(admin, pg_url, names)
    finally:
        if not keep:
            with admin.connect() as conn:
                for name in names:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def with_databases(pg_url: str, body: Callable[[str], T], label: str = "", *, keep: str | None = None,
                   name: str = "", only: str = "both", prefix: str = DEFAULT_PREFIX) -> dict[str, T]:
    """``body(url)`` on SQLite and, when the server at ``pg_url`` answers, on a throwaway PostgreSQL database;
    ``{"sqlite": …, "postgresql": …}``. ``label`` follows the database's name in the progress lines; ``keep``
    and ``name``: kept databases (module docstring); ``only``: "sqlite" or "postgresql" runs one of the two;
    ``prefix``: ``--db-prefix``."""
    results: dict[str, T] = {}
    if only in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite{label}")
            folder = Path(keep) if keep else Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            results["sqlite"] = body(f"sqlite:///{folder / (name or 'bench')}.sqlite3")
    if only not in ("both", "postgresql"):
        return results
    admin = server(pg_url)
    if admin is None:
        return results
    database = kept_name(prefix, name) if keep else throwaway_name(prefix)
    try:
        with postgresql(admin, pg_url, [database], keep=bool(keep)) as (url,):
            print(f"PostgreSQL{label} ({'kept: ' if keep else ''}{database})")
            results["postgresql"] = body(url)
    finally:
        admin.dispose()
    return results
