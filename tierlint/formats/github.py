"""``github``: GitHub Actions workflow commands, so findings show as annotations on a pull
request: ``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE name::message``.

Severities map to ``error``, ``warning`` and ``notice``. Values are escaped as the Actions
toolkit does: ``%``, CR and LF in the message; those and ``:`` and ``,`` in properties.
GitHub refuses columns on an annotation that spans lines, so those get lines only.
"""

from __future__ import annotations

from typing import Any, TextIO

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Any) -> str:
    props = [("file", d.path.replace("\\", "/")), ("line", d.line)]
    if d.line == d.end_line:
        props += [("col", d.column), ("endLine", d.end_line), ("endColumn", d.end_column)]
    else:
        props += [("endLine", d.end_line)]
    props.append(("title", f"{d.code} {d.name}"))
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in props)
    return f"::{COMMANDS.get(d.severity, 'warning')} {fields}::{escape_data(d.message)}"


def format_github(report: Any, out: TextIO) -> None:
    for d in report.diagnostics:
        out.write(annotation(d) + "\n")
