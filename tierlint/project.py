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
