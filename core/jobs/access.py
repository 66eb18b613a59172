"""Who may start a job by name (``POST /api/v1/jobs``): one permission per such job, ``jobs.start.<name>``,
granted to the roles its registration names (``@job(..., startable_by={...})``, :mod:`core.jobs.registry`) and
registered in the app's permission registry at start-up, so an instance can withhold it like any other."""
from __future__ import annotations

from core.jobs.registry import specs
from core.kernel.permissions import Permission
from core.models import Role


def start_perm(name: str) -> str:
    """The permission to start the job ``name`` by name."""
    return f"jobs.start.{name}"


def permissions() -> tuple[Permission, ...]:
    """The start permissions of the registered jobs a role may start (a job without ``startable_by`` is started
    only by code)."""
    return tuple(Permission(start_perm(spec.name), frozenset(Role(r) for r in spec.startable_by), spec.title)
                 for spec in specs().values() if spec.startable_by)
