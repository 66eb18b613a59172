"""Parse an uploaded PDF in a separate process with a CPU-time and memory ceiling.

A crafted PDF can make a parser loop or allocate without end; parsed inside the web worker it
would hold the worker (and every request queued behind it). The child reads the file from stdin,
parses it with pypdf in strict mode and prints one JSON line: ``{"pages": N}``,
``{"encrypted": true}`` or ``{"damaged": true}``. The parent kills it at the time limit.

    python core/applications/pdfcheck.py CPU_SECONDS MEMORY_BYTES < file.pdf

The child sets its own limits (no ``preexec_fn``, which is unsafe in threaded servers) and imports
nothing of greenmfg, only pypdf.
"""
from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
from dataclasses import dataclass

#: ceilings for one check: CPU seconds, address space, wall-clock seconds
CPU_SECONDS = 10
MEMORY_BYTES = 1024 * 1024 * 1024
WALL_SECONDS = 20.0


@dataclass(frozen=True)
class Outcome:
    pages: int = 0
    encrypted: bool = False
    damaged: bool = False
    #: the check hit a ceiling (time or memory): the file cannot be accepted
    too_costly: bool = False


def check(data: bytes, *, cpu_seconds: int = CPU_SECONDS, memory_bytes: int = MEMORY_BYTES,
          wall_seconds: float = WALL_SECONDS) -> Outcome:
    """Parse ``data`` in a child process within the ceilings."""
    try:
        done = subprocess.run([sys.executable, "-I", __file__, str(cpu_seconds), str(memory_bytes)], input=data,
                              capture_output=True, timeout=wall_seconds, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(too_costly=True)
    if done.returncode != 0:  # killed at the CPU limit (a signal), out of memory, or an unexpected failure
        costly = done.returncode < 0 or b"MemoryError" in done.stderr
        return Outcome(too_costly=costly, damaged=not costly)
    answer = json.loads(done.stdout or b"{}")
    return Outcome(pages=int(answer.get("pages", 0)), encrypted=bool(answer.get("encrypted")),
                   damaged=bool(answer.get("damaged")))


def _parse(data: bytes) -> dict[str, object]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            return {"encrypted": True}
        return {"pages": len(reader.pages)}
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            AssertionError, OverflowError, ZeroDivisionError):
        return {"damaged": True}


if __name__ == "__main__":
    cpu, memory = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    print(json.dumps(_parse(sys.stdin.buffer.read())))
