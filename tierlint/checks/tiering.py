"""Page errors (TL001) and the tier rules (TL101–TL103)."""

from __future__ import annotations

from typing import Iterator

from ..hookspecs import hookimpl
from ..rule import Context, Finding, Rule

DECLARED = ("marker", "label", "section", "page")



def _tiers():
    """tierlint.tiers, imported when a rule first runs: a cached run loads the rules
    without it (and without the page parser and the lexicons it pulls in)."""
    from .. import tiers

    return tiers

def check_page_errors(ctx: Context) -> Iterator[Finding]:
    for problem in ctx.page.problems:
        yield Finding("TL001", problem.start, problem.end, problem.message)


def check_untiered(ctx: Context) -> Iterator[Finding]:
    for claim in ctx.claims:
        if claim.tier is None and not claim.question:
            yield Finding(
                "TL101",
                claim.start,
                claim.end,
                "claim has no tier: label its block (Exact —, Serious hypothesis —,"
                " Interpretive lens —), put it under a tier heading, or add"
                " <!-- tier: … --> before it",
            )


def _clashes(ctx: Context) -> list:
    """Each claim's clause clash (or None), worked out once per page for TL102 and TL103."""
    found = ctx.cache.get("clashes")
    if found is None:
        clause_clash = _tiers().clause_clash
        found = ctx.cache["clashes"] = [clause_clash(claim) for claim in ctx.claims]
    return found


def check_mixed(ctx: Context) -> Iterator[Finding]:
    for claim, clash in zip(ctx.claims, _clashes(ctx)):
        if clash:  # declared or not: "this proves that most marshes may survive" mixes tiers
            a, b = clash
            yield Finding(
                "TL102",
                claim.start + a.start,
                claim.start + b.end,
                f"one clause mixes tiers: {a.text!r} reads as {a.signals}, {b.text!r} as"
                f" {b.signals}; split the claim, or keep the wording of one tier",
                tier=claim.tier,
            )


def check_mismatch(ctx: Context) -> Iterator[Finding]:
    tiers = _tiers()
    for claim, clash in zip(ctx.claims, _clashes(ctx)):
        if claim.source not in DECLARED:
            continue
        for cue in tiers.strong_cues(claim):
            if clash and cue in clash:
                continue  # mixed in one clause with the declared tier's wording: TL102 says it
            if frozenset((cue.signals, claim.tier)) in tiers.CLASHES:
                declared = claim.evidence[0].cue if claim.evidence else claim.tier
                yield Finding(
                    "TL103",
                    claim.start + cue.start,
                    claim.start + cue.end,
                    f"{cue.text!r} words this {claim.tier} claim as {cue.signals}"
                    f" (declared by {declared!r}); {_FIX[claim.tier]}",
                    tier=claim.tier,
                )
                break


_FIX = {
    "lens": "offer it as a perspective, or move it to the exact tier with a proof",
    "exact": "state it as proven identity, or move it to the serious-hypothesis tier",
    "hypothesis": "keep it hedged and cited, or move it to the exact tier with a proof",
}

RULES = [
    Rule(
        code="TL001",
        name="page-error",
        severity="error",
        summary="the page itself cannot be read as written (front matter, tier markers)",
        why="Invalid YAML front matter or a tier marker naming no tier silently changes"
        " how every claim below it is tiered. Fix the YAML or use exact, hypothesis or lens.",
        fires="<!-- tier: certain -->\nThe loss is the gap.",
        passes="<!-- tier: exact -->\nThe loss is the gap (`gap.fk`).",
        check=check_page_errors,
    ),
    Rule(
        code="TL101",
        name="untiered-claim",
        severity="info",
        summary="a claim has no tier",
        why="On a page that must tier everything, a claim with no tier signal leaves the"
        " reader to guess how sure it is. Label its block, give it a tier heading or marker.",
        fires="The river remembers its course.",
        passes="## Interpretive lens\n\nThe river remembers its course.",
        check=check_untiered,
        default_enabled=False,
    ),
    Rule(
        code="TL102",
        name="mixed-tier",
        severity="warning",
        summary="one claim carries cues of two tiers that clash",
        why="A clause that proves and hedges at once (\"this proves the brain may…\") claims"
        " two tiers; the reader cannot tell which to trust. Split it or pick one.",
        fires="This proves the brain may run backprop.",
        passes="The ledger proves the operations agree; the brain may run a cousin of it.",
        check=check_mixed,
    ),
    Rule(
        code="TL103",
        name="tier-mismatch",
        severity="warning",
        summary="the wording contradicts the declared tier",
        why="A lens worded as proven fact, or an exact claim that hedges, breaks the tier"
        " its label promises. Reword it, or move it to the tier its wording claims.",
        fires="Interpretive lens — trauma is proven equal to a local minimum.",
        passes="Interpretive lens — trauma read as a local minimum, offered at distance.",
        check=check_mismatch,
    ),
]


@hookimpl
def tierlint_rules():
    return RULES
