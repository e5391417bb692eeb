"""``json``: the findings and a summary as one JSON document (SPEC §5, keys exactly as there)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from .. import __version__


def format_json(report: Any, out: TextIO) -> None:
    payload = {
        "tierlint": __version__,
        "diagnostics": [d.to_json() for d in report.diagnostics],
        "summary": report.summary(),
    }
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")


format_json.document = True
