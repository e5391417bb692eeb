"""TL301–TL303 as users meet them: what satisfies a hypothesis, what is incomplete or
unresolved."""

from __future__ import annotations

import pytest

from conftest import codes

HYP = "2. Serious hypothesis — the cortex may compute a local error"


@pytest.mark.parametrize(
    "tail",
    [
        " (Guerguiev et al., 2017).",
        " (Guerguiev, Lillicrap & Richards, eLife 2017).",
        ", as Lillicrap et al. (2020) argue.",
        " (doi:10.7554/eLife.22901).",
        " (arXiv:1610.00161).",
        " ([the paper](https://elifesciences.org/articles/22901)).",
        " <https://doi.org/10.7554/eLife.22901>.",
        ".[^g]\n\n[^g]: Guerguiev J. et al. Towards deep learning with segregated dendrites. eLife 6 (2017).",
        # a footnote that is a reference entry, in a style no pattern above knows
        '.[^s]\n\n[^s]: Stango & Zinman, "Limited and varying consumer attention",'
        " *Review of Financial Studies* 27(4), 2014.",
        ".[^s]\n\n[^s]: The nearest evidence: Stango & Zinman, *Rev. Financ. Stud.* 27(4), 2014.",
        " (Cassidy & Rudjanakanoknad, Transp. Res. Part B 2005).",
        ", as Papageorgiou & Kotsialos (IEEE Trans. Intell. Transp. Syst. 2002) collect.",
        ", as Efron and Morris showed (J. Am. Stat. Assoc. 1975).",
        " (see the discussion in Hoel, 2021).",
    ],
)
def test_a_cited_hypothesis_passes(repo, tail):
    repo.write("a.md", HYP + tail + "\n")
    assert codes(repo.check_json("a.md")) == []


def test_the_citation_may_sit_elsewhere_in_the_block(repo):
    repo.write("a.md", HYP + ". Replay may also run in reverse (Foster & Wilson, 2006).\n")
    assert codes(repo.check_json("a.md")) == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("Takaishi 1996", []),
        # a reference entry, as a reference list writes one
        ("Challis (ed.), *A New History of the Royal Mint*, Cambridge University Press 1992", []),
        ("Jevons, J. Stat. Soc. Lond. 1868", []),
        # a name and no year, or a year and no author list: no reference
        ("the Royal Mint archive", ["TL301"]),
        ("kept since 1992", ["TL301"]),
    ],
)
def test_a_source_cell_cites_for_its_row(repo, source, expected):
    repo.write(
        "a.md",
        "| Claim | Why | Source |\n|---|---|---|\n"
        f"| 22 carat may have been kept for the coinage | hardness | {source} |\n",
    )
    assert codes(repo.check_json("a.md")) == expected


@pytest.mark.parametrize(
    "tail, expected",
    [
        (".", ["TL301"]),
        (" (Friston; Clark).", ["TL301", "TL302"]),
        (".[^n]\n\n[^n]: I heard this at a conference.", ["TL301"]),
        (".[^n]\n\n[^n]: Ask Morgan, who was there in 2019.", ["TL301"]),
        (".[^missing]", ["TL301", "TL303"]),
        (" [@nobody2020].", ["TL303"]),
        (" ([our notes](notes.md)).", ["TL301"]),  # a link inside the repository is no source
        # a link beside a bare name cites, and the name still wants its year
        (" (Ferguson; [NMRA S-9.2](https://www.nmra.org/standards)).", ["TL302"]),
    ],
)
def test_what_does_not_satisfy(repo, tail, expected):
    repo.write("a.md", HYP + tail + "\n")
    assert codes(repo.check_json("a.md")) == expected


def test_one_incomplete_citation_per_author_list(repo):
    repo.write("a.md", "Prediction error drives learning (Friston; Whittington & Bogacz showing it).\n")
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL302"]
    assert "Friston; Whittington & Bogacz" in payload["diagnostics"][0]["message"]


def test_pandoc_keys_resolve_against_the_bibliography(repo):
    repo.write("refs.bib", "@article{foster2006,\n  title = {Reverse replay},\n  year = {2006}\n}\n")
    page = "---\nbibliography: refs.bib\n---\n" + HYP + " [@foster2006; @ghost2001].\n"
    repo.write("a.md", page)
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL303"] and "@ghost2001" in payload["diagnostics"][0]["message"]


def test_a_bibliography_outside_the_repository_is_never_read(repo):
    page = "---\nbibliography: ../../etc/refs.bib\n---\n" + HYP + " [@foster2006].\n"
    repo.write("a.md", page)
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL303"] and "outside the repository" in payload["diagnostics"][0]["message"]


def test_a_source_column_cites_its_row(repo):
    repo.write(
        "a.md",
        "## Serious hypothesis\n\n| claim | source |\n|---|---|\n"
        "| Dendrites may compute a local error. | Guerguiev et al. 2017 |\n"
        "| Replay may run in reverse. | Foster & Wilson 2006 |\n"
        "| Sleep may prune synapses. | the lab wiki |\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 7)]


def test_a_lone_name_closing_a_hypothesis_is_incomplete_but_not_in_narration(repo):
    repo.write(
        "a.md",
        "It might be that experience is a better model, as in fireground commanders (Klein).\n\n"
        "The hook is written in a scripting language (Python).\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 1), ("TL302", 1)]


def test_a_lone_name_closing_research_reported_in_the_passive_is_incomplete(repo):
    repo.write(
        "a.md",
        "The reinforcement rule has also been compared to pheromone trails in ant colonies (Adamatzky).\n\n"
        "The hook is written in a scripting language (Python).\n\n"
        "The first colony was observed on a Tuesday (Monday).\n\n"
        "Food writers have argued about small pots for years (López-Alt).\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL302", 1), ("TL302", 7)]


def test_authors_named_together_without_a_year_are_incomplete_in_any_claim(repo):
    repo.write(
        "a.md",
        "Choosing the polynomial by its Hamming distance is the advice the embedded people"
        " have given for years (Koopman & Chakravarty).\n\n"
        "The hook is written in a scripting language (Python).\n\n"
        "My neighbour bakes the best loaf in the street (Keith).\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL302", 1)]


def test_a_lone_name_the_claim_gives_in_full_before_it_is_incomplete_in_any_claim(repo):
    """"Scott Page calls this … (Page)." cites that person's work without saying where;
    a first name in lower-case company ("my uncle Keith") or a lone "(Python)" does not."""
    repo.write(
        "a.md",
        "The team's error is the average error minus the spread; Scott Page calls this the"
        " diversity prediction theorem (Page).\n\n"
        "The theorem is also in Scott E. Page's book on models (Page).\n\n"
        "My uncle Keith taught me the trick on a wet Monday (Keith).\n\n"
        "The hook is written in a scripting language (Python).\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL302", 1), ("TL302", 3)]


def test_hearsay_is_incomplete_only_in_a_hypothesis_claim(repo):
    repo.write(
        "a.md",
        "The same effect may build friendships faster, as Dunbar keeps saying.\n\n"
        "We moved the sofa, as Maria says, and the room breathes.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 1), ("TL302", 1)]


def test_weak_hedges_in_a_story_told_in_the_past_owe_no_citation(repo):
    """"could", "seem to", "probably", "likely" in a scene from the past are the teller's doubt
    ("I might have" is the past too):
    told in the first or third person singular ("she kept a notepad … could be parked")
    they tier nothing; in a story told as "we" they keep their tier but owe no citation.
    "may" still owes one, and "could" outside a story does."""
    repo.write(
        "a.md",
        "She kept a notepad by the bed so the worry could be parked until daylight.\n\n"
        "Jan was on warfarin that spring, so she taught from a chair; the dogs did not seem to mind.\n\n"
        "We moved house that spring, and the boxes could wait.\n\n"
        "When I started the class in 2022 it seemed quite likely that nobody would come.\n\n"
        "I might have saved myself the evening with the spreadsheet.\n\n"
        "Dogs may read the trainer's posture, which is why the trick fell apart when I tried it.\n\n"
        "Dopamine could carry the error signal.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 11), ("TL301", 13)]
    assert [c["tier"] for c in repo.claims("a.md")] == [
        None, None, "hypothesis", None, None, "hypothesis", "hypothesis",
    ]


def test_perhaps_in_the_writers_own_story_is_no_hypothesis_but_in_anothers_it_is(repo):
    """"possibly", "may have" in the writer's own story in the past are their guess about it; in someone
    else's (a biography) it still hedges a claim, and owes a citation."""
    repo.write(
        "a.md",
        "By the end of that first evening I had opened the acrylic lock twice, once possibly by accident.\n\n"
        "Her first husband was possibly a cousin of the Duke of Norfolk.\n\n"
        "I made 46 contacts in all, though a few of them may have been the same station twice.\n\n"
        "The Blanc brothers may have been the first people to hack a network.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 3), ("TL301", 7)]
    assert [c["tier"] for c in repo.claims("a.md")] == [None, "hypothesis", None, "hypothesis"]


def test_i_think_is_the_writers_aside_we_think_hedges(repo):
    """"I think" is the writer's aside, in a story from the past ("I think I heard it before
    I had turned off the engine") or in the present ("I think the cicadas count in primes"):
    no page of the corpus has it as a serious hypothesis. Research prose says "we think"."""
    repo.write(
        "a.md",
        "I drove down that weekend, and I think I heard it before I had turned off the engine.\n\n"
        "The canoe came out of the peat on my uncle's farm in the wet spring of, I think, 1998.\n\n"
        "Our teacher, who I think had been waiting all term for this, handed out log paper.\n\n"
        "I think the cicadas count in primes to dodge their predators.\n\n"
        "I should admit that I'd half believed the same thing for years.\n\n"
        "We think the cicadas count in primes to dodge their predators.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 11)]
    assert [c["tier"] for c in repo.claims("a.md")] == [None, None, None, None, None, "hypothesis"]


def test_a_scene_remembered_in_a_story_paragraph_owes_no_citation(repo):
    """The paragraph tells the story ("I stood in the lobby"); its sentences without a
    pronoun ("One lift would be at 22") are still part of it."""
    repo.write(
        "a.md",
        "Every morning I stood in the lobby watching the floor numbers. One lift would be at 22"
        " and climbing. Another would be at 3 and going down.\n\n"
        "A shared dispatcher may be faster for the morning peak.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 3)]


def test_weak_hedges_under_a_risks_heading_are_the_teams_risks(repo):
    """Under "## Risks" a design note lists what might go wrong: "could be slow", "probably
    drops frames" are the team's risks there, of no tier and owing no citation; "may" still
    owes one, and so does "could" elsewhere."""
    repo.write(
        "a.md",
        "# Clock\n\n"
        "Polling the paddles could be slow.\n\n"
        "## Risks and open questions\n\n"
        "- Polling the paddles at 1 kHz could be slow once the display shares the timer.\n"
        "- The serial adapter probably drops frames when the compressor kicks in.\n"
        "- Players may blunder more as their clock runs down.\n\n"
        "### Detail\n\n"
        "The debounce window might be too short for old paddles.\n\n"
        "## Task list\n\n"
        "- The debounce window might be too short for old paddles.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [
        ("TL301", 3), ("TL301", 9), ("TL301", 17),
    ]
    tiers = [(c["line"], c["tier"]) for c in repo.claims("a.md") if c["line"] in (7, 8, 9)]
    assert tiers == [(7, None), (8, None), (9, "hypothesis")]


def test_a_worked_hypothetical_with_would_be_owes_no_citation(repo):
    """"would be" tiers a claim hypothesis (a hedge in research prose), but on a concept page
    it mostly works a hypothetical through ("a solid lens … would be thick"), which owes no
    source; "may" still does."""
    repo.write(
        "a.md",
        "A solid lens big enough to gather the light would be thick, heavy and prone to crack.\n\n"
        "A maker who spaced the lines at an even 15° would be more than 6° out by mid-afternoon.\n\n"
        "A solid lens may crack with heat.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 5)]
    assert [c["tier"] for c in repo.claims("a.md")] == ["hypothesis"] * 3


def test_in_the_writers_own_story_a_claim_about_the_world_still_owes(repo):
    """In a paragraph where the writer tells their own story, a sentence in the past is the
    story ("It certainly seemed that way from the kitchen table"); one in the present is a
    claim about the world ("… are probably males") and owes a citation."""
    repo.write(
        "a.md",
        "I sat on the porch most of that summer. It certainly seemed that way from the kitchen"
        " table. Most of the moths circling a porch light are probably males.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 1)]
    assert [c["tier"] for c in repo.claims("a.md")] == [None, None, "hypothesis"]


def test_an_inferred_hypothesis_owes_a_citation_only_when_its_wording_hedges_the_claim(repo):
    """Cues that mark doubt in passing ("expected to", "potential", "whether") tier a claim
    hypothesis but do not hold it to TL301; "may" does, and a declared tier always does."""
    repo.write(
        "a.md",
        "A gap of 400 points means the stronger player is expected to score about 0.91.\n\n"
        "The probe may lag the bean by a minute.\n\n"
        "2. Serious hypothesis — whether the lag matters for flavour is open.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 3), ("TL301", 5)]
    claims = repo.claims("a.md")
    assert claims[0]["tier"] == "hypothesis"  # still tiered: CoNLL-style hedge detection


def test_seems_to_tiers_a_claim_hypothesis_but_owes_no_citation(repo):
    """"Seems to" closes asides on concept pages ("which seems to be what everyone good
    does", "Nobody seems to know"): the claim is hypothesis, but only "may", "probably" and
    their like hold it to TL301; "appears to" still does."""
    repo.write(
        "a.md",
        "Des adjusts by eye, which seems to be what everyone good does.\n\n"
        "Nobody seems to know.\n\n"
        "New granule cells appear to clear old traces.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 5)]
    assert [c["tier"] for c in repo.claims("a.md")] == ["hypothesis"] * 3


def test_a_doubt_about_the_writers_own_plans_owes_no_citation(repo):
    """"X could run short of memory if we turn it on" weighs the team's decision: its weak
    hedge tiers the claim but owes nothing; "may" still owes, and so does "could" on a
    claim about the world."""
    repo.write(
        "a.md",
        "The collector could run short of memory if we turn tail sampling on.\n\n"
        "Tail sampling may drop whole traces if we turn it on.\n\n"
        "Tail sampling could drop whole traces under load.\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL301", 3), ("TL301", 5)]
    assert [c["tier"] for c in repo.claims("a.md")] == ["hypothesis"] * 3


def test_a_doubt_set_aside_in_a_story_still_hedges_another_tiers_wording(repo):
    """Under a risks heading (or in the writer's story) a weak hedge alone tiers nothing, but
    beside an exact cue it is still the hedge on it: "proved that … might" is hypothesis."""
    repo.write(
        "a.md",
        "# Bucket\n\n## Risks\n\n"
        "The replay on staging proved that a 200-token burst might still turn away fans.\n\n"
        "A 200-token burst might still turn away fans.\n",
    )
    assert [c["tier"] for c in repo.claims("a.md")] == ["hypothesis", None]
