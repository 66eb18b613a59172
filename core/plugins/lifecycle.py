"""How the hook contract changes: its version, how a hook or an argument is retired or renamed, what core refuses.

The contract has a version, :data:`CONTRACT_VERSION` (``from core.plugins import CONTRACT_VERSION``); what changed
in each version is in ``docs/CHANGELOG-plugins.md``. A minor version (0.4 → 0.5) may add hooks, arguments and
record fields with defaults, and may deprecate; it never removes or changes what a plugin written for the
previous version relies on. Something deprecated in version N keeps working for two more minor versions at least
(deprecated in 0.6, removed in 0.8 at the earliest); then it is removed, and a plugin still implementing it
stops start-up with a message naming what to implement instead.

Renaming a hook (``gm_policy_old`` → ``gm_policy_new``), in one contract version:

1. add ``gm_policy_new`` to :mod:`core.plugins.hookspecs` with ``.. versionadded::`` and use it in core;
2. keep ``gm_policy_old``, declared with pluggy's ``warn_on_impl`` built by :func:`renamed`, and say so in its
   docstring with ``.. deprecated::`` (a test holds the two together)::

       @hookspec(firstresult=True, warn_on_impl=renamed("gm_policy_old", "gm_policy_new", since="0.6",
                                                        removed_in="0.8"))
       def gm_policy_old(level: Level, national: Old | None) -> Old | None:
           '''...

           .. deprecated:: 0.6 renamed :func:`gm_policy_new`; removed in 0.8.
           '''

   until ``removed_in`` an implementation under the old name answers for the new hook (the facade reads
   :func:`implementations`);
3. raise :data:`CONTRACT_VERSION`, write the change in docs/CHANGELOG-plugins.md, regenerate docs/hooks.md.

Retiring a hook without a successor is the same with :func:`retired` (its ``advice`` says what to do instead);
core keeps calling the hook until it is removed. An argument is renamed with :func:`renamed_argument` or retired
with :func:`retired_argument` in ``warn_on_impl_args``: the spec keeps the old name beside the new one and core
passes the value under both (a retired argument: ``None``). In the version named by ``removed_in`` the old spec
or argument is deleted and the hook listed in :data:`REMOVED_HOOKS` with what to do instead.

What a plugin author sees: when a plugin implementing a deprecated hook or argument is registered, pluggy
warns with the file and line of the implementation; core logs it at start-up (logger ``greenmfg.plugins``)::

    WARNING greenmfg.plugins: plugin 'guangdong' (…/guangdong/plugin.py:41): 钩子 gm_policy_old 自插件契约 0.6
    起弃用，将于 0.8 移除；请改用 gm_policy_new / hook gm_policy_old is deprecated since plugin contract 0.6 and
    will be removed in 0.8; use gm_policy_new instead (same meaning). See docs/CHANGELOG-plugins.md

and re-issues it as a :class:`PluginDeprecationWarning` (a ``DeprecationWarning``), which pytest lists in the
plugin's test run and ``-W error::core.plugins.PluginDeprecationWarning`` turns into a failure. After removal,
start-up stops: ``plugin 'guangdong' implements gm_policy_old, which plugin contract 0.8 does not have; the hook
was removed in plugin contract 0.8: implement gm_policy_new``.

Hook wrappers (``@hookimpl(wrapper=True)`` or ``hookwrapper=True``) are refused at start-up
(:class:`~core.plugins.errors.UnsupportedImplementation`, naming the plugin and the hook): core calls each
implementation itself to know which plugin answered and to check the answer, so a wrapper would never run.
"""
from __future__ import annotations

import difflib
from typing import Any, Iterable

import pluggy

from core.plugins.errors import UnknownHook, UnsupportedImplementation

#: the version of the hook contract (hooks, their arguments, the record types): see docs/CHANGELOG-plugins.md
CONTRACT_VERSION = "0.6"

#: hooks removed from the contract: {old name: (the version that removed it, what to do instead)}
REMOVED_HOOKS: dict[str, tuple[str, str]] = {}


class PluginDeprecationWarning(DeprecationWarning):
    """A plugin implements a deprecated hook or takes a deprecated argument.

    :ivar hook: the hook; :ivar argument: the argument (``None``: the hook itself);
    :ivar since: the contract version that deprecated it; :ivar removed_in: the version that removes it;
    :ivar renamed_to: the new name of the hook or argument (``None``: retired without a successor);
    :ivar advice: what to do instead, in words.
    """

    def __init__(self, hook: str, *, since: str, removed_in: str, argument: str | None = None,
                 renamed_to: str | None = None, advice: str = ""):
        if _version(removed_in) < _version(since)[:1] + (_version(since)[1] + 2,):
            raise ValueError(f"{hook}: deprecated in {since}, it keeps working two minor versions at least, "
                             f"not only until {removed_in}")
        self.hook, self.argument, self.since, self.removed_in = hook, argument, since, removed_in
        self.renamed_to, self.advice = renamed_to, advice
        what = f"钩子 {hook} 的参数 {argument}" if argument else f"钩子 {hook}"
        what_en = f"argument {argument!r} of hook {hook}" if argument else f"hook {hook}"
        instead = f"；请改用 {renamed_to}" if renamed_to else ""
        instead_en = f"; use {renamed_to} instead (same meaning)" if renamed_to else ""
        super().__init__(
            f"{what} 自插件契约 {since} 起弃用，将于 {removed_in} 移除{instead} / "
            f"{what_en} is deprecated since plugin contract {since} and will be removed in {removed_in}"
            f"{instead_en}{'. ' + advice if advice else ''}. See docs/CHANGELOG-plugins.md"
        )


def renamed(hook: str, new: str, *, since: str, removed_in: str) -> PluginDeprecationWarning:
    """``warn_on_impl`` of a hook renamed ``new``: until ``removed_in`` its implementations answer for ``new``."""
    return PluginDeprecationWarning(hook, since=since, removed_in=removed_in, renamed_to=new)


def retired(hook: str, *, since: str, removed_in: str, advice: str) -> PluginDeprecationWarning:
    """``warn_on_impl`` of a hook going away without a successor; ``advice`` says what to do instead."""
    return PluginDeprecationWarning(hook, since=since, removed_in=removed_in, advice=advice)


def renamed_argument(hook: str, old: str, new: str, *, since: str,
                     removed_in: str) -> dict[str, PluginDeprecationWarning]:
    """``warn_on_impl_args`` of an argument renamed: the spec takes both names and core passes the value under
    both until ``removed_in``."""
    return {old: PluginDeprecationWarning(hook, argument=old, since=since, removed_in=removed_in, renamed_to=new)}


def retired_argument(hook: str, argument: str, *, since: str, removed_in: str,
                     advice: str) -> dict[str, PluginDeprecationWarning]:
    """``warn_on_impl_args`` of an argument going away: core passes ``None`` for it until ``removed_in``."""
    return {argument: PluginDeprecationWarning(hook, argument=argument, since=since, removed_in=removed_in,
                                               advice=advice)}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def spec_options(function: Any) -> dict[str, Any]:
    """The options a hookspec was declared with (``firstresult``, ``warn_on_impl``, ``warn_on_impl_args``)."""
    return getattr(function, "greenmfg_spec", None) or {}


def deprecations(hookspecs: Any) -> list[PluginDeprecationWarning]:
    """Every deprecation the contract module declares (hooks, then arguments), in the module's order."""
    found = []
    for name, function in vars(hookspecs).items():
        options = spec_options(function)
        if name.startswith("gm_") and options:
            if options.get("warn_on_impl") is not None:
                found.append(options["warn_on_impl"])
            found += list((options.get("warn_on_impl_args") or {}).values())
    return [w for w in found if isinstance(w, PluginDeprecationWarning)]


def _spec_function(pm: pluggy.PluginManager, hook: str) -> Any:
    caller = getattr(pm.hook, hook, None)
    return caller.spec.function if caller is not None and caller.spec is not None else None


def implementations(pm: pluggy.PluginManager, hook: str) -> list[pluggy.HookImpl]:
    """Every implementation answering ``hook``, in pluggy's order (the last is called first): those under its
    name and those under a deprecated name renamed to it."""
    impls = list(getattr(pm.hook, hook).get_hookimpls())
    for name in pm.hook.__dict__:
        if name.startswith("gm_") and name != hook:
            warning = spec_options(_spec_function(pm, name)).get("warn_on_impl")
            if isinstance(warning, PluginDeprecationWarning) and warning.renamed_to == hook:
                impls = getattr(pm.hook, name).get_hookimpls() + impls
    # pluggy's order: trylast first, tryfirst last, registration order in between
    return sorted(impls, key=lambda i: 0 if i.trylast else 2 if i.tryfirst else 1)


def call_arguments(pm: pluggy.PluginManager, hook: str, impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> list[Any]:
    """The positional arguments ``impl`` (answering ``hook``) takes from ``kwargs``: a renamed argument under its
    old name gets the new one's value, a retired argument ``None``."""
    if all(name in kwargs for name in impl.argnames):
        return [kwargs[name] for name in impl.argnames]
    names = dict(kwargs)
    for spec_hook in dict.fromkeys((hook, impl.opts.get("specname") or impl.function.__name__)):
        for old, warning in (spec_options(_spec_function(pm, spec_hook)).get("warn_on_impl_args") or {}).items():
            if isinstance(warning, PluginDeprecationWarning):
                names.setdefault(old, kwargs.get(warning.renamed_to) if warning.renamed_to else None)
    return [names[name] for name in impl.argnames]


def refuse_wrappers(pm: pluggy.PluginManager, name: str, plugin: object) -> None:
    """Stop start-up before ``plugin`` is registered if it marks an implementation as a wrapper."""
    for attr in dir(plugin):
        options = pm.parse_hookimpl_opts(plugin, attr)
        if options and (options.get("wrapper") or options.get("hookwrapper")):
            hook = options.get("specname") or attr
            kind = "wrapper=True" if options.get("wrapper") else "hookwrapper=True"
            raise UnsupportedImplementation(
                f"插件 {name!r} 以包装器（{kind}）实现钩子 {hook}，本平台不运行包装器：请去掉 {kind}，直接返回答案 / "
                f"plugin {name!r} implements hook {hook} as a wrapper ({kind}); greenmfg calls every "
                f"implementation itself, to know which plugin answered and to check the answer, so a wrapper would "
                f"never run: remove {kind} and return the answer (docs/hooks.md)"
            )


def check_known_hooks(pm: pluggy.PluginManager, known: Iterable[str]) -> None:
    """pluggy's ``check_pending`` with a message that says what to do: a hook the contract removed names its
    replacement, a misspelt one the nearest hook."""
    known = sorted(known)
    for hook in pm.hook.__dict__:
        caller = getattr(pm.hook, hook)
        if hook.startswith("_") or caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.optionalhook:
                continue
            if hook in REMOVED_HOOKS:
                version, advice = REMOVED_HOOKS[hook]
                hint_zh, hint = f"该钩子已于插件契约 {version} 移除", f"the hook was removed in plugin contract {version}: {advice}"
            else:
                close = difflib.get_close_matches(hook, known, n=1)
                hint_zh = f"是否应为 {close[0]}？" if close else "参见 docs/hooks.md"
                hint = f"did you mean {close[0]}?" if close else "see docs/hooks.md"
            raise UnknownHook(
                impl.plugin,
                f"插件 {impl.plugin_name!r} 实现了插件契约 {CONTRACT_VERSION} 中没有的钩子 {hook}，{hint_zh} / "
                f"plugin {impl.plugin_name!r} implements {hook}, which plugin contract {CONTRACT_VERSION} does not "
                f"have; {hint}",
            )
