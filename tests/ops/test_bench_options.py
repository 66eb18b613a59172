"""Benches side by side (issue 57): every bench takes ``--db-prefix`` and ``--ports`` (bench/benchdb.py), says in its
help which of them it uses, answers ``--help`` without building anything, and finds (or installs) wrk itself.

The benches' parsers are read in one child process (each bench's ``main(["--help"])``, as its command line runs
it), so that the benches' changes to ``sys.path`` stay out of this worker; the shared helper is tested here."""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402
import wrkkit  # noqa: E402

#: what each bench does with the two options: creates or keeps PostgreSQL databases, starts servers
USES = {
    "bench_fixed_cost": (False, False),
    "bench_history_import": (True, False),
    "bench_instructions": (True, False),
    "bench_jobs": (True, False),
    "bench_kept_lists": (True, False),
    "bench_memory": (True, True),
    "bench_notifications": (True, True),
    "bench_pages": (True, True),
    "bench_review": (True, False),
    "bench_rush": (True, True),
    "bench_scoring": (False, False),
    "bench_summary_export": (True, False),
    "bench_summary_import": (True, False),
    "bench_summary_pdf": (True, True),
}
#: the older ``--port PORT`` options kept as aliases, and the range each one stands for
ALIASES = {"bench_memory": 2, "bench_rush": 1, "bench_summary_pdf": 2}

#: run in the child: each bench's ``main(["--help"])`` and its parser on both options
READ_PARSERS = r"""
import contextlib, importlib.util, io, json, sys, time  # noqa: E401
from pathlib import Path
sys.path.insert(0, str(Path("bench").resolve()))
found = {}
for path in sorted(Path("bench").glob("bench_*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    out, began, code = io.StringIO(), time.perf_counter(), "ran"
    with contextlib.redirect_stdout(out):
        try:
            module.main(["--help"])
        except SystemExit as stop:
            code = stop.code
    args = module.build_parser().parse_args(["--db-prefix", "zz_side_", "--ports", "6100-6120"])
    port = module.build_parser().parse_args(["--port", "6200"]).ports if "--port PORT" in out.getvalue() else None
    found[path.stem] = {"help": out.getvalue(), "code": code, "seconds": time.perf_counter() - began,
                        "prefix": args.db_prefix,
                        "ports": [args.ports.low, args.ports.high], "port": port and [port.low, port.high]}
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def benches() -> dict[str, dict]:
    """Each bench's help, the seconds ``main(["--help"])`` took, and what its parser made of the options."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENMFG_BENCH_")}  # the defaults as shipped
    run = subprocess.run([sys.executable, "-c", READ_PARSERS], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.splitlines()[-1])


def test_every_bench_is_classified(benches):
    assert sorted(benches) == sorted(USES), "a bench in bench/ is missing from USES (what it does with the options)"


@pytest.mark.parametrize("name", sorted(USES))
def test_a_bench_lists_both_options_and_says_which_it_uses(benches, name):
    bench = benches[name]
    databases, serves = USES[name]
    assert bench["code"] == 0, f"{name} --help did not stop at the help"
    assert "--db-prefix PREFIX" in bench["help"] and "--ports LOW-HIGH" in bench["help"], bench["help"]
    assert ("creates no PostgreSQL database" in bench["help"]) is not databases
    assert ("starts no server" in bench["help"]) is not serves
    assert bench["prefix"] == "zz_side_" and bench["ports"] == [6100, 6120]
    assert bench["seconds"] < 5, f"{name} --help took {bench['seconds']:.1f} s: it must not build anything first"


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_an_older_port_option_still_runs_as_a_range(benches, name):
    assert benches[name]["port"] == [6200, 6200 + ALIASES[name] - 1]


def test_a_bench_script_answers_help_from_its_command_line():
    run = subprocess.run([sys.executable, "bench/bench_pages.py", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "--db-prefix PREFIX" in run.stdout and "--ports LOW-HIGH" in run.stdout and "--buffers" in run.stdout


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(parents=[benchdb.options(databases=True, serves=True)])
    benchdb.port_alias(parser, 2, "old")
    return parser


def test_a_port_range_is_parsed():
    span = _parser().parse_args(["--ports", "9000-9010"]).ports
    assert (span.low, span.high) == (9000, 9010)
    one = _parser().parse_args(["--ports", "9000"]).ports
    assert (one.low, one.high) == (9000, 9000)
    alias = _parser().parse_args(["--port", "9000"]).ports
    assert (alias.low, alias.high) == (9000, 9001)
    assert _parser().parse_args([]).ports.low is None  # the system's ports


@pytest.mark.parametrize("value", ["9000-8000", "abc", "0-10", "70000", "9000-70000", "9000-", "-9000"])
def test_a_bad_port_range_is_an_argparse_error(value, capsys):
    with pytest.raises(SystemExit) as stop:
        _parser().parse_args([f"--ports={value}"])
    assert stop.value.code == 2
    assert "argument --ports: " in capsys.readouterr().err


@pytest.mark.parametrize("value", ["Bad", "9zz", "a-b", 'x"; DROP DATABASE y; --', "a" * 41, ""])
def test_a_bad_prefix_is_an_argparse_error(value, capsys):
    with pytest.raises(SystemExit) as stop:
        _parser().parse_args([f"--db-prefix={value}"])
    assert stop.value.code == 2
    assert "argument --db-prefix: " in capsys.readouterr().err


def test_database_names_start_with_the_prefix(monkeypatch):
    args = _parser().parse_args(["--db-prefix", "alice_"])
    throwaway = benchdb.throwaway_name(args.db_prefix)
    assert throwaway.startswith("alice_bench_") and len(throwaway) == len("alice_bench_") + 8
    assert benchdb.throwaway_name("alice_") != throwaway
    assert benchdb.kept_name(args.db_prefix, "rows_5000") == "alice_rows_5000"
    monkeypatch.delenv("GREENMFG_BENCH_DB_PREFIX", raising=False)
    assert _parser().parse_args([]).db_prefix == "greenmfg_"  # today's names: greenmfg_bench_…, greenmfg_rows_N


def test_the_environment_gives_the_defaults(monkeypatch, capsys):
    monkeypatch.setenv("GREENMFG_BENCH_DB_PREFIX", "bob_")
    monkeypatch.setenv("GREENMFG_BENCH_PORTS", "7000-7009")
    args = _parser().parse_args([])
    assert (args.db_prefix, args.ports.low, args.ports.high) == ("bob_", 7000, 7009)
    args = _parser().parse_args(["--db-prefix", "carol_", "--port", "7100"])  # the command line wins
    assert (args.db_prefix, args.ports.low, args.ports.high) == ("carol_", 7100, 7101)
    monkeypatch.setenv("GREENMFG_BENCH_PORTS", "7009-7000")
    with pytest.raises(SystemExit) as stop:
        _parser().parse_args([])
    assert stop.value.code == 2 and "argument --ports: '7009-7000'" in capsys.readouterr().err


def _listening(port: int, address: str = "127.0.0.1") -> socket.socket:
    s = socket.socket()
    s.bind((address, port))
    s.listen()
    return s


def _three_free() -> int:
    """A port P free with P + 1 and P + 2 (looked for among the system's ports)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if all(benchdb.port_free(p) for p in range(port, port + 3)):
            return port
    pytest.skip("no three consecutive free ports found")


def test_a_port_in_use_is_skipped_and_said(capsys):
    low = _three_free()
    with _listening(low, "0.0.0.0"):  # a server of someone else's, on every address
        ports = benchdb.Ports(low, low + 2)
        assert not benchdb.port_free(low)
        assert ports.take("the product") == low + 1
        assert ports.take("the bare app") == low + 2  # the one just handed out is held, though nobody listens yet
        with pytest.raises(SystemExit, match=rf"no 1 free consecutive port\(s\) in {low}-{low + 2} for the third"):
            ports.take("the third")
        ports.give_back(low + 1)
        assert ports.take("the third") == low + 1
    out = capsys.readouterr().out
    assert f"the product: port {low + 1}" in out and f"the bare app: port {low + 2}" in out


def test_a_span_of_ports_needs_every_one_free(capsys):
    low = _three_free()
    with _listening(low + 1):
        ports = benchdb.Ports(low, low + 2)
        with pytest.raises(SystemExit, match="no 2 free consecutive"):  # low+1 is taken: no pair in the range
            ports.take("LibreOffice", span=2)
    first = benchdb.Ports().take("LibreOffice", span=2)  # the system's ports: a pair it found free
    assert benchdb.port_free(first) and benchdb.port_free(first + 1)
    assert f"LibreOffice: port {first}-{first + 1}" in capsys.readouterr().out


def test_wrk_missing_where_it_cannot_be_installed_names_the_command(monkeypatch):
    monkeypatch.setattr(wrkkit.shutil, "which", lambda name: None)
    monkeypatch.setattr(wrkkit.os, "geteuid", lambda: 1000)
    wrkkit.wrk_binary.cache_clear()
    try:
        with pytest.raises(SystemExit) as stop:
            wrkkit.wrk_binary()
        assert "wrk is missing: install it (Debian/Ubuntu: `sudo apt-get install -y wrk`" in str(stop.value)
    finally:
        wrkkit.wrk_binary.cache_clear()


def test_valgrind_missing_where_it_cannot_be_installed_names_its_package(monkeypatch):
    """bench/bench_instructions.py counts under callgrind: its two commands come from Debian's valgrind package."""
    monkeypatch.setattr(wrkkit.shutil, "which", lambda name: None)
    monkeypatch.setattr(wrkkit.os, "geteuid", lambda: 1000)
    with pytest.raises(SystemExit) as stop:
        wrkkit.debian_binary("callgrind_control", "valgrind")
    assert "callgrind_control is missing: install it (Debian/Ubuntu: `sudo apt-get install -y valgrind`" \
        in str(stop.value)
