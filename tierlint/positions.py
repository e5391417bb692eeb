"""Character offsets to 1-based (line, column) positions in the original file.

Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` (the same rule as CommonMark, so the parser's line
numbers and ours agree). Columns count characters (code points) from 1; a tab is one
column, as in ruff. A UTF-8 byte-order mark is stripped on reading, so it never counts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

_LINE_END = re.compile(r"\r\n|\r|\n")


def holding(starts: list[Any], ends: list[Any], at: Any) -> int | None:
    """The index of the span that holds ``at`` (``start <= at < end``), for spans given in
    order and apart (claims on a page), found by bisection; None when none holds it."""
    i = bisect_right(starts, at) - 1
    return i if i >= 0 and at < ends[i] else None


class LineIndex:
    """Maps offsets in ``text`` to lines and columns, and lines to their spans."""

    __slots__ = ("starts", "ends", "length")

    def __init__(self, text: str) -> None:
        starts = [0]
        ends = []
        for match in _LINE_END.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(text))
        self.starts: list[int] = starts
        self.ends: list[int] = ends  # offset where each line's content ends (before its terminator)
        self.length = len(text)

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of ``offset`` (clamped into the text)."""
        offset = min(max(offset, 0), self.length)
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def end_position(self, end: int) -> tuple[int, int]:
        """The 1-based (line, column) of the last character of a span ending at ``end``,
        as an exclusive column (the column just past the span), like SPEC's ``end_column``."""
        if end <= 0:
            return 1, 1
        line, col = self.position(end - 1)
        return line, col + 1

    def line_span(self, line0: int) -> tuple[int, int]:
        """Offsets [start, end) of a 0-based line's content, terminator excluded."""
        return self.starts[line0], self.ends[line0]
