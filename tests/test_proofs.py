"""Lens proofs and the ledger (TL201–TL205), and the `proofs` command."""

from __future__ import annotations

import hashlib
import os

import pytest

from conftest import codes

PROOF = "lens gap := loss(out) - loss(target)\nassert gap.backward == edge.T\n"
SHA = hashlib.sha256(PROOF.encode()).hexdigest()
PAGE = "1. Exact — the update is one recipe, proven equal in `gap.fk` (band 111111).\n"


@pytest.fixture
def proved(repo):
    repo.write("proofs/gap.fk", PROOF)
    repo.write("lens-proofs.yaml", f'gap.fk:\n  band: "111111"\n  sha256: "{SHA}"\n  mode: three-way\n')
    return repo


def test_a_passing_proof_gives_no_finding(proved):
    proved.write("a.md", PAGE)
    assert codes(proved.check_json("a.md")) == []


def test_exact_claim_without_a_proof(repo):
    repo.write("a.md", "1. Exact — the update is one recipe, term for term. Forward and back.\n")
    assert codes(repo.check_json("a.md")) == ["TL201", "TL201"]


def test_an_exact_figure_away_from_its_proof_asks_for_one(proved):
    """On a page that works with lens proofs, "exactly" before a figure states an exact
    value: in a paragraph that names no proof it is an exact claim without one (TL201).
    A time of day, an instruction, a table cell, "not exactly" and emphasis ("exactly the
    point") are not; nor is any "exactly" on a page that names no proof."""
    page = (
        PAGE + "\n"
        "The same invariant splits the puzzle exactly in two.\n\n"
        "At our frame length the code has a Hamming distance of exactly 4.\n\n"
        "Doubling the drop multiplies the fall time by exactly √2.\n\n"
        "The six pieces add up to exactly `6L + 12w·tan 30°` before kerf.\n\n"
        "At exactly ten past one the light went off.\n\n"
        "Treat a peak at exactly half a known period as a signal.\n\n"
        "It is not exactly half, more like forty per cent.\n\n"
        "That is exactly the point.\n\n"
        "| pairs | with exactly one sock drawn |\n|---|---|\n| 3 | 4 |\n"
    )
    proved.write("a.md", page)
    payload = proved.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [
        ("TL201", 3), ("TL201", 5), ("TL201", 7), ("TL201", 9)
    ]
    proved.write(
        "b.md",
        "The same invariant splits the puzzle exactly in two.\n\n"
        "A route that takes exactly thirty minutes at chatting pace.\n",
    )
    assert codes(proved.check_json("b.md")) == []


def test_proof_in_the_block_covers_every_sentence_of_it(proved):
    proved.write("a.md", "- Exact — one recipe. Forward and back. Proven equal in `gap.fk`.\n")
    assert codes(proved.check_json("a.md")) == []


def test_missing_proof(repo):
    repo.write("a.md", PAGE.replace("gap.fk", "nowhere.fk"))
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL202"]
    d = payload["diagnostics"][0]
    start = PAGE.index("`gap.fk`") + 1
    assert (d["line"], d["column"], d["end_column"]) == (1, start, start + len("`nowhere.fk`"))


@pytest.mark.parametrize(
    "ledger, code, words",
    [
        ('gap.fk:\n  band: "110111"\n', "TL203", "fails 1 of 6"),
        ("other.fk:\n  band: '1'\n", "TL203", "no result"),
        ("gap.fk:\n  band: 011111\n", "TL203", "not a quoted string"),
        ("gap.fk:\n  band: 111111\n", "TL203", "not a quoted string"),
        ('gap.fk:\n  band: ""\n', "TL203", "not a string of 0s and 1s"),
        ('gap.fk:\n  band: "111111"\n  sha256: "00ff"\n', "TL204", "changed since"),
        ("gap.fk: [unclosed\n", "TL203", "not valid YAML"),
    ],
)
def test_ledger_verdicts(repo, ledger, code, words):
    repo.write("proofs/gap.fk", PROOF)
    repo.write("lens-proofs.yaml", ledger)
    repo.write("a.md", PAGE.replace(" (band 111111)", ""))
    payload = repo.check_json("a.md")
    assert codes(payload) == [code]
    assert words in payload["diagnostics"][0]["message"]


def test_band_quoted_on_the_page_must_match(proved):
    proved.write("a.md", PAGE.replace("band 111111", "band 111110"))
    payload = proved.check_json("a.md")
    assert codes(payload) == ["TL205"]
    assert payload["diagnostics"][0]["column"] == PAGE.index("111111") + 1


@pytest.mark.parametrize("name", ["../outside.fk", "/etc/passwd.fk", "proofs/../../x.fk"])
def test_references_that_leave_the_repository_are_never_read(repo, tmp_path, name):
    repo.write("a.md", PAGE.replace("gap.fk", name))
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL202"]


def test_symlink_leaving_the_repository_is_missing(tmp_path_factory, repo):
    outside = tmp_path_factory.mktemp("outside") / "gap.fk"
    outside.write_text(PROOF)
    (repo.root / "proofs").mkdir()
    os.symlink(outside, repo.root / "proofs" / "gap.fk")
    repo.write("lens-proofs.yaml", 'gap.fk: {band: "111111"}\n')
    repo.write("a.md", PAGE)
    assert codes(repo.check_json("a.md")) == ["TL202"]


def test_proof_roots_and_extensions_are_configurable(repo):
    repo.write(".tierlint.yaml", "proof_roots: [lenses]\nproof_extensions: ['.lens']\nproof_ledger: results.yaml\n")
    repo.write("lenses/deep/gap.lens", PROOF)
    repo.write("results.yaml", 'gap.lens: {band: "11"}\n')
    repo.write("a.md", "- Exact — one recipe, proven in `gap.lens`.\n")
    assert codes(repo.check_json("a.md")) == []


def test_proofs_command_lists_states_and_pages(proved):
    proved.write("proofs/bad.fk", "x\n")
    proved.write("lens-proofs.yaml", (proved.root / "lens-proofs.yaml").read_text() + 'bad.fk: {band: "10"}\n')
    proved.write("a.md", PAGE + "2. Exact — also `bad.fk` and `gone.fk`.\n")
    proved.write("b.md", PAGE)
    result = proved.run("proofs", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(l.startswith("gap.fk") and "passing" in l and "111111" in l and "three-way" in l and "a.md, b.md" in l for l in lines)
    assert any(l.startswith("bad.fk") and "failing" in l for l in lines)
    assert any(l.startswith("gone.fk") and "missing" in l for l in lines)


def test_the_rules_name_the_ledger_states_as_the_proofs_module_does():
    import tierlint.checks.proofs as rules
    import tierlint.proofs as proofs

    for name in ("FAILING", "MISSING", "STALE", "UNRECORDED"):
        assert getattr(rules, name) == getattr(proofs, name)
