"""The pre-commit hook, for real: `pre-commit try-repo <this repo> tierlint --all-files`.

pre-commit installs the hook from a git repository. So that the test checks this
repository as it is on disk (uncommitted and new files included; `try-repo` on a path
would take HEAD plus tracked changes only), it first copies the files git would see
(tracked and untracked, less the ignored) into a temporary git repository and commits
them there. pre-commit then builds its own virtualenv and installs tierlint and spaCy from
PyPI, which takes tens of seconds: the test is marked ``slow`` (deselect with
``-m "not slow"``) but runs by default.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 900

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
]

CLEAN = """\
# Backprop

1. Serious hypothesis — the brain may do something backprop-like (Lillicrap et al. 2020).
2. Interpretive lens — a frozen pattern read as a local minimum, offered at a distance.
"""
# one warning, no error: warnings fail the hook by default (fail_on: warning)
WARNS = CLEAN.replace("(Lillicrap et al. 2020)", "(Lillicrap et al. 2020; see also Friston)")


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(
        [
            "git", "-c", "user.name=tierlint tests", "-c", "user.email=tests@tierlint.invalid",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args,
        ],
        cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def snapshot(dest: Path) -> Path:
    """This repository's files as they are on disk, committed in a fresh git repository."""
    if (ROOT / ".git").exists():
        listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
        names = listed.split("\0")
    else:  # an unpacked sdist: take everything but caches
        names = [
            p.relative_to(ROOT).as_posix()
            for p in ROOT.rglob("*")
            if p.is_file() and not {"__pycache__", ".venv", ".pytest_cache"} & set(p.parts)
        ]
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():  # a tracked file deleted on disk stays deleted
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    git("init", "-q", cwd=dest)
    git("add", "-A", cwd=dest)
    git("commit", "-q", "-m", "snapshot", cwd=dest)
    return dest


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    repo = snapshot(tmp_path_factory.mktemp("hook-repo"))
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    return repo


def try_repo(hook_repo: Path, content: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "tierlint",
            "--all-files", "--color", "never",
        ],
        cwd=content, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip


def content_repo(root: Path, pages: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    return root


def test_hook_fails_on_a_warning_and_names_it(hook_repo, tmp_path):
    content = content_repo(
        tmp_path / "content",
        {
            "clean.md": CLEAN,
            "warns.md": WARNS,
            "notes.txt": "Not Markdown, never linted: this will cure your trauma.\n",
        },
    )
    proc = try_repo(hook_repo, content)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "tierlint....." in out and "Failed" in out
    assert "warns.md:3:99: TL302 'Friston' names authors but no year" in out
    assert "clean.md:" not in out
    assert "notes.txt" not in out  # the hook sees Markdown files only


def test_hook_passes_on_clean_pages(hook_repo, tmp_path):
    content = content_repo(tmp_path / "content", {"clean.md": CLEAN, "docs/also-clean.md": CLEAN})
    proc = try_repo(hook_repo, content)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "tierlint....." in out and "Passed" in out
