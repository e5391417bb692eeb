"""Where the shipped YAML lexicons live, and how they are read.

The lexicons are data in the top-level ``rules/`` folder of the source tree. A built wheel
carries them as ``tierlint/_rules/``; an editable install or a checkout reads them from
``rules/`` beside the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent


def rules_dir() -> Path:
    """The folder holding the shipped lexicons (``*.yaml``)."""
    shipped = _PACKAGE_DIR / "_rules"
    if shipped.is_dir():
        return shipped
    return _PACKAGE_DIR.parent / "rules"


class LexiconError(ValueError):
    """A lexicon file is missing or malformed."""


@lru_cache(maxsize=None)
def load_lexicon(name: str) -> dict[str, Any]:
    """Read ``rules/<name>.yaml`` with ``yaml.safe_load`` (cached per process)."""
    path = rules_dir() / f"{name}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc.strerror})") from None
    try:
        # the C loader when PyYAML has it: the same safe subset of YAML, ten times faster
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: invalid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: a lexicon is a mapping at top level")
    return data
