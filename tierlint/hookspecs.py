"""The pluggy hook specifications: every extension point of tierlint.

Built-in rules and output formats use these same hooks. External plugins are packages
that declare an entry point in the group ``tierlint``; they are imported only when a
command needs rules or formats.
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
    """Return output formats: name → callable ``(report, stream) -> None``."""


@hookspec(firstresult=True)
def tierlint_proof_state(name: str, path: Any, ledger_entry: Any, project: Any) -> Any:
    """Decide a lens proof's state (a :class:`tierlint.proofs.ProofState`), or return None
    to leave it to the next resolver; the ledger resolver is the last one asked."""


@hookspec
def tierlint_lexicon_packs() -> list[Any]:
    """Return paths of extra YAML lexicons (the ``rules/`` format) this plugin ships."""
