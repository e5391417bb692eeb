"""Diagnostics: findings placed in a file, with their final severity."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: str
    message: str
    tier: str | None = None

    def to_json(self) -> dict[str, Any]:
        """SPEC §5's keys, in its order (the fields are declared in that order)."""
        return asdict(self)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.path, self.line, self.column, self.code, self.message)
