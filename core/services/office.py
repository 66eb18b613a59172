"""Printing a workbook to PDF with LibreOffice: a kept LibreOffice, else one started for the conversion.

Starting LibreOffice costs seconds of CPU; converting a table with one already running costs a fraction of that. So
the job worker keeps one (:func:`start_kept`, called by ``greenmfg worker`` at start-up without waiting for it,
:func:`stop_kept` when it stops): unoserver's listener (:mod:`core.services.office_listener`, run by the Python
that has LibreOffice's ``uno`` module) on ``127.0.0.1:GREENMFG_PDF_PORT``, LibreOffice itself on the next port, with its own profile in
``<temp>/greenmfg-office-<port>/``. Each conversion asks it first (an ``info`` call answered within 2 s); one that
does not answer (it died, or nothing started it: the in-process back end) is started again there and then, under a
file lock so that two jobs never start two. Only if it cannot start (no ``uno``, no unoserver, it does not answer
within ``GREENMFG_PDF_START_SECONDS``) is the workbook printed by a one-shot ``soffice --convert-to pdf``, as before;
the log says which printed each file. ``GREENMFG_PDF_RENDERER = "oneshot"`` always uses the one-shot.

Any process may stop it (the pid is in the folder's ``listener.pid``): the next conversion starts it again.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import Refused
from core.i18n import N_

log = logging.getLogger(__name__)
KEPT, ONESHOT = "kept", "oneshot"
#: Pythons that may have LibreOffice's ``uno`` (Debian's python3-uno; LibreOffice's own builds ship one)
_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", "/opt/libreoffice/program/python")
_started_here: set[int] = set()
#: port → (listener pid, time.monotonic()) of this process's last print by that kept LibreOffice
_printed: dict[int, tuple[int, float]] = {}
#: within this many seconds of a print by the same listener, the next print does not first ask whether it answers
#: (:meth:`Kept.ready`): a listener that died since is started again by :meth:`Kept.convert` and the print retried
TRUSTED_SECONDS = 60.0
FAILED = N_("Printing to PDF failed; download the .xlsx table and print it.")
MISSING = N_("Printing to PDF needs LibreOffice on the server; download the .xlsx table and print it.")
TOO_LONG = N_("Printing to PDF took too long; download the .xlsx table and print it.")


@dataclass(frozen=True)
class Printed:
    data: bytes
    #: what printed it: :data:`KEPT` or :data:`ONESHOT`
    by: str
    seconds: float


@dataclass(frozen=True)
class Settings:
    renderer: str = KEPT
    port: int = 2003
    python: str | None = None
    timeout: int = 120
    start_seconds: float = 90.0

    @classmethod
    def of_app(cls) -> Settings:
        from flask import current_app, has_app_context

        if not has_app_context():
            return cls()
        c = current_app.config
        return cls(renderer=str(c.get("GREENMFG_PDF_RENDERER") or KEPT).lower(),
                   port=int(c.get("GREENMFG_PDF_PORT") or 2003), python=c.get("GREENMFG_PDF_PYTHON") or None,
                   timeout=int(c.get("GREENMFG_PDF_TIMEOUT_SECONDS") or 120),
                   start_seconds=float(c.get("GREENMFG_PDF_START_SECONDS") or 90))


def pdf_available() -> bool:
    """Whether this server can print a workbook to PDF (LibreOffice's ``soffice`` on the PATH)."""
    return shutil.which("soffice") is not None


def to_pdf(xlsx: bytes, settings: Settings | None = None) -> bytes:
    """The workbook printed to PDF by LibreOffice: the same pages as printing the xlsx (page set-up, print area,
    repeated header rows, breaks). :class:`~core.errors.Refused` without LibreOffice, or when it fails."""
    return print_pdf(xlsx, settings).data


def print_pdf(xlsx: bytes, settings: Settings | None = None) -> Printed:
    """:func:`to_pdf`, saying what printed it and how long it took."""
    settings = settings or Settings.of_app()
    if not pdf_available():
        raise Refused(MISSING)
    start = time.perf_counter()
    if settings.renderer != ONESHOT:
        kept = Kept(settings)
        if kept.ready() or kept.ensure():
            data = kept.convert(xlsx)
            seconds = time.perf_counter() - start
            log.info("PDF printed by the kept LibreOffice (port %d) in %.2f s", settings.port, seconds)
            return Printed(data, KEPT, seconds)
        log.warning("the kept LibreOffice could not start (see %s); printing with a one-shot soffice", kept.log_path)
    data = oneshot(xlsx, timeout=settings.timeout)
    seconds = time.perf_counter() - start
    log.info("PDF printed by a one-shot soffice in %.2f s", seconds)
    return Printed(data, ONESHOT, seconds)


def oneshot(xlsx: bytes, *, timeout: int = 120) -> bytes:
    """The workbook printed by a LibreOffice started for it (``soffice --convert-to pdf``, its own profile)."""
    with tempfile.TemporaryDirectory(prefix="greenmfg-pdf-") as tmp:
        source = Path(tmp) / "table.xlsx"
        source.write_bytes(xlsx)
        profile = (Path(tmp) / "profile").as_uri()  # its own profile: runs never share or lock one
        try:
            done = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                                   "--convert-to", "pdf", "--outdir", tmp, str(source)],
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise Refused(TOO_LONG) from None
        target = Path(tmp) / "table.pdf"
        if done.returncode != 0 or not target.exists():
            log.error("one-shot soffice failed (%s): %s", done.returncode, done.stderr[-2000:])
            raise Refused(FAILED)
        return target.read_bytes()


def start_kept(settings: Settings | None = None) -> bool:
    """Start the kept LibreOffice now (the job worker, at start-up), without waiting for it to answer: the worker
    takes jobs at once, and the first PDF waits for it only if it is still starting. Whether it was started (or
    already answers). Never raises."""
    settings = settings or Settings.of_app()
    if settings.renderer == ONESHOT or not pdf_available():
        log.info("PDF printing: %s", "one-shot soffice (GREENMFG_PDF_RENDERER)" if settings.renderer == ONESHOT
                 else "no LibreOffice on this server")
        return False
    kept = Kept(settings)
    try:
        if kept.alive():
            ok = True
        else:
            with kept._locked():
                ok = kept.alive() or kept._start(wait=False, with_parent=True)
    except Exception:
        log.exception("the kept LibreOffice could not start")
        return False
    log.info("PDF printing: %s", f"kept LibreOffice on port {settings.port} (starting)" if ok
             else "the kept LibreOffice could not start; one-shot soffice until it does")
    return ok


def stop_kept(settings: Settings | None = None) -> None:
    """Stop the kept LibreOffice of this port, whoever started it (the next conversion starts it again)."""
    Kept(settings or Settings.of_app()).stop()


class Kept:
    """The kept LibreOffice of one port: its folder holds the profile, the listener's pid, a lock and the log."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.port = settings.port
        self.folder = Path(tempfile.gettempdir()) / f"greenmfg-office-{self.port}"
        self.log_path = self.folder / "listener.log"
        self.pid_path = self.folder / "listener.pid"

    # ------------------------------------------------------------ state --

    def _proxy(self, timeout: float):
        import xmlrpc.client

        class _Transport(xmlrpc.client.Transport):
            def make_connection(self, host):
                conn = super().make_connection(host)
                conn.timeout = timeout
                return conn

        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", transport=_Transport(), allow_none=True)

    def alive(self) -> bool:
        """Whether unoserver answers on the port (within 2 s)."""
        try:
            info = self._proxy(2.0).info()
        except Exception:  # noqa: BLE001 - refused, reset, timed out, not unoserver: not alive
            return False
        return isinstance(info, dict) and "unoserver" in info

    def pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    # ------------------------------------------------------------ start --

    def python(self) -> str | None:
        """The Python that imports LibreOffice's ``uno`` (configured, else the first of :data:`_PYTHONS`)."""
        candidates = [self.settings.python] if self.settings.python else [*_PYTHONS, sys.executable]
        for path in candidates:
            if path and os.access(path, os.X_OK):
                done = subprocess.run([path, "-c", "import uno"], capture_output=True, timeout=30, check=False)
                if done.returncode == 0:
                    return path
        return None

    @staticmethod
    def unoserver_folder() -> str | None:
        """The folder that holds the unoserver package (its client is imported here; its server runs elsewhere)."""
        import importlib.util

        found = importlib.util.find_spec("unoserver")
        if found is None or not found.submodule_search_locations:
            return None
        return str(Path(next(iter(found.submodule_search_locations))).parent)

    @contextlib.contextmanager
    def _locked(self):
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "start.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def ready(self) -> bool:
        """Whether this process printed with this listener in the last :data:`TRUSTED_SECONDS` and its process still
        runs: then a print goes straight to it, without the round trip of :meth:`alive` (6–11 ms beside a 0.18 s
        print, bench/bench_summary_pdf.py); otherwise :meth:`ensure` asks."""
        pid, last = _printed.get(self.port, (None, None))
        return (last is not None and time.monotonic() - last < TRUSTED_SECONDS and pid == self.pid()
                and _running(pid))

    def ensure(self) -> bool:
        """Running and answering: already, once it has started (a start under way is waited for), or started now
        (``False`` if it cannot start)."""
        if self.alive():
            return True
        with self._locked():
            if self.alive():  # another job started it while this one waited for the lock
                return True
            if self._starting() and self._answers_within(self.settings.start_seconds - self._age()):
                return True
            return self._start()

    def _starting(self) -> bool:
        """Whether the listener of the pid file is alive and younger than ``GREENMFG_PDF_START_SECONDS``."""
        pid = self.pid()
        if not pid or self._age() >= self.settings.start_seconds:
            return False
        return _running(pid)

    def _age(self) -> float:
        try:
            return time.time() - self.pid_path.stat().st_mtime
        except OSError:
            return float("inf")

    def _answers_within(self, seconds: float, process: subprocess.Popen | None = None) -> bool:
        deadline = time.monotonic() + max(0.0, seconds)
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                log.warning("the kept LibreOffice exited at start (%s); see %s", process.returncode, self.log_path)
                return False
            if process is None and not _running(self.pid()):  # the start another job began has died
                return False
            if self.alive():
                return True
            time.sleep(0.5)
        return self.alive()

    def _start(self, wait: bool = True, with_parent: bool = False) -> bool:
        """Start the listener; ``with_parent``: it ends when this process does, even killed (the worker's own; one
        a job started outlives the job's process, and the worker stops it)."""
        self._kill(self.pid())  # a listener that stopped answering (its LibreOffice hung) goes first
        python, folder = self.python(), self.unoserver_folder()
        if python is None or folder is None:
            log.warning("the kept LibreOffice needs %s", "a Python with LibreOffice's uno module (python3-uno; "
                        "GREENMFG_PDF_PYTHON)" if python is None else "the unoserver package")
            return False
        listener = Path(__file__).with_name("office_listener.py")
        cmd = [python, "-I", str(listener), folder,  # -I: not this folder first (its calendar.py)
               str(os.getpid() if with_parent else 0),
               "--interface", "127.0.0.1", "--port", str(self.port),
               "--uno-interface", "127.0.0.1", "--uno-port", str(self.port + 1),
               "--user-installation", str(self.folder / "profile"),
               "--conversion-timeout", str(self.settings.timeout), "--quiet"]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        with open(self.log_path, "ab") as out:
            process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env,
                                       start_new_session=True, close_fds=True)
        self.pid_path.write_text(str(process.pid))
        if os.getpid() not in _started_here:
            _started_here.add(os.getpid())
            atexit.register(_stop_at_exit, self.settings)
        if not wait:
            return True
        if self._answers_within(self.settings.start_seconds, process):
            log.info("kept LibreOffice started on port %d (listener pid %d)", self.port, process.pid)
            return True
        if process.poll() is None:
            log.warning("the kept LibreOffice did not answer within %.0f s", self.settings.start_seconds)
        self._kill(process.pid)
        return False

    # ------------------------------------------------------------ stop --

    @staticmethod
    def _kill(pid: int | None) -> None:
        """End the listener's process group (the listener and its LibreOffice): TERM, then KILL what is left once
        the listener has gone, or after 3 s. LibreOffice's launcher (oosplash) can outlive a TERM, and unoserver
        then waits 10 s for it before it exits; its profile is this port's own and a kill leaves nothing that blocks
        the next start (a kept LibreOffice that died is started again)."""
        if not pid:
            return
        try:
            group = os.getpgid(pid)
        except ProcessLookupError:
            return
        if group != pid:  # not a listener this module started (a reused pid): leave it
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        for _ in range(30):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            running = _group_running(group)
            if pid not in running:  # the listener has gone (and perhaps all of its group)
                break
            time.sleep(0.1)
        if running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)

    def stop(self) -> None:
        with self._locked():
            self._kill(self.pid())
            with contextlib.suppress(FileNotFoundError):
                self.pid_path.unlink()

    # ------------------------------------------------------------ convert --

    def convert(self, xlsx: bytes) -> bytes:
        """Print ``xlsx`` with the kept LibreOffice; if it died on the way, start it again and try once more."""
        for attempt in (1, 2):
            try:
                data = self._convert(xlsx)
                _printed[self.port] = (self.pid(), time.monotonic())
                return data
            except Exception as exc:  # noqa: BLE001 - unoserver answers faults, or the connection breaks
                if self.alive():
                    log.error("the kept LibreOffice could not print the workbook: %s", exc)
                    raise Refused(FAILED) from None
                log.warning("the kept LibreOffice stopped while printing (%s); starting it again", exc)
                if attempt == 2 or not self.ensure():
                    raise Refused(FAILED) from None
        raise Refused(FAILED)  # pragma: no cover - the loop returns or raises

    def _convert(self, xlsx: bytes) -> bytes:
        from unoserver.client import UnoClient

        with tempfile.TemporaryDirectory(prefix="greenmfg-pdf-") as tmp:
            source, target = Path(tmp) / "table.xlsx", Path(tmp) / "table.pdf"
            source.write_bytes(xlsx)
            os.chmod(tmp, 0o755)
            UnoClient("127.0.0.1", str(self.port), host_location="local").convert(
                inpath=str(source), outpath=str(target), convert_to="pdf")
            data = target.read_bytes()
        if not data.startswith(b"%PDF"):
            raise RuntimeError("the listener wrote no PDF")
        return data


def _stop_at_exit(settings: Settings) -> None:
    """A process that started the kept LibreOffice stops it when it exits (a forked work horse exits without this:
    its worker stops it)."""
    with contextlib.suppress(Exception):
        Kept(settings).stop()


def _group_running(group: int) -> set[int]:
    """The processes of ``group`` that still run. A zombie does not count: a LibreOffice whose listener died first
    is handed to process 1, which in a container often reaps nothing, and its zombie kept the group "alive", so
    every stop waited the whole 10 s. Without ``/proc`` (not Linux), the group as one process while it takes a
    signal."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return set()
        return {group}
    running = set()
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while being read
        if len(fields) > 2 and fields[2] == str(group) and fields[0] not in ("Z", "X"):
            running.add(int(stat.parent.name))
    return running


def _running(pid: int | None) -> bool:
    """Whether the listener ``pid`` (a process group's leader) still runs: a child of this process that died is
    reaped here first, since until then it stays a zombie that still has its group (and a start would wait for it
    to answer until GREENMFG_PDF_START_SECONDS ran out)."""
    if not pid:
        return False
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def probe(settings: Settings | None = None) -> tuple[bool | None, str]:
    """Whether LibreOffice answers on this server (``greenmfg check``): ``None`` when it is not installed (the
    summary PDF is not offered), else whether the kept LibreOffice answers on its port or, where it is not
    running (the worker starts it), whether ``soffice --version`` answers."""
    settings = settings or Settings.of_app()
    if not pdf_available():
        return None, "not installed on this server: the summary PDF is not offered"
    if settings.renderer != ONESHOT and Kept(settings).alive():
        return True, f"the kept LibreOffice answers on port {settings.port}"
    try:
        done = subprocess.run(["soffice", "--headless", "--version"], capture_output=True, text=True, timeout=60,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"soffice --version: {type(exc).__name__}"
    if done.returncode != 0:
        return False, f"soffice --version exited {done.returncode}: {(done.stderr or done.stdout).strip()[-200:]}"
    running = "" if settings.renderer == ONESHOT else f"; the kept one is not running on port {settings.port}"
    return True, f"{done.stdout.strip()[:60]}{running}"
