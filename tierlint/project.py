"""What a page may point at in its repository: lens proofs, the ledger, other pages.

One Project per repository root, built lazily: nothing here is read until a rule asks.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path

from .config import Config, relative_to_root
from .files import matches, walk, walk_dirs

_SLUG_LINE = re.compile(r"^slug\s*:\s*[\"']?([^\"'\s#]+)", re.M)


class Project:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root

    @cached_property
    def proofs(self):
        from .proofs import Proofs

        return Proofs(self.config)

    @cached_property
    def concept_names(self) -> set[str]:
        """File stems and front-matter slugs of every page under the root."""
        names: set[str] = set()
        for path in walk(self.root):
            rel = relative_to_root(path, self.root)
            if rel is None or not matches(rel, self.config.include):
                continue
            names.add(path.stem)
            try:
                with path.open(encoding="utf-8", errors="replace") as handle:
                    head = handle.read(4096)
            except OSError:
                continue
            if head.startswith("---"):
                end = head.find("\n---", 3)
                match = _SLUG_LINE.search(head[: end if end > 0 else len(head)])
                if match:
                    names.add(match.group(1))
        return names

    @cached_property
    def state(self) -> str:
        """A digest of everything in the repository that a page's results may depend on
        besides the page itself: the ledger, the proof files (by content), every other file
        under the proof roots (by size and time: a resolver plugin may read results kept
        beside the proofs), the pages' names and slugs, and the data files (bibliographies,
        CSL) pages may name. Pages themselves are left out, so editing one page keeps the
        others' entries. It keys the cache."""
        import hashlib

        config = self.config
        root = os.path.abspath(self.root)
        ledger = os.path.abspath(self.proofs.ledger.path)
        proof_roots = [os.path.abspath(os.path.join(root, r)) for r in config.proof_roots]
        digest = hashlib.sha256()
        digest.update(_file_digest(ledger).encode())
        extensions = config.proof_extensions
        for dirpath, files in walk_dirs(os.fspath(self.root)):  # one pass over the repository
            abs_dir = os.path.abspath(dirpath)
            rel_dir = os.path.relpath(abs_dir, root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            dir_under_proofs = any(abs_dir.startswith(r + os.sep) or abs_dir == r for r in proof_roots)
            for name, is_link in files:
                full = os.path.join(abs_dir, name)
                if is_link and relative_to_root(Path(full), self.root) is None:
                    continue  # a link that leaves the repository is never read
                rel = rel_dir + name
                if dir_under_proofs and name.endswith(extensions):
                    digest.update(f"proof:{rel}:{_file_digest(full)}\0".encode())
                elif os.path.splitext(name)[1].lower() in _DATA_SUFFIXES:
                    if full != ledger:
                        digest.update(f"data:{rel}:{_file_digest(full)}\0".encode())
                elif dir_under_proofs and not matches(rel, config.include):
                    try:
                        st = os.stat(full)
                    except OSError:
                        continue
                    digest.update(f"beside:{rel}:{st.st_size}:{st.st_mtime_ns}\0".encode())
        if config.concept_prefixes:
            for name in sorted(self.concept_names):
                digest.update(f"page:{name}\0".encode())
        return digest.hexdigest()


_DATA_SUFFIXES = {".bib", ".json", ".yaml", ".yml", ".csl"}


def _file_digest(path) -> str:
    import hashlib

    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "-"
