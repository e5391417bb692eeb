"""Finding the files to lint, and reading them as text."""

from __future__ import annotations

import codecs
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

SKIP_DIRS = {"node_modules", "__pycache__", "venv", ".venv"}


class InputError(Exception):
    """A path that cannot be linted at all (exit 2)."""


class Unreadable(Exception):
    """A file that is skipped or reported, with the reason."""

    def __init__(self, reason: str, binary: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.binary = binary


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-like glob as a regex over '/'-separated relative paths:
    ``**`` spans directories, ``*`` and ``?`` stay within one, and a pattern without a
    slash matches at any depth."""
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    if body.endswith("/"):
        body += ".*"
    return re.compile(rf"{body}(?:/.*)?\Z", re.S)


def matches(rel: str, patterns: tuple[str, ...]) -> bool:
    return any(glob_regex(p).match(rel) for p in patterns)


def walk(directory: Path) -> Iterator[Path]:
    """Files under ``directory`` in a stable order, hidden and vendored folders skipped,
    symlinked folders not followed (no loops)."""
    for dirpath, files in walk_dirs(os.fspath(directory)):
        for name, _ in files:
            yield Path(dirpath, name)


def walk_dirs(directory: str) -> Iterator[tuple[str, list[tuple[str, bool]]]]:
    """``walk`` by directory, as strings: (directory path, [(file name, is a symlink)]),
    each directory's files before its subdirectories, all sorted by name. One
    ``os.scandir`` per directory and no stat per file: what a large run walks first."""
    stack = [directory]
    while stack:
        current = stack.pop()
        files: list[tuple[str, bool]] = []
        subdirs: list[str] = []
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()  # a link to a folder is a folder, never entered
                        is_link = entry.is_symlink()
                    except OSError:
                        continue
                    if not is_dir:
                        files.append((entry.name, is_link))
                    elif not is_link and not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
                        subdirs.append(entry.name)
        except OSError:
            continue  # unreadable folder: skipped, as os.walk skips it
        files.sort()
        yield current, files
        stack.extend(os.path.join(current, d) for d in sorted(subdirs, reverse=True))


def read_bytes(path: Path) -> bytes:
    """The file's bytes. Raises Unreadable."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise Unreadable("is a directory") from None
    except OSError as exc:
        raise Unreadable(f"cannot read ({exc.strerror or exc})") from None


def read_text(path: Path) -> str:
    """The file decoded: UTF-8 (BOM removed) or UTF-16/32 with a BOM. Raises Unreadable."""
    return decode(read_bytes(path))


def decode(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise Unreadable(f"not valid {encoding.upper()} at byte {exc.start}") from None
    if b"\0" in data[:8192] or b"\0" in data:
        raise Unreadable("binary file (contains NUL bytes)", binary=True)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"not valid UTF-8 at byte {exc.start} (save the file as UTF-8)"
        ) from None
