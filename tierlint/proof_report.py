"""The table behind `tierlint proofs`: every proof the pages name, its state, its pages."""

from __future__ import annotations

from typing import Any

from .files import Unreadable, read_text
from .page import parse_page
from .proofs import find_refs


def proof_table(linter: Any, paths: list[str]) -> list[dict[str, Any]]:
    """One row a proof name: state, band, mode, reason and the pages that name it.
    Reads pages without spaCy: proof references need no claims."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for display, path, config in linter.collect(paths):
        try:
            page = parse_page(read_text(path), display)
        except Unreadable:
            continue
        proofs = linter.project(config).proofs
        for block in page.blocks:
            if block.kind not in ("paragraph", "table_row"):
                continue
            refs = find_refs(page.text, page.masked, block.codes, config.proof_extensions, block.start, block.end)
            for ref in refs:
                state = proofs.state(ref.name)
                row = rows.setdefault(
                    (str(config.root), ref.name),
                    {
                        "name": ref.name,
                        "state": state.state,
                        "band": state.band,
                        "mode": state.mode,
                        "reason": state.reason,
                        "pages": [],
                    },
                )
                if display not in row["pages"]:
                    row["pages"].append(display)
    return sorted(rows.values(), key=lambda r: r["name"])
