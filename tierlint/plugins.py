"""The plugin manager: built-in checks and formats, then entry-point plugins."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pluggy

from . import hookspecs

BUILTIN = (
    "tierlint.checks.tiering",
    "tierlint.checks.proofs",
    "tierlint.checks.citations",
    "tierlint.checks.clinical",
    "tierlint.checks.concepts",
    "tierlint.formats.builtin",
)


@lru_cache(maxsize=1)
def manager() -> pluggy.PluginManager:
    import importlib

    pm = pluggy.PluginManager("tierlint")
    pm.add_hookspecs(hookspecs)
    for name in BUILTIN:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints("tierlint")
    return pm


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Any]:
    """code → Rule, for every rule every plugin provides."""
    rules: dict[str, Any] = {}
    pm = manager()
    for impl in pm.hook.tierlint_rules.get_hookimpls():
        for rule in impl.function() or []:
            if impl.plugin_name not in BUILTIN and rule.plugin == "tierlint":
                rule = _renamed(rule, impl.plugin_name)
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


def _renamed(rule: Any, plugin: str) -> Any:
    from dataclasses import replace

    return replace(rule, plugin=plugin)


def formats() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for result in manager().hook.tierlint_formats():
        out.update(result or {})
    return out


def find_rule(code_or_name: str) -> Any | None:
    wanted = code_or_name.strip()
    for rule in all_rules().values():
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    return None
