"""Parse an uploaded PDF in a separate process with a CPU-time and memory ceiling.

Two ways, the same ceilings: :func:`check` starts a fresh interpreter (the web process, or a thread
worker of the in-process job fallback); :func:`check_here` parses in the current process after
lowering its own limits, for a process that exists for this one job (a Redis worker's forked work
horse, :func:`core.jobs.runner.isolated`), which saves the interpreter's start (about 0.18 s a file).

A crafted PDF can make a parser loop or allocate without end; parsed inside the web worker it
would hold the worker (and every request queued behind it). The child reads the file from stdin,
parses it with pypdf in strict mode and prints one JSON line: ``{"pages": N}``,
``{"encrypted": true}`` or ``{"damaged": true}``. The parent kills it at the time limit.

    python core/applications/pdfcheck.py CPU_SECONDS MEMORY_BYTES < file.pdf

The child sets its own limits (no ``preexec_fn``, which is unsafe in threaded servers) once pypdf is
loaded, so the memory ceiling is room for the parse on top of what the process already holds, and
imports nothing of greenmfg. A parse past the memory ceiling answers ``{"too_costly": true}``.
"""
from __future__ import annotations

import io
import json
import re
import resource
import subprocess
import sys
import zlib
from dataclasses import dataclass

#: ceilings for one check: CPU seconds, address space, wall-clock seconds
CPU_SECONDS = 10
MEMORY_BYTES = 1024 * 1024 * 1024
WALL_SECONDS = 20.0
#: what a file may hold (issue 55): its streams decompressed together, and its pages. A 292 KB file whose stream
#: inflates to 300 MB (a "zip bomb": zlib reaches about 1,000 to 1) was accepted, to be inflated again by every
#: reader and renderer; a scanned evidence file of the maximum upload size (its pictures are JPEG, which stay
#: compressed) inflates to a few times its size
MAX_INFLATED_BYTES = 256 * 1024 * 1024
MAX_PAGES = 2000


@dataclass(frozen=True)
class Outcome:
    pages: int = 0
    encrypted: bool = False
    damaged: bool = False
    #: the check hit a ceiling (time or memory): the file cannot be accepted
    too_costly: bool = False
    #: its streams decompress past :data:`MAX_INFLATED_BYTES` (a compression bomb)
    too_inflated: bool = False


def check(data: bytes, *, cpu_seconds: int = CPU_SECONDS, memory_bytes: int = MEMORY_BYTES,
          wall_seconds: float = WALL_SECONDS) -> Outcome:
    """Parse ``data`` in a child process within the ceilings."""
    try:
        done = subprocess.run([sys.executable, "-I", __file__, str(cpu_seconds), str(memory_bytes)], input=data,
                              capture_output=True, timeout=wall_seconds, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(too_costly=True)
    if done.returncode != 0:  # killed at the CPU limit (a signal), out of memory, or an unexpected failure
        costly = done.returncode < 0 or any(sign in done.stderr for sign in _OUT_OF_MEMORY)
        return Outcome(too_costly=costly, damaged=not costly)
    return _outcome(json.loads(done.stdout or b"{}"))


def check_here(data: bytes, *, cpu_seconds: int = CPU_SECONDS, memory_bytes: int = MEMORY_BYTES) -> Outcome:
    """Parse ``data`` in this process, which must exist for this check alone (its limits are lowered for
    good: past the CPU ceiling the kernel ends it, past the memory ceiling the parse fails)."""
    return _outcome(_parse_within(data, cpu_seconds, memory_bytes))


#: what a child that ran out of address space before it could answer leaves on stderr
_OUT_OF_MEMORY = (b"MemoryError", b"Cannot allocate memory", b"failed to map segment", b"out of memory")


def _outcome(answer: dict[str, object]) -> Outcome:
    return Outcome(pages=int(answer.get("pages", 0)), encrypted=bool(answer.get("encrypted")),
                   damaged=bool(answer.get("damaged")), too_costly=bool(answer.get("too_costly")),
                   too_inflated=bool(answer.get("too_inflated")))


def _address_space() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _parse_within(data: bytes, cpu_seconds: int, memory_bytes: int) -> dict[str, object]:
    """Load the parser, then lower this process's limits so the ceilings measure the parse of ``data``
    alone (not the interpreter's start or the parser's import, which differ from one machine to another)."""
    from pypdf import PdfReader  # noqa: F401  (imported before the ceiling on purpose)

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime) + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    memory = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        return _parse(data)
    except MemoryError:
        return {"too_costly": True}


def _parse(data: bytes) -> dict[str, object]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if inflated_past(data, MAX_INFLATED_BYTES):
        return {"too_inflated": True}
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            return {"encrypted": True}
        return {"pages": len(reader.pages)}
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            AssertionError, OverflowError, ZeroDivisionError) as error:
        if _ran_out_of_memory(error):  # pypdf rewraps a MemoryError as "Error reading PDF file"
            return {"too_costly": True}
        return {"damaged": True}


_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1024 * 1024


def inflated_past(data: bytes, limit: int) -> bool:
    """Whether the file's zlib (FlateDecode) streams decompress to more than ``limit`` bytes together. Every
    ``stream … endstream`` of the file is tried as it is stored (not through a parser, so an object stream or a
    damaged dictionary hides nothing), decompressed a megabyte at a time and the output dropped: the check holds
    one chunk, whatever the bomb."""
    total, at = 0, 0
    while (found := _STREAM.search(data, at)) is not None:
        start = found.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        at = end + 1
        inflate, pending = zlib.decompressobj(), data[start:end]
        try:
            while pending:
                out = inflate.decompress(pending, _CHUNK)
                total += len(out)
                if total > limit:
                    return True
                if inflate.eof or not out and not inflate.unconsumed_tail:
                    break
                pending = inflate.unconsumed_tail
        except zlib.error:
            continue  # not a zlib stream (a JPEG, an uncompressed stream, another filter): counted as stored
    return False


def _ran_out_of_memory(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 50:
        if isinstance(error, MemoryError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


if __name__ == "__main__":
    print(json.dumps(_parse_within(sys.stdin.buffer.read(), int(sys.argv[1]), int(sys.argv[2]))))
