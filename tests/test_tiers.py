"""Every way a claim gets its tier (SPEC §1), first match wins, plus the cue lexicon."""

from __future__ import annotations

import pytest

from tierlint.engine import tier_page
from tierlint.page import parse_page
from tierlint.resources import load_lexicon


def tiers(text: str) -> list[tuple[str, str | None, str | None]]:
    claims = tier_page(parse_page(text))
    return [(c.text, c.tier, c.source) for c in claims]


def test_marker_before_a_paragraph_sets_only_that_block():
    out = tiers("<!-- tier: lens -->\nThe river keeps time.\n\nThe sea keeps nothing.\n")
    assert out == [("The river keeps time.", "lens", "marker"), ("The sea keeps nothing.", None, None)]


def test_marker_before_a_list_or_table_covers_all_of_it():
    out = tiers("<!-- tier: exact -->\n- one edge.\n- two edges.\n\nAfter.\n")
    assert [t for _, t, _ in out] == ["exact", "exact", None]
    out = tiers("<!-- tier: hypothesis -->\n| a | b |\n|---|---|\n| x | y |\n| z | w |\n")
    assert [t for _, t, _ in out] == ["hypothesis", "hypothesis"]


def test_marker_inside_a_list_item_sets_that_item():
    out = tiers("- <!-- tier: serious hypothesis -->\n  The gut talks to the brain.\n- Plain.\n")
    assert [(t, s) for _, t, s in out] == [("hypothesis", "marker"), (None, None)]


@pytest.mark.parametrize(
    "label, tier",
    [
        ("Exact —", "exact"),
        ("Exact:", "exact"),
        ("**Serious hypothesis:**", "hypothesis"),
        ("Serious hypothesis —", "hypothesis"),
        ("*Interpretive lens* —", "lens"),
        ("Interpretive lens, welcomed at distance —", "lens"),
        ("Lens:", "lens"),
        ("Hypothesis (open) –", "hypothesis"),
        ("Tier 1 — Exact:", "exact"),
        ("Tier 3: Interpretive lens —", "lens"),
    ],
)
def test_labelled_blocks(label, tier):
    out = tiers(f"1. {label} the first sentence. The second sentence.\n2. Plain item.\n")
    assert out[0][1:] == (tier, "label")
    assert out[1][1:] == (tier, "label")
    assert out[2][1] is None


def test_a_run_in_label_closed_by_a_full_stop_declares_its_block():
    out = tiers("1. **Exact.** The update is one recipe. It is proven.\n2. Plain item.\n")
    assert [(t, s) for _, t, s in out] == [("exact", "label")] * 3 + [(None, None)]
    assert tiers("Exactly. The point stands.\n")[0][1] is None


def test_a_heading_may_number_its_tier():
    out = tiers("### Tier 2: Serious hypothesis\n\nThe update is one recipe.\n")
    assert out[0][1:] == ("hypothesis", "section")


def test_a_label_needs_its_dash_or_colon_and_a_whole_word():
    assert tiers("Exactly the point. \n")[0][1] is None
    assert tiers("Lenses ground in 1900 were heavy.\n")[0][1] is None
    assert tiers("Exact timing matters here.\n")[0][1] is None


def test_section_headings_scope_to_the_next_heading_of_same_or_higher_level():
    text = (
        "# Page\n\nIntro line.\n\n## Exact\n\nFirst.\n\n### Detail\n\nStill exact.\n\n"
        "## Serious hypothesis\n\nSecond.\n\n## Notes\n\nNothing.\n\n## Interpretive lens (at distance)\n\nThird.\n"
    )
    out = tiers(text)
    assert [(t, s) for _, t, s in out] == [
        (None, None),
        ("exact", "section"),
        ("exact", "section"),
        ("hypothesis", "section"),
        (None, None),
        ("lens", "section"),
    ]


def test_page_default_from_front_matter_and_precedence():
    text = (
        "---\ntier: lens\n---\nA river is a mind.\n\n<!-- tier: exact -->\nA marker wins.\n\n"
        "## Serious hypothesis\n\nA section wins over the page.\n\n- Exact — a label wins over the section.\n"
    )
    out = tiers(text)
    assert [(t, s) for _, t, s in out] == [
        ("lens", "page"),
        ("exact", "marker"),
        ("hypothesis", "section"),
        ("exact", "label"),
    ]


def test_declared_tier_is_never_overwritten_by_wording():
    out = tiers("- Interpretive lens — this is proven equal, term for term.\n")
    assert out[0][1:] == ("lens", "label")


def test_inference_uses_cues_and_negation():
    out = tiers(
        "The brain may do something backprop-like. "
        "Yes — and not as a loose analogy. "
        "The river, read this way, is a mind. "
        "The water is cold.\n"
    )
    assert [t for _, t, _ in out] == ["hypothesis", "exact", "lens", None]


def test_a_claim_that_names_a_proof_and_nothing_else_is_exact():
    text = (
        "Platt scaling is one logistic regression, and `platt.fk` (band 11111) confirms it.\n\n"
        "The notes for `platt.md` are elsewhere.\n\n"
        "`platt.fk` checks the linear case; the rest may be open.\n"
    )
    claims = tier_page(parse_page(text), (), (".fk",))
    assert [(c.tier, [e.cue for e in c.evidence]) for c in claims] == [
        ("exact", ["platt.fk"]),
        (None, []),
        ("hypothesis", ["may"]),
    ]
    # without proof extensions (a config with none) nothing is inferred from the name
    assert tier_page(parse_page(text))[0].tier is None


def test_an_exact_value_stated_beside_a_proof_is_exact():
    """"exactly" states what the paragraph's proof derives; negated, or next to a hedge, it
    is not exact (away from the proof, see test_proofs: an exact figure asks for one)."""
    text = (
        "The scale factor at 60° is exactly 2, so the walk is drawn twice as long. "
        "`mercator.fk` (band 111111) derives the integral. "
        "That is not exactly a rule of thumb. "
        "It may be exactly 3 in the polar case.\n\n"
        "The rule the operator works by is exact: the net pull is the difference of the masses."
        " `cliff.fk` (band 111111) proves it.\n\n"
        "The math is exact; the bridge is a serious hypothesis; the reading is a lens. `m.fk` checks the math.\n"
    )
    claims = tier_page(parse_page(text), (), (".fk",))
    assert [(c.tier, [e.cue for e in c.evidence]) for c in claims] == [
        ("exact", ["exactly", "mercator.fk"]),
        ("exact", ["mercator.fk"]),
        (None, []),
        ("hypothesis", ["may"]),
        ("exact", ["is exact", "cliff.fk"]),
        ("exact", ["cliff.fk"]),
        (None, []),  # it names all three tiers: a summary, not a claim at one of them
        ("exact", ["m.fk"]),
    ]


def test_a_tier_column_declares_each_rows_tier():
    text = (
        "| Drivetrain | Transformer | Tier | Source |\n"
        "|---|---|---|---|\n"
        "| gear ratio | turns ratio | **exact** | `gear.fk` |\n"
        "| riders may settle on a cadence | a load matched | Serious hypothesis | Takaishi 1996 |\n"
        "| changing down before the hill | choosing your load | lens | — |\n"
        "| a row with no tier | nothing `a|b` | — | — |\n"
        "\n"
        "| Term | Meaning |\n"
        "|---|---|\n"
        "| lens | a picture |\n"
    )
    claims = tier_page(parse_page(text))
    assert [(c.tier, c.source) for c in claims] == [
        ("exact", "label"),
        ("hypothesis", "label"),
        ("lens", "label"),
        (None, None),
        (None, None),  # no tier column in this table: "lens" is only a term
    ]


def test_a_sentence_that_points_to_another_page_takes_no_tier():
    text = (
        "Why the ball seems to die on a cold evening has its own page, `lc-cold-balls`.\n\n"
        "Why the ball seems to die on a cold evening has its own page.\n"
    )
    claims = tier_page(parse_page(text))
    assert [c.tier for c in claims] == [None, "hypothesis"]  # no page named: still a hedge


def test_a_page_name_right_after_is_on_is_a_pointer_but_a_proof_name_is_not():
    text = (
        "A lens that keeps only its curved surfaces is on `lc-fresnel`.\n\n"
        "Why the ball seems to die on a cold evening is in `lc-cold-balls`, with the numbers.\n\n"
        "The ball seems to die on a cold evening, as `lc-cold-balls` shows.\n\n"
        "The peak wavelength is exactly b/T, and the derivation is in `wien.fk`.\n"
    )
    claims = tier_page(parse_page(text), proof_extensions=(".fk",))
    assert [c.tier for c in claims] == [None, None, "hypothesis", "exact"]


def test_a_worked_counterfactual_does_not_contradict_an_exact_claim():
    """"a water barometer would need a tube 10.33 m tall" is arithmetic inside the proof's
    claim; "may" still contradicts it."""
    assert _tier_findings(
        "<!-- tier: exact -->\nThe height is the pressure over ρg; a water barometer would need a tube 10.33 m tall."
    ) == []
    assert _tier_findings("<!-- tier: exact -->\nThe height may be the pressure over ρg.") == ["TL103"]


def test_a_simile_in_narration_is_no_lens():
    out = tiers("Every broker brought up those two months as if they had happened last week.\n")
    assert out[0][1] is None


def test_a_cue_glued_into_a_hyphen_compound_is_no_cue():
    out = tiers("Treat the half-equivalence point as your calibration check.\n")
    assert out[0][1] is None
    assert tiers("The two rules are one recipe, term for term.\n")[0][1] == "exact"


def test_questions_are_not_tiered():
    out = tiers("## Exact\n\nIs the thaw backprop?\n")
    assert out[0][1:] == (None, None)


def test_cues_inside_quotes_do_not_count():
    out = tiers('She wrote "Why the brain may run backprop" last year.\n')
    assert out[0][1] is None


def test_evidence_points_at_the_cue():
    claims = tier_page(parse_page("Intro.\n\nThe cortex may run a cousin of it.\n"))
    claim = claims[1]
    assert [(e.cue, e.tier) for e in claim.evidence] == [("may", "hypothesis")]
    assert claim.evidence[0].start == claim.start + len("The cortex ")


def _tier_findings(text: str) -> list[str]:
    """The TL102/TL103 codes ``check`` reports for a one-page ``text``."""
    import json
    import tempfile
    from pathlib import Path

    from click.testing import CliRunner

    from tierlint.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "p.md"
        page.write_text(text + "\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", str(page)])
    found = [d["code"] for d in json.loads(result.output)["diagnostics"]]
    return [c for c in found if c in ("TL102", "TL103")]


@pytest.mark.parametrize(
    "sentence",
    [
        "It is simply a fact that the know-all makes the team better.",
        "It is a fact that the know-all makes the team better.",
        "It is a plain fact that the know-all makes the team better.",
    ],
)
def test_a_declared_lens_worded_as_fact_contradicts_its_tier(sentence):
    assert _tier_findings("<!-- tier: lens -->\n" + sentence + "\n") == ["TL103"]
    assert _tier_findings(sentence + "\n") == []  # untiered: no exact claim is inferred


@pytest.mark.parametrize(
    "sentence, tier",
    [
        ("It seemed to me then like the coldest room in Wales, and it may well have been.", None),
        ("The Blanc brothers may well have been the first to hack a network.", "hypothesis"),
    ],
)
def test_what_may_have_been_in_the_writers_own_story_is_their_doubt(sentence, tier):
    assert [c.tier for c in tier_page(parse_page(sentence + "\n"))] == [tier]


@pytest.mark.parametrize(
    "paragraph, tiers",
    [
        # a question someone put, in a story or at a meeting, doubts nothing the page claims
        ("In the heatwave the clock fell behind. My son asked whether it was broken.", [None, None]),
        ("At the last meeting Priya asked whether we could keep the old histograms.", [None]),
        # research asks it: an open question, also in a note that tells a story
        ("We asked whether replay carries the error.", ["hypothesis"]),
        ("I lose the toss most weeks. We ran a sweep on whether anyone would make a century.", [None, None]),
    ],
)
def test_a_question_someone_asked_is_no_open_question(paragraph, tiers):
    assert [c.tier for c in tier_page(parse_page(paragraph + "\n"))] == tiers


def test_a_quotation_over_several_sentences_is_someone_elses_doubt():
    """A testimonial's hedge is its speaker's, not the page's; a hedge outside the quotation,
    or in a quotation inside one sentence's claim, is handled as before."""
    text = (
        '> "My daughter thinks we\'re all mad. She might be right." — Ann, 64\n\n'
        'The guide says "it may rain", and the ferry may be late.\n'
    )
    claims = tier_page(parse_page(text))
    assert [c.tier for c in claims] == [None, None, "hypothesis"]
    assert [c.start for c in claims[-1].cues] == [claims[-1].text.rindex("may")]  # not the quoted one


@pytest.mark.parametrize(
    "sentence, tier",
    [
        ("This page sets out what is certain about that, what the research says, and a way of talking about it.", None),
        ("This note covers the limiter only; the queue may be slower.", None),
        # not at the claim's start: the page's own words are not signposting
        ("What this page covers may well be wrong.", "hypothesis"),
    ],
)
def test_a_signpost_announces_the_page_and_takes_no_tier(sentence, tier):
    assert [c.tier for c in tier_page(parse_page(sentence + "\n"))] == [tier]


def _entries():
    return [pytest.param(e, id=str(e["phrase"])[:40]) for e in load_lexicon("tiers")["cues"]]


@pytest.mark.parametrize("entry", _entries())
def test_every_cue_entry_earns_its_place(entry):
    """Each lexicon entry's own example is inferred with the entry's tier (and its cue in
    the evidence); each of its `not` sentences does not count it. An ``infers: false`` entry
    is found in its example, and its `not` sentences get no tier from it. A ``tier: none``
    entry (another sense) leaves its example untiered, and its `not` sentences tiered."""
    phrases = entry["phrase"] if isinstance(entry["phrase"], list) else [entry["phrase"]]
    claims = tier_page(parse_page(entry["example"] + "\n"))
    if entry["tier"] == "none":
        # another sense: its example gets no tier, its `not` sentences keep the shorter cue's
        assert [claim.tier for claim in claims] == [None], entry["example"]
        for sentence in entry.get("not", []):
            assert [claim.tier for claim in tier_page(parse_page(sentence + "\n"))] != [None], sentence
        return
    cues = [c for claim in claims for c in claim.cues if c.entry.phrases == tuple(phrases)]
    assert cues and cues[0].signals == entry["tier"], entry["example"]
    for sentence in entry.get("not", []):
        claims = tier_page(parse_page(sentence + "\n"))
        if entry.get("infers") is False:
            assert all(claim.tier != entry["tier"] for claim in claims), sentence
            continue
        if entry.get("contradicts") is False and any(c.source not in (None, "inferred") for c in claims):
            # a claim under a declared tier: the cue must not contradict it (TL102, TL103)
            assert _tier_findings(sentence) == [], sentence
            continue
        counted = [
            c
            for claim in claims
            for c in claim.cues
            if c.entry.phrases == tuple(phrases) and c.signals == entry["tier"]
        ]
        assert not counted, sentence


def test_a_non_inferring_cue_contradicts_a_declared_lens_but_infers_nothing(tmp_path):
    """"Clinically proven" states a lens as proven fact (TL103), but in untiered marketing
    copy it is clinical wording, not an exact claim wanting a proof (no TL201)."""
    from click.testing import CliRunner

    from tierlint.cli import main

    page = tmp_path / "p.md"
    page.write_text(
        "<!-- tier: lens -->\nThe Reset is clinically proven to reduce stress.\n\n"
        "Our new series is clinically proven to ease stiffness.\n"
    )
    result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", str(page)])
    payload = __import__("json").loads(result.output)
    codes = sorted((d["line"], d["code"]) for d in payload["diagnostics"])
    assert (2, "TL103") in codes
    assert not [c for c in codes if c[1] == "TL201"]
    claims = tier_page(parse_page(page.read_text()))
    assert claims[-1].tier is None


def test_proving_and_hedging_in_one_clause_is_tl102_even_under_a_declared_tier():
    """"This proves that most marshes may survive" in a hypothesis block mixes tiers in one
    clause (TL102, once); "proves" alone in a hypothesis claim contradicts it (TL103)."""
    assert _tier_findings(
        "2. Serious hypothesis — this proves that most marshes may survive (Kirwan 2016)."
    ) == ["TL102"]
    assert _tier_findings(
        "2. Serious hypothesis — the record proves the marsh keeps pace (Kirwan 2016)."
    ) == ["TL103"]


def test_plural_tier_headings_declare_their_sections():
    claims = tier_page(
        parse_page("## Serious hypotheses\n\nPrices move.\n\n## Interpretive lenses\n\nA shape.\n")
    )
    assert [(c.tier, c.source) for c in claims] == [("hypothesis", "section"), ("lens", "section")]


def test_no_phrase_is_the_cue_of_two_entries():
    """Two entries matching the same words would leave which one counts to the matcher's
    order: another sense of a cue gets phrases of its own ("note argues that")."""
    seen: dict[str, int] = {}
    for i, entry in enumerate(load_lexicon("tiers")["cues"]):
        phrases = entry["phrase"] if isinstance(entry["phrase"], list) else [entry["phrase"]]
        for phrase in phrases:
            assert phrase.lower() not in seen, (phrase, seen.get(phrase.lower()), i)
            seen[phrase.lower()] = i
