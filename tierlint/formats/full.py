"""``full``: each finding with its severity, then the line(s) it spans with ``^`` under it::

    vision/a.md:5:1: TL301 [error] hypothesis-without-citation: serious hypothesis cites nothing…
      |
    5 | The cortex may run a cousin of it.
      | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      |

Markers line up on a terminal: a tab advances to the next multiple of 4, East Asian wide
characters take two cells, combining marks and other zero-width characters none, and
control characters show as U+FFFD. A line wider than 100 cells is cut around the span
(``…`` marks the cut), and a span of many lines shows its first and last lines.
"""

from __future__ import annotations

import unicodedata
from typing import Any, TextIO

from .text import summary_line

TAB = 4
WIDTH, CONTEXT = 100, 20  # cells of a line shown at most; cells kept before a span that is cut
HEAD, TAIL = 3, 2  # lines shown at each end of a span longer than HEAD + TAIL + 1


def cell_width(ch: str) -> int:
    """Terminal cells ``ch`` takes (tabs are handled by ``render``)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def render(line: str, start: int, end: int) -> tuple[str, str]:
    """The line as shown and its marker row: ``^`` under characters ``[start, end)``
    (0-based code points), at least one. A line wider than ``WIDTH`` cells is cut around
    the span, with ``…`` where it was cut."""
    cells: list[tuple[str, int, bool]] = []  # (text shown, cells it takes, marked)
    taken = 0
    for i, ch in enumerate(line):
        if ch == "\t":
            text = " " * (TAB - taken % TAB)
            width = len(text)
        elif unicodedata.category(ch) == "Cc":
            text, width = "\ufffd", 1
        else:
            text, width = ch, cell_width(ch)
        cells.append((text, width, start <= i < end))
        taken += width
    first, last = _window(cells, min(start, len(cells)))
    shown = "".join(text for text, _, _ in cells[first:last])
    marker = "".join(("^" if marked else " ") * width for _, width, marked in cells[first:last])
    lead = "…" if first > 0 else ""
    if "^" not in marker:  # an empty span, or one past the end of the line
        marker = " " * sum(width for _, width, _ in cells[first : min(start, last)]) + "^"
    tail = "…" if last < len(cells) else ""
    return lead + shown + tail, " " * len(lead) + marker.rstrip()


def _window(cells: list[tuple[str, int, bool]], start: int) -> tuple[int, int]:
    """Which characters of a line to show: all of a short line; else from the line's
    start when the span starts in its first half, otherwise from ``CONTEXT`` cells
    before the span."""
    if sum(width for _, width, _ in cells) <= WIDTH:
        return 0, len(cells)
    first, before = start, 0
    if sum(width for _, width, _ in cells[:start]) <= WIDTH // 2:
        first = 0
    else:
        while first > 0 and before + cells[first - 1][1] <= CONTEXT:
            first -= 1
            before += cells[first][1]
    last, used = first, 2  # room for the two "…"
    while last < len(cells) and used + cells[last][1] <= WIDTH:
        used += cells[last][1]
        last += 1
    return first, last


def snippet(d: Any, lines: dict[int, str]) -> list[str]:
    """The gutter, the spanned lines and their markers."""
    numbers = list(range(d.line, d.end_line + 1))
    if len(numbers) > HEAD + TAIL + 1:
        numbers = numbers[:HEAD] + [0] + numbers[-TAIL:]  # 0: the elided middle
    width = len(str(d.end_line))
    gutter = " " * width + " |"
    out = [gutter]
    for n in numbers:
        if n == 0:
            out.append("." * width + " |")
            continue
        line = lines.get(n, "")
        # a continuation line is marked from its first non-blank character
        start = d.column - 1 if n == d.line else len(line) - len(line.lstrip())
        end = d.end_column - 1 if n == d.end_line else len(line)
        shown, marker = render(line, start, end)
        out.append(f"{n:>{width}} | {shown}".rstrip())
        out.append(f"{gutter} {marker}")
    out.append(gutter)
    return out


def format_full(report: Any, out: TextIO) -> None:
    for result in report.files:
        for d in result.diagnostics:
            out.write(f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity}] {d.name}: {d.message}\n")
            out.write("\n".join(snippet(d, result.lines)) + "\n\n")
    out.write(summary_line(report) + "\n")
