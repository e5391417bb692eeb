"""The built-in formats of ``tierlint check``: text and json."""

from __future__ import annotations

import json
from typing import Any, TextIO

from .. import __version__
from ..hookspecs import hookimpl


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_text(report: Any, out: TextIO) -> None:
    """``path:line:col: CODE message``, one line a finding, then a summary line."""
    for d in report.diagnostics:
        out.write(f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}\n")
    s = report.summary()
    found = s["errors"] + s["warnings"] + s["infos"]
    if found:
        out.write(
            f"Found {_plural(found, 'problem')} ({_plural(s['errors'], 'error')},"
            f" {_plural(s['warnings'], 'warning')}, {_plural(s['infos'], 'info')})"
            f" in {_plural(s['files'], 'file')}.\n"
        )
    else:
        out.write(f"All clear: {_plural(s['files'], 'file')}, {_plural(s['claims'], 'claim')}.\n")


def format_json(report: Any, out: TextIO) -> None:
    payload = {
        "tierlint": __version__,
        "diagnostics": [d.to_json() for d in report.diagnostics],
        "summary": report.summary(),
    }
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")


@hookimpl
def tierlint_formats():
    return {"text": format_text, "json": format_json}
