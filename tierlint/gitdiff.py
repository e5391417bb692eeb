"""``--diff-base REV``: the lines of the linted files that changed since a git revision.

The working tree is compared with REV (``git diff -U0 -M REV``: committed, staged and
unstaged changes alike). A finding is kept when a line it spans was added or changed, or
when lines were deleted inside its span. Renamed files count only their changed lines (the
diff runs over the whole repository, not just the linted files, so git can pair a renamed
file with its old name). A file git does not track (untracked, ignored, or outside the
repository) is new: every line counts.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .files import InputError

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .engine import FileResult

_HUNK = re.compile(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPE = re.compile(r"\\([0-7]{3}|.)", re.DOTALL)
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


class GitDiffError(InputError):
    """No repository, no git, or a revision git does not know (exit 2)."""


@dataclass(slots=True)
class FileChanges:
    lines: set[int] = field(default_factory=set)  # added or changed lines (new numbering)
    gaps: set[int] = field(default_factory=set)  # n: lines were deleted between n and n + 1


@dataclass(slots=True)
class Changes:
    top: Path  # the repository's top directory
    files: dict[str, FileChanges]  # path from the top, forward slashes
    tracked: set[str]  # every path git tracks

    def changed_findings(self, result: FileResult) -> list[Diagnostic]:
        """The file's diagnostics that lie on lines changed since the revision."""
        if result.file is None:
            return list(result.diagnostics)
        try:
            rel = result.file.resolve().relative_to(self.top).as_posix()
        except ValueError:
            return list(result.diagnostics)  # outside the repository: all new
        if rel not in self.tracked:
            return list(result.diagnostics)
        changes = self.files.get(rel)
        if changes is None:
            return []
        return [d for d in result.diagnostics if _touches(changes, d.line, d.end_line)]


def _touches(changes: FileChanges, first: int, last: int) -> bool:
    if any(n in changes.lines for n in range(first, last + 1)):
        return True
    return any(first <= gap < last for gap in changes.gaps)


def changes_since(rev: str, cwd: Path | None = None) -> Changes:
    """What changed in the repository holding ``cwd`` since ``rev``."""
    cwd = cwd or Path.cwd()
    proc = _git(["rev-parse", "--show-toplevel"], cwd)
    if proc.returncode != 0:
        reason = _reason(proc)
        if "not a git repository" in reason:
            raise GitDiffError(f"--diff-base: not a git repository: {cwd}")
        raise GitDiffError(f"--diff-base: git: {reason}")
    top = Path(_text(proc).strip()).resolve()
    proc = None if rev.startswith("-") else _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    if proc is None or proc.returncode != 0:
        raise GitDiffError(f"--diff-base: unknown revision {rev!r} (no such commit in {top})")
    sha = _text(proc).strip()
    proc = _git(
        ["-c", "core.quotepath=off", "-c", "diff.relative=false", "diff", "-U0", "-M", "--no-color",
         "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", sha, "--"],
        top,
    )
    if proc.returncode != 0:
        raise GitDiffError(f"--diff-base: git diff {rev} failed: {_reason(proc)}")
    diff = _text(proc)
    proc = _git(["ls-files", "-z", "--full-name"], top)
    if proc.returncode != 0:
        raise GitDiffError(f"--diff-base: git ls-files failed: {_reason(proc)}")
    return Changes(top, parse_diff(diff), {p for p in _text(proc).split("\0") if p})


def parse_diff(text: str) -> dict[str, FileChanges]:
    """Changed lines per new path from ``git diff -U0`` output (deleted files have none)."""
    files: dict[str, FileChanges] = {}
    current: FileChanges | None = None
    in_header = False
    for line in text.split("\n"):
        if line.startswith("diff --git "):
            in_header, current = True, None
        elif in_header and line.startswith("+++ "):
            name = _unquote(line[4:].rstrip("\t"))
            current = files.setdefault(name[2:], FileChanges()) if name.startswith("b/") else None
        elif line.startswith("@@ "):
            in_header = False
            match = _HUNK.match(line)
            if current is None or match is None:
                continue
            start, count = int(match.group(1)), int(match.group(2) or 1)
            if count:
                current.lines.update(range(start, start + count))
            else:
                current.gaps.add(start)
    return files


def _unquote(name: str) -> str:
    """A path as git prints it: C-quoted ("b/a\\tb.md", octal bytes) when unusual."""
    if not (len(name) >= 2 and name[0] == name[-1] == '"'):
        return name
    body, out, pos = name[1:-1], bytearray(), 0
    for match in _ESCAPE.finditer(body):
        out += body[pos : match.start()].encode("utf-8", "surrogateescape")
        esc = match.group(1)
        if len(esc) == 3:
            out.append(int(esc, 8) & 0xFF)
        elif esc in _ESCAPES:
            out.append(_ESCAPES[esc])
        else:
            out += esc.encode("utf-8", "surrogateescape")
        pos = match.end()
    out += body[pos:].encode("utf-8", "surrogateescape")
    return out.decode("utf-8", "surrogateescape")


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitDiffError("--diff-base: git is not installed (or not on PATH)") from None
    except OSError as exc:
        raise GitDiffError(f"--diff-base: cannot run git: {exc}") from None


def _text(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stdout.decode("utf-8", "surrogateescape")


def _reason(proc: subprocess.CompletedProcess[bytes]) -> str:
    """git's own last word on stderr, one line."""
    lines = [l.strip() for l in proc.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    reason = lines[-1] if lines else f"exit status {proc.returncode}"
    return reason.removeprefix("fatal: ").removeprefix("error: ")
