"""The page the project was born from: its three numbered tiers, read as the seed means."""

from __future__ import annotations

from conftest import SEED, run_cli
import json


def seed_claims():
    result = run_cli("claims", "--format", "json", str(SEED.relative_to(SEED.parents[1])), cwd=SEED.parents[1])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["claims"]


def test_the_three_numbered_blocks_get_exact_hypothesis_lens_with_their_labels():
    claims = seed_claims()
    firsts = {
        "Exact — the math is one recipe.": ("exact", "Exact —"),
        "Serious hypothesis — the brain may do something backprop-like.": (
            "hypothesis",
            "Serious hypothesis —",
        ),
        "Interpretive lens, welcomed at distance — a frozen pattern as a local minimum,"
        " healing as escaping it.": ("lens", "Interpretive lens, welcomed at distance —"),
    }
    for text, (tier, cue) in firsts.items():
        (claim,) = [c for c in claims if c["text"] == text]
        assert claim["tier"] == tier and claim["source"] == "label"
        assert claim["evidence"][0]["cue"] == cue
        assert (claim["evidence"][0]["line"], claim["evidence"][0]["column"]) == (
            claim["line"],
            claim["column"],
        )
    by_tier = {}
    for c in claims:
        if c["source"] == "label":
            by_tier.setdefault(c["tier"], []).append(c)
    assert {t: len(v) for t, v in by_tier.items()} == {"exact": 4, "hypothesis": 4, "lens": 4}


def test_the_lillicrap_citation_stays_inside_one_claim():
    claims = seed_claims()
    (claim,) = [c for c in claims if "Lillicrap" in c["text"]]
    assert claim["text"].startswith("That biological learning approximates gradient descent")
    assert "(Lillicrap, Santoro, Marris, Akerman & Hinton, Nat. Rev. Neurosci. 2020 — the NGRAD" in claim["text"]
    assert claim["text"].endswith("to carry error signals).")


def test_claim_positions_point_at_their_text():
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    for claim in seed_claims():
        if claim["line"] == claim["end_line"]:
            line = lines[claim["line"] - 1]
            assert line[claim["column"] - 1 : claim["end_column"] - 1] == claim["text"]
