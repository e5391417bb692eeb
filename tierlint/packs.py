"""Rule packs: a repository's own entries for the shipped lexicons (docs/rule-packs.md).

A rule pack (``rule_packs`` in the config) is a YAML file of the repository whose
top-level keys name the shipped lexicons it extends (``tiers``, ``clinical``, ``negation``,
``citations``, ``abbreviations``), each in that lexicon's own format. A pack holds phrases
and word lists only, and is treated as untrusted data: it is read with ``yaml.safe_load``,
its YAML may not use aliases, its size is bounded (:data:`MAX_PACK_BYTES`,
:data:`MAX_PACK_ENTRIES`, :data:`MAX_PATTERN_WORDS`, :data:`MAX_PHRASE_CHARS`), every
entry's shape is checked here, and the code that compiles regular expressions escapes
every phrase. ``resources.load_lexicon`` adds a pack's entries to the shipped ones.

Imported only when a config names rule packs: a run without them never reads this.
"""

from __future__ import annotations

import hashlib
import math
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from .resources import LexiconError, _shipped

LEXICONS = ("tiers", "clinical", "negation", "citations", "abbreviations")
TIERS = ("exact", "hypothesis", "lens")

MAX_PACK_BYTES = 2 * 1024 * 1024  # a pack file larger than this is refused unread
MAX_PACK_ENTRIES = 10_000  # phrases and words in the packs of one config, every lexicon together
# of them, the words compiled into regular expressions (citations' lists, tiers' labels):
# compiling is linear in their length but slow, about a second per thousand long words
MAX_PATTERN_WORDS = 1_000
MAX_PHRASE_CHARS = 200  # one phrase or word
MAX_NOTE_CHARS = 2_000  # one `example` or `not` sentence (documentation, never matched)
MAX_PACKS = 16  # rule packs one config may name
_MAX_YAML_NODES = 200_000  # scalars and collections, counted before anything is built
_MAX_YAML_DEPTH = 16  # a pack's formats nest four levels deep


def _yaml_loader() -> Any:
    # the C loader when PyYAML has it: the same safe subset of YAML, ten times faster
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RulePack:
    """One rule pack, read and checked: equal (and hashed) by its file and its content, so a
    set of packs can key the lexicons, pipelines and patterns built from it."""

    path: str  # absolute
    digest: str  # SHA-256 of the file's bytes
    data: dict[str, Any] = field(compare=False, hash=False, repr=False)  # lexicon → entries
    entries: int = field(default=0, compare=False)  # phrases and words (MAX_PACK_ENTRIES)
    pattern_words: int = field(default=0, compare=False)  # of them, MAX_PATTERN_WORDS


Packs = tuple[RulePack, ...]


# --- reading a pack -------------------------------------------------------------------------

_PACKS: dict[tuple[str, str], RulePack] = {}  # (path, digest) → the pack, read once


def read_pack(path: Path) -> RulePack:
    """Read and check the rule pack at ``path`` (absolute). Raise LexiconError naming the
    file (and the entry) when it is missing, unreadable, too large, not YAML, uses YAML
    aliases, or has an unknown key or an entry of the wrong shape."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise LexiconError(f"{path}: a rule pack must be a regular file")
        if info.st_size > MAX_PACK_BYTES:
            raise LexiconError(f"{path}: rule pack larger than {MAX_PACK_BYTES // 2**20} MiB")
        with path.open("rb") as handle:
            raw = handle.read(MAX_PACK_BYTES + 1)
    except FileNotFoundError:
        raise LexiconError(f"{path}: rule pack not found") from None
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the rule pack ({exc.strerror or exc})") from None
    if len(raw) > MAX_PACK_BYTES:
        raise LexiconError(f"{path}: rule pack larger than {MAX_PACK_BYTES // 2**20} MiB")
    digest = hashlib.sha256(raw).hexdigest()
    known = _PACKS.get((str(path), digest))
    if known is not None:
        return known
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: rule pack is not UTF-8 (byte {exc.start})") from None
    count = _Counter()
    data = _check_pack(_parse(text, path), path, count)
    _bounded(_PACKS)
    pack = _PACKS[(str(path), digest)] = RulePack(str(path), digest, data, count.n, count.patterns)
    return pack


def check_pack_sizes(packs: Packs) -> str | None:
    """What is wrong with the sizes of the packs one config names together, or None."""
    if sum(p.entries for p in packs) > MAX_PACK_ENTRIES:
        return f"its rule packs hold more than {MAX_PACK_ENTRIES} phrases and words together"
    if sum(p.pattern_words for p in packs) > MAX_PATTERN_WORDS:
        return (
            f"its rule packs hold more than {MAX_PATTERN_WORDS} citation words and tier labels"
            " together"
        )
    return None


def _bounded(cache: dict[Any, Any], size: int = 64) -> None:
    """Make room in a process-wide cache (a language server sees many pack edits)."""
    while len(cache) >= size:
        del cache[next(iter(cache))]


def _parse(text: str, path: Path) -> Any:
    """The YAML of a pack. Its events are checked before anything is built: no aliases (a
    pack has no use for them, and refusing them defuses an alias bomb), a bounded number
    of nodes, no deep nesting, and no key given twice in one mapping (YAML keeps the last
    without a word, so an entry's first list would be lost)."""
    loader = _yaml_loader()
    try:
        depth = nodes = 0
        # one frame per open collection: [a mapping?, its next scalar is a key?, its keys]
        frames: list[list[Any]] = []
        for event in yaml.parse(text, Loader=loader):
            problem = None
            if isinstance(event, yaml.AliasEvent):
                problem = "YAML aliases (*name) are not allowed in a rule pack"
            elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                nodes += 1
                if frames and frames[-1][0]:  # in a mapping: a key, or the value of one
                    if frames[-1][1] and isinstance(event, yaml.ScalarEvent):
                        if event.value in frames[-1][2]:
                            problem = f"key {event.value!r} is given twice in one mapping"
                        frames[-1][2].add(event.value)
                    frames[-1][1] = not frames[-1][1]
                if nodes > _MAX_YAML_NODES:
                    problem = f"more than {_MAX_YAML_NODES} YAML nodes"
                elif isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    frames.append([isinstance(event, yaml.MappingStartEvent), True, set()])
                    if depth > _MAX_YAML_DEPTH:
                        problem = f"nested deeper than {_MAX_YAML_DEPTH} levels"
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                frames.pop()
            if problem:
                raise LexiconError(f"{path}:{event.start_mark.line + 1}: {problem}")
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise LexiconError(f"{path}{where}: invalid YAML: {problem}") from None
    except RecursionError:
        raise LexiconError(f"{path}: nested too deeply") from None


# --- checking a pack ------------------------------------------------------------------------
#
# Each lexicon's checker returns the entries to add, in the shipped file's format (phrases
# always as lists; `example` and `not`, documentation only, dropped), or raises
# _Bad(where, problem); `where` is the dotted path of the entry ("tiers.cues #3.tier").


class _Bad(Exception):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(where, problem)
        self.where = where
        self.problem = problem


class _Counter:
    """Counts the phrases and words of one pack, against MAX_PACK_ENTRIES, and those that
    go into regular expressions, against MAX_PATTERN_WORDS."""

    def __init__(self) -> None:
        self.n = 0
        self.patterns = 0

    def add(self, where: str, pattern: bool = False) -> None:
        self.n += 1
        if self.n > MAX_PACK_ENTRIES:
            raise _Bad(where, f"more than {MAX_PACK_ENTRIES} phrases and words in one rule pack")
        if pattern:
            self.patterns += 1
            if self.patterns > MAX_PATTERN_WORDS:
                raise _Bad(
                    where,
                    f"more than {MAX_PATTERN_WORDS} citation words and tier labels in one rule"
                    " pack (they are compiled into regular expressions)",
                )


def _check_pack(data: Any, path: Path, count: _Counter) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LexiconError(
            f"{path}: a rule pack is a mapping whose keys name lexicons ({', '.join(LEXICONS)})"
        )
    out: dict[str, Any] = {}
    try:
        for name, value in data.items():
            if name not in _CHECKERS:
                raise _Bad(
                    str(name), f"unknown lexicon (a rule pack extends {', '.join(LEXICONS)})"
                )
            if value is None:
                continue
            out[name] = _CHECKERS[name](_mapping(value, name), name, count)
    except _Bad as bad:
        raise LexiconError(f"{path}: {bad.where}: {bad.problem}") from None
    return out


def _mapping(value: Any, where: str, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(where, "must be a mapping")
    for key in value:
        if not isinstance(key, str):
            raise _Bad(where, f"keys must be strings (got {key!r})")
        if keys is not None and key not in keys:
            raise _Bad(f"{where}.{key}", f"unknown key (known: {', '.join(keys)})")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(where, "must be a list")
    return value


def _phrase(
    value: Any, where: str, count: _Counter, one_token: bool = False, pattern: bool = False
) -> str:
    """One phrase or word: a non-blank string of at most MAX_PHRASE_CHARS characters."""
    if not isinstance(value, str):  # YAML reads a bare no/on/yes as a boolean: quote it
        raise _Bad(where, f"must be a string (got {value!r}; quote words like 'no', 'on')")
    if not value.strip():
        raise _Bad(where, "must not be empty")
    if len(value) > MAX_PHRASE_CHARS:
        raise _Bad(where, f"longer than {MAX_PHRASE_CHARS} characters")
    if one_token and len(value.split()) != 1:
        raise _Bad(where, f"must be a single word (got {value!r})")
    count.add(where, pattern)
    return value


def _phrases(
    value: Any,
    where: str,
    count: _Counter,
    one: bool = True,
    one_token: bool = False,
    pattern: bool = False,
) -> list[str]:
    """A list of phrases (or, when ``one``, a single phrase standing for a list of one);
    ``pattern``: they go into a regular expression (escaped)."""
    if one and isinstance(value, str):
        value = [value]
    items = _list(value, where)
    if not items:
        raise _Bad(where, "must not be empty")
    return [
        _phrase(v, f"{where} #{i}", count, one_token, pattern) for i, v in enumerate(items, 1)
    ]


def _note(value: Any, where: str) -> None:
    """`example` and `not`: a sentence or a list of them (documentation; never matched)."""
    for v in value if isinstance(value, list) else [value]:
        if not isinstance(v, str) or len(v) > MAX_NOTE_CHARS:
            raise _Bad(where, f"must be sentences (strings of at most {MAX_NOTE_CHARS} characters)")


def _entries(
    value: Any, where: str, check: Callable[[dict[str, Any], str], dict[str, Any]]
) -> list[dict[str, Any]]:
    return [check(raw, f"{where} #{i}") for i, raw in enumerate(_list(value, where), 1)]


_CUE_KEYS = (
    "phrase", "tier", "weight", "negated_tier", "not_followed_by", "not_preceded_by",
    "followed_by", "preceded_by", "not_if", "infers", "contradicts", "owes_citation",
    "owes_in_narration", "in_own_story", "example", "not",
)
_CUE_SHAPES = (
    "capitalised", "before_number", "after_digits", "before_code", "before_ing", "before_capitalised",
    "inside", "in_purpose",
)  # tiers.SHAPES


def _tiers(data: dict[str, Any], where: str, count: _Counter) -> dict[str, Any]:
    lists = ("beside_proof", "risk_headings", "pointers", "pointers_before_name", "signposts")
    _mapping(data, where, ("labels", "cues", "narration", "exact_figure", *lists))
    out: dict[str, Any] = {}
    for key in lists:
        if data.get(key) is not None:
            out[key] = _phrases(data[key], f"{where}.{key}", count, one=False, pattern=True)
    for key, check in _TIER_WORD_LISTS.items():
        if data.get(key) is not None:
            out[key] = check(_mapping(data[key], f"{where}.{key}"), f"{where}.{key}", count)
    if data.get("labels") is not None:
        labels = _mapping(data["labels"], f"{where}.labels")
        out["labels"] = {}
        for tier, words in labels.items():
            if tier not in TIERS:
                raise _Bad(f"{where}.labels.{tier}", f"unknown tier (one of {', '.join(TIERS)})")
            out["labels"][tier] = _phrases(words, f"{where}.labels.{tier}", count, pattern=True)

    def cue(raw: Any, at: str) -> dict[str, Any]:
        raw = _mapping(raw, at, _CUE_KEYS)
        if "phrase" not in raw or "tier" not in raw:
            raise _Bad(at, "needs 'phrase' and 'tier'")
        entry: dict[str, Any] = {"phrase": _phrases(raw["phrase"], f"{at}.phrase", count)}
        for key in ("tier", "negated_tier"):
            if key in raw and raw[key] is not None:
                # "tier: none": another sense of a shorter cue's words (tiers.OTHER_SENSE)
                allowed = (*TIERS, "none") if key == "tier" else TIERS
                if raw[key] not in allowed:
                    raise _Bad(
                        f"{at}.{key}", f"must be one of {', '.join(allowed)} (got {raw[key]!r})"
                    )
                entry[key] = raw[key]
        if "weight" in raw:
            weight = raw["weight"]
            if (
                isinstance(weight, bool)
                or not isinstance(weight, (int, float))
                or not math.isfinite(weight)
                or not 0 <= weight <= 100
            ):
                raise _Bad(f"{at}.weight", "must be a number from 0 to 100")
            entry["weight"] = weight
        for key in ("not_followed_by", "not_preceded_by", "followed_by", "preceded_by"):
            if raw.get(key) is not None:
                # the words right before or after that make another sense may be several
                # ("we 'll" probably, perhaps "a dozen"); a condition that must hold is one
                entry[key] = _phrases(raw[key], f"{at}.{key}", count, one_token=not key.startswith("not_"))
        if raw.get("not_if") is not None:
            shapes = _list(raw["not_if"], f"{at}.not_if")
            for shape in shapes:
                if shape not in _CUE_SHAPES:
                    raise _Bad(
                        f"{at}.not_if", f"unknown shape {shape!r} (one of {', '.join(_CUE_SHAPES)})"
                    )
            entry["not_if"] = list(shapes)
        for key in ("infers", "contradicts", "owes_citation", "owes_in_narration", "in_own_story"):
            if key in raw:
                entry[key] = _flag(raw, key, at)
        for key in ("example", "not"):
            if key in raw:
                _note(raw[key], f"{at}.{key}")
        return entry

    if data.get("cues") is not None:
        out["cues"] = _entries(data["cues"], f"{where}.cues", cue)
    return out


def _flag(raw: dict[str, Any], key: str, at: str) -> bool:
    """``raw[key]``, which must be true or false."""
    if not isinstance(raw[key], bool):
        raise _Bad(f"{at}.{key}", f"must be true or false (got {raw[key]!r})")
    return raw[key]


_CODES = ("TL401", "TL402")  # clinical.CODES
_CLINICAL_ENTRY_KEYS = (
    "phrase", "code", "category", "after", "before", "sentence", "unless", "not_followed_by",
    "followed_by", "cue_not_followed_by", "yields", "relative", "example", "not",
)


def _clinical(data: dict[str, Any], where: str, count: _Counter) -> dict[str, Any]:
    _mapping(data, where, ("bridge", "terms", "entries", "referral"))
    out: dict[str, Any] = {}
    if data.get("referral") is not None:
        referral = _mapping(data["referral"], f"{where}.referral", ("verbs", "professionals", "phrases", "example"))
        if "example" in referral:
            _note(referral["example"], f"{where}.referral.example")
        out["referral"] = _word_lists("verbs", "professionals", "phrases", pattern=True)(
            {k: v for k, v in referral.items() if k != "example"}, f"{where}.referral", count
        )
    if data.get("bridge") is not None:
        bridge = _mapping(data["bridge"], f"{where}.bridge")
        for key in bridge:
            if key != "words":
                raise _Bad(f"{where}.bridge.{key}", "a rule pack may only add bridge 'words'")
        if bridge.get("words") is not None:
            words = _phrases(bridge["words"], f"{where}.bridge.words", count, one_token=True)
            out["bridge"] = {"words": words}
    if data.get("terms") is not None:
        out["terms"] = {}
        for name, term_set in _mapping(data["terms"], f"{where}.terms").items():
            at = f"{where}.terms.{name}"
            term_set = _mapping(term_set, at, ("phrases", "example"))
            if "phrases" not in term_set:
                raise _Bad(at, "needs 'phrases', a list of strings")
            if len(name) > MAX_PHRASE_CHARS or not name.strip() or ":" in name:
                raise _Bad(at, "a term set's name is a short word without ':'")
            if "example" in term_set:
                _note(term_set["example"], f"{at}.example")
            out["terms"][name] = {"phrases": _phrases(term_set["phrases"], f"{at}.phrases", count)}
    known = set(_shipped("clinical").get("terms") or {}) | set(out.get("terms", {}))

    def entry(raw: Any, at: str) -> dict[str, Any]:
        raw = _mapping(raw, at, _CLINICAL_ENTRY_KEYS)
        if "phrase" not in raw or raw.get("code") not in _CODES or not raw.get("category"):
            raise _Bad(at, f"needs 'phrase', 'code' ({' or '.join(_CODES)}) and 'category'")
        category = raw["category"]
        if not isinstance(category, str) or len(category) > MAX_PHRASE_CHARS:
            raise _Bad(f"{at}.category", "must be a short string")
        clean: dict[str, Any] = {
            "phrase": _phrases(raw["phrase"], f"{at}.phrase", count),
            "code": raw["code"],
            "category": category,
        }
        for key in ("after", "before", "sentence", "unless"):
            if raw.get(key) is not None:
                names = _list(raw[key], f"{at}.{key}")
                for set_name in names:
                    if set_name not in known:
                        raise _Bad(f"{at}.{key}", f"unknown term set {set_name!r}")
                clean[key] = list(names)
        for key in ("not_followed_by", "followed_by", "cue_not_followed_by"):
            if raw.get(key) is not None:
                clean[key] = _phrases(raw[key], f"{at}.{key}", count, one_token=True)
        for flag in ("yields", "relative"):
            if flag in raw:
                clean[flag] = _flag(raw, flag, at)
        for key in ("example", "not"):
            if key in raw:
                _note(raw[key], f"{at}.{key}")
        return clean

    if data.get("entries") is not None:
        out["entries"] = _entries(data["entries"], f"{where}.entries", entry)
    return out


def _negation(data: dict[str, Any], where: str, count: _Counter) -> dict[str, Any]:
    if "window" in data:
        raise _Bad(f"{where}.window", "a rule pack may not change the scope window")
    _mapping(data, where, ("pre", "post", "pseudo", "terminators"))
    out: dict[str, Any] = {}
    for kind in ("pre", "post", "pseudo", "terminators"):
        if data.get(kind) is None:
            continue

        def trigger(raw: Any, at: str, kind: str = kind) -> dict[str, Any]:
            raw = _mapping(raw, at, ("phrase", "example", "not"))
            if "phrase" not in raw:
                raise _Bad(at, "needs 'phrase', a string")
            for key in ("example", "not"):
                if key in raw:
                    _note(raw[key], f"{at}.{key}")
            # a terminator is compared with one token at a time
            return {"phrase": _phrase(raw["phrase"], f"{at}.phrase", count, kind == "terminators")}

        out[kind] = _entries(data[kind], f"{where}.{kind}", trigger)
    return out


def _word_lists(
    *keys: str, pattern: bool = False
) -> Callable[[dict[str, Any], str, _Counter], dict[str, Any]]:
    def check(data: dict[str, Any], where: str, count: _Counter) -> dict[str, Any]:
        _mapping(data, where, keys)
        return {
            key: _phrases(data[key], f"{where}.{key}", count, one=False, pattern=pattern)
            for key in keys
            if data.get(key) is not None
        }

    return check


# the sections of tiers.yaml that are named word lists
_TIER_WORD_LISTS = {
    "exact_figure": _word_lists("figures", "times", "instructions", pattern=True),
    "narration": _word_lists("pronouns", "past_verbs", "storyteller", "first_person", "plans", pattern=True),
}

_CHECKERS: dict[str, Callable[[dict[str, Any], str, _Counter], dict[str, Any]]] = {
    "tiers": _tiers,
    "clinical": _clinical,
    "negation": _negation,
    "citations": _word_lists(
        "venues", "particles", "prefixes", "not_names", "attribution_verbs", "hearsay_verbs",
        "reporting_passives", pattern=True,
    ),
    "abbreviations": _word_lists("always", "before_number", "can_end", "units"),
}
