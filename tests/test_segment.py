"""Tests for the claim sentence segmenter (tierlint/segment.py)."""

from __future__ import annotations

import subprocess
import sys
import time


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierlint.segment import split_sentences

SEED = (
    "Serious hypothesis — the brain may do something backprop-like. That biological "
    "learning approximates gradient descent is active neuroscience: predictive coding "
    "minimizing prediction error (Friston; Whittington & Bogacz showing predictive coding "
    'can approximate backprop), and "Backpropagation and the brain" (Lillicrap, Santoro, '
    "Marris, Akerman & Hinton, Nat. Rev. Neurosci. 2020 — the NGRAD hypothesis: the brain "
    "uses activity differences to carry error signals). Named as a live research bridge, "
    "not settled fact."
)


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_seed_sentence_gives_three_claims() -> None:
    assert sentences(SEED) == [
        "Serious hypothesis — the brain may do something backprop-like.",
        SEED[SEED.index("That") : SEED.index("signals).") + len("signals).")],
        "Named as a live research bridge, not settled fact.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # abbreviations that never end a sentence
        "Drugs e.g. Aspirin work.",
        "Some, i.e. Most of them, agree.",
        "As Dr. Smith showed, it holds.",
        "Backprop vs. Hebbian learning is the question.",
        "It took approx. 3 days to converge.",
        "See the proof cf. Chapter 2 for details.",
        "It was built ca. 1850 by hand.",
        # before a number
        "As Fig. 2 shows, the loss falls.",
        "See Figs. 3 and 4 for the curves.",
        "Use Eq. 3 here.",
        "The result in Ref. 12 agrees.",
        "Patent No. 5 covers it.",
        # references
        "Lillicrap et al., Nat. Rev. Neurosci. 2020 proposed it.",
        "Smith et al. 2020 proposed it.",
        "Smith et al. (2020) proposed it.",
        "Published in J. Biol. Chem. 266 last year.",
        "Published in Proc. Natl. Acad. Sci. USA last year.",
        # initials and species
        "The books of J. R. R. Tolkien sold well.",
        "Work by John F. Kennedy ended.",
        "Roots of A. thaliana grow.",
        "Cultures of E. coli and S. cerevisiae grew.",
        # numbers, ellipses
        "The value 3.5 beats p < 0.05 in v1.2.3 builds.",
        "Gradients vanish... and the signal dies.",
        "The list runs on … and on.",
        # brackets
        "The claim (see Sect. A. Proof holds. Yes) stands.",
        "It cites [Smith. Jones. 2020] here.",
        "We met Ms. Lee at noon.",
        "Three vs. Four was the score.",
        # lower-case continuations
        "A period. then a lower-case word.",
        # a numbered block
        "1. The first point holds.",
    ],
)
def test_does_not_split(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Really? Yes! Good.", ["Really?", "Yes!", "Good."]),
        ("It ends. 2020 was next.", ["It ends.", "2020 was next."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("He said “stop.” Then left.", ["He said “stop.”", "Then left."]),
        ('It ends. "Quoted" starts.', ["It ends.", '"Quoted" starts.']),
        ("(This is whole.) Next one.", ["(This is whole.)", "Next one."]),
        ("Zero loss (arrived). Big gap.", ["Zero loss (arrived).", "Big gap."]),
        ("**Exact.** The math holds.", ["**Exact.**", "The math holds."]),
        ("It is *exactly.* How it learns.", ["It is *exactly.*", "How it learns."]),
        ("Ends here. *Emphasis* starts.", ["Ends here.", "*Emphasis* starts."]),
        ("Ends here. _Emphasis_ starts.", ["Ends here.", "_Emphasis_ starts."]),
        ("By Smith et al. The end.", ["By Smith et al.", "The end."]),
        ("Apples, pears, etc. The rest.", ["Apples, pears, etc.", "The rest."]),
        ("It activates NF-kappa B. The end.", ["It activates NF-kappa B.", "The end."]),
        ("We measured it. mRNA levels rose.", ["We measured it.", "mRNA levels rose."]),
        ("Wait... What now?", ["Wait...", "What now?"]),
        ("It trails off… Then resumes.", ["It trails off…", "Then resumes."]),
        ("Proven in xxxxxxxxxxxx (band 111111). At that level it holds.",
         ["Proven in xxxxxxxxxxxx (band 111111).", "At that level it holds."]),
        ("It is defined. xxxxxxxx names it.", ["It is defined.", "xxxxxxxx names it."]),
        ("Soft\nbreak stays. Next\nline.", ["Soft\nbreak stays.", "Next\nline."]),
        ("  Padded.   Text.  ", ["Padded.", "Text."]),
        ("Unicode wᵀ ≠ w. Émile agreed.", ["Unicode wᵀ ≠ w.", "Émile agreed."]),
        ("It said no. Then it left.", ["It said no.", "Then it left."]),
        ("See Fig. The rest.", ["See Fig.", "The rest."]),
        ("It was Smith. Dr. Lee agreed.", ["It was Smith.", "Dr. Lee agreed."]),
        # a unit after its number may end a sentence; the title never does
        ("It answers after 58.3 ms. The proof holds.", ["It answers after 58.3 ms.", "The proof holds."]),
        ("It answers after 58 ms. xxxx proves it.", ["It answers after 58 ms.", "xxxx proves it."]),
    ],
)
def test_splits(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize("text", ["", " ", "\n\t  \n"])
def test_empty_and_blank(text: str) -> None:
    assert split_sentences(text) == []


def test_unclosed_bracket_does_not_swallow_the_block() -> None:
    text = "An unclosed (aside starts here. " + "Then a sentence follows. " * 30
    assert len(sentences(text)) == 31


def test_stray_closer_far_away_does_not_glue_sentences() -> None:
    text = "Open (here. " + "Then a sentence follows. " * 30 + "Item b) ends."
    assert len(sentences(text)) == 32


def test_stray_closer_alone_is_harmless() -> None:
    text = "First a) point. Second b) point."
    assert sentences(text) == ["First a) point.", "Second b) point."]


def test_bracket_pairing_is_linear() -> None:
    start = time.perf_counter()
    split_sentences("(" + "[" * 20000 + ")" * 20000 + " End. Next.")
    assert time.perf_counter() - start < 0.5


PROSE_CHARS = st.sampled_from(list("aZ .!?…()[]\"'*_\n\tx1—")) | st.characters()


@settings(max_examples=200, deadline=None)
@given(st.text(PROSE_CHARS, max_size=300))
def test_span_invariants(text: str) -> None:
    spans = split_sentences(text)
    position = 0
    covered: set[int] = set()
    for start, end in spans:
        assert position <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        covered.update(range(start, end))
        position = end
    assert {i for i, char in enumerate(text) if not char.isspace()} <= covered


def test_import_does_not_load_spacy() -> None:
    code = "import sys, tierlint.segment; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_footnote_marks_after_the_period_stay_with_their_sentence() -> None:
    text = "Transfer was reported as well.[^1] A 2023 review doubts it.[^note-2] Whether it is directed is open.[^3]"
    assert sentences(text) == [
        "Transfer was reported as well.[^1]",
        "A 2023 review doubts it.[^note-2]",
        "Whether it is directed is open.[^3]",
    ]
