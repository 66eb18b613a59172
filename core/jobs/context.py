"""What a running job gets: its progress, its result files, who started it."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from core.i18n import msgid

_SAFE = re.compile(r"[^0-9A-Za-z._\-\u4e00-\u9fff]")


@dataclass
class JobContext:
    job_id: int
    public_id: str
    token: str
    actor: str
    user_id: int | None
    attempt: int
    #: progress (0-100) and stage, read by the heartbeat thread that writes them to the job's row
    percent: int = 0
    stage: dict[str, Any] = field(default_factory=dict)
    files: list[tuple[str, str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, done: float, total: float | None = None, stage: Any = None, **params: Any) -> None:
        """Report progress: ``done`` of ``total`` (or a percentage when ``total`` is None), and optionally
        what the job is doing (a ``lazy_gettext`` message with its parameters, translated when shown)."""
        percent = done if total is None else (100.0 * done / total if total else 100.0)
        with self._lock:
            self.percent = max(0, min(99, int(percent)))
            if stage is not None:
                self.stage = {"msgid": msgid(stage), "params": params}

    def counter(self, total: int, stage: Any = None, **params: Any):
        """A callable ``advance(n=1)`` for services that report rows done one batch at a time."""
        state = {"done": 0}
        self.progress(0, total, stage, **params)

        def advance(n: int = 1) -> None:
            state["done"] += n
            self.progress(state["done"], total)
        return advance

    def save_file(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Store a result file (through the file store, committed with the job's completion)."""
        from core.storage import staging

        safe = _SAFE.sub("_", name)[-150:] or "result"
        key = f"jobs/{self.public_id}/{safe}"
        staging.stage(key, data)
        self.files.append((key, name[:200], content_type))
        return key

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        with self._lock:
            return self.percent, dict(self.stage)
