"""Claim sentence segmentation: split one masked Markdown block into sentences.

The input is the text of one block (paragraph, list item or table row) after masking, so
code spans, URLs and link targets are runs of ``x``. Line breaks are ordinary whitespace.

A boundary is found in four steps:

1. One regex pass finds the candidates: terminal punctuation (``.``, ``!``, ``?``, ``…``),
   any closing quotes, brackets or emphasis marks, then whitespace.
2. A candidate inside a matched bracket pair is dropped, so citations stay whole. Brackets
   are paired with a stack: an opener that never closes protects nothing, and neither does
   a pair longer than ``_MAX_BRACKET_SPAN``, so an unbalanced ``(`` cannot swallow the
   rest of the block.
3. The next word must look like a sentence start: a capital, a digit, masked code, or a
   lower-case gene or unit symbol (``mRNA``, ``p53``, ``c-myc``), maybe after openers.
4. After a period, these are not boundaries: a list number opening the block (``1.``),
   an abbreviation from ``rules/abbreviations.yaml`` (``e.g.``, ``Fig. 2``), a journal
   chain of capitalised abbreviations (``Nat. Rev. Neurosci. 2020``) and an initial that
   follows a name or precedes another initial (``J. R. R. Tolkien``). An initial after an
   ordinary word is a label that can end a sentence ("activates NF-kappa B. The").

Only candidates are looked at in Python, so a block costs one regex pass plus a little
work per sentence-like stop. Measured by ``benchmarks/segmentation.py``. It runs on plain
strings before spaCy sees any text: each claim then becomes one Doc of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from tierlint.resources import Packs, load_lexicon

_CLOSERS = "\"'”’»)\\]}*_"
_OPENERS = "\"'“‘«(\\[{*_"

# Terminal punctuation, closers, whitespace; the next word is read by lookahead.
_CANDIDATE = re.compile(
    rf"(?:[.!?]|…)+[{_CLOSERS}]*(?:\[\^[^\]\s]+\][{_CLOSERS}]*)*"  # a footnote mark may follow
    rf"(?P<space>\s+)(?=(?P<open>[{_OPENERS}]*)(?P<next>\S*))"
)
_BRACKET = re.compile(r"[()\[\]{}]")
_OPENER_OF = {")": "(", "]": "[", "}": "{"}
_MAX_BRACKET_SPAN = 500  # characters; a pair this long likely ends on a stray closer

_MASKED = re.compile(r"x{3,}\b")  # masked code or URL
_SYMBOL = re.compile(r"[a-z]+-?[A-Z0-9]|[a-z]-[a-z]")  # "mRNA", "p53", "bcl-2", "c-myc"
_NUMBER = re.compile(r"[A-Z]?\d")  # "2", "3a", "S1": what "Fig." refers to
_QUANTITY = re.compile(r"[~≈]?\d+(?:[.,]\d+)*")  # "58.3" before a unit: "58.3 ms."
_LIST_NUMBER = re.compile(r"\s*\d{1,2}\.")  # "1." opening a numbered block
_CHAIN_WORD = re.compile(r"[A-Z][a-z]{0,11}\.")  # "Nat.", "Neurosci.", "J."
_CHAIN_AHEAD = re.compile(r"((?:[A-Z][a-z]{0,11}\.\s+){0,3})(\d)?")  # the chain's rest
_INITIAL = re.compile(r"[A-Z]\.")
_NAME = re.compile(r"[A-Z]\.|[A-Z][a-z]+\.?")  # what precedes an initial in a name


@lru_cache(maxsize=16)
def _abbreviations(
    packs: Packs = (),
) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """The ``always``, ``before_number``, ``can_end`` and ``units`` sets of the abbreviations lexicon,
    with those of the rule packs ``packs``. A final period is dropped ("approx." is
    "approx"), as the lexicon's header says to write them."""
    lexicon = load_lexicon("abbreviations", packs) if packs else load_lexicon("abbreviations")

    def words(key: str) -> frozenset[str]:
        return frozenset(
            " ".join(word.lower().split()).removesuffix(".") for word in lexicon.get(key) or ()
        )

    return words("always"), words("before_number"), words("can_end"), words("units")


def _protected(text: str) -> list[tuple[int, int]]:
    """Sorted, disjoint (open, close) positions of the outermost matched bracket pairs."""
    stack: list[tuple[str, int]] = []
    unclosed = dict.fromkeys("([{", 0)  # openers of each kind on the stack
    pairs: list[tuple[int, int]] = []
    for match in _BRACKET.finditer(text):
        char, pos = match.group(), match.start()
        if char in unclosed:
            stack.append((char, pos))
            unclosed[char] += 1
            continue
        opener = _OPENER_OF[char]
        if not unclosed[opener]:
            continue  # a stray closer
        depth = len(stack) - 1
        while stack[depth][0] != opener:  # this closer also closes unclosed inner openers
            depth -= 1
        if pos - stack[depth][1] <= _MAX_BRACKET_SPAN:
            pairs.append((stack[depth][1], pos))
        for dropped, _ in stack[depth:]:
            unclosed[dropped] -= 1
        del stack[depth:]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _in_reference(text: str, end: int, words: list[str], titles: frozenset[str]) -> bool:
    """Whether a stop is inside a journal-style chain of capitalised abbreviations.

    ``words`` are the last words up to the stop, its own word last; the next sentence would
    start at ``end``. The chain is the run of ``_CHAIN_WORD`` words through the stop (a
    title such as "Dr." breaks it). It is a reference when it holds two or more
    multi-letter words and either has three or more words ("Nat. Rev. Neurosci.",
    "J. Biol. Chem.") or is followed by a number ("Rev. Neurosci. 2020"). Not references:
    "One. Two." and names such as "Dr. A. J. Andres."
    """
    chain = []
    for word in reversed(words):
        if not _CHAIN_WORD.fullmatch(word) or word[:-1].lower() in titles:
            break
        chain.append(word)
    ahead = _CHAIN_AHEAD.match(text, end)
    chain += ahead.group(1).split()
    if sum(len(word) > 2 for word in chain) < 2:
        return False
    return len(chain) >= 3 or ahead.group(2) is not None


def _is_boundary(
    text: str, match: re.Match[str], sentence_start: int, packs: Packs = ()
) -> bool:
    """Whether a ``_CANDIDATE`` match ends the sentence that began at ``sentence_start``."""
    following = match.group("next")
    first = following[:1]
    if not (first.isupper() or first.isdigit() or _MASKED.match(following)
            or _SYMBOL.match(following)):
        return False
    stop = match.group().rstrip().rstrip(_CLOSERS)
    if not stop.endswith(".") or stop.endswith(".."):
        return True  # "!", "?" or an ellipsis
    before = text[max(sentence_start, match.start() - 40) : match.start() + 1]
    if _LIST_NUMBER.fullmatch(before):
        return False
    words = [word.lstrip(_OPENERS) for word in before.split()[-3:]]
    last, previous = words[-1], words[-2] if len(words) > 1 else ""
    key = last[:-1].lower()
    always, before_number, can_end, units = _abbreviations(packs)
    # "after 58.3 ms.": a unit after its number, not a title: it may end a sentence
    unit = key in units and _QUANTITY.fullmatch(previous) is not None
    if not unit and (key in always or (key in before_number and _NUMBER.match(following))):
        return False
    if _CHAIN_WORD.fullmatch(last) and _in_reference(text, match.end(), words, always):
        return False
    if _INITIAL.fullmatch(last):  # a name ("J. R. R. Tolkien") or a label ("kinase C. The")
        in_name = not previous or _NAME.fullmatch(previous) or _INITIAL.fullmatch(following)
        return not in_name
    if key in can_end or f"{previous.lower()} {key}" in can_end:
        return not match.group("open") and first.isupper()
    return True


# The rule packs whose abbreviations count, for callers that do not pass ``packs`` (the
# claim extractor): the engine sets it around a configuration's pages (``packs_in_use``).
_PACKS: ContextVar[Packs] = ContextVar("tierlint_segment_packs", default=())


@contextmanager
def packs_in_use(packs: Packs) -> Iterator[None]:
    """Within the block, :func:`split_sentences` counts the abbreviations of ``packs``."""
    token = _PACKS.set(packs)
    try:
        yield
    finally:
        _PACKS.reset(token)


def split_sentences(text: str, packs: Packs | None = None) -> list[tuple[int, int]]:
    """Char spans [start, end) of the sentences in `text`, in order. Spans are trimmed
    (no leading/trailing whitespace), never overlap, and cover every non-whitespace char.
    ``packs``: the rule packs whose abbreviations count too (None: those in use, see
    :func:`packs_in_use`)."""
    if packs is None:
        packs = _PACKS.get()
    protected = _protected(text) if "(" in text or "[" in text or "{" in text else []
    cuts = [0]
    index = 0
    for match in _CANDIDATE.finditer(text):
        pos = match.start("space")
        while index < len(protected) and protected[index][1] < pos:
            index += 1
        if index < len(protected) and protected[index][0] < pos:
            continue
        if _is_boundary(text, match, cuts[-1], packs):
            cuts.append(match.end())
    cuts.append(len(text))
    spans = []
    for start, end in zip(cuts, cuts[1:]):
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = start + len(chunk) - len(chunk.lstrip())
            spans.append((lead, lead + len(stripped)))
    return spans
