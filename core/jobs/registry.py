"""Jobs by name: each feature registers the functions it runs in the background (:func:`job`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: the back-off before each retry after a passing fault, in seconds (the last repeats)
DEFAULT_BACKOFF = (10, 60, 300)


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    #: what the user reads ("Summary table export"): a ``lazy_gettext`` string
    title: Any
    #: attempts in all (the first and the retries after passing faults or a lost worker)
    max_attempts: int = 3
    backoff: tuple[int, ...] = DEFAULT_BACKOFF
    #: wall-clock seconds one attempt may take (a Redis worker kills it past this)
    timeout: int = 1800
    #: roles that may start it by name through ``POST /api/v1/jobs`` (empty: only code starts it)
    startable_by: frozenset[str] = field(default_factory=frozenset)
    #: checks and normalizes the ``kwargs`` a user gives when starting it by name (raises InvalidInput)
    arguments: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: the result in the user's language: ``describe(result) -> [line, ...]`` (called when shown)
    describe: Callable[[dict[str, Any]], list[str]] | None = None
    #: a template that shows the result in detail (given ``job`` and ``result``), e.g. an import's rows
    result_template: str | None = None
    #: where the user goes back to: ``back(job) -> (url, label)``
    back: Callable[[Any], tuple[str, str]] | None = None

    def delay(self, attempt: int) -> int:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        steps = self.backoff or (0,)
        return int(steps[min(attempt, len(steps)) - 1])


_REGISTRY: dict[str, JobSpec] = {}


def job(name: str, title: Any, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func(ctx, *args, **kwargs)`` under ``name``::

        @job("mail.send", _l("E-mail"), max_attempts=5)
        def send(ctx, to, subject, body): ...

    ``ctx`` is a :class:`core.jobs.context.JobContext` (progress, files, the actor). The function's work
    is committed together with the job's completion, so an attempt that dies commits nothing; it
    returns the job's report (a JSON-able dict) or ``None``. A :class:`core.errors.GreenmfgError` fails
    the job with its message (no retry); any other error is retried with back-off.
    """
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        if "startable_by" in options:
            options["startable_by"] = frozenset(options["startable_by"])
        _REGISTRY[name] = JobSpec(name=name, func=func, title=title, **options)
        return func
    return decorate


def spec(name: str) -> JobSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no job named {name!r} is registered") from None


def specs() -> dict[str, JobSpec]:
    return dict(_REGISTRY)
