"""What a page may point at in its repository: lens proofs, the ledger, other pages.

One Project per repository root, built lazily: nothing here is read until a rule asks.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from .config import Config


class Project:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.root = config.root

    @cached_property
    def page_names(self) -> set[str]:
        """Stems of every page under the root (for concept references)."""
        from .files import matches, walk
        from .config import relative_to_root

        names: set[str] = set()
        for path in walk(self.root):
            rel = relative_to_root(path, self.root)
            if rel is not None and matches(rel, self.config.include):
                names.add(path.stem)
        return names
