"""The content cache: a file's results, kept until anything that could change them does.

An entry's key is a SHA-256 over everything a result depends on: the file's bytes and the
path it is reported under, the effective configuration (with the contents of its rule
packs), the rules (tierlint's version, the plugins and their versions, the lexicons'
contents) and the state of the repository the rules consult (the ledger, the proof files,
the pages' names and slugs, bibliography and other data files). A hit costs one small
JSON read, and needs neither spaCy nor the Markdown parser, so an unchanged repository
re-checks in a blink.

Entries live in ``.tierlint_cache/`` at the repository root (or ``--cache-dir``), one file
each, written to a temporary file and renamed into place, so concurrent runs (pre-commit
starts several) never see half an entry and never lose one. A cache that cannot be read
or written degrades to no cache, with one warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .config import Config
from .diagnostics import Diagnostic

CACHE_DIR_NAME = ".tierlint_cache"
_FORMAT = 2  # bump when the entry layout changes


class Cache:
    """Content-keyed results. ``directory`` None: one cache per repository root."""

    def __init__(self, directory: Path | None, warn: Callable[[str], None], salt: str) -> None:
        self.directory = directory
        self.warn = warn
        self.salt = salt  # the rules' fingerprint: version, plugins, lexicons
        self.broken = False
        self._configs: dict[int, tuple[Config, str]] = {}

    def _fingerprint(self, config: Config) -> str:
        known = self._configs.get(id(config))
        if known is None or known[0] is not config:
            known = self._configs[id(config)] = (config, _config_fingerprint(config))
        return known[1]

    def _dir(self, config: Config) -> Path:
        return self.directory or config.root / CACHE_DIR_NAME

    def key(self, data: bytes, display: str, config: Config, project_state: str) -> str:
        digest = hashlib.sha256()
        for part in (self.salt, project_state, display, self._fingerprint(config)):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str, config: Config) -> dict[str, Any] | None:
        if self.broken:
            return None
        path = self._dir(config) / key[:2] / f"{key}.json"
        try:
            with path.open(encoding="utf-8") as handle:
                entry = json.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            self._fail(f"cannot read the cache entry {path.name} ({_reason(exc)})")
            return None
        if not isinstance(entry, dict) or entry.get("format") != _FORMAT:
            return None
        return entry.get("result")

    def put(self, key: str, config: Config, result: dict[str, Any]) -> None:
        if self.broken:
            return
        directory = self._dir(config) / key[:2]
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _ignore_marker(self._dir(config))
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({"format": _FORMAT, "result": result}, handle, ensure_ascii=False)
                os.replace(tmp, directory / f"{key}.json")
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError as exc:
            self._fail(f"cannot write to {self._dir(config)} ({_reason(exc)})")

    def _fail(self, message: str) -> None:
        if not self.broken:
            self.broken = True
            self.warn(f"cache disabled for this run: {message}")


def _ignore_marker(directory: Path) -> None:
    """A .gitignore inside the cache, like ruff's, so nobody commits it by accident."""
    marker = directory / ".gitignore"
    if not marker.exists():
        marker.write_text("# Automatically created by tierlint.\n*\n", encoding="utf-8")


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


def _config_fingerprint(config: Config) -> str:
    values = {f.name: getattr(config, f.name) for f in fields(config)}
    values["root"] = str(values["root"])
    values["source"] = str(values["source"])
    # the rule packs by content: editing a pack changes every key of its configuration
    values["packs"] = [[pack.path, pack.digest] for pack in config.packs]
    return json.dumps(values, sort_keys=True, default=list)


def rules_fingerprint(rules: dict[str, Any], plugin_versions: list[str], lexicons: Path) -> str:
    """tierlint's version, the rules and plugins, and the lexicons' contents."""
    digest = hashlib.sha256(f"{__version__}\0".encode())
    for code, rule in sorted(rules.items()):
        digest.update(f"{code}:{rule.plugin}:{rule.severity}\0".encode())
    for version in sorted(plugin_versions):
        digest.update(f"{version}\0".encode())
    for path in sorted(lexicons.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def result_to_json(result: Any) -> dict[str, Any]:
    """What ``check`` needs again: the diagnostics, the count of claims, and the claims a
    diagnostic lies on (baselines match findings by their claim's text)."""
    from .engine import held_claims

    held = result.claims if result.claim_count is not None else held_claims(result)
    return {
        "path": result.path,
        "diagnostics": [asdict(d) for d in result.diagnostics],
        "claims": [c.to_json() for c in held],
        "claim_count": result.n_claims,
        "skipped": result.skipped,
        "root_path": result.root_path,
        "lines": {str(k): v for k, v in result.lines.items()},
    }


def result_from_json(data: dict[str, Any], file: Path) -> Any:
    from .engine import ClaimRecord, FileResult

    return FileResult(
        path=data["path"],
        diagnostics=[Diagnostic(**d) for d in data["diagnostics"]],
        claims=[ClaimRecord(**c) for c in data["claims"]],
        skipped=data["skipped"],
        claim_count=data["claim_count"],
        file=file,
        root_path=data["root_path"],
        lines={int(k): v for k, v in data["lines"].items()},
    )
