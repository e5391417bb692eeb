"""``text``: one line a finding, ``path:line:col: CODE message``, then a summary line."""

from __future__ import annotations

from typing import Any, TextIO


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(report: Any) -> str:
    s = report.summary()
    found = s["errors"] + s["warnings"] + s["infos"]
    if not found:
        return f"All clear: {_plural(s['files'], 'file')}, {_plural(s['claims'], 'claim')}."
    return (
        f"Found {_plural(found, 'problem')} ({_plural(s['errors'], 'error')},"
        f" {_plural(s['warnings'], 'warning')}, {_plural(s['infos'], 'info')})"
        f" in {_plural(s['files'], 'file')}."
    )


def format_text(report: Any, out: TextIO) -> None:
    for d in report.diagnostics:
        out.write(f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}\n")
    out.write(summary_line(report) + "\n")
