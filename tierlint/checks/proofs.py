"""Lens proofs (TL201–TL205): an exact claim owes a passing proof, named in its block."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..hookspecs import hookimpl
from ..rule import Context, Finding, Rule

if TYPE_CHECKING:
    from ..proofs import ProofRef

# The ledger states as tierlint.proofs names them (tests/test_proofs.py keeps them equal).
# That module is imported when a rule first runs: a cached run loads the rules without it.
FAILING, MISSING, STALE, UNRECORDED = "failing", "missing", "stale", "unrecorded"


def refs_by_group(ctx: Context) -> dict[int, list[ProofRef]]:
    """Proof references of each block group of the page (computed once per page)."""
    cached = ctx.cache.get("proof_refs")
    if cached is None:
        from ..proofs import find_refs

        cached = {}
        page, exts = ctx.page, ctx.config.proof_extensions
        for block in page.blocks:
            if block.kind in ("paragraph", "table_row"):
                refs = find_refs(page.text, page.masked, block.codes, exts, block.start, block.end)
                cached.setdefault(block.group, []).extend(refs)
        ctx.cache["proof_refs"] = cached
    return cached


def check_exact_without_proof(ctx: Context) -> Iterator[Finding]:
    """An exact claim, declared or inferred, owes the proof in the claim or its block."""
    groups = refs_by_group(ctx)
    for claim in ctx.claims:
        if claim.tier != "exact" or groups.get(claim.block.group):
            continue
        yield Finding(
            "TL201",
            claim.start,
            claim.end,
            "exact claim names no lens proof: name its passing proof in the claim or its"
            f" block (e.g. `name{ctx.config.proof_extensions[0]}`), or lower its tier",
            tier="exact",
        )


def _states(ctx: Context) -> Iterator[tuple[ProofRef, object]]:
    proofs = ctx.project.proofs
    for refs in refs_by_group(ctx).values():
        for ref in refs:
            yield ref, proofs.state(ref.name)


def _state_check(code: str, states: tuple[str, ...]):
    def check(ctx: Context) -> Iterator[Finding]:
        for ref, state in _states(ctx):
            if state.state in states:
                yield Finding(code, ref.start, ref.end, state.reason)

    return check


def check_band_mismatch(ctx: Context) -> Iterator[Finding]:
    for ref, state in _states(ctx):
        if ref.band and state.band and ref.band != state.band:
            yield Finding(
                "TL205",
                ref.band_start,
                ref.band_end,
                f"the page quotes band {ref.band} for {ref.name}, the ledger records"
                f" {state.band}; quote the ledger's band",
            )


@hookimpl(trylast=True)
def tierlint_proof_state(name, path, ledger_entry, project):
    """The built-in resolver: the ledger's verdict (asked last)."""
    from ..proofs import ledger_state

    return ledger_state(name, path, ledger_entry, project.ledger)


RULES = [
    Rule(
        code="TL201",
        name="exact-without-proof",
        severity="error",
        summary="an exact claim whose claim or block names no lens proof",
        why="Exact means proven: identity, not analogy. Without a named proof the reader has"
        " only the writer's word. Name the proof file, or move the claim to a lower tier.",
        fires="1. Exact — the two updates are one recipe, term for term.",
        passes="1. Exact — the two updates are one recipe, proven equal in `delta.fk`.",
        check=check_exact_without_proof,
    ),
    Rule(
        code="TL202",
        name="proof-not-found",
        severity="error",
        summary="a named lens proof is not a file under the proof roots",
        why="A proof that cannot be found cannot be checked. Fix the name, add the file under"
        " a proof root, or set `proof_roots`.",
        fires="Exact — proven equal in `missing-lens.fk`.",
        passes="Exact — proven equal in `backprop-lens.fk` (a file under the proof roots).",
        check=_state_check("TL202", (MISSING,)),
        needs_tiers=False,
    ),
    Rule(
        code="TL203",
        name="proof-not-passing",
        severity="error",
        summary="the proof has no result in the ledger, or its band is not all passes",
        why="An exact claim rests on its proof passing every check. Run the proof and record"
        " its band in the ledger, or lower the claim's tier while it fails.",
        fires='Exact — proven in `gap.fk`.   (ledger: gap.fk: {band: "110111"})',
        passes='Exact — proven in `gap.fk`.   (ledger: gap.fk: {band: "111111"})',
        check=_state_check("TL203", (FAILING, UNRECORDED)),
        needs_tiers=False,
    ),
    Rule(
        code="TL204",
        name="proof-stale",
        severity="error",
        summary="the proof file changed since its band was recorded (digest differs)",
        why="A band recorded for an older version of the proof says nothing about this one."
        " Re-run the proof and record the new band and sha256.",
        fires="Exact — proven in `gap.fk`.   (the file's sha256 differs from the ledger's)",
        passes="Exact — proven in `gap.fk`.   (the ledger's sha256 matches the file)",
        check=_state_check("TL204", (STALE,)),
        needs_tiers=False,
    ),
    Rule(
        code="TL205",
        name="band-mismatch",
        severity="error",
        summary="the band quoted on the page differs from the ledger's band",
        why="A page that quotes an old or wrong band misreports its proof. Quote the band the"
        " ledger records.",
        fires='Proven in `gap.fk` (band 111111).   (ledger: band "110111")',
        passes='Proven in `gap.fk` (band 111111).   (ledger: band "111111")',
        check=check_band_mismatch,
        needs_tiers=False,
    ),
]


@hookimpl
def tierlint_rules():
    return RULES
