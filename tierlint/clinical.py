"""Clinical wording (TL401) and health promises (TL402) in one claim.

The lexicon is data in ``rules/clinical.yaml`` (its header explains the entry fields). One
PhraseMatcher (attr LOWER), built once per vocabulary, finds every cue and every term of a
claim in one pass; a small token Matcher handles the few cues with a number in them
("in # days"). Each cue is then checked with cheap token-level context: the term it needs
after or before it, a health word somewhere in the claim, the word that follows, hyphen
compounds, double quotes, and negation (``tierlint.negation``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .negation import is_negated
from .nlp import doc_text, glued, make_doc_for, per_vocab
from .resources import LexiconError, Packs, alternation, load_lexicon, pack_set, word_list

if TYPE_CHECKING:
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

CODES = ("TL401", "TL402")
_NUMBER = "#"
# a title or someone else's words: “Cure Your Anxiety”, "heals everything", «…»
QUOTED = re.compile(r"\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”|«[^»\n]{1,200}»")


@dataclass(frozen=True, slots=True)
class ClinicalHit:
    code: str  # "TL401" or "TL402"
    start: int  # char offsets into doc.text
    end: int
    cue: str  # the lexicon entry that matched (as written in the YAML)
    category: str  # e.g. "treats-condition", "cure", "clinically-proven", "diagnose", ...


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    category: str
    after: frozenset[str]
    before: frozenset[str]
    sentence: frozenset[str]
    not_followed_by: frozenset[str]
    followed_by: frozenset[str]  # empty: no condition; else one must follow (or the end)
    unless: frozenset[str] = frozenset()  # term sets whose presence makes it another sense
    cue_not_followed_by: frozenset[str] = frozenset()  # words right after the cue itself
    yields: bool = False  # gives way to any other hit of its code in the claim
    relative: bool = False  # a ``before`` term may head a relative clause the cue ends


@dataclass(frozen=True, slots=True)
class _Lexicon:
    vocab: Vocab
    phrases: PhraseMatcher
    numbers: Matcher | None
    entries: dict[str, tuple[_Entry, ...]]  # cue phrase as written → its entries
    bridge: frozenset[str]
    bridge_max: int
    bridge_shape: re.Pattern[str] | None  # a word that bridges by its ending ("metabolic")
    # (term set, a word ending in one of its suffixes, words that end so but are no term)
    suffixes: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = ()
    # term set → what a text holding one of its terms holds: a word of each phrase (lower
    # case) and the suffixes ("tendinitis" holds "itis")
    term_marks: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Terms:
    """The terms found in one claim, indexed by token position."""

    starting: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # start → (end, set)
    ending: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # end → (start, set)
    present: set[str] = field(default_factory=set)

    def add(self, start: int, end: int, name: str) -> None:
        self.starting.setdefault(start, []).append((end, name))
        self.ending.setdefault(end, []).append((start, name))
        self.present.add(name)


_LEXICONS: dict[tuple[int, Packs], _Lexicon] = {}  # (id of a vocab, rule packs) → lexicon
_MAX_LEXICONS = 16


CLINICAL = "tierlint.clinical"  # where the component keeps a Doc's hits


def register_component() -> None:
    """Register the spaCy component ``tierlint_clinical``: it stores
    :func:`find_clinical`'s hits in ``doc.user_data["tierlint.clinical"]``. Its config
    names the rule packs whose entries count too (``resources.pack_set_key``; "" none)."""
    from spacy.language import Language

    if not Language.has_factory("tierlint_clinical"):
        Language.factory("tierlint_clinical", default_config={"packs": ""}, func=_make_component)


def _make_component(nlp: Any, name: str, packs: str) -> "_Component":
    return _Component(pack_set(packs))


class _Component:
    def __init__(self, packs: Packs) -> None:
        self.packs = packs

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[CLINICAL] = find_clinical(doc, self.packs)
        return doc

    def phrases(self, vocab: Vocab) -> list[str]:
        """What a text must hold one of for this component to find anything in it: the
        entries' cue phrases (a term set's word is wording only next to one of them)."""
        return list(_lexicon(vocab, self.packs).entries)

    def nothing(self) -> dict[str, Any]:
        """What this component stores for a text with none of its phrases."""
        return {CLINICAL: []}

    def also_needs(self, vocab: Vocab) -> dict[str, frozenset[str]]:
        """For a cue phrase whose every entry needs a term beside it or in the claim ("treat"
        + a disorder), what a text must also hold one of to be worth reading: the marks of
        those term sets (see ``_Lexicon.term_marks``)."""
        lex = _lexicon(vocab, self.packs)
        needs = {}
        for cue, entries in lex.entries.items():
            marks: set[str] = set()
            for entry in entries:
                sets = (entry.after | entry.before) or entry.sentence
                if not sets:
                    break  # this entry needs no term: the cue alone may be worded clinically
                for name in sets:
                    marks |= lex.term_marks.get(name, frozenset())
            else:
                needs[cue] = frozenset(marks)
        return needs


_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy"
    " eighty ninety hundred thousand million billion"
).split()


def find_clinical(doc: Doc, packs: Packs = ()) -> list[ClinicalHit]:
    """Clinical wording and health promises in one claim, negation and other senses excluded;
    ``packs``: the rule packs whose entries and terms count too."""
    lex = _lexicon(doc.vocab, packs)
    strings = doc.vocab.strings
    matches = lex.phrases(doc)
    cues, terms = [], _Terms()
    numbers_possible = number_word = False
    for match_id, s, e in matches:
        kind, _, name = strings[match_id].partition(":")
        if kind == "near":
            numbers_possible = True
        elif kind == "number":
            number_word = True
        elif glued(doc, s, e):
            continue
        elif kind == "term":
            terms.add(s, e, name)
        else:
            cues.append((s, e, name))
    if numbers_possible and (number_word or _DIGIT.search(doc_text(doc))) and lex.numbers is not None:
        for match_id, s, e in lex.numbers(doc):
            if not glued(doc, s, e):
                cues.append((s, e, strings[match_id].partition(":")[2]))
    if not cues:
        return []
    for name, pattern, exceptions in lex.suffixes:
        for i, token in enumerate(doc):
            word = token.lower_
            if pattern.fullmatch(word) and word not in exceptions and not glued(doc, i, i + 1):
                terms.add(i, i + 1, name)
    quoted = [(m.start(), m.end()) for m in QUOTED.finditer(doc_text(doc))]
    hits, yielding = [], []
    for s, e, cue in cues:
        if any(a <= doc[s].idx < b for a, b in quoted):
            continue
        for entry in lex.entries[cue]:
            span = _span(doc, s, e, entry, terms, lex)
            if span is not None and not is_negated(doc, *span, packs):
                covered = doc[span[0] : span[1]]
                hit = ClinicalHit(entry.code, covered.start_char, covered.end_char, cue, entry.category)
                (yielding if entry.yields else hits).append(hit)
    # a frame ("and you'll …") gives way to the wording it frames ("you'll sleep better")
    codes = {h.code for h in hits}
    hits += [y for y in yielding if y.code not in codes]
    if any(h.code == "TL401" for h in hits) and _refers(doc_text(doc), packs):
        hits = [h for h in hits if h.code != "TL401"]  # a referral reports what care offers
    return _strongest(hits)


def _refers(text: str, packs: Packs = ()) -> bool:
    """Whether the claim sends the reader to a clinician ("worth taking to a GP")."""
    return _referral(packs).search(text) is not None


@lru_cache(maxsize=16)
def _referral(packs: Packs = ()) -> re.Pattern[str]:
    data = (load_lexicon("clinical", packs) if packs else load_lexicon("clinical")).get("referral") or {}

    def words(key: str) -> str:
        return alternation(word_list(data, key, "clinical.yaml: referral"))

    determiner = r"(?:(?:a|an|the|your|their|his|her|my|our)\s+)?"
    return re.compile(
        rf"(?<![\w'’-])(?i:(?:{words('verbs')})\s+{determiner}(?:{words('professionals')})"
        rf"|{words('phrases')})(?![\w'’-])"
    )


def _span(
    doc: Doc, s: int, e: int, entry: _Entry, terms: _Terms, lex: _Lexicon
) -> tuple[int, int] | None:
    """The token span the finding covers, or None when the entry's context is missing."""
    if entry.sentence and terms.present.isdisjoint(entry.sentence):
        return None
    if e < len(doc) and doc[e].lower_ in entry.cue_not_followed_by:
        return None
    if not terms.present.isdisjoint(entry.unless):
        return None
    span = (s, e)
    if entry.after or entry.before:
        end = _term_after(doc, e, entry.after, terms, lex) if entry.after else None
        if end is not None:
            span = (s, end)
        else:
            starts = [a for a, name in terms.ending.get(s, ()) if name in entry.before]
            if not starts and entry.relative:
                starts = _antecedent(doc, s, entry.before, terms)
            if not starts:
                return None
            span = (min(starts), e)
    if span[1] < len(doc) and doc[span[1]].lower_ in entry.not_followed_by:
        return None
    if entry.followed_by and span[1] < len(doc) and doc[span[1]].lower_ not in entry.followed_by:
        return None
    return span


_RELATIVE = frozenset(("that", "which"))
_RELATIVE_MAX = 4  # words between the relative pronoun and the cue: "a GP can"


def _antecedent(doc: Doc, s: int, wanted: frozenset[str], terms: _Terms) -> list[int]:
    """Starts of a wanted term that heads a relative clause ending at token ``s``: the
    term, "that" or "which", then a few words without punctuation ("the anxiety [that our
    sessions] treat", "a vertigo [that a GP can] diagnose")."""
    for k in range(s - 1, max(s - _RELATIVE_MAX - 2, -1), -1):
        token = doc[k]
        if token.lower_ in _RELATIVE:
            if k == s - 1:
                return []  # "anxiety that treats": the subject, not the object, of the cue
            return [a for a, name in terms.ending.get(k, ()) if name in wanted]
        if token.is_punct:
            return []
    return []


def _term_after(
    doc: Doc, i: int, wanted: frozenset[str], terms: _Terms, lex: _Lexicon
) -> int | None:
    """End of the first wanted term from token ``i`` on, across at most ``bridge_max`` bridge
    words (the longest term where several start at one token)."""
    for _ in range(lex.bridge_max + 1):
        if i >= len(doc):
            return None
        ends = [end for end, name in terms.starting.get(i, ()) if name in wanted]
        if ends:
            return max(ends)
        word = doc[i].lower_
        if word not in lex.bridge and not (lex.bridge_shape and lex.bridge_shape.fullmatch(word)):
            return None
        i += 1
    return None


def _strongest(hits: list[ClinicalHit]) -> list[ClinicalHit]:
    """One finding per code and stretch of text: the earlier, longer one. A promise keeps
    the clinical wording inside it ("will cure your insomnia" is both TL402 and TL401),
    so ignoring one rule never hides the other."""
    kept: list[ClinicalHit] = []
    for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
        if all(hit.end <= k.start or k.end <= hit.start for k in kept if k.code == hit.code):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


# --- the lexicon --------------------------------------------------------------------------


def _lexicon(vocab: Vocab, packs: Packs = ()) -> _Lexicon:
    return per_vocab(_LEXICONS, vocab, packs, _build, _MAX_LEXICONS)


def _build(vocab: Vocab, packs: Packs = ()) -> _Lexicon:
    from spacy.matcher import Matcher, PhraseMatcher

    data = load_lexicon("clinical", packs) if packs else load_lexicon("clinical")
    make_doc = make_doc_for(vocab)
    phrases = PhraseMatcher(vocab, attr="LOWER")
    numbers = Matcher(vocab)
    term_sets = data.get("terms") or {}
    term_docs = {
        name: [make_doc(p) for p in _strings(term_set, "phrases", name)]
        for name, term_set in term_sets.items()
    }
    for name, docs in term_docs.items():
        phrases.add(f"term:{name}", docs)
    entries: dict[str, list[_Entry]] = {}
    near: set[str] = set()
    for i, raw in enumerate(data.get("entries") or [], 1):
        entry = _entry(raw, i, term_sets)
        for cue in _strings(raw, "phrase", f"entry #{i}"):
            if cue not in entries:
                tokens = make_doc(cue)
                if any(t.text == _NUMBER for t in tokens):
                    numbers.add(f"cue:{cue}", [[_token_pattern(t.text) for t in tokens]])
                    for i, t in enumerate(tokens):  # the word a number stands before
                        if t.text == _NUMBER:  # ("days" in "within # days"), else after
                            j = i + 1 if i + 1 < len(tokens) else i - 1
                            if 0 <= j < len(tokens):
                                near.add(tokens[j].text)
                else:
                    phrases.add(f"cue:{cue}", [tokens])
            entries.setdefault(cue, []).append(entry)
    if near:  # the token Matcher runs only on claims with a number and one of these words
        phrases.add("near:number", [make_doc(w) for w in sorted(near)])
        phrases.add("number:word", [make_doc(w) for w in _NUMBER_WORDS])
    bridge = data.get("bridge") or {}
    suffixes = []
    marks: dict[str, frozenset[str]] = {}
    for name, term_set in term_sets.items():
        endings = term_set.get("suffixes") if isinstance(term_set, dict) else None
        if endings:
            pattern = _ending(endings, f"term set {name!r}")
            suffixes.append((name, pattern, frozenset(w.lower() for w in term_set.get("except") or ())))
        marks[name] = frozenset(
            [max((t.lower_ for t in doc), key=len) for doc in term_docs[name]]
            + [e.lower() for e in endings or ()]
        )
    return _Lexicon(
        vocab=vocab,
        phrases=phrases,
        numbers=numbers if len(numbers) else None,
        entries={cue: tuple(es) for cue, es in entries.items()},
        bridge=frozenset(w.lower() for w in _strings(bridge, "words", "bridge")),
        bridge_max=int(bridge.get("max", 0)),
        bridge_shape=_ending(bridge.get("suffixes"), "bridge"),
        suffixes=tuple(suffixes),
        term_marks=marks,
    )


def _ending(endings: Any, where: str) -> re.Pattern[str] | None:
    """A word of seven letters or more that ends in one of ``endings`` ("tendinitis",
    "metabolic"; never "osis" alone)."""
    if not endings:
        return None
    if not isinstance(endings, list) or not all(isinstance(e, str) and e.isalpha() for e in endings):
        raise LexiconError(f"clinical.yaml: {where}: suffixes are a list of letters")
    words = "|".join(sorted(map(re.escape, endings), key=len, reverse=True))
    return re.compile(rf"(?=[a-z]{{7,}}$)[a-z]+(?:{words})")


def _entry(raw: Any, i: int, term_sets: dict[str, Any]) -> _Entry:
    where = f"clinical.yaml: entry #{i}"
    if not isinstance(raw, dict) or raw.get("code") not in CODES or not raw.get("category"):
        raise LexiconError(f"{where} needs 'phrase', 'code' ({' or '.join(CODES)}), 'category'")
    sets = {}
    for key in ("after", "before", "sentence", "unless"):
        names = frozenset(raw.get(key) or ())
        unknown = names - term_sets.keys()
        if unknown:
            raise LexiconError(f"{where}: unknown term set {sorted(unknown)[0]!r} in '{key}'")
        sets[key] = names
    return _Entry(
        code=raw["code"],
        category=str(raw["category"]),
        not_followed_by=frozenset(w.lower() for w in raw.get("not_followed_by") or ()),
        followed_by=frozenset(w.lower() for w in raw.get("followed_by") or ()),
        cue_not_followed_by=frozenset(w.lower() for w in raw.get("cue_not_followed_by") or ()),
        yields=raw.get("yields") is True,
        relative=raw.get("relative") is True,
        **sets,
    )


def _strings(raw: Any, key: str, where: str) -> list[str]:
    value = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"clinical.yaml: {where} needs '{key}', a list of strings")
    return value


def _token_pattern(text: str) -> dict[str, Any]:
    return {"LIKE_NUM": True} if text == _NUMBER else {"LOWER": text.lower()}
