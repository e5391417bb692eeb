"""Adopting tierlint on an existing repository: `--write-baseline`, `--baseline`, `--diff-base`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import codes, run_cli
from tierlint import __version__
from tierlint.gitdiff import parse_diff

PAGE = """\
# Page

This proves the brain may run backprop (Lillicrap et al., 2020).

The cortex may run a cousin of it.

This therapy will heal your trauma.
"""

# The same page a week later: a new paragraph on top, the old ones reordered and reflowed
# (same words, different line breaks and spacing), and one new finding.
MOVED = """\
# Page

An introduction that says nothing in particular.

This therapy will heal your trauma.

The cortex may run
a    cousin of it.

The sea may dream of it.

## Older

This proves the brain may run backprop (Lillicrap et al., 2020).
"""


def diagnostics(result) -> list[dict]:
    return json.loads(result.stdout)["diagnostics"]


def test_baseline_round_trip_reports_only_the_new_finding(repo):
    repo.write("docs/a.md", PAGE)
    before = repo.check_json(".")
    assert len(before["diagnostics"]) >= 4

    result = repo.run("check", "--write-baseline", "tierlint-baseline.json", ".")
    assert result.exit_code == 0 and result.stdout == ""
    assert f"recorded {len(before['diagnostics'])} findings" in result.stderr

    result = repo.run("check", "--baseline", "tierlint-baseline.json", ".")
    assert result.exit_code == 0 and result.stdout.startswith("All clear")

    repo.write("docs/a.md", MOVED)
    result = repo.run("check", "--format", "json", "--baseline", "tierlint-baseline.json", ".")
    assert result.exit_code == 1
    (new,) = diagnostics(result)
    assert (new["path"], new["line"], new["code"]) == ("docs/a.md", 10, "TL301")
    assert json.loads(result.stdout)["summary"]["errors"] == 1  # the summary counts what is reported


def test_baseline_file_is_documented_stable_and_holds_no_line_numbers(repo):
    repo.write("b.md", PAGE)
    repo.write("a.md", PAGE)
    assert repo.run("check", "--write-baseline", "base.json", ".").exit_code == 0
    first = (repo.root / "base.json").read_text(encoding="utf-8")
    data = json.loads(first)
    assert data["tierlint"] == __version__ and data["baseline_version"] == 1 and "fingerprint" in data["about"]
    entries = data["findings"]
    keys = [(e["path"], e["code"], e["claim"], e["occurrence"]) for e in entries]
    assert keys == sorted(keys) and {e["path"] for e in entries} == {"a.md", "b.md"}
    assert all(set(e) == {"path", "code", "name", "claim", "occurrence", "fingerprint"} for e in entries)
    assert "The cortex may run a cousin of it." in {e["claim"] for e in entries}
    repo.write("a.md", MOVED.replace("\nThe sea may dream of it.\n", ""))  # moved, no new finding
    assert repo.run("check", "--write-baseline", "base.json", ".").exit_code == 0
    assert (repo.root / "base.json").read_text(encoding="utf-8") == first


def test_a_repeated_claim_is_a_new_finding(repo):
    repo.write("a.md", PAGE)
    repo.run("check", "--write-baseline", "base.json", "a.md")
    repo.write("a.md", PAGE + "\nThe cortex may run a cousin of it.\n")
    result = repo.run("check", "--format", "json", "--baseline", "base.json", "a.md")
    assert [(d["line"], d["code"]) for d in diagnostics(result)] == [(9, "TL301")]


def test_reworded_claim_is_reported_again(repo):
    repo.write("a.md", PAGE)
    repo.run("check", "--write-baseline", "base.json", "a.md")
    repo.write("a.md", PAGE.replace("a cousin", "a distant cousin"))
    result = repo.run("check", "--format", "json", "--baseline", "base.json", "a.md")
    assert [d["code"] for d in diagnostics(result)] == ["TL301"]


def test_fingerprints_do_not_depend_on_where_tierlint_runs(repo):
    repo.write("docs/a.md", PAGE)
    repo.run("check", "--write-baseline", "base.json", "docs")
    result = run_cli("check", "--baseline", "../base.json", ".", cwd=repo.root / "docs")
    assert result.exit_code == 0, result.output
    result = run_cli("check", "--baseline", "../base.json", "--stdin-filename", "a.md", "-", cwd=repo.root / "docs", input=PAGE)
    assert result.exit_code == 0, result.output


def test_sarif_partial_fingerprints_are_the_baseline_fingerprints(repo):
    repo.write("a.md", PAGE)
    repo.run("check", "--write-baseline", "base.json", "a.md")
    recorded = {e["fingerprint"] for e in json.loads((repo.root / "base.json").read_text())["findings"]}
    log = json.loads(repo.run("check", "--format", "sarif", "a.md").stdout)
    assert {r["partialFingerprints"]["tierlint/v1"] for r in log["runs"][0]["results"]} == recorded


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        ("{", "invalid JSON"),
        ("[]", "not a tierlint baseline"),
        ('{"findings": []}', "baseline_version"),
        ('{"baseline_version": 1, "findings": [{}]}', "no 'fingerprint'"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_baseline_is_one_line_exit_2(repo, content, message):
    repo.write("a.md", PAGE)
    if content is not None:
        repo.write("base.json", content)
    result = repo.run("check", "--baseline", "base.json", "a.md")
    assert result.exit_code == 2
    assert result.stderr.startswith("tierlint: baseline base.json: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_baseline_errors_on_a_directory_and_unwritable_path(repo):
    repo.write("a.md", PAGE)
    (repo.root / "dir").mkdir()
    for args in (["--baseline", "dir"], ["--write-baseline", "nowhere/base.json"]):
        result = repo.run("check", *args, "a.md")
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    result = repo.run("check", "--write-baseline", "b.json", "--baseline", "b.json", "a.md")
    assert result.exit_code == 2 and "--write-baseline" in result.stderr


# -- --diff-base


def git(root, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )
    return proc.stdout


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CITED = "The cortex may run a cousin of it (Lillicrap et al. 2020).\n"
UNCITED = "The cortex may run a cousin of it.\n"
RENAMED = "# Old\n\nThe sea may dream of it.\n\nThe water is cold.\n\nThe river runs to the sea, as rivers do.\n\n"


@pytest.fixture
def git_repo(repo, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo.root.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    git(repo.root, "init", "-q")
    repo.write("a.md", PAGE)
    repo.write("old name.md", RENAMED + CITED)
    repo.write('q"uote.md', "# Q\n\n" + CITED)
    repo.write("para.md", "# P\n\nThe cortex may run\na cousin of it\n(Lillicrap et al. 2020).\n")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "base")
    return repo


@needs_git
def test_diff_base_reports_only_findings_on_changed_lines(git_repo):
    repo = git_repo
    assert len(codes(repo.check_json("."))) > 4
    # a.md: one new finding appended; the old ones stay unreported
    repo.write("a.md", PAGE + "\nThe sea may dream of it.\n")
    # renamed with a change: only the changed line counts, not the old finding
    git(repo.root, "mv", "old name.md", "new name.md")
    repo.write("new name.md", RENAMED + UNCITED)
    # a name git quotes in its diff
    repo.write('q"uote.md', "# Q\n\n" + UNCITED)
    # lines deleted inside a claim: the claim changed
    repo.write("para.md", "# P\n\nThe cortex may run\na cousin of it.\n")
    # untracked and staged new files: every line is new
    repo.write("new.md", UNCITED)
    repo.write("staged.md", UNCITED)
    git(repo.root, "add", "staged.md")

    result = repo.run("check", "--format", "json", "--diff-base", "HEAD", ".")
    assert result.exit_code == 1, result.output
    found = {(d["path"], d["line"], d["code"]) for d in diagnostics(result)}
    assert found == {
        ("a.md", 9, "TL301"),
        ("new name.md", 9, "TL301"),
        ('q"uote.md', 3, "TL301"),
        ("para.md", 3, "TL301"),
        ("new.md", 1, "TL301"),
        ("staged.md", 1, "TL301"),
    }


@needs_git
def test_diff_base_with_nothing_changed_is_clean(git_repo):
    result = git_repo.run("check", "--diff-base", "HEAD", ".")
    assert result.exit_code == 0 and result.stdout.startswith("All clear")


@needs_git
def test_diff_base_errors_are_one_line_exit_2(git_repo, tmp_path_factory, monkeypatch):
    for rev in ("no-such-branch", "--output=x", "HEAD~5"):
        result = git_repo.run("check", "--diff-base", rev, ".")
        assert result.exit_code == 2 and "unknown revision" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    bare = tmp_path_factory.mktemp("plain")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(bare.parent))
    (bare / "a.md").write_text(PAGE, encoding="utf-8")
    result = run_cli("check", "--diff-base", "HEAD", ".", cwd=bare)
    assert result.exit_code == 2 and "not a git repository" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_parse_diff_reads_hunks_renames_quoted_names_and_deletions():
    diff = "\n".join(
        [
            "diff --git a/x.md b/y.md",
            "similarity index 90%",
            "rename from x.md",
            "rename to y.md",
            "--- a/x.md",
            "+++ b/y.md",
            "@@ -3 +3,2 @@ heading",
            "-old",
            "+++ added line that looks like a header",
            "+new",
            "@@ -9,2 +10,0 @@",
            "-gone",
            "-gone",
            'diff --git "a/caf\\303\\251 \\"q\\".md" "b/caf\\303\\251 \\"q\\".md"',
            '--- "a/caf\\303\\251 \\"q\\".md"',
            '+++ "b/caf\\303\\251 \\"q\\".md"',
            "@@ -1 +1 @@",
            "-a",
            "+b",
            "diff --git a/with space.md b/with space.md",
            "--- a/with space.md\t",
            "+++ b/with space.md\t",
            "@@ -0,0 +1 @@",
            "+x",
            "diff --git a/deleted.md b/deleted.md",
            "deleted file mode 100644",
            "--- a/deleted.md",
            "+++ /dev/null",
            "@@ -1 +0,0 @@",
            "-x",
        ]
    )
    files = parse_diff(diff)
    assert set(files) == {"y.md", 'café "q".md', "with space.md"}
    assert files["y.md"].lines == {3, 4} and files["y.md"].gaps == {10}
    assert files['café "q".md'].lines == {1}
    assert files["with space.md"].lines == {1}
