"""NegEx-style negation scope (tierlint/negation.py, rules/negation.yaml)."""

from __future__ import annotations

import re

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

from tierlint.negation import is_negated
from tierlint.resources import load_lexicon

NLP = spacy.blank("en")
LEXICON = load_lexicon("negation")
WINDOW = LEXICON["window"]
MARKED = re.compile(r"\[([^\]]+)\]")


def negated(example: str) -> bool:
    """Whether the [bracketed] span of ``example`` is negated."""
    match = MARKED.search(example)
    assert match, f"no [bracketed] span in {example!r}"
    text = MARKED.sub(r"\1", example)
    doc = NLP(text)
    start = match.start()
    span = doc.char_span(start, start + len(match.group(1)))
    assert span is not None, f"[{match.group(1)}] is not on token boundaries"
    return is_negated(doc, span.start, span.end)


# --- every entry of rules/negation.yaml ----------------------------------------------------

ENTRIES = [(kind, e) for kind in ("pre", "post", "pseudo", "terminators") for e in LEXICON[kind]]


@pytest.mark.parametrize(("kind", "entry"), ENTRIES, ids=[f"{k}:{e['phrase']}" for k, e in ENTRIES])
def test_lexicon_entry_examples(kind: str, entry: dict) -> None:
    if kind in ("pre", "post"):
        assert "example" in entry, "a trigger needs an example"
    else:
        assert "not" in entry, "a pseudo-trigger or terminator needs a 'not' example"
    if "example" in entry:
        assert negated(entry["example"]), entry["example"]
    if "not" in entry:
        assert not negated(entry["not"]), entry["not"]


# --- pre-triggers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "example",
    [
        "This is not a [cure].",
        "It isn't a [treatment for anxiety].",
        "It cannot be [a cure].",
        "Not as a loose [analogy].",
        "It is no [substitute for therapy].",
        "It is never a [cure].",
        "It is offered at that distance, never a clinical claim and never a [cure].",
        "This product is not intended to diagnose, treat, cure or [prevent] any disease.",
        "Not, in the end, a [cure].",
    ],
)
def test_pre_trigger_scopes_forward(example: str) -> None:
    assert negated(example)


@pytest.mark.parametrize(
    "example",
    [
        "It [cures] insomnia, not anxiety.",
        "Use breathwork [instead of medication].",
        "It [treats] trauma; nothing else does.",
        "The [cure] never came.",
    ],
)
def test_pre_trigger_does_not_scope_backward_or_over_itself(example: str) -> None:
    assert not negated(example)


def test_fda_disclaimer_negates_every_verb() -> None:
    doc = NLP("This product is not intended to diagnose, treat, cure or prevent any disease.")
    for word in ("diagnose", "treat", "cure", "prevent"):
        i = next(t.i for t in doc if t.text == word)
        assert is_negated(doc, i, i + 1), word


# --- post-triggers -------------------------------------------------------------------------


def test_post_trigger_scopes_backward() -> None:
    assert negated("[A cure] is not the claim.")
    assert negated("That it [treats anxiety] is ruled out.")
    assert negated("[Healing trauma] isn't what the lens offers.")


def test_post_trigger_does_not_scope_forward() -> None:
    assert not negated("A cure is ruled out by the [treatment] design.")


def test_post_trigger_stops_at_terminators() -> None:
    assert not negated("It [cures] insomnia; the diet is not needed.")
    assert not negated("It [cures] insomnia, which is not surprising.")


# --- window and terminators ----------------------------------------------------------------


def test_window_counts_words_not_punctuation() -> None:
    inside = " ".join(["word"] * (WINDOW - 1))
    outside = " ".join(["word"] * WINDOW)
    assert negated(f"Not {inside} [cure].")
    assert not negated(f"Not {outside} [cure].")
    assert negated(f"Not , {inside} , [cure].")
    assert negated(f"[Cure] {inside} is not.")
    assert not negated(f"[Cure] {outside} is not.")


@given(gap=st.integers(min_value=0, max_value=2 * WINDOW), post=st.booleans())
def test_window_property(gap: int, post: bool) -> None:
    words = " ".join(["calm"] * gap)
    example = f"[Cure] {words} is not." if post else f"Not {words} [cure]."
    assert negated(example) == (gap < WINDOW)


@pytest.mark.parametrize("terminator", [t["phrase"] for t in LEXICON["terminators"]])
def test_every_terminator_stops_a_pre_scope(terminator: str) -> None:
    assert not negated(f"It is not a diet {terminator} it [cures] insomnia.")


def test_pseudo_trigger_does_not_negate_but_other_triggers_still_do() -> None:
    assert not negated("It is not only calming, it [cures] insomnia.")
    assert negated("It is not only calming, it is never a [cure].")


def test_no_trigger_no_negation() -> None:
    assert not negated("The lens is a [cure].")


def test_scopes_are_computed_once_per_doc() -> None:
    doc = NLP("It is never a cure.")
    assert is_negated(doc, 4, 5)
    scopes = doc.user_data["tierlint.negation"]
    assert is_negated(doc, 4, 5)
    assert doc.user_data["tierlint.negation"] is scopes


def test_a_post_trigger_does_not_reach_back_past_a_comma() -> None:
    import spacy

    nlp = spacy.blank("en")
    doc = nlp("Read this way, jet lag is not a malfunction.")
    assert not is_negated(doc, 0, 3)
    doc = nlp("A cure is not the claim.")
    assert is_negated(doc, 0, 2)
