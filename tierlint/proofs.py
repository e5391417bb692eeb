"""Lens proofs: references on a page, files under the proof roots, results in the ledger.

A proof passes when its file exists under a proof root, its ledger band is a non-empty
string of ones, and, where the ledger gives a ``sha256``, the file still has that digest
(SPEC §3). Nothing outside the repository is ever read: a reference with ``..`` or an
absolute path is refused, and a file whose real path (symlinks resolved) leaves the
repository is treated as missing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .config import Config, relative_to_root
from .files import walk

PASSING, FAILING, STALE, UNRECORDED, MISSING = (
    "passing",
    "failing",
    "stale",
    "unrecorded",
    "missing",
)


@dataclass(frozen=True, slots=True)
class ProofState:
    name: str
    state: str  # passing | failing | stale | unrecorded | missing
    reason: str  # one sentence: why, and what would fix it
    band: str | None = None
    mode: str | None = None
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class ProofRef:
    """A proof named on a page: ``name`` as written, its span, and a band quoted beside it."""

    name: str
    start: int
    end: int
    band: str | None = None
    band_start: int = 0
    band_end: int = 0


_BAND_NEAR = re.compile(r"[^.;\n]{0,40}?\bband\s*[:=]?\s*[\"'`]?([0-9]+)\b", re.I)


def find_refs(
    text: str,
    masked: str,
    codes: list[Any],
    extensions: tuple[str, ...],
    base: int,
    end: int,
) -> list[ProofRef]:
    """Proof references inside ``[base, end)`` of a page: code spans naming a file with a
    proof extension, and the same names written as plain words."""
    refs = []
    words = _plain_name_pattern(extensions)
    for code in codes:
        name = code.text.strip()
        if (
            base <= code.start < end
            and name.endswith(extensions)
            and not any(c.isspace() for c in name)
            and name not in extensions
            and "*" not in name
        ):
            refs.append(_with_band(name, code.start, code.end, masked))
    # the pattern opens on any word character: look for it only where an extension occurs
    if any(masked.find(ext, base, end) >= 0 for ext in extensions):
        for m in words.finditer(masked, base, end):
            refs.append(_with_band(m.group(), m.start(), m.end(), masked))
    refs.sort(key=lambda r: r.start)
    return refs


def _with_band(name: str, start: int, end: int, masked: str) -> ProofRef:
    m = _BAND_NEAR.match(masked, end)
    if m:
        return ProofRef(name, start, end, m.group(1), m.start(1), m.end(1))
    return ProofRef(name, start, end)


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _plain_name_pattern(extensions: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _PATTERNS.get(extensions)
    if pattern is None:
        exts = "|".join(re.escape(e) for e in extensions)
        pattern = re.compile(rf"(?<![\w/.-])[\w][\w./-]*(?:{exts})(?![\w-])")
        _PATTERNS[extensions] = pattern
    return pattern


class Ledger:
    """The proof ledger of a repository, read once (``yaml.safe_load`` only)."""

    def __init__(self, config: Config) -> None:
        self.path = config.root / config.proof_ledger
        self.error: str | None = None
        self.entries: dict[str, Any] = {}
        rel = relative_to_root(self.path, config.root)
        if rel is None:
            self.error = f"the ledger {config.proof_ledger!r} is outside the repository"
            return
        if not self.path.is_file():
            return
        import yaml

        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            self.error = f"the ledger {config.proof_ledger} cannot be read ({exc})"
            return
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            self.error = f"the ledger {config.proof_ledger} is not valid YAML{where}"
            return
        if data is None:
            return
        if not isinstance(data, dict):
            self.error = (
                f"the ledger {config.proof_ledger} must map proof names to results"
            )
            return
        self.entries = {str(k): v for k, v in data.items()}

    def entry(self, name: str, rel: str | None) -> Any:
        for key in (name, rel, Path(name).name):
            if key is not None and key in self.entries:
                return self.entries[key]
        return None


class Proofs:
    """Resolves proof references of one repository, each once."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root.resolve()
        self._states: dict[str, ProofState] = {}

    @cached_property
    def ledger(self) -> Ledger:
        return Ledger(self.config)

    @cached_property
    def index(self) -> dict[str, list[Path]]:
        """file name → files with that name under the proof roots (inside the repo)."""
        found: dict[str, list[Path]] = {}
        for root_name in self.config.proof_roots:
            directory = (self.root / root_name).resolve()
            if relative_to_root(directory, self.root) is None or not directory.is_dir():
                continue
            for path in walk(directory):
                if path.name.endswith(self.config.proof_extensions) and self._inside(
                    path
                ):
                    found.setdefault(path.name, []).append(path)
        return found

    def _inside(self, path: Path) -> bool:
        return relative_to_root(path.resolve(), self.root) is not None

    def state(self, name: str) -> ProofState:
        state = self._states.get(name)
        if state is None:
            state = self._states[name] = self._resolve(name)
        return state

    def _resolve(self, name: str) -> ProofState:
        path, problem = self._locate(name)
        if path is None:
            return ProofState(name, MISSING, problem)
        from .plugins import manager

        entry = self.ledger.entry(name, relative_to_root(path, self.root))
        state = manager().hook.tierlint_proof_state(
            name=name, path=path, ledger_entry=entry, project=self
        )
        return state

    def _locate(self, name: str) -> tuple[Path | None, str]:
        if (
            name.startswith(("/", "\\"))
            or re.match(r"^[A-Za-z]:", name)
            or ".." in Path(name).parts
        ):
            return (
                None,
                f"{name!r} points outside the repository; name the proof by its file name",
            )
        if "/" in name:
            path = self.root / name
            if path.is_file() and self._inside(path) and self._under_proof_root(path):
                return path, ""
            return None, f"no file {name!r} under the proof roots ({self._roots()})"
        candidates = self.index.get(name, [])
        if not candidates:
            return (
                None,
                f"no file named {name!r} under the proof roots ({self._roots()})",
            )
        return sorted(candidates)[0], ""

    def _under_proof_root(self, path: Path) -> bool:
        real = path.resolve()
        for root_name in self.config.proof_roots:
            if relative_to_root(real, (self.root / root_name).resolve()) is not None:
                return True
        return False

    def _roots(self) -> str:
        return ", ".join(self.config.proof_roots)


def ledger_state(name: str, path: Path, entry: Any, ledger: Ledger) -> ProofState:
    """The ledger's verdict on a proof file that exists."""
    ledger_name = ledger.path.name
    if ledger.error:
        return ProofState(name, UNRECORDED, f"{ledger.error}", path=path)
    if entry is None:
        return ProofState(
            name,
            UNRECORDED,
            f"{name} has no result in {ledger_name}; run the proof and record its band",
            path=path,
        )
    if not isinstance(entry, dict):
        return ProofState(
            name,
            UNRECORDED,
            f"the {ledger_name} entry for {name} is not a mapping",
            path=path,
        )
    band, mode = entry.get("band"), entry.get("mode")
    mode = None if mode is None else str(mode)
    if isinstance(band, bool) or not isinstance(band, str):
        shown = "missing" if band is None else f"the {type(band).__name__} {band!r}"
        return ProofState(
            name,
            FAILING,
            f"the band of {name} in {ledger_name} is {shown}, not a quoted string of digits"
            ' (write band: "111111"; YAML reads unquoted digits as a number)',
            mode=mode,
            path=path,
        )
    band = band.strip()
    if not band or not re.fullmatch(r"[01]+", band):
        return ProofState(
            name,
            FAILING,
            f"the band of {name} is {band!r}: not a string of 0s and 1s",
            band,
            mode,
            path,
        )
    if "0" in band:
        failed = band.count("0")
        return ProofState(
            name,
            FAILING,
            f"{name} fails {failed} of {len(band)} checks (band {band}); fix the proof, or"
            " lower the claim's tier until it passes",
            band,
            mode,
            path,
        )
    digest = entry.get("sha256")
    if digest is not None:
        actual = _sha256(path)
        if str(digest).strip().lower() != actual:
            return ProofState(
                name,
                STALE,
                f"{name} changed since its band was recorded (sha256 differs); re-run the proof",
                band,
                mode,
                path,
            )
    return ProofState(name, PASSING, f"{name} passes (band {band})", band, mode, path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
