"""Hedge cues (the serious-hypothesis tier): the sense conditions of rules/tiers.yaml, the
senses of hedge words that are not hedges, and the CoNLL-2010 benchmark's plumbing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
import spacy
from conftest import ROOT
from spacy.matcher import PhraseMatcher

from tierlint import tiers
from tierlint.engine import tier_page
from tierlint.page import parse_page
from tierlint.resources import LexiconError


def tier_of(sentence: str) -> str | None:
    (claim,) = tier_page(parse_page(sentence + "\n"))
    return claim.tier


# --- the condition kinds -------------------------------------------------------------------


def _entries(monkeypatch, *cues: dict) -> tuple[tiers.CueEntry, ...]:
    monkeypatch.setattr(tiers, "load_lexicon", lambda name: {"cues": list(cues)})
    return tiers.cue_entries.__wrapped__()


def _found(entries, text: str) -> list[str]:
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for i, entry in enumerate(entries):
        matcher.add(str(i), [nlp.make_doc(p) for p in entry.phrases])
    return [c.text for c in tiers.find_cues(nlp(text), matcher, entries)]


def test_followed_by_and_preceded_by_require_a_neighbour(monkeypatch):
    entries = _entries(
        monkeypatch,
        {"phrase": "assume", "tier": "hypothesis", "followed_by": ["that"]},
        {"phrase": "think", "tier": "hypothesis", "preceded_by": ["we", "I"]},
    )
    assert _found(entries, "We assume that it holds.") == ["assume"]
    assert _found(entries, "We assume a flat prior.") == []
    assert _found(entries, "I think it holds.") == ["think"]
    assert _found(entries, "It helps you think.") == []
    assert _found(entries, "Think about it.") == []  # no word before: the condition fails


def test_not_if_shapes(monkeypatch):
    entries = _entries(
        monkeypatch,
        {"phrase": "may", "tier": "hypothesis", "not_if": ["capitalised", "before_number"]},
    )
    assert _found(entries, "It may rain.") == ["may"]
    assert _found(entries, "May it rain?") == ["May"]  # capital as the first word is fine
    assert _found(entries, "We met in May and parted.") == []
    assert _found(entries, "May 12 was cold.") == []
    assert _found(entries, "**May** it rain?") == ["May"]  # markup is not a word


def test_a_rejected_longer_match_lets_a_shorter_cue_match(monkeypatch):
    entries = _entries(
        monkeypatch,
        {"phrase": "indicated that", "tier": "hypothesis", "not_preceded_by": ["as"]},
        {"phrase": "that", "tier": "lens"},
    )
    assert _found(entries, "It is as indicated that day.") == ["that"]


@pytest.mark.parametrize(
    "cue, message",
    [
        ({"not_if": ["lowercase"]}, "unknown not_if"),
        ({"not_followed_by": ["in", True]}, "quote 'on'"),  # YAML: not_followed_by: [in, on]
    ],
)
def test_malformed_conditions_are_lexicon_errors(monkeypatch, cue, message):
    with pytest.raises(LexiconError, match=message):
        _entries(monkeypatch, {"phrase": "may", "tier": "hypothesis", **cue})


# --- senses of hedge words, through the whole pipeline ------------------------------------


@pytest.mark.parametrize(
    "sentence, tier",
    [
        # may: the modal, not the month
        ("The brain may do something backprop-like.", "hypothesis"),
        ("I started keeping a sleep log in May 2021.", None),
        ("May 12 was the first night of the log.", None),
        ("You may skip this section.", None),
        # potential: the hedge, not the physical quantity
        ("Astrocytes are a potential carrier of the signal.", "hypothesis"),
        ("The membrane potential rises after each spike.", None),
        # suggest: the evidential verb, not the box
        ("These recordings suggest a role for replay.", "hypothesis"),
        ("Drop a note in the suggestion box.", None),
        # indicate: "indicate that", not a pointer to a figure
        ("Lesion studies indicated that the loop is needed.", "hypothesis"),
        ("The loop is needed, as indicated in Fig. 2.", None),
        # can: ability, not a hedge
        ("The effect can be seen in Table 1.", None),
        # whether and open questions
        ("Whether replay carries the error is open.", "hypothesis"),
        ("We asked whether replay carries the error.", "hypothesis"),
        ("It is not clear how the error reaches the synapse.", "hypothesis"),
        ("It is not yet known how the error reaches the synapse.", "hypothesis"),
        ("A role in learning has long been suspected but not yet proven.", "hypothesis"),
        # a negated hedge is still a hedge
        ("Replay does not appear to carry the error.", "hypothesis"),
        ("Blocking it had no effect, suggesting that replay is not needed.", "hypothesis"),
        ("It is not evident whether replay is generative.", "hypothesis"),
        # possible: the hedge, not the enabling sense
        ("A possible mechanism is replay during sleep.", "hypothesis"),
        ("This is why backprop is possible at all.", None),
        # assume: a hedge with "that", a premise of a derivation without
        ("We assume that replay carries the error.", "hypothesis"),
        ("Assuming a flat prior, the posterior reduces to the likelihood.", "exact"),
        # think: a belief, not thinking
        ("We think the loop carries the error.", "hypothesis"),
        ("The picture only helps you think.", None),
        # a reported hedge outweighs a passing simile
        ("Recordings suggest the neurons are tuned, as if the brain kept a distribution.",
         "hypothesis"),
    ],
)
def test_senses(sentence, tier):
    assert tier_of(sentence) == tier


def test_a_quoted_title_that_wraps_onto_the_next_line_does_not_count():
    text = 'The wiki had a page titled "Sleep might just be garbage\ncollection", oddly.\n'
    (claim,) = tier_page(parse_page(text))
    assert claim.tier is None


# --- the benchmark ------------------------------------------------------------------------


def _benchmark():
    name = "tierlint_hedges_benchmark"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "hedges.py")
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_benchmark_without_data_says_so_and_exits_0(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "hedges.py"), "--data", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0
    assert "skipped" in out.stdout


_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Annotation><DocumentSet><Document type="Biological_abstract"><DocID type="PMID">1</DocID>
<DocumentPart type="AbstractText"><sentence id="S1.1">These data <xcope id="X1"><cue ref="X1"
type="speculation">suggest</cue> a role for p50</xcope>.</sentence><sentence id="S1.2">p50
binds DNA, as indicated in Fig. 2.</sentence><sentence id="S1.3">It <cue ref="X2"
type="speculation">may</cue> also bind RNA.</sentence></DocumentPart></Document>
</DocumentSet></Annotation>
"""


def test_benchmark_reads_labels_and_scores_through_the_pipeline(tmp_path):
    hedges = _benchmark()
    for file in hedges.FILES.values():
        (tmp_path / file).write_text(_XML, encoding="utf-8")
    sentences = hedges.load(tmp_path)
    assert [s.uncertain for s in sentences[:3]] == [True, False, True]
    assert sentences[0].text == "These data suggest a role for p50."
    claims = hedges.tier_sentences(sentences)
    pred = [any(c.tier == "hypothesis" for c in cs) for cs in claims]
    assert pred == [s.uncertain for s in sentences]
    ablation = hedges.Ablation(claims)
    assert ablation.predict() == pred
    suggest = next(i for i, e in enumerate(tiers.cue_entries()) if "suggest" in e.phrases)
    assert ablation.predict(frozenset({suggest}))[:3] == [False, False, True]
