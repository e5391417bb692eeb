"""The CLI as users call it: output, JSON shape, exit codes, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import codes
from tierlint import __version__

MIXED = "# Page\n\nThis proves the brain may run backprop (Lillicrap et al., 2020).\n"


def test_version_and_help(repo):
    result = repo.run("--version")
    assert result.exit_code == 0 and __version__ in result.output
    result = repo.run("--help")
    assert result.exit_code == 0 and "check" in result.output and "claims" in result.output


def test_check_text_output_and_exit_1_on_warning(repo):
    repo.write("a.md", MIXED)
    result = repo.run("check", "a.md")
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith("a.md:3:6: TL102 ")


def test_check_json_shape(repo):
    repo.write("docs/a.md", MIXED)
    payload = repo.check_json("docs")
    assert payload["tierlint"] == __version__
    (d,) = payload["diagnostics"]
    assert set(d) == {
        "path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "tier",
    }
    assert d["path"] == "docs/a.md" and d["code"] == "TL102" and d["name"] == "mixed-tier"
    assert payload["summary"] == {"files": 1, "claims": 1, "errors": 0, "warnings": 1, "infos": 0}


def test_fail_on_and_select_ignore(repo):
    repo.write("a.md", MIXED)
    assert repo.run("check", "--fail-on", "error", "a.md").exit_code == 0
    assert repo.run("check", "--ignore", "TL102", "a.md").exit_code == 0
    assert repo.run("check", "--ignore", "mixed-tier", "a.md").exit_code == 0
    assert repo.run("check", "--select", "TL001", "a.md").exit_code == 0
    repo.write("c.md", "The cortex may run a cousin of it.\n")
    assert codes(repo.check_json("--select", "TL101", "c.md")) == []  # inferred: hypothesis
    repo.write("b.md", "The water is cold.\n")
    assert codes(repo.check_json("b.md")) == []  # TL101 is off unless selected
    assert codes(repo.check_json("--select", "TL101", "b.md")) == ["TL101"]


def test_config_file_is_found_and_validated(repo):
    repo.write("a.md", MIXED)
    repo.write(".tierlint.yaml", "fail_on: error\n")
    assert repo.run("check", "a.md").exit_code == 0
    repo.write(".tierlint.yaml", "fail_on: sometimes\n")
    result = repo.run("check", "a.md")
    assert result.exit_code == 2
    assert result.stderr.startswith("tierlint: ") and "fail_on" in result.stderr
    assert "Traceback" not in result.output
    repo.write(".tierlint.yaml", "selekt: [TL1]\n")
    result = repo.run("check", "a.md")
    assert result.exit_code == 2 and "'selekt'" in result.stderr and ".tierlint.yaml" in result.stderr


def test_pyproject_table_is_read_when_there_is_no_yaml(repo):
    (repo.root / ".tierlint.yaml").unlink()
    repo.write("pyproject.toml", "[tool.tierlint]\nignore = ['TL102']\n")
    repo.write("a.md", MIXED)
    assert repo.run("check", "a.md").exit_code == 0


def test_include_and_exclude(repo):
    repo.write(".tierlint.yaml", "exclude: ['drafts/**']\n")
    repo.write("drafts/a.md", MIXED)
    repo.write("notes.txt", MIXED)
    repo.write("ok.md", MIXED)
    payload = repo.check_json(".")
    assert {d["path"] for d in payload["diagnostics"]} == {"ok.md"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "missing.md"], "no such file"),
        (["check", "--format", "xml", "."], "unknown format"),
        (["check", "--select", "TL999", "."], "matches no rule"),
        (["check", "--config", "nope.yaml", "."], "not found"),
        (["explain", "TL999"], "no rule"),
    ],
)
def test_usage_errors_are_one_line_exit_2(repo, args, message):
    result = repo.run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_claims_json(repo):
    repo.write("a.md", "The cortex may run a cousin of it.\n")
    (claim,) = repo.claims("a.md")
    assert claim == {
        "path": "a.md", "line": 1, "column": 1, "end_line": 1, "end_column": 35,
        "text": "The cortex may run a cousin of it.", "tier": "hypothesis", "source": "inferred",
        "evidence": [{"cue": "may", "tier": "hypothesis", "line": 1, "column": 12}],
    }


def test_claims_of_several_paths(repo):
    repo.write("a.md", "The cortex may run a cousin of it.\n")
    repo.write("notes/b.md", "Imagine the habit as a groove.\n")
    result = repo.run("claims", "--format", "json", "a.md", "notes")
    assert result.exit_code == 0, result.output
    assert [(c["path"], c["tier"]) for c in json.loads(result.stdout)["claims"]] == [
        ("a.md", "hypothesis"), ("notes/b.md", "lens"),
    ]
    assert repo.run("claims").exit_code == 2  # at least one PATH


def test_stdin_is_linted_as_the_named_file(repo):
    repo.write("a.md", MIXED)
    from_file = repo.check_json("a.md")
    result = repo.run("check", "--format", "json", "--stdin-filename", "a.md", "-", input=MIXED)
    assert json.loads(result.stdout)["diagnostics"] == from_file["diagnostics"]


def test_rules_and_explain_come_from_the_rules(repo):
    result = repo.run("rules")
    assert result.exit_code == 0 and "TL102  mixed-tier" in result.output
    for key in ("TL103", "tier-mismatch"):
        result = repo.run("explain", key)
        assert result.exit_code == 0
        assert "TL103 tier-mismatch" in result.output and "Fires on:" in result.output


def test_binary_files_are_skipped_with_a_note(repo):
    repo.write("a.md", b"\x00\x01binary")
    result = repo.run("check", "a.md")
    assert result.exit_code == 0 and "skipped: binary" in result.stderr


def test_python_dash_m_and_console_script_run(repo):
    repo.write("a.md", MIXED)
    proc = subprocess.run(
        [sys.executable, "-m", "tierlint", "check", "a.md"], cwd=repo.root, capture_output=True, text=True
    )
    assert proc.returncode == 1 and "TL102" in proc.stdout and proc.stderr == ""
