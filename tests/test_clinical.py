"""TL401 clinical wording and TL402 health promises (tierlint/clinical.py, rules/clinical.yaml)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy

from tierlint.clinical import find_clinical
from tierlint.resources import load_lexicon

NLP = spacy.blank("en")
LEXICON = load_lexicon("clinical")
SEED = Path("/work/shared/seed/lc-the-thaw-is-backprop.txt")
MARKED = re.compile(r"\[([^\]]+)\]")


def hits(text: str) -> list[tuple[str, str]]:
    """(code, covered text) of every finding in one claim."""
    return [(h.code, text[h.start : h.end]) for h in find_clinical(NLP(text))]


def unmark(example: str) -> tuple[str, str]:
    """'This [cures insomnia].' -> ('This cures insomnia.', 'cures insomnia')."""
    match = MARKED.search(example)
    assert match, f"no [bracketed] span in {example!r}"
    return MARKED.sub(r"\1", example), match.group(1)


# --- realistic claims: wellness copy, concept pages, engineering notes ---------------------

FIRES = [
    ("Our 8-week breathwork course treats PTSD without medication.", [("TL401", "treats PTSD")]),
    ("Sound healing heals anxiety at the cellular level.", [("TL401", "heals anxiety")]),
    (
        "Magnesium glycinate is a cure for depression that doctors ignore.",
        [("TL401", "cure for depression")],
    ),
    ("This tea cures insomnia in most adults.", [("TL401", "cures insomnia")]),
    ("The quiz helps you diagnose ADHD at home.", [("TL401", "diagnose ADHD")]),
    ("Intermittent fasting reverses diabetes, says the coach.", [("TL401", "reverses diabetes")]),
    ("Daily cold showers prevent migraines.", [("TL401", "prevent migraines")]),
    ("Forest bathing replaces your antidepressants.", [("TL401", "replaces your antidepressants")]),
    ("Saffron works like an SSRI without the side effects.", [("TL401", "works like an SSRI")]),
    ("Try grounding instead of medication.", [("TL401", "instead of medication")]),
    (
        "Doctors prescribe antidepressants far too often; try this first.",
        [("TL401", "prescribe antidepressants")],
    ),
    (
        "EMDR is a treatment for trauma that works through the eyes.",
        [("TL401", "treatment for trauma")],
    ),
    (
        "The pilot found a clinically significant reduction in symptoms.",
        [("TL401", "clinically significant")],
    ),
    ("Journaling is the cheapest therapy for burnout.", [("TL401", "therapy for burnout")]),
    ("Bone broth heals your gut in weeks.", [("TL401", "heals your gut")]),
    ("A clinically proven method to quiet the mind.", [("TL401", "clinically proven")]),
    (
        "Lavender oil has a therapeutic effect on the nervous system.",
        [("TL401", "therapeutic effect")],
    ),
    ("Reiki treats chronic fatigue syndrome.", [("TL401", "treats chronic fatigue syndrome")]),
    ("Tapping relieves the symptoms of PTSD.", [("TL401", "relieves the symptoms of PTSD")]),
    ("This protocol is an effective natural cure.", [("TL401", "natural cure")]),
    (
        "Breathwork is as effective as therapy for most people.",
        [("TL401", "as effective as therapy")],
    ),
    (
        "Plant-based alternatives to antidepressants are booming.",
        [("TL401", "alternatives to antidepressants")],
    ),
    ("Kundalini yoga can eliminate panic attacks.", [("TL401", "eliminate panic attacks")]),
    ("A 21-day plan for healing trauma from the inside out.", [("TL401", "healing trauma")]),
    ("The clinic offers PTSD therapy on weekends.", [("TL401", "PTSD therapy")]),
    ("Herbalists call it nature's Prozac.", [("TL401", "nature's Prozac")]),
    (
        "Users who stop taking their medication report more energy.",
        [("TL401", "stop taking their medication")],
    ),
    ("Our app can diagnose depression from your typing speed.", [("TL401", "diagnose depression")]),
    ("Acupuncture is a proven remedy for migraines.", [("TL401", "remedy for migraines")]),
    ("CBD is prescribed for anxiety in many clinics.", [("TL401", "prescribed for anxiety")]),
    ("Humming repairs your nervous system.", [("TL401", "repairs your nervous system")]),
    ("Meditation prevents dementia, according to the founder.", [("TL401", "prevents dementia")]),
    (
        "Our protocol treats the root cause of anxiety.",
        [("TL401", "treats the root cause of anxiety")],
    ),
    ("Read this way, the thaw heals depression.", [("TL401", "heals depression")]),
    (
        "It is a shape for the felt experience and a cure for anxiety.",
        [("TL401", "cure for anxiety")],
    ),
    ("This is not just relaxation; it cures insomnia.", [("TL401", "cures insomnia")]),
    ("This lens is no mere metaphor: it treats trauma.", [("TL401", "treats trauma")]),
    ("It's not a diet — it reverses type 2 diabetes.", [("TL401", "reverses type 2 diabetes")]),
    ("Stillness is the cure.", [("TL401", "the cure")]),
    # TL402: promised outcomes (the TL401 wording inside them is reported too)
    (
        "This practice will heal your trauma.",
        [("TL402", "will heal your trauma"), ("TL401", "heal your trauma")],
    ),
    (
        "Guaranteed relief from chronic pain, or your money back.",
        [("TL402", "Guaranteed"), ("TL401", "relief from chronic pain"), ("TL402", "or your money back")],
    ),
    ("Most users feel better within weeks.", [("TL402", "within weeks")]),
    ("The method permanently resolves anxiety.", [("TL402", "permanently resolves")]),
    (
        "It permanently cures insomnia.",
        [("TL402", "permanently cures"), ("TL401", "cures insomnia")],
    ),
    ("In our pilot, 100% of participants recovered.", [("TL402", "100% of")]),
    ("After the retreat you will be free of anxiety.", [("TL402", "be free of anxiety")]),
    ("See results in 7 days.", [("TL402", "results in 7 days")]),
    (
        "You'll heal your gut with this one food.",
        [("TL402", "'ll heal your gut"), ("TL401", "heal your gut")],
    ),
    ("The programme guarantees an end to insomnia.", [("TL402", "guarantees")]),
    ("Symptoms vanish in just 3 days.", [("TL402", "in just 3 days")]),
    ("Heal the gut in 21 days.", [("TL401", "Heal the gut"), ("TL402", "in 21 days")]),
]

SILENT = [
    # the seed's own wording
    "It is offered at that distance: a shape for the felt experience, never a clinical claim "
    "and never a cure.",
    "A stuck trauma-loop is a basin in a loss landscape.",
    "The trauma-as-basin reading is a lens welcomed at distance.",
    "Healing, read this way, is escaping a basin.",
    "Real release belongs to the body, in its own time, often with skilled, loving company.",
    "The brain almost certainly does not run literal backprop.",
    # negated
    "This is not a clinical claim.",
    "This is not medical advice.",
    "Breathwork is no substitute for therapy.",
    "This practice is not a treatment for depression.",
    "The lens does not cure anything.",
    "We describe the loop without claiming to treat anxiety.",
    "Nothing here diagnoses ADHD.",
    "This product is not intended to diagnose, treat, cure or prevent any disease.",
    "These statements have not been evaluated by the Food and Drug Administration.",
    "It is neither a cure nor a treatment for trauma.",
    "Rather than a treatment for trauma, this is a perspective.",
    "That it heals anxiety is not the claim.",
    "Curing insomnia is out of scope for this page.",
    "Nothing here will heal you.",
    # other senses
    "Treat the gap as a signal.",
    "Treat the loss as a signal, not a verdict.",
    "Treat it as data.",
    "Outliers are treated as noise in this pipeline.",
    "Treat your anxiety as a messenger rather than an enemy.",
    "We curate the canon with care.",
    "Curated lists are more accurate than scraped ones.",
    "Keep the signing keys secure.",
    "Run a health check before deploying.",
    "Watch the health of the cluster during the migration.",
    "The model's health is tracked on the dashboard.",
    "The offsite was about healing the split between teams.",
    "Participants in the treatment group reported better sleep (Walker et al., 2019).",
    "Diagnose the bug before touching the config.",
    "The diagnostic logs show a retry storm.",
    "Use the prescribed format for citations.",
    "Apply migrations in the prescribed order.",
    "Say what you mean instead of therapy-speak.",
    "Talk to your doctor before changing any medication.",
    "If you live with depression, please reach out to a professional.",
    "The canary deploy relieves anxiety about Friday releases.",
    "Typed configs prevent headaches later.",
    "Caching is the cure for slow builds.",
    "Replace the old pipeline with the streaming one.",
    "The cluster recovered within days.",
    "Delivery is guaranteed within two days.",
    "100% of the tests pass on main.",
    "The patch permanently resolves the race condition.",
    "Reverse the gradient and the error flows back along the same edge.",
    "People diagnosed with ADHD often find lists useful.",
    # code and URLs arrive masked; quotations of titles and other people's words
    "Call xxxxxxxxxxxxxxxx before fitting.",
    "See xxxxxxxxxxxxxxxxxxxxxxxxxxxxx for the proof.",
    "The book “Cure Your Anxiety” argues that worry is a habit.",
    'She called it "a cure for everything" and laughed.',
]


@pytest.mark.parametrize(("text", "expected"), FIRES, ids=[t for t, _ in FIRES])
def test_fires(text: str, expected: list[tuple[str, str]]) -> None:
    assert sorted(hits(text)) == sorted(expected)


@pytest.mark.parametrize("text", SILENT)
def test_silent(text: str) -> None:
    assert hits(text) == []


def test_realistic_case_counts() -> None:
    assert len(FIRES) >= 40 and len(SILENT) >= 40


def test_hit_fields() -> None:
    [hit] = find_clinical(NLP("Try grounding instead of medication."))
    assert (hit.code, hit.cue, hit.category) == ("TL401", "instead of", "drug-substitute")
    [hit] = find_clinical(NLP("Symptoms vanish in just 3 days."))
    assert (hit.cue, hit.category) == ("in just # days", "timeframe")


# --- the seed page must produce no clinical finding ----------------------------------------

SEED_LENS_BLOCK = [
    "3. Interpretive lens, welcomed at distance — a frozen pattern as a local minimum, "
    "healing as escaping it.",
    "That a stuck trauma-loop is a basin in a loss landscape, and release is finding the "
    "gradient out, is a perspective that can shift how stuckness is held — the difficulty is "
    "a real basin, the single push genuinely vanishes, the coherent return genuinely escapes.",
    "It is offered at that distance: a shape for the felt experience, never a clinical claim "
    "and never a cure.",
    "Real release belongs to the body, in its own time, often with skilled, loving company.",
    "Holding the three tiers, the lens repays the rigor — each direction teaches the other:",
]


@pytest.mark.parametrize("sentence", SEED_LENS_BLOCK)
def test_seed_lens_block_is_silent(sentence: str) -> None:
    assert hits(sentence) == []


def test_whole_seed_page_is_silent() -> None:
    text = re.sub(r"`[^`]*`", lambda m: "x" * len(m.group()), SEED.read_text(encoding="utf-8"))
    sentences = [s for line in text.splitlines() for s in re.split(r"(?<=[.!?])\s+", line)]
    assert len(sentences) > 40
    assert [(s, hits(s)) for s in sentences if hits(s)] == []


# --- every lexicon entry, term and bridge word is exercised --------------------------------

ENTRIES = LEXICON["entries"]


def _entry_id(entry: dict) -> str:
    return f"{entry['category']}:{entry['phrase'][0]}"


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_entry_examples_fire_and_use_every_phrase(entry: dict) -> None:
    used = set()
    for example in entry["example"]:
        text, span = unmark(example)
        found = [
            h
            for h in find_clinical(NLP(text))
            if (h.code, h.category, text[h.start : h.end])
            == (entry["code"], entry["category"], span)
            and h.cue in entry["phrase"]
        ]
        assert found, f"{example!r} does not fire {_entry_id(entry)} on {span!r}"
        used.update(h.cue for h in found)
    assert set(entry["phrase"]) <= used, (
        f"phrases without an example: {set(entry['phrase']) - used}"
    )


@pytest.mark.parametrize(
    "text", [t for e in ENTRIES for t in e.get("not") or []], ids=lambda t: t[:50]
)
def test_entry_not_examples_are_silent(text: str) -> None:
    assert hits(text) == []


TERMS = [
    (name, term_set["example"], phrase)
    for name, term_set in LEXICON["terms"].items()
    for phrase in term_set["phrases"]
]
BRIDGE = [("bridge", LEXICON["bridge"]["example"], word) for word in LEXICON["bridge"]["words"]]


@pytest.mark.parametrize(
    ("name", "template", "phrase"), TERMS + BRIDGE, ids=[f"{n}:{p}" for n, _, p in TERMS + BRIDGE]
)
def test_every_term_and_bridge_word_is_used(name: str, template: str, phrase: str) -> None:
    text, span = unmark(template.format(phrase))
    if name in UNLESS_SETS:  # a set that shows another sense silences its example's span
        assert span not in [covered for _, covered in hits(text)]
        assert span in [covered for _, covered in hits(unmark(template.format("time"))[0])]
        return
    assert span in [covered for _, covered in hits(text)]


SUFFIXED = [(name, t["example"], t) for name, t in LEXICON["terms"].items() if t.get("suffixes")]


@pytest.mark.parametrize(("name", "template", "term_set"), SUFFIXED, ids=[n for n, _, _ in SUFFIXED])
def test_a_suffix_names_a_term_and_the_exceptions_do_not(name: str, template: str, term_set: dict) -> None:
    words = term_set["suffix_examples"]
    assert {s for s in term_set["suffixes"] if any(w.endswith(s) for w in words)} == set(term_set["suffixes"])
    for word in words:
        text, span = unmark(template.format(word))
        assert span in [covered for _, covered in hits(text)], word
    for word in term_set["except"]:
        text, span = unmark(template.format(word))
        assert span not in [covered for _, covered in hits(text)], word


def test_a_treatment_for_a_condition_named_by_its_ending():
    assert hits("Bicarbonate remains a treatment for severe metabolic acidosis in some patients.") == [
        ("TL401", "treatment for severe metabolic acidosis")
    ]
    assert hits("The study protocol treats each diagnosis as a label.") == []


UNLESS_SETS = {n for e in ENTRIES for n in e.get("unless") or ()} - {
    n for e in ENTRIES for key in ("after", "before", "sentence") for n in e.get(key) or ()
}


REFERRAL = LEXICON["referral"]
REFERRALS = (
    [f"{verb} a {who}" for verb in REFERRAL["verbs"] for who in REFERRAL["professionals"][:1]]
    + [f"{REFERRAL['verbs'][0]} your {who}" for who in REFERRAL["professionals"]]
    + list(REFERRAL["phrases"])
)


def test_without_the_referral_the_referral_example_fires() -> None:
    assert hits(REFERRAL["example"].format("it is worth noting")) == [
        ("TL401", "therapy for insomnia")
    ]


@pytest.mark.parametrize("referral", REFERRALS)
def test_a_claim_that_refers_the_reader_to_a_clinician_is_no_clinical_claim(referral: str) -> None:
    assert hits(REFERRAL["example"].format(referral)) == []


def test_a_referral_silences_tl401_only_not_a_promise() -> None:
    assert hits("Ask your doctor: this will cure your insomnia.") == [
        ("TL402", "will cure your insomnia")
    ]
    # a professional named without sending the reader there is no referral
    assert hits("Doctors agree our tea cures insomnia.") == [("TL401", "cures insomnia")]


# --- the context conditions, one by one ----------------------------------------------------


def test_hyphen_compounds_are_not_terms_or_cues() -> None:
    assert hits("This cures trauma-loops.") == []
    assert hits("An anti-anxiety routine.") == []
    assert hits("Turmeric is a cure-all.") == [("TL401", "cure-all")]
    assert hits("It is a cure - and cheap.") == [("TL401", "a cure")]


def test_bridge_is_limited() -> None:
    assert hits("It treats the symptoms of depression.") == [
        ("TL401", "treats the symptoms of depression")
    ]
    assert hits("It treats the very first symptoms of depression.") == []


def test_quotation_marks_hide_titles_not_the_writers_own_words() -> None:
    assert hits("The book “Cure Your Anxiety” argues that worry is a habit.") == []
    assert hits("The book «Cure Your Anxiety» argues that worry is a habit.") == []
    assert hits("Unlike the book, this course cures your anxiety.") == [
        ("TL401", "cures your anxiety")
    ]


def test_everyday_conditions_need_strong_cues() -> None:
    assert hits("The canary relieves anxiety.") == []
    assert hits("The canary treats anxiety.") == [("TL401", "treats anxiety")]


def test_treat_as_reframing_is_another_sense() -> None:
    assert hits("Treat anxiety as a signal.") == []
    assert hits("Treat anxiety with breath.") == [("TL401", "Treat anxiety")]


def test_offsets_are_into_the_doc_text() -> None:
    text = "Intro words here. Then breathwork treats PTSD."
    [hit] = find_clinical(NLP(text))
    assert text[hit.start : hit.end] == "treats PTSD"


def test_empty_and_cueless_claims() -> None:
    assert hits("") == []
    assert hits("The gradient flows back along the same edge.") == []


def test_one_clinical_finding_per_claim_names_every_phrase(tmp_path):
    """A sentence with two clinical phrases is one thing to reword: one TL401 names both."""
    from click.testing import CliRunner

    from tierlint.cli import main

    page = tmp_path / "p.md"
    page.write_text(
        "Our soak is clinically proven to reduce inflammation.\n\nOur tea treats insomnia.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", str(page)])
    found = [(d["code"], d["line"], d["message"]) for d in json.loads(result.output)["diagnostics"]]
    assert [(c, n) for c, n, _ in found] == [("TL401", 1), ("TL401", 3)]
    assert found[0][2].startswith("'clinically proven' and 'reduce inflammation' sound clinical")
    assert found[1][2].startswith("'treats insomnia' sounds clinical (treats condition)")


def test_a_promise_frame_gives_way_to_the_promise_it_frames(repo):
    """"… and you'll …" with a health outcome in the claim is a promise (TL402) however the
    outcome is worded; where a promise entry names the outcome ("you'll sleep better") the
    finding quotes that wording, not the frame."""
    repo.write(
        "a.md",
        "Give it a week of three-minute starts and you'll notice your sleep improving by Friday.\n\n"
        "Come for six weeks and you'll sleep better.\n\n"
        "Tap along to a song and you will tap slightly before each beat.\n",
    )
    found = [(d["code"], d["line"], d["message"]) for d in repo.check_json("a.md")["diagnostics"]]
    assert [(c, line) for c, line, _ in found] == [("TL402", 1), ("TL402", 3)]
    assert found[0][2].startswith("\"and you'll\" promises")
    assert found[1][2].startswith("\"you'll sleep better\" promises")
