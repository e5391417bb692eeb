"""What a page may point at in its repository: lens proofs, the ledger, other pages.

One Project per repository root, built lazily: nothing here is read until a rule asks.
"""

from __future__ import annotations

import re
from functools import cached_property

from .config import Config, relative_to_root
from .files import matches, walk

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
        import os

        digest = hashlib.sha256()
        ledger = self.proofs.ledger.path
        digest.update(_file_digest(ledger).encode())
        proof_files = {path for paths in self.proofs.index.values() for path in paths}
        for path in sorted(proof_files):
            digest.update(f"proof:{path}:{_file_digest(path)}\0".encode())
        for root_name in self.config.proof_roots:
            directory = self.root / root_name
            if relative_to_root(directory, self.root) is None or not directory.is_dir():
                continue
            for path in walk(directory):
                rel = relative_to_root(path, self.root)
                if path in proof_files or rel is None or matches(rel, self.config.include):
                    continue
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                digest.update(f"beside:{rel}:{st.st_size}:{st.st_mtime_ns}\0".encode())
        if self.config.concept_prefixes:
            for name in sorted(self.concept_names):
                digest.update(f"page:{name}\0".encode())
        for path in walk(self.root):
            if path.suffix.lower() in _DATA_SUFFIXES and path != ledger:
                rel = relative_to_root(path.resolve(), self.root)
                if rel is not None:  # a link that leaves the repository is never read
                    digest.update(f"data:{rel}:{_file_digest(path)}\0".encode())
        return digest.hexdigest()


_DATA_SUFFIXES = {".bib", ".json", ".yaml", ".yml", ".csl"}


def _file_digest(path) -> str:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"
