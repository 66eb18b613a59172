"""A worker's start-up objects are set aside from the garbage collector's full passes (issue 46, W1;
core.services.memory.settle): once per process, never for a testing app, and not when the deployer turns
GREENMFG_GC_FREEZE off. Run in a child process: a freeze is for the life of the process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]

SCRIPT = """
import gc, json, sys
from core.app import create_app
seen = {}
url = "sqlite:///" + sys.argv[1]
create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
seen["testing"] = gc.get_freeze_count()
create_app({"SQLALCHEMY_DATABASE_URI": url, "GREENMFG_GC_FREEZE": False})
seen["turned_off"] = gc.get_freeze_count()
create_app({"SQLALCHEMY_DATABASE_URI": url})
seen["deployed"] = gc.get_freeze_count()
seen["left_to_scan"] = len(gc.get_objects())
create_app({"SQLALCHEMY_DATABASE_URI": url})
seen["second_app"] = gc.get_freeze_count()
print(json.dumps(seen))
"""


def test_the_start_up_objects_are_set_aside_once_per_process_and_never_for_a_testing_app(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENMFG_")}
    env.update({"PYTHONPATH": str(ROOT), "GREENMFG_INSTANCE_PATH": str(tmp_path / "instance"),
                "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_PAGE_CACHE": "off"})
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "db.sqlite3")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["testing"] == 0 and seen["turned_off"] == 0
    # the deployed app: its start (and the two apps before it) set aside; a full pass then scans a few per cent
    assert seen["deployed"] > 100_000
    assert seen["left_to_scan"] < seen["deployed"] / 10
    # a process that builds a second app does not set it aside as well (it could never collect its cycles);
    # what was set aside is still freed when nothing refers to it, so the count can only fall
    assert seen["second_app"] <= seen["deployed"]
