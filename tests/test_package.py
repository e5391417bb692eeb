"""The built wheel carries the YAML lexicons and runs from a clean install."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEED


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{proc.stdout}\n{proc.stderr}")
    (path,) = out.glob("tierlint-*.whl")
    return path


def test_wheel_contains_every_lexicon(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("tierlint/_rules/")}
    assert shipped == {p.name for p in (ROOT / "rules").glob("*.yaml")}
    assert "tierlint/cli.py" in names


def test_installed_wheel_lints_from_its_own_lexicons(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    code = (
        "import tierlint, tierlint.resources as r; "
        "print(tierlint.__file__); print(r.rules_dir())"
    )
    where = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    module_file, rules_dir = where.stdout.split("\n")[:2]
    assert module_file.startswith(str(target)) and rules_dir == str(target / "tierlint" / "_rules")
    proc = subprocess.run(
        [sys.executable, "-m", "tierlint", "claims", str(SEED)], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "exact (label): Exact — the math is one recipe." in proc.stdout
