"""Clinical wording (TL401) and health promises (TL402), negation and other senses aside."""

from __future__ import annotations

from typing import Any, Iterator

from ..hookspecs import hookimpl
from ..rule import Context, Finding, Rule

_MESSAGES = {
    "TL401": "{cue} sounds clinical ({category}); a concept page offers no diagnosis,"
    " treatment or cure: reword it as a perspective, or negate it",
}


def _hits(ctx: Context):
    hits = ctx.cache.get("clinical")
    if hits is None:
        from ..clinical import CLINICAL  # here: a cached run loads the rules without it

        hits = ctx.cache["clinical"] = [
            (claim, hit)
            for claim in ctx.claims
            for hit in claim.annotations.get(CLINICAL, ())
            if not _in_a_quotation(ctx, claim, hit)
        ]
    return hits


def _in_a_quotation(ctx: Context, claim: Any, hit: Any) -> bool:
    """Whether the hit stands in a quotation that runs over more than one sentence of its
    block (a testimonial: "I came in a nervous wreck. Better than any therapy I've had.");
    a quotation inside one sentence the pipeline already passes over."""
    from ..clinical import QUOTED

    block = claim.block
    at = claim.start + hit.start
    quotes = ctx.cache.setdefault("quotations", {})
    spans = quotes.get(id(block))
    if spans is None:
        text = ctx.page.masked[block.start : block.end]
        spans = quotes[id(block)] = [(block.start + m.start(), block.start + m.end()) for m in QUOTED.finditer(text)]
    return any(a <= at < b and (a < claim.start or b > claim.end) for a, b in spans)


def check_clinical(ctx: Context) -> Iterator[Finding]:
    """One TL401 per claim, naming every clinical phrase in it: "is clinically proven to
    reduce inflammation" is one sentence to reword, however many of its words sound
    clinical."""
    by_claim: dict[int, tuple[Any, list[Any]]] = {}  # id(claim) → (claim, its phrases)
    for claim, hit in _hits(ctx):
        if hit.code == "TL401":
            by_claim.setdefault(id(claim), (claim, []))[1].append(hit)
    for claim, hits in by_claim.values():
        cues = " and ".join(repr(claim.text[h.start : h.end]) for h in hits)
        categories = "; ".join(dict.fromkeys(h.category.replace("-", " ") for h in hits))
        message = _MESSAGES["TL401"].format(cue=cues, category=categories)
        if len(hits) > 1:
            message = message.replace(" sounds clinical", " sound clinical", 1)
        yield Finding(
            "TL401",
            claim.start + hits[0].start,
            claim.start + max(h.end for h in hits),
            message,
            severity="error" if claim.tier == "lens" else "warning",
            tier=claim.tier,
        )


def check_promise(ctx: Context) -> Iterator[Finding]:
    """One TL402 per claim: "you will feel guaranteed relief within weeks" is one promise,
    however many of its words promise."""
    by_claim: dict[int, tuple[Any, list[Any]]] = {}  # id(claim) → (claim, its promises)
    for claim, hit in _hits(ctx):
        if hit.code == "TL402":
            by_claim.setdefault(id(claim), (claim, []))[1].append(hit)
    for claim, hits in by_claim.values():
        cues = " and ".join(repr(claim.text[h.start : h.end]) for h in hits)
        verb = "promises" if len(hits) == 1 else "promise"
        yield Finding(
            "TL402",
            claim.start + hits[0].start,
            claim.start + max(h.end for h in hits),
            f"{cues} {verb} a health outcome; remove the promise",
            tier=claim.tier,
        )


RULES = [
    Rule(
        code="TL401",
        name="clinical-wording",
        severity="warning",
        summary="clinical-sounding wording that is not negated (error in a lens claim, warning elsewhere)",
        why="Wording that diagnoses, treats, cures or prevents a condition, or stands in for a"
        " drug or therapy, makes a medical claim (the FDA's disease-claim test). A lens must"
        " never sound clinical. Negated uses (\"never a cure\") are fine.",
        fires="3. Interpretive lens — breathwork heals anxiety and treats PTSD.",
        passes="3. Interpretive lens — a shape for the felt experience, never a clinical claim and never a cure.",
        check=check_clinical,
    ),
    Rule(
        code="TL402",
        name="health-promise",
        severity="error",
        summary="a promised health outcome",
        why="\"Guaranteed relief\" or \"will heal your trauma\" promises what no page can. Say what"
        " the practice is, not what it will do to the reader's health.",
        fires="This practice will heal your trauma within weeks.",
        passes="Some readers find the practice steadying; it is no substitute for care.",
        check=check_promise,
    ),
]


@hookimpl
def tierlint_rules():
    return RULES
