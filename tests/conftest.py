"""Shared helpers: run the CLI as users call it, write pages into a temporary repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tierlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "vision" / "lc-the-thaw-is-backprop.md"


class Repo:
    """A temporary content repository (its root holds a .tierlint.yaml)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / ".tierlint.yaml").write_text("concept_prefixes: ['lc-']\n", encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        return path

    def run(self, *args: str, input: str | bytes | None = None):
        return run_cli(*args, cwd=self.root, input=input)

    def check_json(self, *args: str) -> dict:
        result = self.run("check", "--format", "json", *args)
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)

    def claims(self, rel: str) -> list[dict]:
        result = self.run("claims", "--format", "json", rel)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["claims"]


def run_cli(*args: str, cwd: Path, input=None):
    runner = CliRunner()
    with _chdir(cwd):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)


class _chdir:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self):
        import os

        self.old = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc):
        import os

        os.chdir(self.old)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


def codes(payload: dict) -> list[str]:
    return [d["code"] for d in payload["diagnostics"]]
