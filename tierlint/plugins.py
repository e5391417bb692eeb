"""The plugin manager: built-in checks and formats, then entry-point plugins.

Built-in modules and outside packages are registered the same way and provide the same
hooks (``hookspecs``). Outside plugins are the entry points of the group ``tierlint``;
nothing here runs until a command asks for rules, formats or a proof's state, so
``--help`` and ``--version`` never import a plugin.

A plugin that cannot be imported, implements a hook that does not exist, fails inside a
hook, or claims a rule code that is already taken raises :class:`PluginError`: one line
naming the plugin, reported by the CLI like a config error (exit 2).
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from typing import Any

import pluggy

from . import hookspecs
from .config import ConfigError

GROUP = "tierlint"
BUILTIN = (
    "tierlint.checks.tiering",
    "tierlint.checks.proofs",
    "tierlint.checks.citations",
    "tierlint.checks.clinical",
    "tierlint.checks.concepts",
    "tierlint.formats.builtin",
)


class PluginError(ConfigError):
    """A plugin that cannot be used: the message names it. A ConfigError, so every command
    reports it as one line on stderr and exits 2."""


@lru_cache(maxsize=1)
def manager() -> pluggy.PluginManager:
    import importlib

    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN:
        pm.register(importlib.import_module(name), name=name)
    _load_entry_points(pm)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {pm.get_name(exc.plugin)!r}: {_one_line(exc)}") from None
    return pm


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    if not _declared_anywhere():
        return  # no distribution declares a plugin: importlib.metadata is not even imported
    from importlib.metadata import entry_points

    for ep in entry_points(group=GROUP):
        if pm.has_plugin(ep.name):
            continue  # the same distribution found twice on sys.path
        dist = f"{ep.dist.name} {ep.dist.version}, " if ep.dist is not None else ""
        where = f"{dist}{ep.value}"
        try:
            plugin = ep.load()
        except Exception as exc:
            why = f"{type(exc).__name__}: {_one_line(exc)}"
            raise PluginError(f"plugin {ep.name!r} ({where}) failed to load: {why}") from None
        try:
            pm.register(plugin, name=ep.name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {ep.name!r} ({where}): {_one_line(exc)}") from None


_SECTION = re.compile(rf"^[ \t]*\[[ \t]*{GROUP}[ \t]*\]", re.MULTILINE)


def _declared_anywhere() -> bool:
    """Whether some distribution on ``sys.path`` may declare an entry point of the group:
    a look into each ``*.dist-info`` / ``*.egg-info`` folder's ``entry_points.txt``, much
    cheaper than importlib.metadata (about 20 ms to import, more to build every
    distribution). A path entry that is not a folder (a zip) answers yes, so that
    importlib.metadata decides."""
    for entry in sys.path:
        try:
            found = os.scandir(entry or ".")
        except OSError:
            if os.path.isfile(entry):
                return True
            continue
        with found:
            for item in found:
                if not item.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(item.path, "entry_points.txt"), encoding="utf-8", errors="replace") as f:
                        if _SECTION.search(f.read()):
                            return True
                except OSError:
                    continue
    return False


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _results(hook_name: str) -> list[tuple[str, Any]]:
    """(plugin name, result) of every implementation of a hook, each call guarded so a
    failing plugin is named."""
    out = []
    for impl in getattr(manager().hook, hook_name).get_hookimpls():
        try:
            result = impl.function()
        except Exception as exc:
            why = f"{type(exc).__name__}: {_one_line(exc)}"
            raise PluginError(f"plugin {impl.plugin_name!r}: {hook_name}() failed: {why}") from None
        out.append((impl.plugin_name, result))
    return out


def _owner(plugin_name: str) -> str:
    return "tierlint" if plugin_name in BUILTIN else plugin_name


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Any]:
    """code → Rule, for every rule every plugin provides (hook ``tierlint_rules``)."""
    from dataclasses import replace

    from .rule import Rule

    rules: dict[str, Any] = {}
    for plugin_name, result in _results("tierlint_rules"):
        owner = _owner(plugin_name)
        for rule in result or []:
            if not isinstance(rule, Rule):
                raise PluginError(
                    f"plugin {owner!r}: tierlint_rules() returned {rule!r}, not a tierlint.rule.Rule"
                )
            if owner != "tierlint" and rule.plugin == "tierlint":
                rule = replace(rule, plugin=owner)
            taken = rules.get(rule.code)
            if taken is not None:
                raise PluginError(
                    f"plugin {owner!r}: rule code {rule.code} is already taken by {taken.plugin!r}"
                )
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


def formats() -> dict[str, Any]:
    """name → writer ``(report, stream) -> None`` (hook ``tierlint_formats``)."""
    out: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for plugin_name, result in _results("tierlint_formats"):
        owner = _owner(plugin_name)
        for name, writer in (result or {}).items():
            if name in owners and owners[name] != owner:
                raise PluginError(
                    f"plugin {owner!r}: format {name!r} is already taken by {owners[name]!r}"
                )
            if not callable(writer):
                raise PluginError(f"plugin {owner!r}: format {name!r} is not callable")
            owners[name] = owner
            out[name] = writer
    return out


def find_rule(code_or_name: str) -> Any | None:
    wanted = code_or_name.strip()
    for rule in all_rules().values():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    return None
