"""Clinical wording (TL401) and health promises (TL402), negation and other senses aside."""

from __future__ import annotations

from typing import Iterator

from ..clinical import CLINICAL
from ..hookspecs import hookimpl
from ..rule import Context, Finding, Rule

_MESSAGES = {
    "TL401": "{cue!r} sounds clinical ({category}); a concept page offers no diagnosis,"
    " treatment or cure: reword it as a perspective, or negate it",
    "TL402": "{cue!r} promises a health outcome; remove the promise",
}


def _hits(ctx: Context):
    hits = ctx.cache.get("clinical")
    if hits is None:
        hits = ctx.cache["clinical"] = [
            (claim, hit) for claim in ctx.claims for hit in claim.annotations.get(CLINICAL, ())
        ]
    return hits


def _check(code: str):
    def check(ctx: Context) -> Iterator[Finding]:
        for claim, hit in _hits(ctx):
            if hit.code != code:
                continue
            severity = None
            if code == "TL401":
                severity = "error" if claim.tier == "lens" else "warning"
            text = claim.text[hit.start : hit.end]
            yield Finding(
                code,
                claim.start + hit.start,
                claim.start + hit.end,
                _MESSAGES[code].format(cue=text, category=hit.category.replace("-", " ")),
                severity=severity,
                tier=claim.tier,
            )

    return check


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
        check=_check("TL401"),
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
        check=_check("TL402"),
    ),
]


@hookimpl
def tierlint_rules():
    return RULES
