"""The pluggy hook specifications: every extension point of tierlint.

Built-in rules and output formats use these same hooks. External plugins are packages
that declare an entry point in the group ``tierlint``; they are imported only when a
command needs rules, formats or a proof's state. Every hook declared here is called by
tierlint (``plugins.all_rules``, ``plugins.formats``, ``proofs.Proofs.state``); a plugin that
implements a hook not declared here is refused when plugins load. How to write one:
``docs/writing-a-plugin.md``.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("tierlint")
hookimpl = pluggy.HookimplMarker("tierlint")


@hookspec
def tierlint_rules() -> list[Any]:
    """Return the :class:`tierlint.rule.Rule` objects this plugin provides."""


@hookspec
def tierlint_formats() -> dict[str, Any]:
    """Return output formats: name → callable ``(report, stream) -> None``, where ``report``
    is a :class:`tierlint.engine.Report`; ``tierlint check --format NAME`` picks one."""


@hookspec(firstresult=True)
def tierlint_proof_state(name: str, path: Any, ledger_entry: Any, project: Any) -> Any:
    """Decide a lens proof's state (a :class:`tierlint.proofs.ProofState`), or return None
    to leave it to the next resolver; the built-in ledger resolver is the last one asked.

    ``name`` is the proof as the page names it, ``path`` the file found under the proof
    roots (a :class:`pathlib.Path`; a proof with no file is ``missing`` before any resolver
    is asked), ``ledger_entry`` its entry in the proof ledger (usually a mapping with
    ``band``, ``sha256``, ``mode``) or None, and ``project`` the repository's
    :class:`tierlint.proofs.Proofs` (``.root``, ``.config``, ``.ledger``). Called once per
    proof name and repository in a run."""

