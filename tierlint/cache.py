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
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .config import Config
from .diagnostics import Diagnostic

CACHE_DIR_NAME = ".tierlint_cache"
_FORMAT = 3  # bump when the entry layout changes


class Cache:
    """Content-keyed results. ``directory`` None: one cache per repository root."""

    def __init__(self, directory: Path | None, warn: Callable[[str], None], salt: str) -> None:
        self.directory = directory
        self.warn = warn
        self.salt = salt  # the rules' fingerprint: version, plugins, lexicons
        self.broken = False
        self._configs: dict[int, tuple[Config, str, Path]] = {}  # id → (config, fingerprint, dir)
        self._manifests: dict[Path, Manifest] = {}

    def _known(self, config: Config) -> tuple[Config, str, Path]:
        """What this cache works out once per configuration: its fingerprint and directory."""
        known = self._configs.get(id(config))
        if known is None or known[0] is not config:
            directory = self.directory or config.root / CACHE_DIR_NAME
            known = self._configs[id(config)] = (config, _config_fingerprint(config), directory)
        return known

    def _fingerprint(self, config: Config) -> str:
        return self._known(config)[1]

    def _dir(self, config: Config) -> Path:
        return self._known(config)[2]

    def key(self, content: str, display: str, config: Config, project_state: str) -> str:
        """The entry key of a file whose bytes have the digest ``content``
        (``content_digest``), reported under ``display``."""
        digest = hashlib.sha256()
        for part in (self.salt, project_state, display, self._fingerprint(config), content):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def manifest(self, config: Config) -> "Manifest":
        """The manifest of the cache directory ``config`` uses (one per directory)."""
        directory = self._dir(config)
        found = self._manifests.get(directory)
        if found is None:
            found = self._manifests[directory] = Manifest(directory, self.salt)
        return found

    def save_manifests(self) -> None:
        """Write the manifests this run changed (a failure only costs the next run time)."""
        if self.broken:
            return
        for manifest in self._manifests.values():
            manifest.save()

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
            _write_atomically(directory / f"{key}.json", {"format": _FORMAT, "result": result})
        except OSError as exc:
            self._fail(f"cannot write to {self._dir(config)} ({_reason(exc)})")

    def _fail(self, message: str) -> None:
        if not self.broken:
            self.broken = True
            self.warn(f"cache disabled for this run: {message}")


def _write_atomically(path: Path, data: Any, **dump: Any) -> None:
    """``data`` as JSON in ``path``, through a temporary file renamed into place, so that a
    concurrent reader sees the old file or the new one, never half of one. Raises OSError."""
    import tempfile  # only a run that writes needs it

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, **dump)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Manifest:
    """What a large run needs to re-check an unchanged repository without reading its
    pages or one entry file per page: per file, its stat signature (size, times, inode) and
    content digest as last read, and the results of the keys those files last had.

    It only speeds the content cache up; it never decides alone. A file is trusted by its
    signature only when it was last modified at least ``_SETTLED_NS`` before it was read (a
    write within the file system's time resolution after the read could otherwise keep the
    signature: git's "racy clean" problem), and the key is still computed from the content
    digest, the configuration and the repository state, so any other change is a miss. It is
    one JSON file, replaced atomically; when concurrent runs both write it, the last one
    wins and the other's files are read again next time, their entries still in the cache.
    """

    NAME = "manifest.json"

    def __init__(self, directory: Path, salt: str) -> None:
        self.path = directory / self.NAME
        self.salt = salt
        self.files: dict[str, list[Any]] = {}  # path → [size, mtime_ns, ctime_ns, ino, digest, key]
        self.results: dict[str, dict[str, Any]] = {}  # key → result
        self.changed = False
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            if isinstance(data, dict) and data.get("format") == _FORMAT and data.get("salt") == salt:
                self.files = data["files"]
                self.results = data["results"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # no manifest yet, or one this version cannot use: start afresh

    @staticmethod
    def signature(st: os.stat_result) -> list[int]:
        return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]

    def digest(self, path: str, st: os.stat_result) -> str | None:
        """The content digest recorded for ``path`` when its signature is unchanged."""
        known = self.files.get(path)
        if known is not None and known[:4] == self.signature(st):
            return known[4]
        return None

    def result(self, key: str) -> dict[str, Any] | None:
        return self.results.get(key)

    def note(
        self,
        path: str,
        st: os.stat_result,
        read_ns: int,
        digest: str,
        key: str,
        result: dict[str, Any],
    ) -> None:
        """Record a file read at ``read_ns`` (``time.time_ns()`` before reading) and its result."""
        if read_ns - st.st_mtime_ns < _SETTLED_NS:
            if self.files.pop(path, None) is not None:
                self.changed = True
            return
        entry = [*self.signature(st), digest, key]
        if self.files.get(path) != entry:
            self.files[path] = entry
            self.changed = True
        if key not in self.results:
            self.results[key] = result
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        live = {entry[5] for entry in self.files.values()}
        results = {k: v for k, v in self.results.items() if k in live}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_marker(self.path.parent)
            data = {"format": _FORMAT, "salt": self.salt, "files": self.files, "results": results}
            _write_atomically(self.path, data, separators=(",", ":"))
        except OSError:
            pass  # the manifest only saves time; the entries themselves are written
        self.changed = False


_SETTLED_NS = 2_000_000_000  # modified this recently before being read: not trusted by stat


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
    diagnostic lies on (baselines match findings by their claim's text). Diagnostics and
    claims are rows of their fields' values, without the path (the result's own): half the
    bytes of a mapping each, which is most of what a fully cached run reads."""
    from .engine import held_claims

    held = result.claims if result.claim_count is not None else held_claims(result)
    return {
        "path": result.path,
        "diagnostics": [_row(d) for d in result.diagnostics],
        "claims": [_row(c) for c in held],
        "claim_count": result.n_claims,
        "skipped": result.skipped,
        "root_path": result.root_path,
        "lines": {str(k): v for k, v in result.lines.items()},
    }


def _row(record: Any) -> list[Any]:
    return [getattr(record, name) for name in _fields_after_path(type(record))]


def _fields_after_path(cls: type) -> tuple[str, ...]:
    """The fields of a Diagnostic or ClaimRecord after ``path``, their first field: a row
    rebuilds the record positionally, ``cls(path, *row)``."""
    names = _FIELDS.get(cls)
    if names is None:
        all_names = [f.name for f in fields(cls)]
        assert all_names[0] == "path", cls
        names = _FIELDS[cls] = tuple(all_names[1:])
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}


def result_from_json(data: dict[str, Any], file: Path) -> Any:
    from .engine import ClaimRecord, FileResult

    path = data["path"]
    return FileResult(
        path=path,
        diagnostics=[Diagnostic(path, *row) for row in data["diagnostics"]],
        claims=[ClaimRecord(path, *row) for row in data["claims"]],
        skipped=data["skipped"],
        claim_count=data["claim_count"],
        file=file,
        root_path=data["root_path"],
        lines={int(k): v for k, v in data["lines"].items()},
    )
