"""Concept references (TL501): a backticked `lc-…` token names a page of the repository."""

from __future__ import annotations

import re
from typing import Iterator

from ..hookspecs import hookimpl
from ..rule import Context, Finding, Rule

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


def check_dangling(ctx: Context) -> Iterator[Finding]:
    prefixes = ctx.config.concept_prefixes
    if not prefixes:
        return
    names = None
    for block in ctx.page.blocks:
        for code in block.codes:
            token = code.text.strip()
            if not token.startswith(prefixes) or not _SLUG.match(token):
                continue
            if names is None:
                names = ctx.project.concept_names
            if token not in names:
                yield Finding(
                    "TL501",
                    code.start,
                    code.end,
                    f"`{token}` names no page in the repository (no file {token}.md and no"
                    " page with that slug); fix the name or write the page",
                )


RULES = [
    Rule(
        code="TL501",
        name="dangling-concept",
        severity="warning",
        summary="a backticked concept reference names no page in the repository",
        why="A concept link that leads nowhere breaks the graph of pages. Fix the name (file"
        " stem or front-matter slug) or write the page. Set `concept_prefixes` to enable it.",
        fires="Every edge runs both ways (`lc-no-such-page`).",
        passes="Every edge runs both ways (`lc-every-edge-runs-both-ways`, a page that exists).",
        check=check_dangling,
        needs_tiers=False,
    ),
]


@hookimpl
def tierlint_rules():
    return RULES
