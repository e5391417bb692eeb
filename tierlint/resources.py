"""Where the shipped YAML lexicons live, and how they are read.

The lexicons are data in the top-level ``rules/`` folder of the source tree. A built wheel
carries them as ``tierlint/_rules/``; an editable install or a checkout reads them from
``rules/`` beside the package.

A config's rule packs (``tierlint.packs``, docs/rule-packs.md) add entries to them:
:func:`load_lexicon` merges the shipped lexicon with the packs it is given, lists
appended and mappings of lists merged. Without packs nothing of that runs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from .packs import RulePack

    Packs = tuple[RulePack, ...]
else:
    Packs = tuple  # a tuple of tierlint.packs.RulePack: it keys what is built from them

_PACKAGE_DIR = Path(__file__).resolve().parent


def rules_dir() -> Path:
    """The folder holding the shipped lexicons (``*.yaml``)."""
    shipped = _PACKAGE_DIR / "_rules"
    if shipped.is_dir():
        return shipped
    return _PACKAGE_DIR.parent / "rules"


class LexiconError(ValueError):
    """A lexicon file or a rule pack is missing or malformed (the message names the file)."""


def load_lexicon(name: str, packs: Packs = ()) -> dict[str, Any]:
    """``rules/<name>.yaml`` read with ``yaml.safe_load`` (cached per process), with the
    entries of the rule packs ``packs`` added (cached per lexicon and set of packs). The
    result is shared: do not modify it."""
    if not packs:
        return _shipped(name)
    return _merged(name, packs)


@lru_cache(maxsize=None)
def _shipped(name: str) -> dict[str, Any]:
    path = rules_dir() / f"{name}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc.strerror})") from None
    import yaml  # here, not at the top: a cached run needs the lexicons' paths, not YAML

    try:
        # the C loader when PyYAML has it: the same safe subset of YAML, ten times faster
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: invalid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: a lexicon is a mapping at top level")
    return data


@lru_cache(maxsize=64)
def _merged(name: str, packs: Packs) -> dict[str, Any]:
    data = _shipped(name)
    for pack in packs:
        extra = pack.data.get(name)
        if extra:
            data = _merge(data, extra)
    return data


def _merge(base: Any, extra: Any) -> Any:
    """``base`` with ``extra`` added: lists appended, mappings merged key by key (new
    objects; ``base`` is shared and never changed). Packs hold no scalars to merge
    (``tierlint.packs`` checks their shapes)."""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(extra, list):
        return base + extra
    return extra


def word_list(data: dict[str, Any], key: str, where: str) -> list[str]:
    """The non-empty list of words or phrases ``data[key]`` of a lexicon, stripped, without
    repeats, longest first (so that an alternation prefers the longer phrase)."""
    found = data.get(key)
    if not found or not isinstance(found, list) or not all(isinstance(w, str) and w.strip() for w in found):
        raise LexiconError(f"{where}: '{key}' must be a non-empty list of words")
    return sorted({w.strip() for w in found}, key=len, reverse=True)


def alternation(phrases: list[str]) -> str:
    """A regex alternation of ``phrases``, each escaped, its words separated by any white
    space; a pack's phrases are words, never regular expressions."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)


# A spaCy component's config names a set of packs by a key, not the packs themselves.
_PACK_SETS: dict[str, Packs] = {}


def pack_set_key(packs: Packs) -> str:
    """A short name for a set of packs; :func:`pack_set` gives the packs back. "" names no
    packs."""
    if not packs:
        return ""
    import hashlib

    digest = hashlib.sha256()
    for pack in packs:
        digest.update(f"{pack.path}\0{pack.digest}\0".encode("utf-8", "surrogatepass"))
    key = digest.hexdigest()
    if key not in _PACK_SETS:
        while len(_PACK_SETS) >= 64:  # a language server sees many pack edits
            del _PACK_SETS[next(iter(_PACK_SETS))]
        _PACK_SETS[key] = packs
    return key


def pack_set(key: str) -> Packs:
    if not key:
        return ()
    try:
        return _PACK_SETS[key]
    except KeyError:
        raise LexiconError(f"unknown set of rule packs {key!r}") from None
