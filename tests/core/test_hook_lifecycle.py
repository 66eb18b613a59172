"""The hook contract's lifecycle (docs/hooks.md, "Deprecating and renaming hooks"): a plugin implementing a
deprecated hook or argument is warned at start-up and keeps working; a hook wrapper is refused, naming the plugin
and the hook; a removed or misspelt hook stops start-up saying what to implement; the contract states its version.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from core.plugins import (
    CONTRACT_VERSION,
    PluginDeprecationWarning,
    UnknownHook,
    UnsupportedImplementation,
    hookimpl,
    lifecycle,
)
from core.plugins import docs, hookspecs
from core.plugins.hookspecs import hookspec
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import DayCount, Level, NoticePeriod, Provision, Region

ROOT = Path(__file__).parents[2]


class Testland:
    @hookimpl
    def gm_region(self):
        return Region(code="extra0", name="测试省", name_en="Testland")


def rules_with(plugin) -> RegionRules:
    return RegionRules(build_plugin_manager("national", [("extra0", plugin)]))


# ----------------------------------------------------------------- wrappers --


@pytest.mark.parametrize("marker", [{"wrapper": True}, {"hookwrapper": True}])
def test_a_hook_wrapper_is_refused_at_startup_naming_the_plugin_and_the_hook(marker):
    class Wrapping(Testland):
        @hookimpl(**marker)
        def gm_policy_quota(self, national):
            answer = yield
            return answer

    with pytest.raises(UnsupportedImplementation) as info:
        rules_with(Wrapping())
    message = str(info.value)
    assert "'extra0'" in message and "gm_policy_quota" in message and next(iter(marker)) in message
    assert "包装器" in message and "return the answer" in message


def test_a_registry_wrapper_is_refused_too():
    class Wrapping(Testland):
        @hookimpl(wrapper=True)
        def gm_register_deadlines(self):
            return (yield)

    with pytest.raises(UnsupportedImplementation, match="gm_register_deadlines"):
        rules_with(Wrapping())


# -------------------------------------------------------------- deprecation --


@pytest.fixture
def renamed_hook(monkeypatch):
    """A contract where ``gm_register_rules_in_words`` was renamed ``gm_register_provisions`` in 0.6."""

    @hookspec(warn_on_impl=lifecycle.renamed("gm_register_rules_in_words", "gm_register_provisions",
                                             since="0.6", removed_in="0.8"))
    def gm_register_rules_in_words():
        """Return provisions.

        :return: a sequence of :class:`Provision`.

        All results are collected and merged by ``code``.

        .. versionadded:: 0.1
        .. deprecated:: 0.6 renamed :func:`gm_register_provisions`; removed in 0.8.
        """

    monkeypatch.setattr(hookspecs, "gm_register_rules_in_words", gm_register_rules_in_words, raising=False)
    return gm_register_rules_in_words


def test_a_plugin_implementing_a_deprecated_hook_is_warned_and_still_answers(renamed_hook, caplog, monkeypatch):
    class OldStyle(Testland):
        @hookimpl
        def gm_register_rules_in_words(self):
            return [Provision(code="extra0.spot_checks", title="抽查", cite="test")]

    # an alembic run earlier in the session (fileConfig) disables the loggers that existed then
    monkeypatch.setattr(logging.getLogger("greenmfg.plugins"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="greenmfg.plugins"):
        with pytest.warns(PluginDeprecationWarning) as caught:
            rules = rules_with(OldStyle())
    warning = caught[0]
    assert Path(warning.filename) == Path(__file__)  # points at the plugin's implementation
    text = str(warning.message)
    assert "gm_register_rules_in_words" in text and "0.6" in text and "0.8" in text
    assert "gm_register_provisions" in text and "弃用" in text
    assert "'extra0'" in caplog.text and "gm_register_rules_in_words" in caplog.text
    # the old name answers for the new hook until its removal
    assert rules.provisions["extra0.spot_checks"].source == "extra0"
    assert "gm_register_rules_in_words" in docs.render() and "**Deprecated** since contract 0.6" in docs.render()


def test_a_plugin_on_the_current_names_is_not_warned(renamed_hook, recwarn):
    class NewStyle(Testland):
        @hookimpl
        def gm_register_provisions(self):
            return [Provision(code="extra0.spot_checks", title="抽查", cite="test")]

    rules_with(NewStyle())
    assert not [w for w in recwarn if issubclass(w.category, PluginDeprecationWarning)]


def test_a_renamed_argument_warns_and_is_passed_under_its_old_name(monkeypatch):
    original = hookspecs.gm_policy_notice_period

    @hookspec(firstresult=True, warn_on_impl_args=lifecycle.renamed_argument(
        "gm_policy_notice_period", "list_level", "level", since="0.6", removed_in="0.8"))
    def gm_policy_notice_period(level, list_level, national):
        """.. deprecated:: 0.6 argument ``list_level`` renamed ``level``; removed in 0.8."""

    monkeypatch.setattr(hookspecs, "gm_policy_notice_period", gm_policy_notice_period)

    class OldArgument(Testland):
        @hookimpl
        def gm_policy_notice_period(self, list_level):
            if list_level == Level.PROVINCIAL:
                return NoticePeriod(days=7, count=DayCount.WORKING_DAYS, cite="test")

    with pytest.warns(PluginDeprecationWarning, match="list_level"):
        rules = rules_with(OldArgument())
    period = rules.notice_period(Level.PROVINCIAL)
    assert (period.days, period.source) == (7, "extra0")
    assert original is not hookspecs.gm_policy_notice_period


def test_a_deprecation_keeps_working_two_minor_versions_at_least():
    with pytest.raises(ValueError, match="two minor versions"):
        lifecycle.renamed("gm_policy_old", "gm_policy_new", since="0.6", removed_in="0.7")


def test_every_deprecation_is_stated_in_its_hooks_docstring_and_not_yet_due():
    for warning in lifecycle.deprecations(hookspecs):
        doc = getattr(hookspecs, warning.hook).__doc__ or ""
        assert f".. deprecated:: {warning.since}" in doc, warning.hook
        assert lifecycle._version(CONTRACT_VERSION) < lifecycle._version(warning.removed_in), (
            f"{warning.hook}: due for removal in {warning.removed_in}; delete it and list it in REMOVED_HOOKS")


# ------------------------------------------------------- unknown and removed --


def test_a_removed_hook_stops_startup_naming_its_replacement(monkeypatch):
    monkeypatch.setitem(lifecycle.REMOVED_HOOKS, "gm_register_rules_in_words",
                        ("0.8", "implement gm_register_provisions"))

    class Stale(Testland):
        @hookimpl
        def gm_register_rules_in_words(self):
            return []

    with pytest.raises(UnknownHook) as info:
        rules_with(Stale())
    message = str(info.value)
    assert "'extra0'" in message and "removed in plugin contract 0.8" in message
    assert "gm_register_provisions" in message


def test_a_misspelt_hook_names_the_nearest_one():
    class Typo(Testland):
        @hookimpl
        def gm_policy_evaluater_cap(self):
            return None

    with pytest.raises(UnknownHook, match="did you mean gm_policy_evaluator_cap"):
        rules_with(Typo())


# ------------------------------------------------------------------ version --


def test_the_contract_version_is_public_and_in_the_changelog():
    import core.plugins

    assert "CONTRACT_VERSION" in core.plugins.__all__ and "add_years" in core.plugins.__all__
    changelog = (ROOT / "docs" / "CHANGELOG-plugins.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+) ", changelog, flags=re.M)
    assert versions[0] == CONTRACT_VERSION, "write the new version's changes in docs/CHANGELOG-plugins.md"
    added = {v for name in docs.hook_names()
             for v in re.findall(r"versionadded:: ([\d.]+)", getattr(hookspecs, name).__doc__ or "")}
    assert all(lifecycle._version(v) <= lifecycle._version(CONTRACT_VERSION) for v in added)
    assert f"**{CONTRACT_VERSION}**" in (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
