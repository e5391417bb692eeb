"""The pipeline's answers for many texts (tierlint.nlp.annotations): texts that hold none
of the words the components' phrases need are not tokenized, and nothing changes."""

from __future__ import annotations

from pathlib import Path

from tierlint import nlp
from tierlint.engine import tier_page
from tierlint.page import parse_page

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "It couldn't be a cure for anything.",  # "could" split off by a special case
    "You'll feel better within 3 days, guaranteed.",
    "The mayoral race treats nobody well.",  # "may" inside a word
    "CURES ANXIETY IN WEEKS!",
    "Pain-free within two weeks.",
    "It is possible that the loop may carry the error.",
    "Nothing to see here: a plain sentence about bread.",
    "We'll probably keep the alarm; I think it's fine.",
    "",
    "xxx xxxxx",
]


def _corpus_texts(limit: int = 40) -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus").rglob("lc-*.md"))[:limit]:
        texts.extend(c.masked for c in tier_page(parse_page(path.read_text(encoding="utf-8"))))
    return texts


def _plain(found: dict) -> dict:
    return {k: v for k, v in found.items() if k != nlp.TEXT}


def test_skipping_texts_without_the_needed_words_changes_no_answer(monkeypatch):
    monkeypatch.setattr(nlp, "_SKIP_FROM_CHARS", 0)  # a small request is filtered too here
    texts = TRICKY + _corpus_texts()
    everything = [_plain(doc.user_data) for doc in nlp.make_docs(texts)]
    filtered = [_plain(found) for found in nlp.annotations(texts)]
    assert filtered == everything
    needs, _ = nlp._anchors(())
    skipped = [t for t in texts if not needs(t.lower())]
    assert len(skipped) > len(texts) // 5  # it does skip: the plain sentences of a page


def test_a_phrase_that_counts_only_beside_certain_words_is_skipped_without_them():
    """"would" hedges only before "suggest", "reduce", …; "treat" is clinical only with a
    condition named: without those words beside them the text is not read."""
    needs, _ = nlp._anchors(())
    assert not needs("a skeptic would ask how any of this is measured.")
    assert needs("blocking the site would reduce the effect.")
    assert not needs("treat the gap as a signal, not a verdict.")
    assert needs("the course treats anxiety at its source.")
    assert needs("it heals tendinitis.")  # a term found by its ending


def test_a_component_that_cannot_name_its_phrases_turns_the_skipping_off(monkeypatch):
    from tierlint.tiers import CueMatcher

    monkeypatch.setattr(nlp, "_ANCHORS", {})
    monkeypatch.setattr(nlp, "_SKIP_FROM_CHARS", 0)
    monkeypatch.delattr(CueMatcher, "phrases")
    assert nlp._anchors(()) is None
    texts = TRICKY[:3]
    assert [_plain(f) for f in nlp.annotations(texts)] == [
        _plain(d.user_data) for d in nlp.make_docs(texts)
    ]


def test_the_trie_pattern_matches_exactly_its_words():
    import re

    words = {"cure", "cures", "cured", "may", "heal", "h"}
    rx = re.compile(rf"(?:{nlp._trie(words)})\Z")
    for w in words:
        assert rx.match(w)
    for w in ["cur", "curess", "ma", "he", "", "heals"]:
        assert not rx.match(w)


def test_once_built_the_pattern_serves_small_requests_too(monkeypatch):
    """A run over many pages builds the pattern before its workers fork; after that every
    page, however small, is filtered, with the same answers."""
    monkeypatch.setattr(nlp, "_ANCHORS", {})
    small = TRICKY[:4]
    assert [_plain(f) for f in nlp.annotations(small)] == [_plain(d.user_data) for d in nlp.make_docs(small)]
    assert () not in nlp._ANCHORS  # too small to be worth building it
    nlp._anchors(())
    assert [_plain(f) for f in nlp.annotations(small)] == [_plain(d.user_data) for d in nlp.make_docs(small)]
