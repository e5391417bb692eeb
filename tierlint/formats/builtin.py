"""The built-in formats of ``tierlint check --format``, one module each, registered here
through the ``tierlint_formats`` hook like any plugin's. Each module is imported when its
format is used, so a run that prints text never loads the SARIF or JUnit writers."""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

from ..hookspecs import hookimpl

# name → (module, function, whether its output is one parseable document: see __init__)
_FORMATS = {
    "text": ("text", "format_text", False),
    "full": ("full", "format_full", False),
    "json": ("json", "format_json", True),
    "sarif": ("sarif", "format_sarif", True),
    "github": ("github", "format_github", False),
    "junit": ("junit", "format_junit", True),
}


def _writer(module: str, function: str, document: bool) -> Callable[..., Any]:
    def write(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(f"{__package__}.{module}"), function)(*args, **kwargs)

    write.__name__ = function
    write.__doc__ = f"``tierlint.formats.{module}.{function}``, imported on first use."
    write.document = document  # type: ignore[attr-defined]
    return write


@hookimpl
def tierlint_formats():
    return {name: _writer(*spec) for name, spec in _FORMATS.items()}
