"""Linting many files in several processes.

The pipeline is built in the parent before the workers start, so on platforms that fork
(Linux, macOS with the ``fork`` start method) every worker inherits it warm instead of
paying spaCy's start-up again. Files go out in contiguous chunks and come back in order,
so the output never depends on the number of processes.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

_LINTER: Any = None  # the parent's Linter, inherited by forked workers


def _lint_chunk(chunk: list[tuple[str, Path, Any, bytes | None]]) -> list[Any]:
    return [_LINTER.lint_data(*work) for work in chunk]


def lint_in_processes(
    linter: Any, targets: list[tuple[str, Path, Any, bytes | None]], workers: int
) -> list[Any]:
    """Lint (display, path, config, bytes or None) targets in ``workers`` processes."""
    global _LINTER
    if "fork" not in multiprocessing.get_all_start_methods():
        return [linter.lint_data(*t) for t in targets]
    from .nlp import _anchors, pipeline

    for packs in dict.fromkeys(t[2].packs for t in targets):
        pipeline(packs)  # warm, before forking: one pipeline per set of rule packs
        _anchors(packs)  # and the words a claim needs to be worth tokenizing
    # The first file is linted here, before forking: it also builds what is built on first
    # use (the matchers of the lexicons, the citation patterns, the Markdown parser, the
    # rules' modules), which every worker then inherits instead of building it again.
    first = linter.lint_data(*targets[0])
    rest = targets[1:]
    if not rest:
        return [first]
    _LINTER = linter
    import gc

    # what the workers inherit stays put: the collector will not walk (and so copy) it
    gc.freeze()
    size = max(1, -(-len(rest) // (workers * 4)))
    chunks = [rest[i : i + size] for i in range(0, len(rest), size)]
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(workers) as pool:
            results = pool.map(_lint_chunk, chunks)
    finally:
        _LINTER = None
        gc.unfreeze()
    return [first] + [r for chunk in results for r in chunk]
