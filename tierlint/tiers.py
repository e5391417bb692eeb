"""Claims → tiers, first match wins (SPEC §1): inline marker, labelled block, section
heading, front-matter default, then inference from wording cues (``rules/tiers.yaml``).

Inference is run on every claim, declared or not, so the rules can see wording that
contradicts a declared tier (TL103) or clashes with itself (TL102). A negated cue does not
count for its tier; where its entry says so it counts for another ("not as a loose
analogy" signals exact). Cues inside double quotes (someone else's title or words) never
count. An entry may pin down the sense it means by the word right before or after it or by
the shape of its tokens ("may" but not the month in "May 2021"; "potential" but not
"membrane potential"): the conditions are data, documented in ``rules/tiers.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from .claims import Claim, Evidence
from .nlp import doc_text, glued
from .page import Page, tier_id
from .resources import LexiconError, Packs, alternation, load_lexicon, pack_set, word_list

TIERS = ("exact", "hypothesis", "lens")
# a cue entry of this "tier" is another sense of a shorter cue's words ("members may bring a
# guest": permission, not a hedge): matched, it signals nothing and holds the shorter cue back
OTHER_SENSE = "none"
CUES = "tierlint.cues"  # where the cue component keeps a Doc's cues
# tiers whose cues contradict each other inside one clause (TL102) or a declared tier (TL103)
CLASHES = {frozenset(("exact", "hypothesis")), frozenset(("exact", "lens"))}


@dataclass(frozen=True, slots=True)
class CueEntry:
    phrases: tuple[str, ...]
    tier: str
    weight: float
    negated_tier: str | None
    not_followed_by: frozenset[str]
    not_preceded_by: frozenset[str]  # one word each
    followed_by: frozenset[str]  # empty: no condition
    preceded_by: frozenset[str]
    not_if: frozenset[str]  # token shapes (SHAPES) that make the match another sense
    infers: bool = True  # False: only contradicts a declared tier (TL103), never infers one
    contradicts: bool = True  # False: infers its tier, never contradicts one (TL102, TL103)
    owes_citation: bool = True  # False: alone, it tiers a claim hypothesis but owes no TL301
    owes_in_narration: bool = True  # False: as owes_citation, in a claim that narrates
    in_own_story: bool = True  # False: infers nothing in the writer's own story in the past
    # the not_preceded_by / not_followed_by entries of several words, as their words:
    # ("we", "'ll") before "probably", ("a", "dozen") after "perhaps"
    not_after_words: tuple[tuple[str, ...], ...] = ()
    not_before_words: tuple[tuple[str, ...], ...] = ()


@dataclass(slots=True)
class Cue:
    """One cue found in a claim: offsets are into the claim's text."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    text: str
    entry: CueEntry
    negated: bool
    signals: str | None  # the tier it counts for, after negation; None: counts for none


# --- the lexicon --------------------------------------------------------------------------


@lru_cache(maxsize=16)
def cue_entries(packs: Packs = ()) -> tuple[CueEntry, ...]:
    """The cue entries of ``rules/tiers.yaml``, with those of the rule packs ``packs``."""
    data = load_lexicon("tiers", packs) if packs else load_lexicon("tiers")
    entries = []
    for i, raw in enumerate(data.get("cues") or []):
        try:
            phrases = raw["phrase"]
            tier = raw["tier"]
        except (KeyError, TypeError):
            raise LexiconError(f"tiers.yaml: cue #{i + 1} needs 'phrase' and 'tier'") from None
        if tier not in TIERS and tier != OTHER_SENSE:
            raise LexiconError(f"tiers.yaml: cue #{i + 1} has unknown tier {tier!r}")
        not_preceded_by, not_after_words = _words(raw, "not_preceded_by", i)
        not_followed_by, not_before_words = _words(raw, "not_followed_by", i)
        entries.append(
            CueEntry(
                phrases=tuple([phrases] if isinstance(phrases, str) else phrases),
                tier=tier,
                weight=float(raw.get("weight", 1.0)),
                negated_tier=raw.get("negated_tier"),
                not_followed_by=not_followed_by,
                not_preceded_by=not_preceded_by,
                followed_by=_words(raw, "followed_by", i)[0],
                preceded_by=_words(raw, "preceded_by", i)[0],
                not_if=_shapes(raw, i),
                infers=bool(raw.get("infers", True)),
                contradicts=bool(raw.get("contradicts", True)),
                owes_citation=bool(raw.get("owes_citation", True)),
                owes_in_narration=bool(raw.get("owes_in_narration", True)),
                in_own_story=bool(raw.get("in_own_story", True)),
                not_after_words=not_after_words,
                not_before_words=not_before_words,
            )
        )
    return tuple(entries)


def _words(raw: dict[str, Any], key: str, i: int) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """The lower-cased entries of ``key``: those of one word (or none: "", a claim's start),
    and those of several, each as its words."""
    words = raw.get(key, [])
    if not all(isinstance(w, str) for w in words):  # YAML reads a bare on/no as a boolean
        raise LexiconError(f"tiers.yaml: cue #{i + 1}: {key} lists words; quote 'on', 'no'")
    split = [w.lower().split() for w in words]
    single = frozenset(w.lower() for w, parts in zip(words, split) if len(parts) <= 1)
    return single, tuple(tuple(parts) for parts in split if len(parts) > 1)


def _capitalised(doc: Any, s: int, e: int) -> bool:
    """Written with a capital letter, and not the sentence's first word ("in May 2021")."""
    return doc[s].text[:1].isupper() and any(not t.is_punct for t in doc[:s])


def _before_number(doc: Any, s: int, e: int) -> bool:
    """The next token is a number ("May 12", "May 2021", "reads as −40 °C")."""
    return e < len(doc) and (doc[e].like_num or _SIGNED.match(doc[e].text) is not None)


_SIGNED = re.compile(r"[−+±-]\d")


def _masked_code(word: str) -> bool:
    """Whether a token is a code span: claims are masked, a code span is a run of "x"."""
    return len(word) > 1 and word.strip("x") == ""


def _after_digits(doc: Any, s: int, e: int) -> bool:
    """The token before holds a digit, or is code: a count ("the 24 possible orders", "2ⁿ
    possible", "`2^k(2^k − 1)/2` possible pairs")."""
    if s == 0:
        return False
    word = doc[s - 1].text
    return any(ch.isdigit() for ch in word) or _masked_code(word)


def _inside(doc: Any, s: int, e: int) -> bool:
    """Not the sentence's first word: a word comes before it ("Probably not much." answers
    a question only when it opens the sentence)."""
    return any(not t.is_punct for t in doc[:s])


def _before_code(doc: Any, s: int, e: int) -> bool:
    """The next token is code or a one-letter variable ("at distance `d`", "at distance x")."""
    if e >= len(doc):
        return False
    word = doc[e].text
    return _masked_code(word) or (len(word) == 1 and word.isalpha() and word not in "aAI")


def _before_ing(doc: Any, s: int, e: int) -> bool:
    """The next token is a word in -ing ("would be walking")."""
    return e < len(doc) and len(doc[e].text) > 4 and doc[e].lower_.endswith("ing")


def _before_capitalised(doc: Any, s: int, e: int) -> bool:
    """The next token is a capitalised word other than "I" ("May Day")."""
    return e < len(doc) and doc[e].text[:1].isupper() and doc[e].text != "I"


_PURPOSE = (("so", "that"), ("in", "order", "that"))
_PURPOSE_REACH = 20  # words between "so that" and the modal, over an "and": "so that carts
# could tip limestone and coal into the top from the slope above and the burnt lime could
# be raked out"


def _in_purpose(doc: Any, s: int, e: int) -> bool:
    """Inside a purpose clause: at most twenty words after "so that" or "in order that",
    and no punctuation between ("built into the hillside so that carts could tip limestone
    into the top"): what something is for, not a doubt."""
    for k in range(s - 1, max(s - _PURPOSE_REACH - 3, -1), -1):
        if doc[k].is_punct:
            return False
        if doc[k].lower_ == "that" and any(_words_at(doc, k + 1 - len(p), p) for p in _PURPOSE):
            return True
    return False


# token shapes a cue entry's ``not_if`` may name: each says the match is another sense
SHAPES = {
    "capitalised": _capitalised,
    "before_number": _before_number,
    "after_digits": _after_digits,
    "before_code": _before_code,
    "before_ing": _before_ing,
    "before_capitalised": _before_capitalised,
    "inside": _inside,
    "in_purpose": _in_purpose,
}


def _shapes(raw: dict[str, Any], i: int) -> frozenset[str]:
    names = frozenset(raw.get("not_if", []))
    unknown = names - SHAPES.keys()
    if unknown:
        raise LexiconError(f"tiers.yaml: cue #{i + 1} has unknown not_if {sorted(unknown)}")
    return names


def _sense_ok(entry: CueEntry, doc: Any, s: int, e: int) -> bool:
    """Whether the words doc[s:e] are used in the sense the entry means (its conditions)."""
    before = doc[s - 1].lower_ if s > 0 else ""
    after = doc[e].lower_ if e < len(doc) else ""
    if before in entry.not_preceded_by or after in entry.not_followed_by:
        return False
    if any(_words_at(doc, s - len(w), w) for w in entry.not_after_words):  # "we 'll probably"
        return False
    if any(_words_at(doc, e, w) for w in entry.not_before_words):  # "perhaps a dozen"
        return False
    if entry.preceded_by and before not in entry.preceded_by:
        return False
    if entry.followed_by and after not in entry.followed_by:
        return False
    return not any(SHAPES[name](doc, s, e) for name in entry.not_if)


def _words_at(doc: Any, at: int, words: tuple[str, ...]) -> bool:
    """Whether the tokens from ``at`` on are ``words`` (lower-cased), all inside the Doc."""
    return 0 <= at and at + len(words) <= len(doc) and all(
        doc[at + k].lower_ == w for k, w in enumerate(words)
    )


@lru_cache(maxsize=16)
def _label_patterns(packs: Packs = ()) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    labels = (load_lexicon("tiers", packs) if packs else load_lexicon("tiers")).get("labels") or {}
    names: dict[str, str] = {}
    for tier, words in labels.items():
        for word in words:
            names[" ".join(word.lower().split())] = tier
    # every name escaped: a rule pack's names are words, never regular expressions
    alternatives = "|".join(
        re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True)
    )
    # "Tier 2 — …", "Tier 2: …": a tier's number before its name
    numbered = r"(?:tier\s+\d+\s*[—–:.)-]?\s*)?"
    # "Exact —", "Serious hypothesis:", "Interpretive lens, welcomed at distance —",
    # "Tier 1 — Exact:", and a run-in heading closed by a full stop ("**Exact.** The …")
    block = re.compile(
        rf"^\s*{numbered}(?P<label>{alternatives})(?![\w-])"
        r"(?:\s*\([^()\n]{0,60}\)|,[^—–:\n]{1,60}?)?\s*(?:—|–|:|--?(?=\s)|\.(?=\s))",
        re.I,
    )
    # "## Exact", "### Serious hypothesis", "## 2. Interpretive lens (welcomed at distance)",
    # "### Tier 2: Serious hypothesis"
    heading = re.compile(
        rf"^\s*(?:\d+(?:\.\d+)*[.)]?\s+)?{numbered}(?P<label>{alternatives})(?![\w-])"
        r"\s*(?:[—–:(,-].*)?$",
        re.I | re.S,
    )
    return block, heading, names


def block_label(masked: str, packs: Packs = ()) -> tuple[str, int, int] | None:
    """The tier a labelled block declares: (tier, start, end of the label) in ``masked``."""
    pattern, _, names = _label_patterns(packs)
    m = pattern.match(masked)
    if not m:
        return None
    return names[" ".join(m.group("label").lower().split())], m.start("label"), m.end()


def heading_label(masked: str, packs: Packs = ()) -> str | None:
    _, pattern, names = _label_patterns(packs)
    m = pattern.match(masked.strip())
    return names[" ".join(m.group("label").lower().split())] if m else None


# --- the spaCy component ------------------------------------------------------------------


def register_component() -> None:
    from spacy.language import Language

    if not Language.has_factory("tierlint_cues"):
        Language.factory("tierlint_cues", default_config={"packs": ""}, func=_make_cue_matcher)


def _make_cue_matcher(nlp: Any, name: str, packs: str) -> "CueMatcher":
    # ``packs`` names a set of rule packs (resources.pack_set_key); "" none
    return CueMatcher(nlp, pack_set(packs))


class CueMatcher:
    """Finds the tier cues of a Doc with one PhraseMatcher; stores them in
    ``doc.user_data["tierlint.cues"]``. Built from the tier lexicon and the rule packs."""

    def __init__(self, nlp: Any, packs: Packs = ()) -> None:
        from spacy.matcher import PhraseMatcher

        self.packs = packs
        self.entries = cue_entries(packs) if packs else cue_entries()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for i, entry in enumerate(self.entries):
            self.matcher.add(str(i), [nlp.make_doc(p) for p in entry.phrases])
        self.vocab = nlp.vocab

    def __call__(self, doc: Any) -> Any:
        doc.user_data[CUES] = find_cues(doc, self.matcher, self.entries, self.packs)
        return doc

    def phrases(self, vocab: Any) -> list[str]:
        """What a text must hold one of for this component to find anything in it."""
        return [p for entry in self.entries for p in entry.phrases]

    def nothing(self) -> dict[str, Any]:
        """What this component stores for a text with none of its phrases."""
        return {CUES: []}

    def also_needs(self, vocab: Any) -> dict[str, frozenset[str]]:
        """For a phrase whose every entry counts only beside certain words ("would" before
        "suggest", "indicate", …), what a text must also hold one of to be worth reading."""
        needs: dict[str, set[str]] = {}
        free: set[str] = set()
        for entry in self.entries:
            if entry.tier == OTHER_SENSE:
                continue  # it only holds shorter cues back
            words = entry.followed_by or (entry.preceded_by if "" not in entry.preceded_by else frozenset())
            for phrase in entry.phrases:
                if words:
                    needs.setdefault(phrase, set()).update(words)
                else:
                    free.add(phrase)
        return {phrase: frozenset(words) for phrase, words in needs.items() if phrase not in free}


def find_cues(
    doc: Any, matcher: Any, entries: tuple[CueEntry, ...], packs: Packs = ()
) -> list[Cue]:
    from .negation import is_negated

    matches = matcher(doc)
    if not matches:
        return []
    quotes = _quoted_regions(doc_text(doc))
    cues = []
    entry_of = {m: entries[int(doc.vocab.strings[m])] for m, _, _ in matches}
    senses = [
        (m, s, e) for m, s, e in matches if _sense_ok(entry_of[m], doc, s, e) and not glued(doc, s, e)
    ]
    for match_id, s, e in _longest_first(senses):
        entry = entry_of[match_id]
        if entry.tier == OTHER_SENSE:
            continue
        span = doc[s:e]
        if any(a <= span.start_char < b for a, b in quotes):
            continue
        negated = is_negated(doc, s, e, packs)
        cues.append(
            Cue(
                start=span.start_char,
                end=span.end_char,
                tok_start=s,
                tok_end=e,
                text=span.text,
                entry=entry,
                negated=negated,
                signals=entry.negated_tier if negated else entry.tier,
            )
        )
    return cues


def _longest_first(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Non-overlapping matches, preferring the longest, in text order."""
    chosen: list[tuple[int, int, int]] = []
    used: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m[2] - m[1]), m[1])):
        if used.isdisjoint(range(m[1], m[2])):
            chosen.append(m)
            used.update(range(m[1], m[2]))
    return sorted(chosen, key=lambda m: m[1])


# a quotation may wrap onto the next line of its paragraph, but never crosses a blank line
_QUOTED = re.compile(
    r"\"(?:[^\"\n]|\n(?![ \t]*\n)){1,200}\"|“(?:[^”\n]|\n(?![ \t]*\n)){1,200}”"
)


def _quoted_regions(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


# --- assigning tiers ----------------------------------------------------------------------


def assign_tiers(
    page: Page, claims: list[Claim], packs: Packs = (), proof_extensions: tuple[str, ...] = ()
) -> None:
    """Set ``tier``, ``source`` and ``evidence`` on every claim (claims have their
    annotations); ``packs``: the rule packs whose labels count too. A claim with no tier
    signal in its wording that names a lens proof (a file with one of ``proof_extensions``)
    is exact: it points at the proof of what it states ("Platt scaling is one logistic
    regression, and `platt.fk` (band 11111) confirms it")."""
    plan_tiers(page, claims, packs, proof_extensions)()


def plan_tiers(
    page: Page, claims: list[Claim], packs: Packs = (), proof_extensions: tuple[str, ...] = ()
) -> Callable[[], None]:
    """:func:`assign_tiers` in two steps: what needs no cues is done now (declared tiers,
    pointers, what each claim's block and proofs say), while spaCy reads the claims; the
    function returned does the rest once the claims have their annotations."""
    labels = _group_labels(page, packs)
    labels.update(_column_tiers(page, packs))
    sections = _section_tiers(page, packs)
    page_tier = _page_tier(page)
    risky = risk_blocks(page, packs)
    uses_proofs: bool | None = None  # whether the page names a lens proof: known when asked
    _narration(packs)  # compiled now, not once the claims are back from spaCy
    # (claim, under a risks heading, the exact tier a proof beside it gives when its wording
    # gives none)
    pending: list[tuple[Claim, bool, tuple[str | None, list[Evidence]]]] = []
    for claim in claims:
        if claim.question:
            continue  # a question is not a claim to be tiered
        block = claim.block
        if block.marker:
            claim.tier, claim.source = block.marker, "marker"
            claim.evidence = [Evidence(f"tier: {block.marker}", block.marker, block.start)]
        elif block.group in labels:
            tier, start, end = labels[block.group]
            claim.tier, claim.source = tier, "label"
            claim.evidence = [Evidence(page.text[start:end].strip(), tier, start)]
        elif sections.get(id(block)):
            tier, start, end = sections[id(block)]
            claim.tier, claim.source = tier, "section"
            claim.evidence = [Evidence(page.text[start:end].strip(), tier, start)]
        elif page_tier:
            claim.tier, claim.source = page_tier, "page"
            claim.evidence = [Evidence(f"tier: {page_tier}", page_tier, 0)]
        elif _points_elsewhere(page, claim, packs, proof_extensions) or _signpost(claim, packs):
            continue  # "… has its own page, `lc-…`", "This page sets out …": nothing of its own
        else:
            # a claim that names a proof is exact, unless its wording says otherwise ("`x.fk`
            # … proves it" says so too, though "proves it" alone infers nothing)
            beside: tuple[str | None, list[Evidence]] = (None, [])
            if proof_extensions:
                beside = _names_a_proof(page, claim, proof_extensions)
                if not beside[0]:
                    beside = _beside_a_proof(page, claim, proof_extensions, packs)
                if not beside[0]:
                    if uses_proofs is None:
                        uses_proofs = _uses_proofs(page, proof_extensions)
                    if uses_proofs:
                        beside = _exact_figure(claim, packs)
            pending.append((claim, id(block) in risky, beside))

    def finish() -> None:
        for claim in claims:
            claim.cues = claim.annotations.get(CUES, [])
        texts: dict[int, str] = {}  # one copy of each block's text, however many claims it has
        quoted: dict[int, list[tuple[int, int]]] = {}  # a block's quotations, by its id
        for claim, risk, beside in pending:
            block = claim.block
            text = texts.get(id(block))
            if text is None:
                text = texts[id(block)] = page.masked[block.start : block.end]
            claim.cues = _outside_long_quotations(claim, text, quoted, block.start)
            tier, evidence = infer_tier(claim, packs, text, risk=risk)
            if not tier and all(c.signals in (None, "exact") for c in claim.cues):
                tier, evidence = beside
            if tier:
                claim.tier, claim.source, claim.evidence = tier, "inferred", evidence

    return finish


def _outside_long_quotations(
    claim: Claim, text: str, quoted: dict[int, list[tuple[int, int]]], offset: int
) -> list[Cue]:
    """The claim's cues, less those inside a quotation that runs over more than one sentence
    of its block: someone else's words ("I came for the mugs. It might be the best hour of
    my week." — Jo), whose doubt is theirs, not a claim of the page. (A quotation inside
    one sentence the pipeline already passes over.)"""
    if not claim.cues or ('"' not in text and "“" not in text):
        return claim.cues
    spans = quoted.get(id(claim.block))
    if spans is None:
        spans = quoted[id(claim.block)] = [(offset + a, offset + b) for a, b in _quoted_regions(text)]
    long = [(a, b) for a, b in spans if a < claim.start or b > claim.end]
    if not long:
        return claim.cues
    return [c for c in claim.cues if not any(a <= claim.start + c.start < b for a, b in long)]


def _names_a_proof(
    page: Page, claim: Claim, extensions: tuple[str, ...]
) -> tuple[str | None, list[Evidence]]:
    from .proofs import find_refs

    refs = find_refs(page.text, page.masked, claim.block.codes, extensions, claim.start, claim.end)
    if not refs:
        return None, []
    return "exact", [Evidence(refs[0].name, "exact", refs[0].start)]


def _beside_a_proof(
    page: Page, claim: Claim, extensions: tuple[str, ...], packs: Packs = ()
) -> tuple[str | None, list[Evidence]]:
    """Exact when the claim states an exact value (``beside_proof`` in rules/tiers.yaml:
    "is exactly 2") in a paragraph that names a lens proof: it states what the proof
    derives ("… is exactly `√(2Rh + h²)` … `t14-light-horizon.fk` derives it")."""
    from .proofs import find_refs

    word = _beside_proof(packs).search(claim.masked)
    if word is None or names_tiers(claim.masked) >= 2:  # "The math is exact; the … hypothesis"
        return None, []
    block = claim.block
    refs = find_refs(page.text, page.masked, block.codes, extensions, block.start, block.end)
    if not refs:
        return None, []
    return "exact", [
        Evidence(word.group(), "exact", claim.start + word.start()),
        Evidence(refs[0].name, "exact", refs[0].start),
    ]


def _uses_proofs(page: Page, extensions: tuple[str, ...]) -> bool:
    """Whether ``page`` names a lens proof anywhere."""
    from .proofs import find_refs

    if not any(ext in page.text for ext in extensions):
        return False  # most pages: no proof's name anywhere
    return any(
        find_refs(page.text, page.masked, block.codes, extensions, block.start, block.end)
        for block in page.blocks
    )


def _exact_figure(claim: Claim, packs: Packs = ()) -> tuple[str | None, list[Evidence]]:
    """Exact when the claim, on a page that works with lens proofs, states an exact figure
    (``exact_figure`` in rules/tiers.yaml: "splits the puzzle exactly in two", "a Hamming
    distance of exactly 4"), though its paragraph names no proof: TL201 then asks for one.
    Not a time of day, a table cell, or an instruction."""
    if claim.block.kind != "paragraph" or names_tiers(claim.masked) >= 2:
        return None, []
    found = _figure_patterns(packs)
    if found.instruction.match(claim.masked):
        return None, []
    for m in found.figure.finditer(claim.masked):
        if found.time.match(claim.masked, m.end()):
            continue
        word = m.group("exactly")
        return "exact", [Evidence(word, "exact", claim.start + m.start())]
    return None, []


class _Figures(NamedTuple):
    figure: re.Pattern[str]
    time: re.Pattern[str]
    instruction: re.Pattern[str]


@lru_cache(maxsize=16)
def _figure_patterns(packs: Packs = ()) -> _Figures:
    data = ((load_lexicon("tiers", packs) if packs else load_lexicon("tiers")).get("exact_figure")) or {}

    def words(key: str) -> str:
        return _any_of(data, key, "tiers.yaml: exact_figure")

    return _Figures(
        # "exactly 4", "exactly 1,000", "exactly √2", "exactly in two", a formula in code
        # ("add up to exactly `6L + 12w·tan 30°`": masked, a run of "x"); not "not exactly half"
        re.compile(
            rf"(?<![\w'’-])(?<![Nn]ot )(?P<exactly>(?i:exactly))\s+"
            rf"(?:[\d√π½⅓⅔¼¾⅛]|(?i:{words('figures')})(?![\w'’-])|xx+(?![\w'’-]))"
        ),
        # the rest of the figure ("10:15", "1,000"), then the time word
        re.compile(rf"[\w.,:/]*\s+(?i:{words('times')})(?![\w'’-])"),
        re.compile(rf"\W*(?i:{words('instructions')})(?![\w'’-])"),
    )


def _beside_proof(packs: Packs = ()) -> re.Pattern[str]:
    # not negated: "not exactly" is an approximation
    return _lexicon_words("beside_proof", r"(?<![\w'’-])(?<![Nn]ot )", packs)


@lru_cache(maxsize=64)
def _lexicon_words(key: str, before: str, packs: Packs = ()) -> re.Pattern[str]:
    """A pattern for any of the words or phrases of tiers.yaml's list ``key`` (none: a
    pattern that matches nothing), whole words after the lookbehind ``before``."""
    data = load_lexicon("tiers", packs) if packs else load_lexicon("tiers")
    return re.compile(rf"{before}(?i:{_any_of(data, key, 'tiers.yaml')})(?![\w'’-])")


def _any_of(data: dict[str, Any], key: str, where: str) -> str:
    """An alternation of the words of ``data``'s list ``key``; none: one that matches
    nothing."""
    return alternation(word_list(data, key, where)) if data.get(key) else "(?!)"


_CLAUSE_BREAK = re.compile(r"[;:—–()\[\]]")
# (the lookahead lets the engine skip to the letters a tier name opens with)
_TIER_NAME = re.compile(r"(?=[ehlEHL])\b(?:(exact)|(hypothes[ie]s)|(lens(?:es)?))\b", re.I)


def strong_cues(claim: Claim, inferring: bool = False) -> list[Cue]:
    """The cues that may contradict a tier: with full weight (weak ones never clash) and not
    ``contradicts: false``; with ``inferring``, only those that may infer a tier (not
    ``infers: false`` ones)."""
    return [
        c
        for c in claim.cues
        if c.signals
        and c.entry.weight >= 1
        and c.entry.contradicts
        and (c.entry.infers or not inferring)
    ]


def clause_clash(claim: Claim) -> tuple[Cue, Cue] | None:
    """Two cues of clashing tiers in one clause ("this proves the brain may…"); clauses end
    at ; : — – and brackets."""
    cues = strong_cues(claim, inferring=True)
    if len(cues) < 2:
        return None
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(claim.masked)]
    for i, a in enumerate(cues):
        for b in cues[i + 1 :]:
            if frozenset((a.signals, b.signals)) not in CLASHES:
                continue
            if not any(a.end <= pos < b.start for pos in breaks):
                return a, b
    return None


def names_tiers(text: str) -> int:
    """How many different tiers a sentence names ("exact", "hypothesis", "lens"): one that
    names two or more is about the tiers ("real at one tier, a serious hypothesis at the
    next, and an interpretive lens at the third"), not a claim at one of them."""
    named = set()
    for m in _TIER_NAME.finditer(text):
        named.add(m.lastindex)
    return len(named)


def infer_tier(
    claim: Claim, packs: Packs = (), block_text: str = "", risk: bool = False
) -> tuple[str | None, list[Evidence]]:
    """The tier the wording signals, and the cues that signal it. A storyteller's own
    doubt ("I might have stuck with the flute") tiers nothing, nor does a design team's
    under a risks heading (``risk``: "The serial adapter probably drops frames").

    Cues of clashing tiers in one clause ("this proves the brain may…") make a hedged
    claim: the hedge governs what is claimed (TL102 reports the clash). In different
    clauses (a summary that proves one thing and hedges another) no tier is inferred."""
    if not any(c.signals for c in claim.cues):
        return None, []  # most claims: no wording of any tier
    if names_tiers(claim.masked) >= 2:
        return None, []
    told = any(not c.entry.owes_in_narration for c in claim.cues) and (
        risk or tells_a_story(claim.masked, packs, block_text)
    )
    own = any(not c.entry.in_own_story for c in claim.cues) and tells_own_story(claim.masked, packs)
    counted = [
        c
        for c in claim.cues
        if c.signals
        and c.entry.infers
        and not (told and not c.entry.owes_in_narration)
        and not (own and not c.entry.in_own_story)
    ]
    if any(c.signals != "hypothesis" for c in counted):
        # the doubt set aside is still a hedge on another tier's wording ("The replay proved
        # that a burst might still turn fans away", under a risks heading): it counts
        counted = [c for c in claim.cues if c.signals and c.entry.infers]
    scores = dict.fromkeys(TIERS, 0.0)
    for cue in counted:
        scores[cue.signals] += cue.entry.weight
    best = max(scores.values())
    if best <= 0:
        return None, []
    present = frozenset(t for t, v in scores.items() if v > 0)
    if any(pair <= present for pair in CLASHES):
        clash = clause_clash(claim)
        if clash is None or {clash[0].signals, clash[1].signals} != {"exact", "hypothesis"}:
            return None, []
        tier = "hypothesis"
    else:
        leaders = [t for t, s in scores.items() if s == best]
        if len(leaders) > 1:
            return None, []  # the wording pulls two ways equally: no tier to infer
        tier = leaders[0]
    evidence = [Evidence(c.text, tier, claim.start + c.start, c.negated) for c in counted if c.signals == tier]
    return tier, evidence


def _group_labels(page: Page, packs: Packs = ()) -> dict[int, tuple[str, int, int]]:
    labels = {}
    for block in page.blocks:
        if block.kind != "paragraph" or not block.first_in_group:
            continue
        found = block_label(page.masked[block.start : block.end], packs)
        if found:
            tier, s, e = found
            labels[block.group] = (tier, block.start + s, block.start + e)
    return labels


def _column_tiers(page: Page, packs: Packs = ()) -> dict[int, tuple[str, int, int]]:
    """The tier a table row declares in a tier column: a column headed "Tier" whose cell
    in the row names a tier ("exact", "serious hypothesis", "lens"), by the row's group."""
    _, _, names = _label_patterns(packs)
    out: dict[int, tuple[str, int, int]] = {}
    column: int | None = None
    for block in page.blocks:
        if block.kind == "table_header":
            cells = _cells(page.masked, block.start, block.end)
            column = next(
                (i for i, (s, e) in enumerate(cells) if _TIER_HEADING.fullmatch(page.masked[s:e].strip())),
                None,
            )
            continue
        if block.kind != "table_row":
            column = None
            continue
        if column is None:
            continue
        cells = _cells(page.masked, block.start, block.end)
        if column < len(cells):
            s, e = cells[column]
            tier = names.get(" ".join(page.masked[s:e].lower().split()))
            if tier:
                out[block.group] = (tier, s, e)
    return out


_TIER_HEADING = re.compile(r"(?i)(?:epistemic\s+)?tier")


def _cells(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of a table row's text (outer pipes already left out), as spans with
    their surrounding spaces; code is masked, so a pipe in code does not split a cell."""
    spans, at = [], start
    for m in re.finditer(r"(?<!\\)\|", masked[start:end]):
        spans.append((at, start + m.start()))
        at = start + m.end()
    spans.append((at, end))
    trimmed = []
    for s, e in spans:
        cell = masked[s:e]
        trimmed.append((s + len(cell) - len(cell.lstrip()), e - (len(cell) - len(cell.rstrip()))))
    return trimmed


def _under_headings(page: Page, classify: Callable[[Any], Any]) -> Iterator[tuple[Any, list[Any]]]:
    """Each block that is not a heading, with what ``classify`` said of each heading above
    it, outermost first (a heading ends the sections of its level and deeper)."""
    stack: list[tuple[int, Any]] = []
    for block in page.blocks:
        if block.kind == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, classify(block)))
        else:
            yield block, [value for _, value in stack]


def _section_tiers(page: Page, packs: Packs = ()) -> dict[int, tuple[str, int, int]]:
    """For each block under a tier heading: (tier, heading start, heading end)."""

    def section(heading: Any) -> tuple[str, int, int] | None:
        tier = heading_label(page.masked[heading.start : heading.end], packs)
        return (tier, heading.start, heading.end) if tier else None

    out: dict[int, tuple[str, int, int]] = {}
    for block, above in _under_headings(page, section):
        innermost = next((s for s in reversed(above) if s), None)
        if innermost:
            out[id(block)] = innermost
    return out


def _page_tier(page: Page) -> str | None:
    value = page.front_matter.get("tier")
    return tier_id(str(value)) if isinstance(value, str) else None


def _points_elsewhere(
    page: Page, claim: Claim, packs: Packs = (), proof_extensions: tuple[str, ...] = ()
) -> bool:
    """Whether the claim sends the reader to another page: a ``pointers`` phrase (rules/
    tiers.yaml) and a code span (the backticked page name) in it, or a code span right
    after a ``pointers_before_name`` phrase ("… is on `lc-…`"), unless it names a proof."""
    codes = [code for code in claim.block.codes if claim.start <= code.start < claim.end]
    if not codes:
        return False
    if _lexicon_words("pointers", r"(?<![\w'’-])", packs).search(claim.masked) is not None:
        return True
    before = _lexicon_words("pointers_before_name", r"(?<![\w'’-])", packs)
    return any(
        not code.text.strip().endswith(proof_extensions or ("\0",))
        and _ends_with(before, page.masked[claim.start : code.start])
        for code in codes
    )


def _signpost(claim: Claim, packs: Packs = ()) -> bool:
    """Whether the claim opens by saying what the page itself does (``signposts`` in
    rules/tiers.yaml: "This page sets out what is certain, what the research says, and a
    way of talking about it")."""
    return _lexicon_words("signposts", r"^[\W_]*", packs).match(claim.masked) is not None


def _ends_with(pattern: re.Pattern[str], text: str) -> bool:
    """Whether one of ``pattern``'s phrases closes ``text`` (blanks after it aside)."""
    tail = text.rstrip()[-40:]
    return any(m.end() == len(tail) for m in pattern.finditer(tail))


def risk_blocks(page: Page, packs: Packs = ()) -> set[int]:
    """The blocks (by id) under a heading of ``risk_headings`` (rules/tiers.yaml), at any
    depth, until a heading of the same level or higher ends the section."""
    pattern = _lexicon_words("risk_headings", r"(?:\d+(?:\.\d+)*[.)]?\s+)?", packs)

    def risky(heading: Any) -> bool:
        return pattern.match(page.masked[heading.start : heading.end].strip()) is not None

    return {id(block) for block, above in _under_headings(page, risky) if any(above)}


def owes_citation(claim: Claim, packs: Packs = (), block_text: str = "", risk: bool = False) -> bool:
    """Whether a hypothesis claim is held to TL301. A declared one always is; an inferred
    one when some cue behind its tier hedges what it claims ("may", "suggests"), not only
    cues that mark doubt in passing (``owes_citation: false``: "whether", "expected to",
    "potential"), which in narration are seldom research claims. In a claim that tells a
    story in the past ("Jan was on warfarin that spring; the dogs did not seem to mind"),
    or is a sentence in the past of a paragraph that does (``block_text``), cues marked
    ``owes_in_narration: false`` ("could", "seem to", "would be") owe nothing either; nor do
    they under a risks heading of a design note (``risk``: see :func:`risk_blocks`), nor in
    a claim on the writers' own plans ("… could run short of memory if we turn it on")."""
    if claim.source != "inferred":
        return True
    owing = [c for c in claim.cues if c.signals == "hypothesis" and c.entry.owes_citation]
    if all(c.entry.owes_in_narration for c in owing):
        return bool(owing)
    in_story = (
        risk
        or narrates(claim.masked, packs)
        or (_in_the_past(claim.masked, packs) and narrates(block_text, packs))
        or _narration(packs).plans.search(claim.masked) is not None
    )
    if not in_story:
        return bool(owing)
    return any(c.entry.owes_in_narration for c in owing)


def narrates(text: str, packs: Packs = ()) -> bool:
    """Whether ``text`` tells a story in the past: a personal pronoun and a past-tense verb
    (``narration`` in rules/tiers.yaml)."""
    found = _narration(packs)
    return found.pronouns.search(text) is not None and found.past_verbs.search(text) is not None


def tells_a_story(text: str, packs: Packs = (), block_text: str = "") -> bool:
    """Whether ``text`` is a storyteller's: a story in the past told in the first or third
    person singular ("I was probably too tired to follow", "He had probably picked it up"),
    or a sentence in the past ("would" included) of a paragraph in which the writer tells
    their own story (``block_text``: "I stood in the lobby every morning. One lift would
    be at 22"); a sentence in the present is a claim about the world ("The ritual itself
    probably does more than the chemistry")."""
    found = _narration(packs)
    if not _in_the_past(text, packs):
        return False  # "… are probably males": a claim about the world, whoever tells it
    if found.storyteller.search(text) is not None and found.past_verbs.search(text) is not None:
        return True
    return bool(block_text) and tells_own_story(block_text, packs)


def tells_own_story(text: str, packs: Packs = ()) -> bool:
    """Whether ``text`` is the writer's own story in the past: the first person singular and
    a past-tense verb ("By the end of that first evening I had opened it twice, once
    possibly by accident"), not another's ("Her first husband was possibly a cousin")."""
    found = _narration(packs)
    return found.first_person.search(text) is not None and found.past_verbs.search(text) is not None


def _in_the_past(text: str, packs: Packs = ()) -> bool:
    """A past-tense verb of the narration lexicon, or "would" (a scene: "One lift would be
    at 22")."""
    return _narration(packs).past_verbs.search(text) is not None or _WOULD.search(text) is not None


_WOULD = re.compile(r"(?<![\w'’-])(?i:would)(?![\w'’-])")  # "One lift would be at 22": a scene


class _Narration(NamedTuple):
    """``narration`` of rules/tiers.yaml: each list as a whole-word, any-case pattern."""

    pronouns: re.Pattern[str]
    past_verbs: re.Pattern[str]
    storyteller: re.Pattern[str]
    first_person: re.Pattern[str]
    plans: re.Pattern[str]


@lru_cache(maxsize=16)
def _narration(packs: Packs = ()) -> _Narration:
    data = (load_lexicon("tiers", packs) if packs else load_lexicon("tiers")).get("narration") or {}
    return _Narration(
        *(
            re.compile(rf"(?<![\w'’-])(?i:{alternation(word_list(data, key, 'tiers.yaml: narration'))})(?![\w'’-])")
            for key in _Narration._fields
        )
    )
