"""Baselines: adopt tierlint on an existing repository without fixing everything first.

``tierlint check --write-baseline FILE`` records today's findings in FILE; ``tierlint check
--baseline FILE`` then reports only the findings FILE does not record, so CI fails on new
problems while the old ones are fixed at leisure.

A finding is recognised by its **fingerprint**, which holds no line or column number, so
edits elsewhere on the page and lines moving around keep it matched. It is the SHA-256
(first 32 hex digits) of, joined by NUL characters:

- the rule code (``TL301``);
- the file's path relative to the project root (the directory of ``.tierlint.yaml`` or
  ``pyproject.toml``, else the git root), with forward slashes, so it does not depend on
  where tierlint runs from or how the path was given;
- the text of the claim the finding starts in, runs of whitespace collapsed to one space
  (case and punctuation kept); a finding outside every claim (a heading, a footnote
  definition) uses its line's text instead;
- an occurrence index: 0 for the first finding of that code on that text in the file, 1
  for the next (a page that repeats a sentence gets one fingerprint per repetition).

Rewording a claim makes it a new claim: its findings are reported again.

The file is JSON (UTF-8), meant to be committed and reviewed, in a stable order (by path,
code, claim, occurrence), one entry per finding::

    {"tierlint": "0.1.0", "baseline_version": 1, "about": "...",
     "findings": [{"path": "vision/a.md", "code": "TL301", "name": "hypothesis-without-citation",
                   "claim": "The cortex may run a cousin of it.", "occurrence": 0,
                   "fingerprint": "3f0c..."}]}

Only ``fingerprint`` is used for matching; the other fields are there for reviewers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .files import InputError

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .engine import FileResult, Report

BASELINE_VERSION = 1
ABOUT = (
    "tierlint baseline: findings recorded when tierlint was adopted. `tierlint check --baseline"
    " FILE` reports only findings not listed here; `--write-baseline FILE` rewrites it. A"
    " fingerprint hashes the rule code, the path from the project root, the claim's text"
    " (whitespace collapsed) and an occurrence index, never a line number."
)
INTERNAL_ERROR = "TL000"  # a failing rule is never recorded: it is a bug, not a finding


class BaselineError(InputError):
    """A baseline file that cannot be read, written or understood (exit 2)."""


def normalise(text: str) -> str:
    """Whitespace runs collapsed to one space, ends trimmed; case and punctuation kept."""
    return " ".join(text.split())


def claim_text(result: FileResult, d: Diagnostic) -> str:
    """The text of the claim holding the diagnostic's start, else of its line."""
    at = (d.line, d.column)
    for claim in result.claims:
        if (claim.line, claim.column) <= at < (claim.end_line, claim.end_column):
            return normalise(claim.text)
    return normalise(result.lines.get(d.line, ""))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def entries(result: FileResult) -> list[dict[str, Any]]:
    """One baseline entry per diagnostic of the file, in the same order."""
    path = result.root_path or result.path
    seen: dict[tuple[str, str], int] = {}
    out = []
    for d in result.diagnostics:
        text = claim_text(result, d)
        occurrence = seen.get((d.code, text), 0)
        seen[(d.code, text)] = occurrence + 1
        out.append(
            {
                "path": path,
                "code": d.code,
                "name": d.name,
                "claim": text,
                "occurrence": occurrence,
                "fingerprint": _digest(d.code, path, text, str(occurrence)),
            }
        )
    return out


def fingerprints(result: FileResult) -> list[str]:
    """The fingerprint of each diagnostic of the file, in the same order."""
    return [entry["fingerprint"] for entry in entries(result)]


@dataclass(frozen=True, slots=True)
class Baseline:
    fingerprints: frozenset[str]

    def new_findings(self, result: FileResult) -> list[Diagnostic]:
        """The file's diagnostics this baseline does not record."""
        return [d for d, fp in zip(result.diagnostics, fingerprints(result)) if fp not in self.fingerprints]


def load(path: Path) -> Baseline:
    where = f"baseline {path}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BaselineError(f"{where}: no such file (record one with --write-baseline {path})") from None
    except IsADirectoryError:
        raise BaselineError(f"{where}: is a directory, not a baseline file") from None
    except OSError as exc:
        raise BaselineError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BaselineError(f"{where}: not UTF-8 text, so not a tierlint baseline") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{where}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        raise BaselineError(f"{where}: not a tierlint baseline (no 'findings' list)")
    version = data.get("baseline_version")
    if version != BASELINE_VERSION:
        raise BaselineError(
            f"{where}: baseline_version {version!r} is not {BASELINE_VERSION}; record it again with --write-baseline"
        )
    prints = set()
    for n, entry in enumerate(findings, 1):
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fp, str) or not fp:
            raise BaselineError(f"{where}: finding {n} has no 'fingerprint'")
        prints.add(fp)
    return Baseline(frozenset(prints))


def write(report: Report, path: Path) -> int:
    """Record every finding of the report (internal errors excepted); the number recorded."""
    records = [
        entry
        for result in report.files
        for entry in entries(result)
        if entry["code"] != INTERNAL_ERROR
    ]
    records.sort(key=lambda e: (e["path"], e["code"], e["claim"], e["occurrence"]))
    payload = {
        "tierlint": __version__,
        "baseline_version": BASELINE_VERSION,
        "about": ABOUT,
        "findings": records,
    }
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    try:
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise BaselineError(f"baseline {path}: cannot write it: {exc.strerror or exc}") from None
    return len(records)
