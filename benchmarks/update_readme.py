"""Regenerate the README's generated sections from the project's own commands:

- the rule table (``tierlint rules --format markdown``), between
  ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->``;
- the accuracy figures (``tierlint eval corpus`` and ``--split test``), between
  ``<!-- eval:start -->`` and ``<!-- eval:end -->``.

    python benchmarks/update_readme.py          # rewrite README.md
    python benchmarks/update_readme.py --check  # exit 1 when README.md is out of date

``tests/test_readme.py`` runs the check, so the README's figures are never typed by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _run(*args: str) -> str:
    from tierlint.cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.stdout


def rules_table() -> str:
    return _run("rules", "--format", "markdown").strip()


def eval_block() -> str:
    from tierlint.evaluate import format_text

    corpus = str(ROOT / "corpus")
    lines = []
    for split, note in (("test", "held out: tuning never looks at these pages"), ("all", "every page")):
        data = json.loads(_run("eval", corpus, "--split", split, "--format", "json"))
        text = format_text(data).splitlines()
        findings = next(line for line in text if line.startswith("findings:"))
        clean = next(line for line in text if line.startswith("pages that follow the discipline"))
        lines.append(f"$ tierlint eval corpus --split {split}    # {note}")
        lines.extend(text[:7])
        lines.append("")
        lines.append(findings)
        lines.append(clean)
        lines.append("")
    return "```console\n" + "\n".join(lines).rstrip() + "\n```"


def render(text: str) -> str:
    for name, body in (("rules-table", rules_table()), ("eval", eval_block())):
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        head, found_start, rest = text.partition(start)
        old, found_end, tail = rest.partition(end)
        if not (found_start and found_end):
            raise SystemExit(f"README.md needs both {start} and {end}")
        text = head + start + "\n" + body + "\n" + end + tail
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when README.md is out of date")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if args.check:
        if fresh != current:
            print("README.md is out of date: run python benchmarks/update_readme.py")
            return 1
        print("README.md is up to date")
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
