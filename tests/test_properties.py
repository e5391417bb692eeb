"""Property tests: arbitrary Unicode and Markdown-shaped text never crash the pipeline,
every claim and finding lies inside the file, and the same input gives the same output."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierlint.config import ConfigResolver
from tierlint.engine import Linter

PIECES = [
    "# ", "## Exact\n", "### Serious hypothesis\n", "- ", "1. ", "> ", "    ", "\t", "\n", "\r\n", "\n\n",
    "`", "``", "```\n", "**", "*", "_", "[", "]", "(", ")", "[^1]", "[^1]: Smith 2020.\n", "[@key]",
    "<!-- tier: lens -->\n", "<!-- tierlint: disable=TL401 -->", "<!-- ", " -->", "---\n", "tier: exact\n",
    "| a | b |\n|---|---|\n", "| x | y |\n", "Exact — ", "Serious hypothesis: ", "Interpretive lens — ",
    "The brain may run backprop. ", "This proves it. ", "not a cure. ", "It cures anxiety. ",
    "(Friston; Clark) ", "(Lillicrap et al., 2020) ", "e.g. ", "Nat. Rev. ", "`gap.fk` ", "band 101 ",
    "https://doi.org/10.1/x ", "é", "≠", "wᵀ", "😀", "\u200b", "\ufeff", "\x00", "\\",
]

markdownish = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map("".join)


_LINTER = None


def linter(root: Path) -> Linter:
    global _LINTER
    if _LINTER is None:
        _LINTER = Linter(ConfigResolver())
    return _LINTER


def lint(text: str, tmp: Path):
    lt = linter(tmp)
    config = lt.resolver.for_path(tmp)
    return lt.lint_text(text, "page.md", tmp / "page.md", config)


def _offset(text: str, line: int, column: int) -> int:
    import re

    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts[line - 1] + column - 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(markdownish, st.text(max_size=200)))
def test_never_crashes_and_positions_stay_inside(text, tmp_path):
    result = lint(text, tmp_path)
    n_lines = len(__import__("re").split(r"\r\n|\r|\n", text))
    for claim in result.claims:
        start = _offset(text, claim.line, claim.column)
        end = _offset(text, claim.end_line, claim.end_column)
        assert 0 <= start < end <= len(text)
        assert text[start:end] == claim.text  # a claim's span is exactly its text
    for d in result.diagnostics:
        assert 1 <= d.line <= d.end_line <= n_lines
        start = _offset(text, d.line, d.column)
        end = _offset(text, d.end_line, d.end_column)
        assert 0 <= start <= end <= len(text) + 1
        assert d.code != "TL000", d.message


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=markdownish)
def test_same_input_same_output(text, tmp_path):
    first, second = lint(text, tmp_path), lint(text, tmp_path)
    assert first.diagnostics == second.diagnostics
    assert [c.to_json() for c in first.claims] == [c.to_json() for c in second.claims]
