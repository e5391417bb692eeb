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


def _claim_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus" / "notes").glob("*.md"))[:6]:
        texts.extend(c.masked for c in tier_page(parse_page(path.read_text(encoding="utf-8"))))
    return texts


def test_parts_cover_every_text_once_in_order():
    texts = ["a" * n for n in (5, 1, 30, 2, 2, 2, 40, 1)]
    for count in (1, 2, 3, 16, 100):
        parts = nlp_process._parts(texts, sum(map(len, texts)), count)
        assert parts[0][0] == 0 and parts[-1][1] == len(texts)
        assert all(s < e for s, e in parts)
        assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
        assert len(parts) <= max(1, count) + 1


@needs_fork
def test_a_large_request_is_shared_with_a_second_helper_and_answers_the_same(monkeypatch):
    """A megabyte page's claims are shared between two helpers part by part; the answer is
    the same as one helper's, in the same order, and when the second helper dies its parts
    are done by the first."""
    texts = _claim_texts()
    monkeypatch.setattr(nlp_process, "_SHARE_CHARS", 10**9)
    alone = nlp_process._found(texts, ())
    monkeypatch.setattr(nlp_process, "_SHARE_CHARS", 1000)
    monkeypatch.setattr(nlp_process.os, "cpu_count", lambda: 2)
    assert nlp_process._found(texts, ()) == alone

    parent = os.getpid()
    real_write = nlp_process._write

    def dying_write(stream, message):  # the second helper dies before it answers
        if os.getpid() != parent:
            raise RuntimeError("gone")
        real_write(stream, message)

    monkeypatch.setattr(nlp_process, "_write", dying_write)
    assert nlp_process._found(texts, ()) == alone


def test_spacy_is_imported_without_its_command_line_which_stays_importable():
    code = (
        "import sys\n"
        "from tierlint.nlp import import_spacy\n"
        "spacy = import_spacy()\n"
        "assert 'spacy.cli' not in sys.modules and not hasattr(spacy, 'cli')\n"
        "import spacy.cli\n"
        "assert spacy.cli.__file__ and callable(spacy.info)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_the_words_attributes_the_components_read_are_still_computed():
    from tierlint.nlp import pipeline

    doc = pipeline(())("Zyxwvut counted 12,000 — twelve thousand — Qwerty's drops.")
    got = {t.text: (t.lower_, t.like_num, t.is_punct) for t in doc}
    assert got["Zyxwvut"] == ("zyxwvut", False, False)
    assert got["12,000"][1] and got["twelve"][1]
    assert got["—"][2] and got["."][2]
