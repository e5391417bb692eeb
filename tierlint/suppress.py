"""Inline suppression comments (SPEC §4), which work mid-paragraph:

    <!-- tierlint: disable=TL401 -->  …  <!-- tierlint: enable=TL401 -->
    <!-- tierlint: disable-next-line=TL302 -->
    <!-- tierlint: disable -->            (every rule, to the next enable)

Codes may be rule codes or names, separated by commas. A code that names no rule is
reported (TL001), never silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .page import Page, Problem

_DIRECTIVE = re.compile(
    r"^tierlint\s*:\s*(?P<verb>disable-next-line|disable|enable)\s*(?:=\s*(?P<codes>[^\s].*?))?\s*$",
    re.S,
)
ALL = "*"


@dataclass
class Suppressions:
    # (code or ALL, start offset, end offset or None = to the end of the file)
    ranges: list[list] = field(default_factory=list)
    lines: dict[int, set[str]] = field(default_factory=dict)  # line → codes off on it

    def allows(self, code: str, offset: int, line: int) -> bool:
        off = self.lines.get(line)
        if off and (code in off or ALL in off):
            return False
        for rng_code, start, end in self.ranges:
            if rng_code in (code, ALL) and start <= offset and (end is None or offset < end):
                return False
        return True


def read_directives(page: Page, rules: dict) -> tuple[Suppressions, list[Problem]]:
    """The page's suppressions, and a problem for each code that names no rule."""
    names = {rule.name: code for code, rule in rules.items()}
    result = Suppressions()
    problems: list[Problem] = []
    for comment in sorted(page.comments, key=lambda c: c.start):
        m = _DIRECTIVE.match(comment.body)
        if not m:
            if comment.body.startswith("tierlint"):
                problems.append(
                    Problem(
                        "directive",
                        comment.start,
                        comment.end,
                        f"unreadable tierlint comment {comment.body!r}: use disable=CODES,"
                        " enable=CODES or disable-next-line=CODES",
                    )
                )
            continue
        codes = []
        for raw in (m.group("codes") or ALL).split(","):
            raw = raw.strip()
            code = ALL if raw == ALL else (raw.upper() if raw.upper() in rules else names.get(raw.lower()))
            if code is None:
                problems.append(
                    Problem(
                        "directive",
                        comment.start,
                        comment.end,
                        f"unknown rule {raw!r} in a suppression comment (see `tierlint rules`)",
                    )
                )
                continue
            codes.append(code)
        verb = m.group("verb")
        if verb == "disable-next-line":
            line = page.lines.position(comment.end)[0] + 1
            result.lines.setdefault(line, set()).update(codes)
        elif verb == "disable":
            for code in codes:
                result.ranges.append([code, comment.end, None])
        else:
            for code in codes:
                for rng in result.ranges:
                    if rng[2] is None and (rng[0] == code or code == ALL):
                        rng[2] = comment.start
    return result, problems
