"""Citations (TL301–TL303): a serious hypothesis cites, in the claim or its block."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..config import relative_to_root
from ..hookspecs import hookimpl
from ..rule import Context, Finding, Rule

if TYPE_CHECKING:
    from ..citations import Citation

_CELL = re.compile(r"(?:^|(?<=\|))([^|\n]+)")
_OUTSIDE = re.compile(r"^(?:https?://|www\.|doi:|ftp://)", re.I)
_DEFINITION_LABEL = re.compile(r"\s*\[\^[^\]\n]*\]:")


def _definition_body(text: str) -> str:
    """A footnote definition's text without its "[^label]:" (masked or not)."""
    m = _DEFINITION_LABEL.match(text)
    return text[m.end() :] if m else text


class PageCitations:
    """The citations of one page, by block group, and what its keys resolve to."""

    def __init__(self, ctx: Context) -> None:
        from ..citations import find_citations, is_reference_entry  # loaded when first run

        page = ctx.page
        self.packs = ctx.config.packs  # the rule packs whose citation words count too
        self.by_group: dict[int, list[Citation]] = {}
        self.outside_links: set[int] = set()
        self.offset: dict[int, int] = {}  # id(citation) → file offset of its block
        for block in page.blocks:
            if block.kind not in ("paragraph", "table_row"):
                continue
            found = find_citations(page.masked[block.start : block.end], self.packs)
            for c in found:
                self.offset[id(c)] = block.start
            if block.kind == "table_row" and not any(c.complete for c in found):
                found = found + self._cell_citations(page.masked, block.start, block.end)
            self.by_group.setdefault(block.group, []).extend(found)
            if any(_OUTSIDE.match(link.dest) for link in block.links):
                self.outside_links.add(block.group)
        self.footnotes = {}
        for label, blocks in page.footnotes.items():
            cites = False
            for block in blocks:
                text = page.masked[block.start : block.end]
                if (
                    any(c.complete for c in find_citations(text, self.packs))
                    or any(_OUTSIDE.match(link.dest) for link in block.links)
                    or is_reference_entry(_definition_body(text), self.packs)
                ):
                    cites = True
            self.footnotes[label] = cites
        self.keys, self.bib_problem = _bibliography_keys(ctx)

    def _cell_citations(self, masked: str, start: int, end: int) -> list[Citation]:
        """A table cell that holds only a reference ("Friston 2010", "Rao & Ballard
        1999") cites, as it would inside parentheses: a source column of a table. So does
        a cell that is a reference entry, as a reference list writes one ("Challis (ed.), *A
        New History of the Royal Mint*, Cambridge University Press 1992")."""
        from ..citations import Citation, find_citations, is_reference_entry

        found = []
        for m in _CELL.finditer(masked, start, end):
            cell = m.group(1)
            before = len(found)
            for c in find_citations(f"({cell})", self.packs):
                if c.complete:
                    moved = replace(c, start=c.start - 1, end=c.end - 1)
                    self.offset[id(moved)] = m.start(1)
                    found.append(moved)
            if len(found) == before and is_reference_entry(cell, self.packs):
                entry = Citation("reference-entry", 0, len(cell.rstrip()), cell.rstrip(), True)
                self.offset[id(entry)] = m.start(1)
                found.append(entry)
        return found

    def resolved(self, c: Citation) -> bool:
        if c.kind == "footnote":
            return c.key in self.footnotes
        if c.kind == "pandoc":
            return c.key in self.keys
        return True

    def cites(self, group: int) -> bool:
        if group in self.outside_links:
            return True
        for c in self.by_group.get(group, []):
            if c.kind == "footnote":
                if self.footnotes.get(c.key, False):  # undefined: TL303, and no citation
                    return True
            elif c.complete:
                return True
        return False


def page_citations(ctx: Context) -> PageCitations:
    found = ctx.cache.get("citations")
    if found is None:
        found = ctx.cache["citations"] = PageCitations(ctx)
    return found


def _bibliography_keys(ctx: Context) -> tuple[set[str], str | None]:
    """Keys from the front matter's `bibliography:` files and inline `references:`."""
    from ..citations import BibliographyError, csl_keys, load_bibliography

    fm = ctx.page.front_matter
    keys: set[str] = set()
    refs = fm.get("references")
    if refs is not None:
        try:
            keys |= csl_keys(refs)
        except BibliographyError as exc:
            return keys, f"the front matter's references: {exc}"
    bib = fm.get("bibliography")
    files = [bib] if isinstance(bib, str) else bib if isinstance(bib, list) else []
    if not files:
        return keys, None
    root = ctx.config.root.resolve()
    page_dir = Path(ctx.page.path).resolve().parent
    for name in files:
        if not isinstance(name, str):
            continue
        path = (page_dir / name).resolve()
        if Path(name).is_absolute() or ".." in Path(name).parts or relative_to_root(path, root) is None:
            return keys, f"the bibliography {name!r} is outside the repository and was not read"
        try:
            keys |= load_bibliography(path)
        except BibliographyError as exc:
            return keys, str(exc)
        except OSError:
            return keys, f"the bibliography {name!r} cannot be read"
    return keys, None


def check_hypothesis_cites(ctx: Context) -> Iterator[Finding]:
    from ..tiers import owes_citation, risk_blocks

    cites = page_citations(ctx)
    risky = risk_blocks(ctx.page, ctx.config.packs)
    for claim in ctx.claims:
        block = claim.block
        if claim.tier != "hypothesis" or not owes_citation(
            claim, ctx.config.packs, ctx.page.masked[block.start : block.end], id(block) in risky
        ):
            continue
        if not cites.cites(claim.block.group):
            yield Finding(
                "TL301",
                claim.start,
                claim.end,
                "serious hypothesis cites nothing: add a citation to the claim or its block"
                " (Author et al. 2020, a DOI, an arXiv id, a link, [@key] or a footnote)",
                tier="hypothesis",
            )


_LIST_GAP = re.compile(r"\s*;\s*\Z")
_AUTHOR_PAIR = re.compile(r"\S\s*(?:&|\band\b)\s*\S")


def check_incomplete(ctx: Context) -> Iterator[Finding]:
    """One finding per run of author-only citations in one list ("(Friston; Clark)"); a lone
    name closing a sentence ("(Klein).") only in a hypothesis claim or one that reports
    research in the passive, hearsay ("as Dunbar keeps saying") only in a hypothesis claim."""
    cites = page_citations(ctx)
    masked = ctx.page.masked
    starts = [claim.start for claim in ctx.claims]
    ends = [claim.end for claim in ctx.claims]
    for found in cites.by_group.values():
        run: list[tuple[int, int]] = []
        for c in found:
            if c.complete:
                continue
            base = cites.offset[id(c)]
            start, end = base + c.start, base + c.end
            if c.kind in ("lone-name", "hearsay") and not _in_hypothesis(ctx, starts, ends, start):
                # a lone name also closes research reported in the passive ("has been
                # compared to pheromone trails (Adamatzky).")
                # and so do two or more authors named together, "(Koopman & Chakravarty).",
                # in any claim: a pair of names is a reference's shape, a lone "(Python)."
                # or "(Keith)." need not be
                # and so does a name the claim gives in full before it ("Scott Page calls this
                # the diversity prediction theorem (Page).": the source is that person's)
                if c.kind == "hearsay" or not (
                    _reports_research(ctx, starts, ends, start)
                    or _AUTHOR_PAIR.search(c.text)
                    or _named_in_full(ctx, starts, ends, start, c.text)
                ):
                    continue
            if run and _LIST_GAP.match(masked[run[-1][1] : start]):
                run.append((start, end))
                continue
            if run:
                yield _incomplete(ctx, run)
            run = [(start, end)]
        if run:
            yield _incomplete(ctx, run)


def _reports_research(ctx: Context, starts: list[int], ends: list[int], offset: int) -> bool:
    from ..citations import reports_research
    from ..positions import holding

    i = holding(starts, ends, offset)
    return i is not None and reports_research(ctx.claims[i].masked, ctx.config.packs)


def _named_in_full(ctx: Context, starts: list[int], ends: list[int], offset: int, name: str) -> bool:
    """Whether the claim holding ``offset`` names ``name`` (a lone name's text, brackets
    and all) before it after a first name or an initial: "Scott Page", "Scott E. Page's"."""
    from ..positions import holding

    i = holding(starts, ends, offset)
    surname = name.strip("()[] ")
    if i is None or not surname:
        return False
    claim = ctx.claims[i]
    before = ctx.page.masked[claim.start : offset]
    return re.search(rf"[A-Z][\w'’.-]*\s+{re.escape(surname)}(?:['’]s)?(?![\w'’-])", before) is not None


def _in_hypothesis(ctx: Context, starts: list[int], ends: list[int], offset: int) -> bool:
    from ..positions import holding

    i = holding(starts, ends, offset)
    return i is not None and ctx.claims[i].tier == "hypothesis"


def _incomplete(ctx: Context, run: list[tuple[int, int]]) -> Finding:
    start, end = run[0][0], run[-1][1]
    names = "; ".join(ctx.page.text[s:e].strip() for s, e in run)
    return Finding(
        "TL302",
        start,
        end,
        f"{names!r} names authors but no year, venue, DOI or link; add the year"
        " (Friston 2010) or the reference",
    )


def check_unresolved(ctx: Context) -> Iterator[Finding]:
    cites = page_citations(ctx)
    for found in cites.by_group.values():
        for c in found:
            if cites.resolved(c):
                continue
            base = cites.offset[id(c)]
            if c.kind == "footnote":
                message = f"footnote [^{c.key}] has no definition on the page; add `[^{c.key}]: …`"
            else:
                where = cites.bib_problem or "no such key in the page's bibliography or references"
                message = f"citation key @{c.key} does not resolve: {where}"
            yield Finding("TL303", base + c.start, base + c.end, message)


RULES = [
    Rule(
        code="TL301",
        name="hypothesis-without-citation",
        severity="error",
        summary="a hypothesis claim whose claim or block cites nothing",
        why="A serious hypothesis is a live research bridge: the reader must be able to walk"
        " across it to the research. Cite it, or say it as a lens. A declared hypothesis"
        " always owes a citation; one inferred from its wording owes one when the wording"
        " hedges what it claims (\"may\", \"suggests\", \"likely\"), not when it only marks"
        " doubt in passing (\"whether\", \"expected to\", \"potential\"), as narration does.",
        fires="2. Serious hypothesis — the brain may do something backprop-like.",
        passes="2. Serious hypothesis — the brain may do something backprop-like"
        " (Lillicrap et al., Nat. Rev. Neurosci. 2020).",
        check=check_hypothesis_cites,
    ),
    Rule(
        code="TL302",
        name="incomplete-citation",
        severity="warning",
        summary="a citation that names authors but no year, venue, DOI or link",
        why="\"(Friston; …)\" points at a body of work, not a source anyone can check. It does"
        " not satisfy TL301. Add the year or the reference.",
        fires="Predictive coding minimises prediction error (Friston; Whittington & Bogacz).",
        passes="Predictive coding minimises prediction error (Friston 2010; Whittington & Bogacz, 2017).",
        check=check_incomplete,
    ),
    Rule(
        code="TL303",
        name="unresolved-citation",
        severity="error",
        summary="a [@key] or footnote [^n] with no definition on the page or in the bibliography",
        why="A citation key that resolves to nothing renders as a broken reference. Define the"
        " footnote, fix the key, or add the entry to the `bibliography:` file.",
        fires="Replay may run in reverse [@foster2006].   (no bibliography defines it)",
        passes="Replay may run in reverse [@foster2006].   (refs.bib defines @foster2006)",
        check=check_unresolved,
        needs_tiers=False,
    ),
]


@hookimpl
def tierlint_rules():
    return RULES
