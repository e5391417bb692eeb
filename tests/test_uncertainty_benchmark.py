"""benchmarks/uncertainty.py: the figure a team gets for its own labelled sentences."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "uncertainty.py"


def run(tmp_path: Path, text: str, *args: str) -> subprocess.CompletedProcess:
    data = tmp_path / "set.tsv"
    data.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(data), *args], capture_output=True, text=True, timeout=120
    )


def test_scores_a_labelled_file(tmp_path):
    out = run(
        tmp_path,
        "uncertain\tThe dish is considered by many to be the national dish.\n"
        "certain\tThe bridge opened in 1932.\n"
        "uncertain\tThe castle was built in 1200.\n"
        "certain\tMay Day has been a holiday since 1890.\n",
        "--errors",
    )
    assert out.returncode == 0, out.stderr
    assert "4 sentences, 2 uncertain" in out.stdout
    assert "P 100.0  R 50.0  F1 66.7  (tp 1, fp 0, fn 1)" in out.stdout
    assert "miss: The castle was built in 1200." in out.stdout


def test_a_malformed_line_is_named(tmp_path):
    out = run(tmp_path, "uncertain\tFine.\nunsure\tNot a label.\n")
    assert out.returncode != 0
    assert "set.tsv:2:" in out.stderr
