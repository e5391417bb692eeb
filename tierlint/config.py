"""Configuration: discovery, reading and validation (SPEC §4).

``.tierlint.yaml`` or ``[tool.tierlint]`` in ``pyproject.toml`` (the YAML file wins when a
directory holds both). Discovery walks up from the linted path to the first directory that
holds either, else stops at the git root. Every error names the file and the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .packs import RulePack

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
YAML_NAME = ".tierlint.yaml"
TOML_NAME = "pyproject.toml"


class ConfigError(Exception):
    """An invalid configuration: the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    root: Path  # the repository root: paths in the config are relative to it
    source: Path | None = None  # the file it was read from
    select: tuple[str, ...] | None = None  # None: every rule that is on by default
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "warning"
    include: tuple[str, ...] = ("**/*.md", "**/*.markdown")
    exclude: tuple[str, ...] = ()
    proof_extensions: tuple[str, ...] = (".fk",)
    proof_roots: tuple[str, ...] = (".",)
    proof_ledger: str = "lens-proofs.yaml"
    concept_prefixes: tuple[str, ...] = ()
    rule_packs: tuple[str, ...] = ()  # as written in the config
    packs: tuple["RulePack", ...] = ()  # the rule packs, read and checked

    def with_overrides(self, **overrides: Any) -> "Config":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


_LIST_KEYS = {
    "select",
    "ignore",
    "include",
    "exclude",
    "proof_extensions",
    "proof_roots",
    "concept_prefixes",
    "rule_packs",
}
_KEYS = _LIST_KEYS | {"severity", "fail_on", "proof_ledger"}


def find_config_file(start: Path) -> tuple[Path | None, Path]:
    """(config file or None, root) for a path: the first directory up from ``start`` with a
    config; else no file and the git root (else ``start``'s directory)."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    git_root = None
    for directory in (here, *here.parents):
        yaml_file = directory / YAML_NAME
        if yaml_file.is_file():
            return yaml_file, directory
        toml_file = directory / TOML_NAME
        if toml_file.is_file() and _toml_table(toml_file) is not None:
            return toml_file, directory
        if (directory / ".git").exists():
            git_root = directory
            break
    return None, git_root or here


def load_config(path: Path | None, root: Path) -> Config:
    """Read and validate a config file (``None``: the defaults, rooted at ``root``)."""
    if path is None:
        return Config(root=root)
    if path.name == TOML_NAME or path.suffix == ".toml":
        data = _toml_table(path)
        if data is None:
            data = {}
    else:
        data = _read_yaml(path)
    return _validate(data, path, root)


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({_reason(exc)})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}{where}: invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys")
    return data


def _toml_table(path: Path) -> dict[str, Any] | None:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({_reason(exc)})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("tierlint")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.tierlint] must be a table")
    return table


def _validate(data: dict[str, Any], path: Path, root: Path) -> Config:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{path}: unknown key {key!r} (known keys: {known})")
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: key {key!r} must be a list of strings")
            values[key] = tuple(value)
        elif key == "fail_on":
            if value not in SEVERITIES:
                raise ConfigError(
                    f"{path}: key 'fail_on' must be one of error, warning, info (got {value!r})"
                )
            values[key] = value
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: key 'severity' must map rule codes to a severity")
            for code, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(
                        f"{path}: key 'severity.{code}' must be error, warning or info"
                        f" (got {level!r})"
                    )
            values[key] = {str(k): v for k, v in value.items()}
        elif key == "proof_ledger":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{path}: key 'proof_ledger' must be a file name")
            values[key] = value
    for ext in values.get("proof_extensions", ()):
        if not ext.startswith("."):
            raise ConfigError(f"{path}: key 'proof_extensions': {ext!r} must start with '.'")
    if values.get("rule_packs"):
        values["packs"] = _read_packs(values["rule_packs"], path, root)
    return Config(root=root, source=path, **values)


def _read_packs(names: tuple[str, ...], path: Path, root: Path) -> tuple["RulePack", ...]:
    """The rule packs a config names, read and checked (docs/rule-packs.md). A name is a
    path relative to the root that stays inside the repository: not absolute, no '..', no
    symbolic link that leads out. A pack that is missing or malformed raises LexiconError,
    naming the pack file."""
    from .packs import MAX_PACKS, check_pack_sizes, read_pack

    if len(names) > MAX_PACKS:
        raise ConfigError(f"{path}: key 'rule_packs' names more than {MAX_PACKS} rule packs")
    packs = []
    real_root = root.resolve()
    for name in names:
        pure = Path(name)
        if (
            not name.strip()
            or pure.is_absolute()
            or pure.drive
            or name.startswith(("/", "\\", "~"))
            or ".." in pure.parts
            or ".." in name.replace("\\", "/").split("/")
            or "\0" in name
        ):
            raise ConfigError(
                f"{path}: key 'rule_packs': {name!r} must be a path relative to the repository"
                " root, inside it (no '..', not absolute)"
            )
        try:
            real = (root / pure).resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop
            real = None
        if real is None or not real.is_relative_to(real_root):
            raise ConfigError(
                f"{path}: key 'rule_packs': {name!r} leads outside the repository"
                " (a symbolic link out of it)"
            )
        pack = read_pack(real)
        if pack not in packs:
            packs.append(pack)
    problem = check_pack_sizes(tuple(packs))
    if problem:
        raise ConfigError(f"{path}: key 'rule_packs': {problem}")
    return tuple(packs)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


class ConfigResolver:
    """The config that governs each linted file (nearest config wins), read once per
    directory. ``explicit`` (``--config``) governs every file when given."""

    def __init__(
        self,
        explicit: Path | None = None,
        overrides: dict[str, Any] | None = None,
        extra_ignore: tuple[str, ...] = (),
    ):
        self.overrides = overrides or {}
        self.extra_ignore = extra_ignore
        self._by_file: dict[Path, Config] = {}
        self._by_dir: dict[Path, Config] = {}  # a directory's files share its config
        self._explicit: Config | None = None
        if explicit is not None:
            if not explicit.is_file():
                raise ConfigError(f"{explicit}: config file not found")
            self._explicit = self._adjust(load_config(explicit, explicit.resolve().parent))

    def for_path(self, path: Path) -> Config:
        if self._explicit is not None:
            return self._explicit
        directory = path if path.is_dir() else path.parent
        config = self._by_dir.get(directory)
        if config is None:
            source, root = find_config_file(path)
            key = source or root
            config = self._by_file.get(key)
            if config is None:
                config = self._by_file[key] = self._adjust(load_config(source, root))
            self._by_dir[directory] = config
        return config

    def _adjust(self, config: Config) -> Config:
        config = config.with_overrides(**self.overrides)
        if self.extra_ignore:
            config = replace(config, ignore=config.ignore + self.extra_ignore)
        return config


def relative_to_root(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` with forward slashes, or None when outside it."""
    try:
        rel = os.path.relpath(path.resolve(), root)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
        return None
    if rel == ".." or rel.startswith(".." + os.sep):
        return None
    return rel.replace(os.sep, "/")
