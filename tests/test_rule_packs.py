"""Rule packs (``rule_packs`` in the config, docs/rule-packs.md): repository lexicons that
extend the shipped ones, per configuration, safely, through the CLI as users call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Repo, codes, run_cli

EXAMPLE = Path(__file__).resolve().parent / "data" / "rule-pack-example.yaml"
CONFIG = "concept_prefixes: ['lc-']\nrule_packs: [rules/house.yaml]\n"


def with_pack(repo: Repo, pack: str | None = None) -> Repo:
    """The repository with the pack (default: the documented example) named in its config."""
    repo.write("rules/house.yaml", EXAMPLE.read_text(encoding="utf-8") if pack is None else pack)
    repo.write(".tierlint.yaml", CONFIG)
    return repo


def tiers(repo: Repo, rel: str = "a.md") -> list[tuple[str, str | None]]:
    return [(c["text"], c["tier"]) for c in repo.claims(rel)]


def fails(result, *names: str) -> str:
    """The one line of a usage error (exit 2), checked to name ``names``."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tierlint: "), result.stderr
    assert "Traceback" not in result.output
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


# --- what a pack adds -----------------------------------------------------------------------


def test_a_lens_cue_changes_a_claims_tier(repo):
    repo.write("a.md", "The loop is seen through the glass of a thaw.\n")
    assert tiers(repo) == [("The loop is seen through the glass of a thaw.", None)]
    [claim] = with_pack(repo).claims("a.md")
    assert claim["tier"] == "lens" and claim["source"] == "inferred"
    assert [e["cue"] for e in claim["evidence"]] == ["seen through the glass of"]


def test_a_cue_may_be_silenced_by_several_words_around_it(repo):
    """A pack's cue takes the same conditions as the shipped lexicon's: several words before
    ("we 'll") or after ("a dozen") that make it another sense."""
    pack = (
        "tiers:\n  cues:\n    - phrase: [presently]\n      tier: hypothesis\n"
        "      not_preceded_by: [\"we 'll\"]\n      not_followed_by: [a dozen]\n"
    )
    repo.write("a.md", "It presently holds.\n\nWe'll presently go.\n\nThere are presently a dozen.\n")
    assert [t for _, t in tiers(with_pack(repo, pack))] == ["hypothesis", None, None]


def test_a_figure_word_makes_an_exact_figure(repo):
    repo.write("a.md", "`k.fk` (band 111111) proves the count.\n\nA box holds exactly a gross of pens.\n")
    assert tiers(repo)[1] == ("A box holds exactly a gross of pens.", None)
    with_pack(repo, "tiers:\n  exact_figure:\n    figures: [a gross]\n")
    assert tiers(repo)[1] == ("A box holds exactly a gross of pens.", "exact")


def test_a_label_names_a_tier(repo):
    repo.write("a.md", "House lens — the loop is a thaw.\n")
    assert tiers(repo)[0][1] is None
    assert tiers(with_pack(repo)) == [("House lens — the loop is a thaw.", "lens")]


@pytest.mark.parametrize(
    "sentence, covered",
    [
        ("This protocol treats chronotype drift.", "treats chronotype drift"),  # a term
        ("This practice dissolves insomnia.", "dissolves insomnia"),  # an entry
        ("This practice melts away screen fatigue.", "melts away screen fatigue"),  # both
    ],
)
def test_a_clinical_term_or_entry_makes_tl401_fire(repo, sentence, covered):
    repo.write("a.md", sentence + "\n")
    assert codes(repo.check_json("a.md")) == []
    [finding] = with_pack(repo).check_json("a.md")["diagnostics"]
    assert finding["code"] == "TL401" and covered in finding["message"]


def test_a_clinical_entry_keeps_its_conditions_and_a_negation_trigger_counts(repo):
    repo.write("a.md", "The ice dissolves in the river.\n\nIt is hardly a cure for insomnia.\n")
    assert codes(repo.check_json("a.md")) == ["TL401"]  # the cure, before the pack
    assert codes(with_pack(repo).check_json("a.md")) == []


@pytest.mark.parametrize("venue", ["Journal of House Style 2020", "J House Style 2021"])
def test_a_venue_makes_a_citation_complete(repo, venue):
    repo.write("a.md", f"Serious hypothesis — the loop may close ({venue}).\n")
    assert codes(repo.check_json("a.md")) == ["TL301"]
    assert codes(with_pack(repo).check_json("a.md")) == []


def test_an_abbreviation_keeps_a_sentence_whole(repo):
    repo.write("a.md", "See hs. Smith for more.\n")
    assert [text for text, _ in tiers(repo)] == ["See hs.", "Smith for more."]
    assert [text for text, _ in tiers(with_pack(repo))] == ["See hs. Smith for more."]


def test_a_pack_may_be_empty_or_extend_one_lexicon(repo):
    repo.write("a.md", "The loop is seen through the glass of a thaw.\n")
    with_pack(repo, "# nothing yet\n")
    assert tiers(repo)[0][1] is None
    with_pack(repo, "abbreviations:\n  always: [hs]\n")
    assert tiers(repo)[0][1] is None


# --- per configuration ----------------------------------------------------------------------

PAGE = (
    "The loop is seen through the glass of a thaw.\n\n"
    "The loop is viewed through the prism of a thaw.\n\n"
    "This practice dissolves insomnia.\n"
)
CUE = "tiers:\n  cues:\n    - {{phrase: [{phrase}], tier: lens}}\n"
ENTRY = (
    "clinical:\n  entries:\n"
    "    - {phrase: [dissolves], code: TL401, category: treats-condition, after: [disorder]}\n"
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_repositories_with_different_packs_in_one_run_each_get_their_own(tmp_path, jobs):
    for name, pack in (
        ("glass", CUE.format(phrase="seen through the glass of")),
        ("prism", CUE.format(phrase="viewed through the prism of") + ENTRY),
        ("plain", None),
    ):
        (tmp_path / name).mkdir()
        repo = Repo(tmp_path / name)
        if pack is not None:
            with_pack(repo, pack)
        repo.write("a.md", PAGE)
        repo.write("b.md", PAGE)  # two files each: with --jobs 2 they go to workers
    result = run_cli(
        "check", "--format", "json", "--select", "TL101,TL4", "--jobs", jobs,
        "glass", "prism", "plain", cwd=tmp_path,
    )
    assert result.exit_code == 1, result.output
    found: dict[str, list[tuple[int, str]]] = {}
    for d in json.loads(result.stdout)["diagnostics"]:
        found.setdefault(d["path"], []).append((d["line"], d["code"]))
    # TL101 (untiered, off by default: selected by its code) shows which claims got a tier
    assert found["glass/a.md"] == [(3, "TL101"), (5, "TL101")]
    assert found["prism/a.md"] == [(1, "TL101"), (5, "TL101"), (5, "TL401")]
    assert found["plain/a.md"] == [(1, "TL101"), (3, "TL101"), (5, "TL101")]
    for name in ("glass", "prism", "plain"):
        assert found[f"{name}/b.md"] == found[f"{name}/a.md"]


def test_two_configs_naming_the_same_pack_share_it(tmp_path):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        repo = Repo(tmp_path / name)
        with_pack(repo)
        repo.write("a.md", "The loop is seen through the glass of a thaw.\n")
    result = run_cli("check", "--format", "json", "--select", "TL101", "one", "two", cwd=tmp_path)
    assert result.exit_code == 0 and json.loads(result.stdout)["diagnostics"] == []


# --- refused, in one line -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../house.yaml", "rules/../../house.yaml", "/etc/hostname", "~/house.yaml", ""]
)
def test_a_pack_path_outside_the_repository_is_a_config_error(repo, name):
    repo.write(".tierlint.yaml", f"rule_packs: [{json.dumps(name)}]\n")
    repo.write("a.md", "A page.\n")
    fails(repo.run("check", "a.md"), ".tierlint.yaml", "rule_packs")


def test_a_symbolic_link_out_of_the_repository_is_refused(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "house.yaml"
    outside.write_text(EXAMPLE.read_text(), encoding="utf-8")
    (repo.root / "rules").mkdir()
    os.symlink(outside, repo.root / "rules" / "house.yaml")
    repo.write(".tierlint.yaml", CONFIG)
    repo.write("a.md", "A page.\n")
    fails(repo.run("check", "a.md"), ".tierlint.yaml", "rule_packs", "outside")


def test_a_symbolic_link_inside_the_repository_is_followed(repo):
    repo.write("packs/real.yaml", EXAMPLE.read_text())
    (repo.root / "rules").mkdir()
    os.symlink(repo.root / "packs" / "real.yaml", repo.root / "rules" / "house.yaml")
    repo.write(".tierlint.yaml", CONFIG)
    repo.write("a.md", "See hs. Smith for more.\n")
    assert len(repo.claims("a.md")) == 1


def test_a_missing_pack(repo):
    repo.write(".tierlint.yaml", CONFIG)
    repo.write("a.md", "A page.\n")
    fails(repo.run("check", "a.md"), "house.yaml", "not found")


def test_a_directory_or_a_fifo_is_not_a_pack(repo):
    (repo.root / "rules" / "house.yaml").mkdir(parents=True)
    repo.write(".tierlint.yaml", CONFIG)
    repo.write("a.md", "A page.\n")
    fails(repo.run("check", "a.md"), "house.yaml", "regular file")
    (repo.root / "rules" / "house.yaml").rmdir()
    os.mkfifo(repo.root / "rules" / "house.yaml")  # reading it would block forever
    fails(repo.run("check", "a.md"), "house.yaml", "regular file")


ALIAS_BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
)


@pytest.mark.parametrize(
    "pack, message",
    [
        ("tiers: [\n", "invalid YAML"),
        (b"tiers: {labels: {lens: [\xff]}}\n", "not UTF-8"),
        ("- tiers\n", "a rule pack is a mapping"),
        (ALIAS_BOMB, "aliases"),
        ("citations:\n  venues: &v [Nature]\n  particles: *v\n", "aliases"),
        ("tiers:\n  cues:\n    - phrase: x\n      tier: lens\n      not_followed_by: [a]\n"
         "      not_followed_by: [b]\n", ":6: key 'not_followed_by' is given twice"),
        ("tiers:\n  cues: []\ntiers:\n  labels: {}\n", ":3: key 'tiers' is given twice"),
        ("tierz:\n  cues: []\n", "tierz: unknown lexicon"),
        ("tiers:\n  cuez: []\n", "tiers.cuez: unknown key"),
        ("tiers:\n  cues:\n    - {phrase: x, tier: maybe}\n", "tiers.cues #1.tier"),
        ("tiers:\n  cues:\n    - {tier: lens}\n", "tiers.cues #1: needs 'phrase'"),
        ("tiers:\n  cues:\n    - {phrase: x, tier: lens, weight: 1e400}\n", "tiers.cues #1.weight"),
        ("tiers:\n  cues:\n    - {phrase: x, tier: lens, not_if: [odd]}\n", "tiers.cues #1.not_if"),
        ("tiers:\n  cues:\n    - {phrase: x, tier: lens, run: 'import os'}\n", "tiers.cues #1.run"),
        ("tiers:\n  labels: {maybe: [m]}\n", "tiers.labels.maybe"),
        ("tiers:\n  cues: {phrase: x}\n", "tiers.cues: must be a list"),
        ("clinical:\n  entries:\n    - {phrase: [x], code: TL999, category: c}\n",
         "clinical.entries #1"),
        ("clinical:\n  entries:\n    - {phrase: [x], code: TL401, category: c, after: [nope]}\n",
         "unknown term set 'nope'"),
        ("clinical:\n  entries:\n    - {phrase: [x], code: TL402, category: c, yields: 'yes'}\n",
         "clinical.entries #1.yields"),
        ("clinical:\n  bridge: {max: 1000}\n", "clinical.bridge.max"),
        ("clinical:\n  terms: {disorder: [x]}\n", "clinical.terms.disorder: must be a mapping"),
        ("negation:\n  window: 1000\n", "negation.window"),
        ("negation:\n  pre: [not]\n", "negation.pre #1: must be a mapping"),
        ("negation:\n  terminators: [{phrase: 'so that'}]\n", "single word"),
        ("citations:\n  venues: Nature\n", "citations.venues: must be a list"),
        ("citations:\n  venues: ['']\n", "citations.venues #1: must not be empty"),
        ("citations:\n  venues: [!!python/object/apply:os.system ['true']]\n", "invalid YAML"),
        ("abbreviations:\n  always: [no]\n", "abbreviations.always #1: must be a string"),
        ("abbreviations:\n  always: [{x: 1}]\n", "abbreviations.always #1"),
    ],
)
def test_an_invalid_pack_is_one_line_naming_the_file_and_the_entry(repo, pack, message):
    repo.write("rules/house.yaml", pack)
    repo.write(".tierlint.yaml", CONFIG)
    repo.write("a.md", "A page.\n")
    fails(repo.run("check", "a.md"), "house.yaml", message)


def test_a_huge_pack_is_refused(repo):
    venues = "".join(f"  - Venue{i}\n" for i in range(1_001))
    with_pack(repo, "citations:\n  venues:\n" + venues)  # compiled into regexes: 1,000 at most
    repo.write("a.md", "A page.\n")
    fails(repo.run("check", "a.md"), "house.yaml", "citations.venues #1001", "1000")
    words = "".join(f"  - w{i}\n" for i in range(10_001))
    with_pack(repo, "abbreviations:\n  always:\n" + words)
    fails(repo.run("check", "a.md"), "house.yaml", "abbreviations.always #10001", "10000")
    with_pack(repo, "citations:\n  venues: [" + "V" * 201 + "]\n")
    fails(repo.run("check", "a.md"), "house.yaml", "longer than 200")
    with_pack(repo, "# padding\n" * 300_000)  # 3 MB of comments
    fails(repo.run("check", "a.md"), "house.yaml", "larger than")


def test_the_sizes_of_a_configs_packs_add_up(repo):
    for n in range(2):
        venues = "".join(f"  - Venue{n}x{i}\n" for i in range(600))
        repo.write(f"rules/p{n}.yaml", "citations:\n  venues:\n" + venues)
    repo.write(".tierlint.yaml", "rule_packs: [rules/p0.yaml, rules/p1.yaml]\n")
    repo.write("a.md", "A page.\n")
    fails(repo.run("check", "a.md"), ".tierlint.yaml", "rule_packs", "together")


def test_a_pack_error_is_reported_by_every_command_that_reads_the_config(repo):
    repo.write("rules/house.yaml", "tierz: {}\n")
    repo.write(".tierlint.yaml", CONFIG)
    repo.write("a.md", "A page.\n")
    for args in (["check", "a.md"], ["claims", "a.md"], ["proofs", "."]):
        fails(repo.run(*args), "house.yaml", "tierz")


# --- never code, never a hang ---------------------------------------------------------------

REGEXY = """\
tiers:
  labels: {lens: [".*", "(a+)+$"]}
  cues:
    - {phrase: ["(a+)+$", ".*"], tier: exact, weight: 3}
clinical:
  entries:
    - {phrase: [".*"], code: TL402, category: promise}
negation:
  pre: [{phrase: ".*"}]
citations:
  venues: ["(a+)+$", ".*", "(x|x)*y", "[", "\\\\", "a{1,99999}"]
  particles: ["(a+)+", ".*", "["]
  prefixes: [".*", "(a+)+$"]
  not_names: ["(a+)+$", "[", "\\\\"]
abbreviations:
  always: [".*", "(a+)+$"]
"""
# "(a+)+$" compiled as a regex backtracks exponentially on a run of "a" that ends in "!"
HOSTILE = "Serious hypothesis — " + "a" * 40 + "! " + "(" + "a" * 40 + "!) Aaaa " * 3


def test_regex_looking_phrases_are_matched_literally_and_never_hang(repo):
    with_pack(repo, REGEXY)
    repo.write(
        "a.md",
        "Serious hypothesis — the cortex may do it, as in (a+)+$ 2020.\n\n"
        "Serious hypothesis — the loop may close, as in aaaa 2020.\n\n"
        "Everything — the loop is a thaw.\n\n"
        f"{HOSTILE}\n",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "tierlint", "check", "--no-cache", "--format", "json", "a.md"],
        cwd=repo.root, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    found = [(d["line"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"]]
    # "(a+)+$ 2020" cites (a venue, literally); "aaaa 2020" does not (".*" is no wildcard)
    assert (1, "TL301") not in found and (3, "TL301") in found
    # the cue "(a+)+$" (exact) is found as written, in the hypothesis of line 1 only, where
    # it shares a clause with "may" (TL102)
    assert (1, "TL102") in found and (3, "TL102") not in found
    # ".*" is no label and no clinical cue: nothing on line 5 but its (untiered) claim
    assert [code for line, code in found if line == 5] == []


# --- the cache --------------------------------------------------------------------------------


def test_editing_a_pack_invalidates_the_cache(repo):
    # in a hidden folder, which the repository's data-file digest does not walk: the pack's
    # content is in the key of every entry of its configuration
    repo.write(".tierlint/house.yaml", "abbreviations:\n  always: [hs]\n")
    repo.write(".tierlint.yaml", "rule_packs: [.tierlint/house.yaml]\n")
    repo.write("a.md", "This protocol treats chronotype drift.\n")
    assert codes(repo.check_json("a.md")) == []
    assert codes(repo.check_json("a.md")) == []  # from the cache
    repo.write(
        ".tierlint/house.yaml", "clinical:\n  terms:\n    disorder:\n      phrases: [chronotype drift]\n"
    )
    assert codes(repo.check_json("a.md")) == ["TL401"]
    repo.write(".tierlint/house.yaml", "abbreviations:\n  always: [hs]\n")
    assert codes(repo.check_json("a.md")) == []  # the first entry again


def test_naming_a_pack_invalidates_the_cache(repo):
    repo.write("rules/house.yaml", EXAMPLE.read_text())
    repo.write("a.md", "This practice dissolves insomnia.\n")
    assert codes(repo.check_json("a.md")) == []
    repo.write(".tierlint.yaml", CONFIG)
    assert codes(repo.check_json("a.md")) == ["TL401"]


# --- the default path -------------------------------------------------------------------------


def test_without_packs_no_pack_code_runs_and_the_shipped_pipeline_is_used(repo):
    code = (
        "import sys\n"
        "from tierlint.cli import main\n"
        "try:\n    main(['check', '--no-cache', 'a.md'])\n"
        "except SystemExit:\n    pass\n"
        "from tierlint import nlp, resources\n"
        "print('tierlint.packs' in sys.modules, len(nlp._PACKED), nlp._NLP is not None,"
        " resources._merged.cache_info().currsize,"
        " file=sys.stderr)"
    )
    repo.write("a.md", "The loop is a thaw.\n")
    # the pipeline built here, not in a helper process (tierlint.nlp_process), to be seen
    env = dict(os.environ, TIERLINT_NLP_PROCESS="0")
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo.root, capture_output=True, text=True, env=env
    )
    assert proc.stderr.strip().splitlines()[-1] == "False 0 True 0", proc.stderr


def test_the_pack_checker_knows_the_lexicons_own_names():
    """tierlint.packs checks shapes without importing the lexicons' modules (a config is
    read before any page): its copies of their names must agree."""
    from tierlint import clinical, packs, tiers
    from tierlint.resources import rules_dir

    assert packs.TIERS == tiers.TIERS
    assert set(packs._CUE_SHAPES) == set(tiers.SHAPES)
    assert packs._CODES == clinical.CODES
    shipped = {path.stem for path in rules_dir().glob("*.yaml")}
    assert set(packs.LEXICONS) == shipped
    # every key a shipped entry uses, a pack's entry may use too
    from tierlint.resources import load_lexicon

    cue_keys = {k for cue in load_lexicon("tiers")["cues"] for k in cue}
    assert cue_keys <= set(packs._CUE_KEYS)
    entry_keys = {k for entry in load_lexicon("clinical")["entries"] for k in entry}
    assert entry_keys <= set(packs._CLINICAL_ENTRY_KEYS)


def test_no_shipped_lexicon_gives_a_key_twice():
    """YAML keeps the last of two equal keys without a word: an entry that says
    `not_followed_by` twice silently loses the first list."""
    from pathlib import Path

    import yaml

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        keys = [loader.construct_object(k, deep=True) for k, _ in node.value]
        repeated = {k for k in keys if keys.count(k) > 1}
        assert not repeated, f"line {node.start_mark.line + 1}: {sorted(map(str, repeated))} given twice"
        return loader.construct_mapping(node, deep=True)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    for path in sorted((Path(__file__).resolve().parent.parent / "rules").glob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=Strict)
