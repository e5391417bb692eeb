"""The built-in formats of ``tierlint check --format``, one module each, registered here
through the ``tierlint_formats`` hook like any plugin's."""

from __future__ import annotations

from ..hookspecs import hookimpl
from .full import format_full
from .github import format_github
from .json import format_json
from .junit import format_junit
from .sarif import format_sarif
from .text import format_text


@hookimpl
def tierlint_formats():
    return {
        "text": format_text,
        "full": format_full,
        "json": format_json,
        "sarif": format_sarif,
        "github": format_github,
        "junit": format_junit,
    }
