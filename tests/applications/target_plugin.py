"""Test-only plugin: a non-binding quota (a target, 预期目标) of 1 per unit and type."""
from core.plugins import hookimpl
from core.plugins.types import Quota


@hookimpl
def gm_policy_quota():
    return Quota(limit=1, binding=False, period=(2025, 2025), cite="test fixture: target")
