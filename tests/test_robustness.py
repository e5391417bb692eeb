"""Bad and hostile input: every input gets findings, nothing, or one clear line; never a
traceback or a hang, and nothing outside the repository is read."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import codes

BOMB = (
    '---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n" for a, b in zip("abcdefg", "bcdefgh"))
    + "references: *h\nbibliography: *h\ntier: *h\n---\nA claim may hold (Smith, 2020) [@k].\n"
)


def run(repo, *args, input=None):
    result = repo.run(*args, input=input)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(
    "content, exit_code, note",
    [
        (b"\x00\x01\x02binary", 0, "skipped: binary"),
        (b"caf\xe9 may be open\n", 0, "not valid UTF-8 at byte 3"),
        (b"", 0, ""),
        (b"\xef\xbb\xbf", 0, ""),
    ],
)
def test_undecodable_binary_and_empty_files(repo, content, exit_code, note):
    repo.write("a.md", content)
    result = run(repo, "check", "a.md")
    assert result.exit_code == exit_code and note in result.stderr


def test_utf16_with_bom_is_decoded_with_exact_positions(repo):
    repo.write("a.md", "\ufeffIntro.\r\nThe cortex may do it.\r\n".encode("utf-16"))
    (claim,) = [c for c in repo.claims("a.md") if c["tier"]]
    assert (claim["line"], claim["column"], claim["text"]) == (2, 1, "The cortex may do it.")


def test_deep_nesting_is_bounded(repo):
    repo.write("quotes.md", ">" * 20000 + " a deep claim may hide here.\n")
    repo.write("lists.md", "".join("  " * i + "- item may be\n" for i in range(3000)))
    result = run(repo, "check", "--format", "json", "quotes.md", "lists.md")
    assert result.exit_code in (0, 1)
    json.loads(result.stdout)


def test_many_claims_and_one_long_line(repo):
    repo.write("many.md", "\n\n".join(f"Claim {i} may hold (Smith, 2020)." for i in range(20000)) + "\n")
    repo.write("long.md", "The brain may do it (Smith, 2020). " * 30000 + "\n")
    result = run(repo, "check", "--format", "json", "many.md", "long.md")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["claims"] == 50000


def test_invalid_front_matter_is_reported_on_its_line_and_the_page_still_linted(repo):
    repo.write("a.md", "---\ntitle: ok\nbad: [unclosed\n---\nThis proves the brain may run backprop (Lillicrap et al., 2020).\n")
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL001", "TL102"]
    assert payload["diagnostics"][0]["line"] in (3, 4)


def test_yaml_alias_bombs_are_refused(repo):
    repo.write("a.md", BOMB)
    started = time.monotonic()
    payload = repo.check_json("a.md")
    assert time.monotonic() - started < 30
    assert "TL001" in codes(payload)


def test_unknown_tier_marker_is_a_finding(repo):
    repo.write("a.md", "<!-- tier: certain -->\nThe loss is the gap.\n")
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL001"] and "certain" in payload["diagnostics"][0]["message"]


def test_symlink_loops_and_links_leaving_the_repository(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("This proves the brain may run backprop (Lillicrap et al., 2020).\n")
    os.symlink(outside, repo.root / "leak.md")
    os.symlink(repo.root / "loop_b.md", repo.root / "loop_a.md")
    os.symlink(repo.root / "loop_a.md", repo.root / "loop_b.md")
    os.symlink(repo.root, repo.root / "self")  # a folder loop
    repo.write("ok.md", "The cortex may do it (Smith, 2020).\n")
    result = run(repo, "check", "--format", "json", ".")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["summary"]["files"] == 1 and payload["diagnostics"] == []


def test_invalid_config_names_file_and_key(repo):
    repo.write(".tierlint.yaml", "severity: {TL302: loud}\n")
    repo.write("a.md", "A.\n")
    result = run(repo, "check", "a.md")
    assert result.exit_code == 2
    assert ".tierlint.yaml" in result.stderr and "severity.TL302" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_rule_that_raises_is_an_internal_error_finding_and_the_rest_still_report(repo, monkeypatch):
    from tierlint import plugins
    from tierlint.rule import Rule

    def explode(ctx):
        raise ValueError("boom")

    bad = Rule("TL999", "explodes", "error", "s", "w", "f", "p", check=explode, plugin="fragile")
    rules = dict(plugins.all_rules(), TL999=bad)
    monkeypatch.setattr(plugins, "all_rules", lambda: rules)
    repo.write("a.md", "This proves the brain may run backprop (Lillicrap et al., 2020).\n")
    repo.write("b.md", "The cortex may do it.\n")
    result = run(repo, "check", "--no-cache", "--format", "json", ".")
    assert result.exit_code == 2
    found = {(d["path"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert {("a.md", "TL000"), ("b.md", "TL000"), ("a.md", "TL102"), ("b.md", "TL301")} <= found
    assert "TL999 (fragile) failed: ValueError: boom" in result.stdout


def test_ctrl_c_exits_130_without_a_traceback(repo):
    for i in range(1500):  # enough work that the signal lands mid-run, not at exit
        repo.write(f"p{i}.md", "The cortex may do it (Smith, 2020). " * 50 + "\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tierlint", "check", "--no-cache", "."],
        cwd=repo.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "Traceback" not in err and err.strip() == "tierlint: interrupted"


@pytest.mark.parametrize(
    "unit",
    ["[a](", "![x", "Smith et al. ", "` x", "<a ", "(Smith, 2020; ", "http://a.b/", "[", "*", "10.1234/"],
)
def test_repetitive_hostile_text_stays_linear(repo, unit):
    """A 300 kB line of one repeated fragment: quadratic work would take minutes."""
    repo.write("a.md", unit * (300_000 // len(unit)) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "tierlint", "check", "--no-cache", "a.md"],
        cwd=repo.root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr
