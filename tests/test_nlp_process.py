"""The helper process that starts spaCy while the pages are read (tierlint.nlp_process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tierlint import nlp_process
from tierlint.engine import tier_page
from tierlint.page import parse_page

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "corpus" / "vision" / "lc-the-thaw-is-backprop.md"

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper needs fork")


def check(*args: str, helper: bool) -> dict:
    env = dict(os.environ, TIERLINT_NLP_PROCESS="1" if helper else "0")
    out = subprocess.run(
        [sys.executable, "-m", "tierlint", "check", "--no-cache", "--format", "json", *args],
        capture_output=True, text=True, env=env, timeout=120, cwd=ROOT,
    )
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


@needs_fork
def test_the_findings_are_the_same_with_and_without_the_helper():
    pages = [str(PAGE), "corpus/wellness", "corpus/notes/lc-physarum-reinforces-the-current.md"]
    assert check("--jobs", "1", *pages, helper=True) == check("--jobs", "1", *pages, helper=False)


@needs_fork
def test_the_helper_answers_like_the_pipeline_here_and_a_dead_one_is_replaced():
    text = PAGE.read_text(encoding="utf-8")
    here = [(c.tier, [e.cue for e in c.evidence], c.annotations.get("tierlint.clinical"))
            for c in tier_page(parse_page(text))]
    helper = nlp_process.Helper()
    nlp_process._HELPER = helper
    try:
        there = [(c.tier, [e.cue for e in c.evidence], c.annotations.get("tierlint.clinical"))
                 for c in tier_page(parse_page(text))]
        assert there == here
        os.kill(helper.pid, signal.SIGKILL)
        os.waitpid(helper.pid, 0)
        # the helper is gone: the next page is read by the pipeline here, with no error
        again = [(c.tier, [e.cue for e in c.evidence], c.annotations.get("tierlint.clinical"))
                 for c in tier_page(parse_page(text))]
        assert again == here
        assert nlp_process._HELPER is None
    finally:
        nlp_process.stop()


def test_no_helper_unless_the_console_script_runs_or_when_turned_off(monkeypatch):
    monkeypatch.setattr(nlp_process, "_ALLOWED", False)
    monkeypatch.delitem(sys.modules, "spacy", raising=False)
    assert not nlp_process.wanted()  # tierlint.cli.main called by a program: no fork
    monkeypatch.setattr(nlp_process, "_ALLOWED", True)
    monkeypatch.setenv("TIERLINT_NLP_PROCESS", "0")
    assert not nlp_process.wanted()
    monkeypatch.setenv("TIERLINT_NLP_PROCESS", "1")
    monkeypatch.setitem(sys.modules, "spacy", sys.modules.get("spacy", object()))
    assert not nlp_process.wanted()


def test_rules_that_need_no_tiers_run_before_the_tiers_are_known(tmp_path):
    from tierlint.config import ConfigResolver
    from tierlint.engine import Linter
    from tierlint.rule import Rule

    seen = []

    def looks(ctx):
        seen.append([c.tier for c in ctx.claims])
        return []

    def make(code, needs):
        return Rule(code=code, name=code.lower(), severity="info", summary="s", why="w",
                    fires="f", passes="p", check=looks, needs_tiers=needs)

    page = tmp_path / "a.md"
    page.write_text("The brain may do it (Smith 2020).\n", encoding="utf-8")
    linter = Linter(ConfigResolver())
    linter.rules = {"TLX01": make("TLX01", True), "TLX02": make("TLX02", False)}
    linter.lint_file(str(page), page, linter.resolver.for_path(page))
    assert seen == [[None], ["hypothesis"]]  # the early rule first, before any tier
