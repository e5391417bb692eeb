"""`tierlint eval`: scoring pages against gold sidecar files, as a content team calls it."""

from __future__ import annotations

import json

PAGE = """\
# Dreams

The cortex may replay the day (Hoel, 2021).

Dreams may be noise for the model.

This lens heals anxiety.

Treat the gap as a signal.
"""

GOLD = """\
split: {split}
claims:
  - {{text: "The cortex may replay", tier: hypothesis}}
  - {{text: "Dreams may be noise", tier: hypothesis}}
  - {{text: "This lens heals anxiety.", tier: lens}}
  - {{text: "Treat the gap", tier: null}}
findings:
  - {{code: TL301, text: "Dreams may be noise"}}
  - {{code: TL205, text: "Dreams may be noise"}}
must_not_fire:
  - {{code: TL301, text: "The cortex may replay"}}
  - {{code: TL401, text: "Treat the gap"}}
  - {{code: TL401}}
"""


def _eval(repo, *args):
    result = repo.run("eval", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _write(repo, split="dev"):
    repo.write("notes/lc-dreams.md", PAGE)
    repo.write("notes/lc-dreams.gold.yaml", GOLD.format(split=split))


def test_scores_tiers_findings_and_traps(repo):
    _write(repo)
    data = _eval(repo, ".")
    assert data["pages"] == 1 and data["claims"] == 4
    # "This lens heals anxiety." has no lens wording: tierlint leaves it untiered
    assert data["tier_accuracy"] == 75.0
    assert data["confusion"]["lens"]["none"] == 1
    assert [d["text"] for d in data["disagreements"]] == ["This lens heals anxiety."]
    f = data["findings"]
    assert (f["expected"], f["fired"], f["recall"]) == (2, 1, 50.0)
    assert data["missed_findings"] == [{"path": data["missed_findings"][0]["path"], "code": "TL205", "text": "Dreams may be noise"}]
    # the TL401 on "heals anxiety" is expected by nobody, and violates the page-wide trap
    assert f["unexpected"] == 1 and data["unexpected_findings"][0]["code"] == "TL401"
    assert (f["must_not_fire"], f["must_not_fire_violated"]) == (3, 1)
    assert data["rules"]["TL301"] == {"precision": 100.0, "recall": 100.0, "f1": 100.0, "support": 1}
    assert data["rules"]["TL401"]["precision"] == 0.0


def test_pages_that_follow_the_discipline_are_counted_with_any_finding_they_get(repo):
    """A page whose gold expects no finding at all should get none; the report says how many
    such pages did."""
    _write(repo)
    repo.write("notes/lc-clean.md", "# Clean\n\nThe cortex may replay the day (Hoel, 2021).\n")
    repo.write("notes/lc-clean.gold.yaml", "split: dev\nclaims:\n  - {text: \"The cortex\", tier: hypothesis}\n")
    repo.write("notes/lc-noisy.md", "# Noisy\n\nDreams may be noise.\n")
    repo.write("notes/lc-noisy.gold.yaml", "split: dev\nclaims:\n  - {text: \"Dreams\", tier: hypothesis}\n")
    f = _eval(repo, ".")["findings"]
    assert (f["clean_pages"], f["clean_pages_with_findings"]) == (2, 1)
    assert _eval(repo, ".")["flagged_clean_pages"] == ["notes/lc-noisy.md"]
    assert "(gold expects no finding): 1 of 2 got a finding" in repo.run("eval", ".").stdout


def test_split_filters_pages(repo):
    _write(repo, split="test")
    assert _eval(repo, ".", "--split", "test")["pages"] == 1
    data = _eval(repo, ".", "--split", "dev")
    assert data["pages"] == 0 and data["tier_accuracy"] is None
    text = repo.run("eval", ".", "--split", "dev").stdout
    assert "tier accuracy n/a" in text and "None" not in text


def test_gold_option_scores_one_page_against_another_file(repo):
    repo.write("lc-dreams.md", PAGE)
    repo.write("elsewhere/my-gold.yaml", GOLD.format(split="dev"))
    data = _eval(repo, "lc-dreams.md", "--gold", "elsewhere/my-gold.yaml")
    assert data["pages"] == 1 and data["claims"] == 4
    result = repo.run("eval", ".", "--gold", "elsewhere/my-gold.yaml")
    assert result.exit_code == 2 and "PATH is the one page" in result.output


def test_text_report_lists_what_disagrees(repo):
    _write(repo)
    out = repo.run("eval", ".").stdout
    assert "1 pages, 4 gold claims: tier accuracy 75.0%" in out
    assert "gold lens, tierlint None: This lens heals anxiety." in out
    assert "TL205 'Dreams may be noise'" in out


def test_bad_gold_files_are_one_line_errors(repo):
    repo.write("a.md", PAGE)
    for gold, said in [
        ("- just a list\n", "a gold file is a mapping"),
        ("split: train\n", "split is dev or test"),
        ("claims:\n  - {tier: lens}\n", "claims entry 1 needs 'text'"),
        ("claims:\n  - {text: Dreams, tier: lense}\n", "use exact, hypothesis, lens or null"),
        ("findings:\n  - {text: Dreams}\n", "findings entry 1 needs 'code'"),
        ("claims:\n  - {text: Nowhere in the page, tier: lens}\n", "claim text not found"),
        ("claims: [\n", "cannot read the gold file"),
    ]:
        repo.write("a.gold.yaml", gold)
        result = repo.run("eval", "a.md")
        assert result.exit_code == 2, gold
        assert said in result.output, (gold, result.output)
        assert "Traceback" not in result.output


def test_a_page_wide_trap_spares_the_findings_gold_expects(repo):
    """``{code: TL301}`` without text beside an expected TL301 means "no other TL301 on this
    page": the expected one is not a violation, a second one is."""
    repo.write("notes/lc-one.md", "# One\n\nDreams may be noise.\n\nThe cortex may replay the day.\n")
    gold = (
        "split: dev\nclaims:\n  - {text: \"Dreams\", tier: hypothesis}\n"
        "  - {text: \"The cortex\", tier: hypothesis}\n"
        "findings:\n  - {code: TL301, text: \"Dreams\"}\n"
        "must_not_fire:\n  - {code: TL301}\n"
    )
    repo.write("notes/lc-one.gold.yaml", gold)
    data = _eval(repo, ".")
    assert data["findings"]["must_not_fire_violated"] == 1
    assert data["must_not_fire_violations"][0]["line"] == 5
    repo.write("notes/lc-one.md", "# One\n\nDreams may be noise.\n\nThe cortex may replay the day (Hoel, 2021).\n")
    assert _eval(repo, ".")["findings"]["must_not_fire_violated"] == 0
