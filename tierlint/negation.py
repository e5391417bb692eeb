"""NegEx-style negation scope over a spaCy ``Doc`` (Chapman et al., J Biomed Inform 2001).

Triggers, pseudo-triggers, terminators and the scope window are data in
``rules/negation.yaml`` (a config's rule packs may add to them). A doc's scopes are computed
once, on the first question asked about it, and kept in ``doc.user_data``; the matcher is
built once per vocabulary and set of rule packs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .nlp import make_doc_for, per_vocab
from .resources import LexiconError, Packs, load_lexicon

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

_SCOPES_KEY = "tierlint.negation"
_KINDS = ("pre", "post", "pseudo")


@dataclass(frozen=True, slots=True)
class _Scope:
    """One trigger: tokens [trigger_start, trigger_end), scope tokens [start, end)."""

    forward: bool
    trigger_start: int
    trigger_end: int
    start: int
    end: int

    def covers(self, start: int, end: int) -> bool:
        """A pre-trigger covers a cue that starts after it begins and inside its scope; a
        post-trigger, a cue wholly inside its scope, before the trigger."""
        if self.forward:
            return self.trigger_start < start < self.end
        return self.start <= start and end <= self.trigger_start


@dataclass(frozen=True, slots=True)
class _Lexicon:
    vocab: Vocab
    matcher: PhraseMatcher
    window: int
    terminators: frozenset[str]


_LEXICONS: dict[tuple[int, Packs], _Lexicon] = {}  # (id of a vocab, rule packs) → lexicon
_MAX_LEXICONS = 16


def is_negated(doc: Doc, start: int, end: int, packs: Packs = ()) -> bool:
    """True when the token span doc[start:end] (a cue) lies in the scope of a negation trigger,
    NegEx-style: pre-triggers ("not", "never", "no", "without", "rather than", "not as", "nor",
    "far from", "no substitute for", "instead of", "isn't", "is not", "cannot be", "neither …")
    scope forward over a few tokens (window, stopped by scope terminators: "but", "however",
    sentence punctuation like ";" ":" ".", em dash "—"), post-triggers ("… is not",
    "… is ruled out", "… is not the claim") scope backward. Triggers and terminators are data
    in rules/negation.yaml, with those of the rule packs ``packs`` (the same for every
    question about one doc: its scopes are computed once)."""
    scopes = doc.user_data.get(_SCOPES_KEY)
    if scopes is None:
        scopes = doc.user_data[_SCOPES_KEY] = _scopes(doc, packs)
    return any(scope.covers(start, end) for scope in scopes)


def _scopes(doc: Doc, packs: Packs = ()) -> tuple[_Scope, ...]:
    lex = _lexicon(doc.vocab, packs)
    strings = doc.vocab.strings
    triggers, pseudo = [], []
    for match_id, s, e in lex.matcher(doc):
        kind = strings[match_id]
        (pseudo if kind == "pseudo" else triggers).append((kind, s, e))
    scopes = []
    for kind, s, e in triggers:
        if any(ps < e and s < pe for _, ps, pe in pseudo):
            continue
        if kind == "pre":
            scopes.append(_Scope(True, s, e, e, _reach(doc, e, 1, lex)))
        else:
            scopes.append(_Scope(False, s, e, _reach(doc, s - 1, -1, lex) + 1, s))
    return tuple(scopes)


def _reach(doc: Doc, i: int, step: int, lex: _Lexicon) -> int:
    """Walk from token ``i`` in direction ``step`` over at most ``lex.window`` words; return
    the index of the first token outside the scope (a terminator, the window's end, the edge)."""
    words = 0
    while 0 <= i < len(doc):
        token = doc[i]
        if token.lower_ in lex.terminators:
            break
        if step < 0 and token.text == ",":
            # "[A cure] is not the claim" reaches back to its subject, not past a comma
            # into the clause before ("Read this way, jet lag is not a malfunction").
            break
        if not token.is_punct:
            words += 1
            if words > lex.window:
                break
        i += step
    return i


def _lexicon(vocab: Vocab, packs: Packs = ()) -> _Lexicon:
    return per_vocab(_LEXICONS, vocab, packs, _build, _MAX_LEXICONS)


def _build(vocab: Vocab, packs: Packs = ()) -> _Lexicon:
    from spacy.matcher import PhraseMatcher

    data = load_lexicon("negation", packs) if packs else load_lexicon("negation")
    make_doc = make_doc_for(vocab)
    matcher = PhraseMatcher(vocab, attr="LOWER")
    for kind in _KINDS:
        phrases = [_phrase(entry, kind) for entry in data.get(kind) or []]
        if phrases:
            matcher.add(kind, [make_doc(p) for p in phrases])
    try:
        window = int(data["window"])
    except (KeyError, TypeError, ValueError):
        raise LexiconError("negation.yaml: 'window' must be a whole number") from None
    terminators = frozenset(
        _phrase(entry, "terminators").lower() for entry in data.get("terminators") or []
    )
    return _Lexicon(vocab, matcher, window, terminators)


def _phrase(entry: object, kind: str) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("phrase"), str):
        raise LexiconError(f"negation.yaml: every '{kind}' entry needs a 'phrase' string")
    return entry["phrase"]
