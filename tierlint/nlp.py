"""The spaCy pipeline: blank English plus tierlint's own components, built once per process
for the shipped lexicons, and once per set of rule packs a config names.

spaCy costs about 0.6 s to import, so nothing imports it until a page really has to be
read: ``--help``, ``--version``, ``rules``, ``explain`` and fully cached runs never do. A
small ``check`` run builds it in a helper process instead (``nlp_process``), while this
one reads the pages; :func:`annotate_later` asks the helper when there is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from .resources import Packs

_NLP: Any = None  # the shipped lexicons' pipeline
_PACKED: dict[Any, Any] = {}  # packs → their pipeline, the most recent few
_MAX_PACKED = 8


def pipeline(packs: Packs = ()) -> Any:
    """The shared ``Language`` for ``packs`` (none: the shipped lexicons alone): tokenizer,
    ``tierlint_cues`` (tier wording cues, with negation) and ``tierlint_clinical`` (clinical
    wording and health promises), each built from the lexicons merged with the packs."""
    global _NLP
    if not packs:
        if _NLP is None:
            _NLP = _build(())
        return _NLP
    nlp = _PACKED.get(packs)
    if nlp is None:
        while len(_PACKED) >= _MAX_PACKED:  # a language server may see many pack edits
            del _PACKED[next(iter(_PACKED))]
        nlp = _PACKED[packs] = _build(packs)
    return nlp


def _build(packs: Packs) -> Any:
    import_spacy()  # first: without its command line (see import_spacy)

    from . import clinical, tiers

    nlp = _masked_english()()
    _keep_lexical_attributes(nlp.vocab)
    tiers.register_component()
    clinical.register_component()
    if packs:
        from .resources import pack_set_key

        config = {"packs": pack_set_key(packs)}
        nlp.add_pipe("tierlint_cues", config=config)
        nlp.add_pipe("tierlint_clinical", config=config)
    else:
        nlp.add_pipe("tierlint_cues")
        nlp.add_pipe("tierlint_clinical")
    return nlp


def _masked_english() -> Any:
    """Blank English for masked text. Claims reach the pipeline masked: URLs, link
    destinations and code are runs of "x" already, so the tokenizer's URL pattern, tried
    on every whitespace-separated chunk, can never match (a fifth of the tokenizing time on
    a large page). It is left out when the tokenizer is made: set afterwards, it makes the
    tokenizer load its 1,300 special cases a second time (0.04 s of every cold start)."""
    from spacy.lang.en import English

    class Defaults(English.Defaults):  # type: ignore[misc,valid-type]
        url_match = None

    class MaskedEnglish(English):  # type: ignore[misc,valid-type]
        lang = "en"

    MaskedEnglish.Defaults = Defaults
    return MaskedEnglish


def make_docs(texts: list[str], packs: Packs = ()) -> Iterator[Any]:
    """Run the pipeline over many texts, a batch at a time (a generator: keep what the
    components found, not the Docs). Each Doc keeps its text in ``user_data`` (see
    :func:`doc_text`): spaCy rebuilds ``doc.text`` from its tokens at every call."""
    nlp = pipeline(packs)

    def made() -> Iterator[Any]:
        for text in texts:
            doc = nlp.make_doc(text)
            doc.user_data[TEXT] = text
            yield doc

    return nlp.pipe(made(), batch_size=256)


def annotations(texts: list[str], packs: Packs = ()) -> Iterator[dict[str, Any]]:
    """What the components find in each text (its Doc's ``user_data``), in order. A text
    that holds none of the words the components' phrases need (most sentences of a page:
    ``_anchors``) is not tokenized at all: what they would store for it is known."""
    # the pattern takes a fiftieth of a second to build: worth it on a large request, or
    # once it is built (a run over many pages builds it before its workers fork)
    if packs in _ANCHORS or sum(map(len, texts)) >= _SKIP_FROM_CHARS:
        found = _anchors(packs)
    else:
        found = None
    if found is None:
        yield from (doc.user_data for doc in make_docs(texts, packs))
        return
    needs, nothing = found
    needed = [needs(text.lower()) for text in texts]
    docs = make_docs([text for text, need in zip(texts, needed) if need], packs)
    for text, need in zip(texts, needed):
        yield next(docs).user_data if need else {TEXT: text, **nothing()}


TEXT = "tierlint.text"
_SKIP_FROM_CHARS = 50_000  # texts of at least this many characters in all are filtered


def _anchors(
    packs: Packs = (),
) -> tuple[Callable[[str], bool], Callable[[], dict[str, Any]]] | None:
    """Whether a lower-cased text may hold one of the components' phrases, and what the
    components store for a text that cannot. None when some component cannot say which
    phrases it looks for.

    A text may hold a phrase only if it holds each of the phrase's words (spaCy's lower
    case of a token is the lower case of its characters). Each phrase gives one word, its
    rarest-looking (not a stop word, then the longest), found by one pattern as a whole
    word: spaCy splits words only at punctuation and in its special cases ("couldn't" →
    "could" "n't"), so a word that a special case splits off is found anywhere instead.
    Where that word is found, the phrase's other words must be in the text too, and one of
    the words a component says the phrase counts only beside (its ``also_needs``: "would"
    before "suggest", "treat" with a disorder named), if it says so."""
    return _ANCHORS.get(packs) if packs in _ANCHORS else _build_anchors(packs)


_ANCHORS: dict[Any, Any] = {}


def _build_anchors(packs: Packs) -> Any:
    import re

    from spacy.lang.en.stop_words import STOP_WORDS

    nlp = pipeline(packs)
    components = [component for _, component in nlp.pipeline]
    if not all(hasattr(c, "phrases") and hasattr(c, "nothing") for c in components):
        _ANCHORS[packs] = None
        return None
    from spacy.attrs import ORTH

    split_off = {
        str(token.get(ORTH, "")).lower()
        for pieces in nlp.tokenizer.rules.values()
        if len(pieces) > 1
        for token in pieces
    }
    whole, anywhere = set(), set()
    # a phrase's word → (the phrase's other words, words the text must hold one of as well)
    others: dict[str, set[tuple[tuple[str, ...], frozenset[str] | None]]] = {}
    for component in components:
        also = getattr(component, "also_needs", lambda vocab: {})(nlp.vocab)
        for phrase in component.phrases(nlp.vocab):
            words = [t.lower_ for t in nlp.make_doc(phrase) if t.text != "#" and t.lower_.strip()]
            if not words:  # a phrase of placeholders only: any text may match it
                _ANCHORS[packs] = None
                return None
            rare = [w for w in words if w not in STOP_WORDS] or words
            word = max(rare, key=len)
            (anywhere if word in split_off else whole).add(word)
            extra = also.get(phrase)
            others.setdefault(word, set()).add(
                (tuple(sorted(set(words) - {word})), frozenset(w.lower() for w in extra) if extra else None)
            )
    letter = r"[^\W\d_]"
    pattern = rf"(?<!{letter})(?:{_trie(whole)})(?!{letter})" if whole else ""
    if anywhere:
        pattern = f"{pattern}|{_trie(anywhere)}" if pattern else _trie(anywhere)
    finder = re.compile(pattern)
    # a word that is a whole phrase by itself ("may", "probably") decides at once
    alone = frozenset(word for word, needed in others.items() if ((), None) in needed)
    rests = {word: tuple(needed) for word, needed in others.items() if word not in alone}

    def needs(lowered: str) -> bool:
        for m in finder.finditer(lowered):
            word = m.group()
            if word in alone:
                return True
            for rest, extra in rests[word]:
                if all(w in lowered for w in rest) and (extra is None or any(w in lowered for w in extra)):
                    return True
        return False

    found = (needs, lambda: {k: v for c in components for k, v in c.nothing().items()})
    while len(_ANCHORS) >= _MAX_PACKED:
        del _ANCHORS[next(iter(_ANCHORS))]
    _ANCHORS[packs] = found
    return found


def _trie(words: set[str]) -> str:
    """One regular expression for ``words`` with their common openings shared, so that it
    tries each character once at each place instead of every word."""
    import re

    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


def _keep_lexical_attributes(vocab: Any) -> None:
    """Compute only the word attributes the components read. spaCy computes 23 for each
    new word of a vocabulary (shape, prefix, suffix, stop word, …), which is a third of
    the tokenizer's time on text full of new words: lower case (the matchers' ``LOWER``,
    ``lower_``), ``like_num``, ``is_punct`` and ``is_space`` are what tierlint reads."""
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, LOWER

    getters = vocab.lex_attr_getters
    vocab.lex_attr_getters = {k: getters[k] for k in (LOWER, LIKE_NUM, IS_PUNCT, IS_SPACE) if k in getters}


def import_spacy() -> Any:
    """``import spacy``, without its command line. ``spacy/__init__.py`` imports
    ``spacy.cli.info`` only to offer ``spacy.info()``, and that pulls in every spaCy command
    with their own dependencies (weasel, typer, the download and training code): a third of
    the import time, on the path of every lint run that reads a page. Stand-ins for those
    two modules are in place during the import and gone after it, so that a later ``import
    spacy.cli`` (by anyone) gets the real one, and ``spacy.info()`` imports it when called.
    If spaCy ever imports something else from its CLI, the import is done the plain way."""
    import sys

    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    if "spacy.cli" in sys.modules:
        import spacy

        return spacy
    import types

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package with nothing in it: anything else from it fails to import
    cli_info = types.ModuleType("spacy.cli.info")
    cli_info.info = info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, cli_info
    try:
        import spacy
    except ImportError:
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]  # half-imported with the stand-ins: start again
        import spacy
    finally:
        for name, stand_in in (("spacy.cli.info", cli_info), ("spacy.cli", cli)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is cli:
        del spacy.cli  # type: ignore[attr-defined]
    return spacy


def annotate_later(texts: list[str], packs: Packs = ()) -> Callable[[], Iterator[dict[str, Any]]]:
    """What the pipeline's components find in each text (its Doc's ``user_data``), in
    order, asked now and answered when the returned function is called: a helper process
    (``nlp_process``), when one runs, works on the texts meanwhile; else the pipeline here
    works on them then."""
    from . import nlp_process

    pending = nlp_process.submit(texts, packs)

    def answer() -> Iterator[dict[str, Any]]:
        found = pending() if pending is not None else None
        if found is not None:
            return iter(found)
        return annotations(texts, packs)

    return answer


def per_vocab(cache: dict, vocab: Any, packs: Any, build: Any, limit: int = 8) -> Any:
    """A lexicon ``build(vocab, packs)`` makes (it must keep ``.vocab``), kept in ``cache``
    per vocab and packs; the oldest goes when ``limit`` are kept (each keeps its vocab
    alive)."""
    key = (id(vocab), packs)
    found = cache.get(key)
    if found is None or found.vocab is not vocab:
        while len(cache) >= limit:
            del cache[next(iter(cache))]
        found = cache[key] = build(vocab, packs)
    return found


def make_doc_for(vocab: Any) -> Any:
    """A tokenizer over ``vocab`` for building lexicon matchers: the pipeline's own when
    ``vocab`` is one of theirs (building another English costs a tenth of a second),
    else a fresh one."""
    for nlp in (_NLP, *_PACKED.values()):
        if nlp is not None and nlp.vocab is vocab:
            return nlp.make_doc
    from spacy.lang.en import English

    return English(vocab=vocab).make_doc


HYPHENS = frozenset("-‐‑")


def glued(doc: Any, s: int, e: int) -> bool:
    """The tokens ``doc[s:e]`` are part of a hyphen compound ("trauma-loop",
    "anti-anxiety", "the half-equivalence point"): a name or a modifier, not the word
    a lexicon means."""
    before = s > 0 and doc[s - 1].text in HYPHENS and not doc[s - 1].whitespace_
    after = e < len(doc) and doc[e].text in HYPHENS and not doc[e - 1].whitespace_
    return before or after


def doc_text(doc: Any) -> str:
    """The text of a Doc, without rebuilding it from the tokens when it is known."""
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text
    return text
