"""The README's generated sections (rule table, accuracy figures) match the commands."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_readme_is_generated_from_the_commands():
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "benchmarks" / "update_readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.render(current) == current, "run: python benchmarks/update_readme.py"


def test_the_readme_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in readme
