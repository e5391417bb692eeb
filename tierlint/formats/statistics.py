"""``check --statistics``: how many findings each rule reported, most frequent first."""

from __future__ import annotations

from collections import Counter
from typing import Any, TextIO


def write_statistics(report: Any, out: TextIO) -> None:
    counts = Counter((d.code, d.name) for d in report.diagnostics)
    if not counts:
        return
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = len(str(rows[0][1]))
    code_width = max(len(code) for (code, _), _ in rows)
    for (code, name), count in rows:
        out.write(f"{count:>{width}}  {code:<{code_width}}  {name}\n")
