"""Blocks → claims: every sentence of a paragraph or list item, and every table body row.

Sentences are found on the masked text (so a period inside code or a URL never ends one);
a claim's span is then widened over the markup that opens or closes it (emphasis, a
link's brackets), so its ``text`` is the claim exactly as written, markup included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .page import Block, Page
from .segment import split_sentences

_LETTER = re.compile(r"[^\W\d_]")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_CODE_RUN = re.compile(r"x{2,}")
_QUESTION_END = re.compile(r"\?[\s\"'”’)\]*_]*$")


@dataclass(slots=True)
class Evidence:
    """Why a claim has its tier: a label, marker, heading, front-matter key, or cue."""

    cue: str
    tier: str
    start: int  # file offset of the cue
    negated: bool = False


@dataclass(slots=True)
class Claim:
    block: Block
    start: int  # file offsets of the claim's source span
    end: int
    text: str  # the claim as written (markup included)
    masked: str  # the same span of the masked text
    question: bool = False
    tier: str | None = None
    source: str | None = None  # marker | label | section | page | inferred
    evidence: list[Evidence] = field(default_factory=list)
    cues: list[Any] = field(default_factory=list)  # wording cues found (tiers.Cue)
    # what the pipeline's components found in the claim (its spaCy Doc's user_data: cues,
    # clinical wording, …); the Doc itself is not kept, so a page of any size stays small
    annotations: dict[str, Any] = field(default_factory=dict)


CLAIM_BLOCKS = ("paragraph", "table_row")


def extract_claims(page: Page) -> list[Claim]:
    """The claims of ``page``, in order."""
    claims: list[Claim] = []
    text, masked = page.text, page.masked
    for block in page.blocks:
        if block.kind not in CLAIM_BLOCKS:
            continue
        region = masked[block.start : block.end]
        if block.kind == "table_row":
            spans = [(0, len(region))] if region.strip() else []
        else:
            spans = split_sentences(region)
        for s, e in spans:
            start, end = _widen(text, masked, block.start + s, block.start + e, block)
            prose = masked[start:end]
            # nothing but code, URLs or punctuation; a table row of figures is a claim
            # (a row of data states something), a paragraph of them is not prose
            wanted = _LETTER_OR_DIGIT if block.kind == "table_row" else _LETTER
            if not wanted.search(_CODE_RUN.sub("", prose)):
                continue
            claims.append(
                Claim(
                    block=block,
                    start=start,
                    end=end,
                    text=text[start:end],
                    masked=prose,
                    question=bool(_QUESTION_END.search(prose)),
                )
            )
    return claims


def _widen(text: str, masked: str, start: int, end: int, block: Block) -> tuple[int, int]:
    """Take in the markup that opens or closes the sentence (emphasis, a link's brackets):
    characters the mask blanked that are not white space in the file. Inline HTML (a
    suppression comment right before "They describe …") is not the sentence's."""
    while (
        start > block.start
        and masked[start - 1] == " "
        and not text[start - 1].isspace()
        and text[start - 1] != ">"
    ):
        start -= 1
    while end < block.end and masked[end] == " " and not text[end].isspace() and text[end] != "<":
        end += 1
    return start, end
