"""Recognising citations in one block of a concept page (SPEC §2, rules TL301–TL303).

``find_citations`` reads one block's masked text (code spans, URLs and link destinations
already replaced by runs of ``x``) and returns every citation in it, with exact offsets, in
order and never overlapping. It is regular expressions only, compiled once on first use,
with word lists from ``rules/citations.yaml``; a block with no year and no "et al." skips
every author pattern.

Kinds (``Citation.kind``):

``author-year``  an author list and a year: parenthetical items ``(Whittington & Bogacz,
                 2017)``, ``(see Friston 2010; Rao and Ballard 1999)``, ``[Hinton 2022a]``;
                 narrative ``Friston (2010, p. 12)``, ``Rao and Ballard's (1999)``; and
                 ``Lillicrap et al. 2020`` (a bare year only after "et al.").
``venue-year``   a venue and a year, optionally with volume and pages, and without an
                 author–year form: ``Nature 2020``, ``Nat Rev Neurosci 21, 335–346 (2020)``.
                 An author list joined to the venue by a comma belongs to the span:
                 ``Lillicrap, Santoro, Marris, Akerman & Hinton, Nat. Rev. Neurosci. 2020``.
                 Alone, a venue must be in the lexicon; after authors, a venue-shaped name
                 will do ("Am. J. Psychiatry", "PLOS ONE", "UAI": see ``venue_shape``).
``doi``          ``10.1038/s41583-020-0277-3`` as plain text, also inside an unmasked
                 ``https://doi.org/…`` (the span is the DOI, without a ``doi:`` prefix).
``arxiv``        ``arXiv:2101.00001``, ``arXiv:hep-th/9901001`` (the prefix is required).
``pandoc``       each ``@key`` inside a bracketed Pandoc citation (``[@key]``, ``[@key, p. 3]``,
                 ``[see @a; -@b]``); the span is the ``@key`` itself, ``key`` is the key.
``footnote``     a footnote reference ``[^label]`` (not a definition's own ``[^label]:``);
                 ``key`` is the label. Whether it cites depends on its definition, which the
                 caller checks with ``find_citations(definition_text)``.
``lone-name``    (``complete=False``) one surname, or two joined by "&" or "and", alone in
                 parentheses closing a sentence or a clause: "… fireground commanders
                 (Klein).", "… (Nunes & Drèze).", "… as much as the alkali (Kerr), which
                 would explain …" TL302 reports it only in a hypothesis claim, since
                 "(Python)." and "(Research & Development)." are shaped the same.
``hearsay``     (``complete=False``) authors credited in conversational words with no year:
                 "as Dunbar keeps saying" (``hearsay_verbs``). TL302 reports it only in a
                 hypothesis claim, since "as Maria says" is shaped the same.
``author-only``  (``complete=False``, TL302) authors named as a citation with no year, venue,
                 DOI or link. Only clear author-list shapes count, so that prose never fires:
                 "Surname et al." anywhere; and inside a parenthesis that is a citation list
                 (";"-separated items, or one item opened by a prefix such as "see"), the
                 items "Surname & Surname", "Surname and Surname" or a lone "Surname", when
                 every item of the list is author-shaped (one item alone needs "&" or "et
                 al."). ``(Friston; Whittington & Bogacz showing …)`` and ``(Friston; Clark)``
                 give two each. A candidate is dropped when a complete citation overlaps it
                 or follows it before the next ";", ")" or "]" (the rest of its list item, or
                 of a reference entry: ``Lillicrap T. et al. Backpropagation … Nat Rev
                 Neurosci 21, 335–346 (2020)``).

A surname is a capitalised word with a lower-case second letter (any script: Schölkopf,
Åström, Ng, O'Reilly, Smith-Jones), optionally after particles (van der Maaten) and before
initials (``Friston, K. J.``), and not one of the lexicon's not_names ("March", "In").
Years are 1500–2099 (historical sources too: "Smeaton, Phil. Trans. R. Soc. 1759", "Newton
1687", "Galilei, *Dialogo della musica antica et della moderna*, Florence 1581") with an
optional letter suffix a–h, "in press", "forthcoming", "n.d.".

Not recognised, on purpose (precision first): a year with no author or venue ("in 2020 we
moved", "(2020)"); "Surname 2020" outside brackets without "et al." (narration); all-capital
surnames (acronyms); a lone name in parentheses ("(Friston)" is shaped like "(NGRAD)"); an
author list in a parenthesis that is not a citation list ("(Research & Development)"), or
one joined by "and" after a prefix ("(e.g., Python and Rust)"); the bare ``@key`` form
outside brackets (a social handle); URLs (the caller handles links). Known to fire wrongly:
"Place (YEAR)" and "(Place YEAR)" ("(Tokyo 2020)"), and lists of single capitalised words
("(Inputs; Outputs)"), which are shaped exactly like "(Friston; Clark)".
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from tierlint.resources import LexiconError, Packs, alternation, load_lexicon

__all__ = [
    "BibliographyError",
    "Citation",
    "is_reference_entry",
    "csl_keys",
    "find_citations",
    "load_bibliography",
    "reference_list_keys",
]


@dataclass(frozen=True, slots=True)
class Citation:
    # "author-year" | "venue-year" | "doi" | "arxiv" | "pandoc" | "footnote" | "author-only" |
    # "lone-name" | "hearsay"; and "reference-entry", a table cell that is a reference entry
    # (checks.citations makes it)
    kind: str
    start: int  # char offsets [start, end) in the text given
    end: int
    text: str  # text[start:end]
    complete: bool  # False for "author-only", "lone-name" and "hearsay" (TL302)
    key: str | None = None  # the key of a "pandoc" ([@key]) or "footnote" ([^n]) citation


class BibliographyError(ValueError):
    """A bibliography file cannot be read or is malformed; the message names the file."""


# --- patterns ---------------------------------------------------------------------------


class _Patterns(NamedTuple):
    dated: re.Pattern[str]  # a year or "et al.": without one, no author list is a citation
    by_name: re.Pattern[str]  # an author list opening a citation; groups tell which form
    by_year: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, pattern with group "c")
    by_id: tuple[tuple[str, re.Pattern[str]], ...]  # DOI, arXiv: (kind, pattern with group "c")
    particles_before: re.Pattern[str]  # "van der " just before a name
    pandoc_group: re.Pattern[str]
    pandoc_key: re.Pattern[str]
    footnote: re.Pattern[str]
    list_group: re.Pattern[str]  # a parenthesis that may be a citation list
    item: re.Pattern[str]  # one ";"-separated item of it
    item_head: re.Pattern[str]  # spaces and prefixes that open an item
    item_authors: re.Pattern[str]  # the author list opening an item; groups tell its shape
    terminator: re.Pattern[str]
    entry_head: re.Pattern[str]  # an author list opening a reference entry
    attribution: re.Pattern[str]  # "as Leach argued": authors credited in prose, no year
    hearsay: re.Pattern[str]  # "as Dunbar keeps saying": the same, in conversational words
    lone_name: re.Pattern[str]  # "… fireground commanders (Klein)." closing a sentence


# Letters that open (upper) and continue (lower) an author's name, in the scripts names
# are written in here: Latin with its accents, Greek, Cyrillic. Latin Extended-A/B mixes
# cases letter by letter (Ā ā Ă ă …): it counts as both, which keeps these classes short
# (a class of every upper-case letter of the BMP takes a quarter second to compile).
# a source's year: 1500–2099 (see the module's docstring); every pattern here uses this one
_YEAR_DIGITS = r"(?:1[5-9]|20)\d\d"
_UPPER = "[A-ZÀ-ÖØ-ÞĀ-ɏΆ-ΫЀ-ЯḀ-ỿ]"
_LOWER = "[a-zß-öø-ÿĀ-ɏά-ώа-џḀ-ỿ]"


def _words(lexicon: dict[str, Any], name: str) -> list[str]:
    words = lexicon.get(name)
    if (
        not words
        or not isinstance(words, list)
        or not all(isinstance(w, str) and w.strip() for w in words)
    ):
        raise LexiconError(
            f"citations lexicon: '{name}' must be a non-empty list of non-empty strings"
        )
    # Longest first, so that an alternation prefers "Nat. Rev. Neurosci." to "Nat.".
    return sorted({w.strip() for w in words}, key=len, reverse=True)


def _alternation(phrases: list[str]) -> str:
    """A regex for any of the lexicon phrases: any whitespace between words, and a word's
    final dot optional ("J. Neurosci." matches "J Neurosci"). Phrases are grouped by first
    character (a letter in the shipped lexicon), which is followed by a check that no
    letter, digit or dot stands before it. Every character of a phrase is escaped: a rule
    pack's venue is matched literally, never as a regular expression."""
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        rx = _phrase(phrase)
        first = len(re.escape(phrase[0]))  # "\(" for a phrase opening with "("
        groups.setdefault(rx[:first], []).append(rx[first:])
    return "|".join(rf"{first}(?<![\w.].)(?:{'|'.join(rests)})" for first, rests in groups.items())


def _phrase(phrase: str) -> str:
    """The regex for one phrase of ``_alternation``."""
    words = phrase.split()
    out = []
    for i, word in enumerate(words):
        dotted = word.endswith(".") and len(word) > 1
        out.append(re.escape(word[:-1] if dotted else word))
        if i < len(words) - 1:
            out.append(r"(?:\.\s*|\s+)" if dotted else r"\s+")
        elif dotted:
            out.append(r"\.?")
    return "".join(out)


def _attribution(surname: str, others: str, last: str, et_al: str, verbs: list[str]) -> re.Pattern[str]:
    """ "as <authors> [has|have|had] [adverb] <verb>": the authors are group ``c``."""
    return re.compile(
        rf"[Aa](?<![\w][Aa])s\s+(?P<c>{surname}{others}(?:{last})?(?:{et_al})?)"
        r"(?=\s+(?:(?:has|have|had)\s+)?(?:(?:long|also|often|famously|first|since|always|\w+ly)\s+)?"
        rf"(?:{alternation(verbs)})(?![\w]))"
    )


@lru_cache(maxsize=16)
def _patterns(packs: Packs = ()) -> _Patterns:
    # Speed: a pattern that scans a whole block opens with a character or a set of literals
    # (an upper-case letter, "(", "10.", a venue), so that the regex engine skips straight to
    # the places where it can match; a word-boundary test comes after that first character,
    # as a lookbehind of width two. Name particles before the first name of ``by_name`` ("van
    # der Maaten (2008)") are taken into the span afterwards, with ``particles_before``.
    # ``packs``: rule packs whose words count too. Every word is escaped (re.escape, or
    # _phrase), so a pack cannot put a regular expression in a pattern.
    lexicon = load_lexicon("citations", packs) if packs else load_lexicon("citations")
    upper, lower = _UPPER, _LOWER
    letter = r"[^\W\d_]"
    venues = _alternation(_words(lexicon, "venues"))
    particles = "|".join(re.escape(p) for p in _words(lexicon, "particles"))
    prefix = rf"(?i:{_alternation(_words(lexicon, 'prefixes'))}),?\s+"

    # A name: an upper-case letter, then the rest of it. One that is in not_names is
    # refused where it starts, by one lookahead over the whole word (one group, where a
    # lookbehind at its end would need one per word length: half the compile time).
    words = "|".join(sorted((re.escape(w) for w in _words(lexicon, "not_names")), key=len, reverse=True))
    # (The lookahead for an upper-case letter first lets the engine skip every other
    # position without trying the word list there: ten times faster on prose.)
    not_name = rf"(?={upper})(?!(?:{words})(?![\w'’-]))" if words else ""
    name_rest = rf"(?:['’]{upper})?{lower}{letter}*+(?:-{upper}{lower}{letter}*+)?(?![\w-])"
    # initials after a surname ("Rao, R. P. N."), and the editor's mark ("Challis (ed.)")
    initials = rf"(?:,?\s+{upper}\.(?:\s*-?{upper}\.)*)?(?:\s+\((?i:eds?)\.?\))?"
    surname = (
        rf"(?<![\w@'’.-])(?:(?i:{particles})\s+){{0,2}}{not_name}{upper}{name_rest}{initials}"
    )
    others = rf"(?:\s*,\s*{surname}){{0,20}}"
    amp, and_ = r",?\s*&\s*", r",?\s+and\s+"
    last = rf"(?:{amp}|{and_}){surname}"
    et_al = r",?\s+[*_]{0,2}(?:et\.?\s+al(?![\w])\.?|and\s+colleagues(?![\w]))[*_]{0,2}"

    # a year, or a span of them ("Transactions of the Philological Society, 1877–79")
    year = rf"(?:{_YEAR_DIGITS}(?:[–-](?:\d{{4}}|\d{{2}})(?![\w]))?[a-h]?|(?i:in\s+press|forthcoming|n\.\s?d\.))(?![\w])"
    years = rf"{year}(?:\s*,\s*(?:{year}|[a-h](?=\s*[,;)\]])))*"
    pages = r"\d+(?:\s*[–-]\s*\d+)?"
    locator = rf"(?:,\s*(?i:pp?\.?|ch(?:ap)?\.|sec\.|§|fig\.|para\.)\s*{pages}|:\s*{pages})"
    # In a dated citation an author may be a body that publishes its own reports and
    # standards, by its capitals: "(WHO, 2019)", "(CEN, EN 1995-1-1: Eurocode 5, 2004)";
    # without a year capitals are no author ("(CPU).", "(OK)." name none)
    author = rf"(?:{surname}|(?<![\w@'’.-])[A-Z]{{2,8}}(?![\w'’-]))"
    authors = rf"{author}(?:\s*,\s*{author}){{0,20}}(?:(?:{amp}|{and_}){author})?"
    item = rf"(?P<c>{authors}(?:{et_al})?(?:,\s*|\s+){years}(?:{locator})?)"
    # the title or venue may open with quotation marks or emphasis: (Maister, "The
    # Psychology of Waiting Lines", in *The Service Encounter*, Lexington Books 1985)
    # (a venue may open in lower case: "(Lewis et al., npj Prim. Care Respir. Med. 2016)",
    # "(Fancourt et al., ecancermedicalscience 2016)")
    # and before a title, a body named in words: "(Forest Products Laboratory, *Air Drying of
    # Lumber*, USDA FPL-GTR-117, 1999)"
    body = rf"(?<![\w@'’.-])[A-Z][a-z]+(?:\s+(?:(?:of|for|and|the|&)\s+)?[A-Z][a-z]+){{1,5}}(?![\w'’-])"
    titled = (
        # (a volume's issue in brackets may come before the year: "Commun. ACM 56(2), 74–80")
        rf"(?P<c>(?:{authors}|{body})(?:{et_al})?,\s+[\"“‘'*_]{{0,2}}{letter}(?:[^()\[\];\n]|\(\d{{1,4}}\)){{0,150}}?"
        rf"(?:,\s*|\s+){years}(?:{locator})?)"
    )
    # A venue, then its year, maybe after volume and pages: "Nature 521, 436–444 (2015)".
    # After an author list, a venue need not be in the lexicon when it is shaped like one:
    # capitalised words opened by an abbreviation or acronym ("Am. J. Psychiatry", "PLOS ONE",
    # "UAI") or closed by an abbreviation ("Sleep Med. Rev."). "Berlin, Germany 2019" is not.
    word = rf"{upper}{letter}*+\.?"
    abbreviation = rf"(?:{upper}{letter}*+\.|{upper}{{2,}}+(?![\w-]))"
    joined = r"\s+(?:(?:of|in|on|for|and|the|&)\s+)*"
    venue_shape = (
        rf"(?:{abbreviation}(?:{joined}{word}){{0,7}}"
        rf"|{word}(?:{joined}{word}){{0,6}}{joined}{upper}{letter}*+\.)"
    )
    year_after_venue = (
        rf"(?![\w])[*_]{{0,2}}[,.]?\s+"
        r"(?:\d{1,4}(?:\s*\(\d{1,4}\))?(?:\s*[,:]\s*e?\d+(?:\s*[–-]\s*e?\d+)?)?,?\s+)?"
        rf"(?:{year}|\({year}\))"
    )
    venue_year = rf"(?:{venues}){year_after_venue}"
    loose_venue = rf"{word}(?:{joined}(?:{word}|\d+(?:st|nd|rd|th)(?![\w]))){{0,9}}"
    # An author list that opens a citation, then what makes it one: "Friston (2010, p. 12)",
    # "Rao and Ballard's (1999)", "Lillicrap et al. (2020)" (narrative); "Lillicrap et al.
    # 2020" (a bare year, only after "et al."); "Lillicrap, …, Hinton, Nat. Rev. Neurosci.
    # 2020" (venue); or nothing after "et al." (an author-only candidate).
    by_name = (
        rf"{not_name}{upper}(?<![\w@'’.-].){name_rest}{initials}{others}(?:{last})?(?P<et_al>{et_al})?"
        rf"(?:(?P<narrative>(?:['’]s)?\s+\(\s*{years}(?:{locator})?\s*\))"
        rf"|(?(et_al)(?P<bare>(?:,\s*|\s+){years})|(?!))"
        rf"|(?P<venue>,\s+[*_]{{0,2}}(?:{venues}|{venue_shape}){year_after_venue})"
        # "Christian & Griffiths, *Algorithms to Live By* (Henry Holt, 2016)": a book, its
        # title in emphasis or quotation marks, then its publisher and year
        # (emphasis is masked to spaces before this runs, so the title may be bare words)
        rf"|(?P<book>,\s+(?:[*_]{{1,2}}[^*_\n]{{1,150}}?[*_]{{1,2}}|[\"“][^\"“”\n]{{1,150}}?[\"”]"
        rf"|{upper}[^()\[\];\n]{{0,150}}?),?\s*\((?:[^()\n]{{0,80}}?,\s*)?{years}\))"
        # "Papageorgiou & Kotsialos (IEEE Trans. Intell. Transp. Syst. 2002)"
        # "Trueswell (Wilson Library Bulletin, 1969)", "Newell & Potts (Proc. 2nd Conf.
        # Aust. Road Res. Board, 1964)": in a parenthesis right after authors, any run of
        # capitalised words (ordinals too) before the year is the venue
        rf"|(?P<venue_paren>\s+\(\s*[*_]{{0,2}}(?:{venues}|{venue_shape}|{loose_venue}){year_after_venue}\s*\))"
        # "Thorp's (*Beat the Dealer*, 1962)": a title, then the year (emphasis is masked)
        rf"|(?P<titled>(?:['’]s)?\s+\(\s*[\"“]?{upper}[^()\[\];\n]{{0,150}}?[\"”]?,\s*{years}(?:{locator})?\s*\))"
        r"|(?(et_al)|(?!)))"
    )
    # Alone in a parenthesis, a venue-shaped name of two or more words and a year is a
    # citation whose authors the sentence names: "(J. Am. Stat. Assoc. 1975)". A month
    # ("(Jan. 2020)") is no venue, and one word alone ("(Version 2020)") is too little.
    month = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.(?!\w)"
    lone_venue = (
        rf"\(\s*(?P<c>(?!{month})(?=[^()\s]+\s+[^()]*?\s{_YEAR_DIGITS})"
        rf"{venue_shape}{year_after_venue})\s*\)"
    )
    by_year = (
        # "Nature 2020", "Nat Rev Neurosci 21, 335–346 (2020)"
        ("venue-year", rf"(?P<c>{venue_year})"),
        # "(J. Am. Stat. Assoc. 1975)"
        ("venue-year", lone_venue),
        # "(Friston, 2010", "[see Friston 2010" — an item opening a bracket
        ("author-year", rf"[(\[]\s*(?:{prefix}){{0,2}}{item}"),
        # "(see the discussion in Hoel, 2021)" — prose words, then an item closing the bracket
        (
            "author-year",
            rf"[(\[]\s*(?:{prefix}){{0,2}}(?:[a-z][\w'’-]*,?\s+){{1,6}}{item}(?=\s*[;)\]])",
        ),
        # "(Maslach & Leiter, World Psychiatry 2016)", "(Cannon, The Wisdom of the Body,
        # 1932)" — authors, a title or venue, a year closing the bracket (or a table cell)
        ("venue-year", rf"[(\[]\s*(?:{prefix}){{0,2}}{titled}(?=\s*[;)\]])"),
        # "; Rao & Ballard, 1999" — a later item, inside a bracket that closes
        ("author-year", rf";\s*(?:{prefix}){{0,2}}{item}(?=[^()\[\]]{{0,300}}[)\]])"),
        # ", Rao & Ballard 1999)" — a comma-separated item that ends the list
        ("author-year", rf",\s*(?:{prefix}){{0,2}}{item}(?=\s*[;,)\]])"),
    )
    by_id = (
        ("doi", r"(?P<c>1(?<![\w.].)0\.\d{4,9}/\S{1,300}?)(?=[.,;:'\"”’)\]*]*(?:\s|$))"),
        (
            "arxiv",
            (
                r"(?P<c>[aA](?<!\w.)[rR][xX][iI][vV](?:\s*:\s*|\s+)"
                r"(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)(?![\w])"
            ),
        ),
    )
    return _Patterns(
        dated=re.compile(
            rf"{_YEAR_DIGITS}|et\.?\s+al|colleagues|press|forthcoming|Forthcoming|n\.\s?d\."
        ),
        by_name=re.compile(by_name),
        by_year=tuple((kind, re.compile(rx)) for kind, rx in by_year),
        by_id=tuple((kind, re.compile(rx)) for kind, rx in by_id),
        particles_before=re.compile(rf"(?<![\w'’-])(?:(?i:{particles})\s+){{1,2}}\Z"),
        pandoc_group=re.compile(r"\[(?!\^)[^\[\]]*@[^\[\]]*\](?!\()"),
        # Pandoc: a key opens with a word character; inner punctuation must be followed by one.
        pandoc_key=re.compile(
            r"(?<![\w@.])-?(@(?:\{(?P<braced>[^{}\s]+)\}|(?P<key>\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*)))"
        ),
        # A reference, not the "[^label]:" that opens a definition at the start of a line.
        footnote=re.compile(r"(?!^\[\^[^\]\n]*\]:)\[\^(?P<key>[^\]\s]+)\]", re.MULTILINE),
        # ";"-separated, opened by a prefix, or one list of names joined by "," and "&"
        # ("(Gallegati, Keen, Lux & Ormerod)"; "(Research & Development)" has no comma)
        list_group=re.compile(rf"\((?=[^()]*;|\s*{prefix}|[^()]*,[^()]*&)[^()]*\)"),
        item=re.compile(r"[^;]+"),
        item_head=re.compile(rf"\s*(?:{prefix}){{0,2}}"),
        item_authors=re.compile(
            rf"{surname}{others}(?:(?:(?P<amp>{amp})|(?P<and>{and_})){surname})?"
            rf"(?P<et_al>{et_al})?(?P<whole>\s*\Z)?"
        ),
        terminator=re.compile(r"[;)\]]"),
        # "as Leach argued", "as Rao and Ballard showed": a claim credited to authors in
        # prose, with no year: TL302 (a year soon after answers it: "as Leach argued in
        # 1940"); "as Dunbar keeps saying" (hearsay), only in a hypothesis claim
        attribution=_attribution(surname, others, last, et_al, _words(lexicon, "attribution_verbs")),
        hearsay=_attribution(surname, others, last, et_al, _words(lexicon, "hearsay_verbs")),
        # "… described in fireground commanders (Klein)." A lone name in parentheses is
        # shaped like "(Python)" too: kind "lone-name", which TL302 reports only in a
        # hypothesis claim, where a citation is owed, and only where it closes a sentence
        # or a clause (a comma and a conjunction or "which" after it: "(Kerr), which").
        # Two names joined by "&" or "and" are the same kind: "… (Nunes & Drèze)."
        lone_name=re.compile(
            rf"\(\s*(?P<c>{surname}(?:{amp}{surname}|{and_}{surname})?)\s*\)"
            r"(?=\s*(?:[.;:!?]|,\s+(?:which|and|but|so|though|although|while|who)\b|\Z))"
        ),
        # "Stango & Zinman, “Limited …”, Review of Financial Studies 27(4), 2014."
        entry_head=re.compile(
            rf"(?:^\s*|(?<=[:;.]\s)\s*){surname}{others}(?:{last})?(?:{et_al})?\s*[,.:(]"
            rf"(?=[^\n]{{0,400}}?(?<![\w.]){_YEAR_DIGITS}[a-h]?(?![\w]))"
        ),
    )


# --- finding ----------------------------------------------------------------------------


def reports_research(text: str, packs: Packs = ()) -> bool:
    """Whether ``text`` reports research in the passive ("has also been compared to …",
    "was first described …") or in the present perfect ("Food writers have argued about
    small pots for years"): ``reporting_passives`` in rules/citations.yaml."""
    return _reporting(packs).search(text) is not None


@lru_cache(maxsize=16)
def _reporting(packs: Packs = ()) -> re.Pattern[str]:
    lexicon = load_lexicon("citations", packs) if packs else load_lexicon("citations")
    verbs = alternation(_words(lexicon, "reporting_passives"))
    adverb = r"(?:(?:also|first|long|often|since|widely)\s+)?"
    return re.compile(
        rf"(?<![\w])(?i:(?:has|have|had)\s+{adverb}(?:been\s+)?|(?:was|were)\s+)"
        rf"{adverb}(?i:{verbs})(?![\w])"
    )


def prepare(packs: Packs = ()) -> None:
    """Compile the citation patterns for ``packs`` now rather than on the first block."""
    _patterns(packs)


def find_citations(text: str, packs: Packs = ()) -> list[Citation]:
    """Every citation in one block's text, in order of position; ``packs``: the rule packs
    whose words (venues, particles, prefixes, not_names) count too."""
    if _NOTHING_TO_FIND.search(text) is None:
        return []  # no bracket, digit, "@", "^", "et al." or "as …": no citation of any kind
    p = _patterns(packs)
    found: list[Citation] = []
    candidates: list[Citation] = []  # author-only, unless a complete citation answers them
    dated = p.dated.search(text) is not None
    # Found first wins a tie in _disjoint: "Science (2020)" is a venue, not a surname.
    for kind, rx in p.by_year + p.by_id if dated else p.by_id:
        found.extend(
            Citation(kind, m.start("c"), m.end("c"), m.group("c"), True) for m in rx.finditer(text)
        )
    for m in p.by_name.finditer(text) if dated else ():
        start = _with_particles(text, m.start(), p)
        if m.group("venue") or m.group("venue_paren") or m.group("book"):
            kind = "venue-year"
        elif m.group("narrative") or m.group("bare") or m.group("titled"):
            kind = "author-year"
        else:
            candidates.append(Citation("author-only", start, m.end(), text[start : m.end()], False))
            continue
        found.append(Citation(kind, start, m.end(), text[start : m.end()], True))
    for group in p.pandoc_group.finditer(text):
        for m in p.pandoc_key.finditer(text, group.start(), group.end()):
            key = m.group("braced") or m.group("key")
            found.append(Citation("pandoc", m.start(1), m.end(1), m.group(1), True, key))
    for m in p.footnote.finditer(text):
        found.append(Citation("footnote", m.start(), m.end(), m.group(), True, m.group("key")))

    complete = _disjoint(found)
    starts = [c.start for c in complete]
    for group in p.list_group.finditer(text):
        for start, end in _citation_list(text, group.start() + 1, group.end() - 1, p, starts):
            candidates.append(Citation("author-only", start, end, text[start:end], False))
    for m in p.lone_name.finditer(text):
        candidates.append(Citation("lone-name", m.start("c"), m.end("c"), m.group("c"), False))
    # "as Leach argued": answered only by a year close after it ("as Leach argued in 1940"),
    # or by a complete citation soon after that names the same first author ("as Tibshirani
    # et al. showed with … (Tibshirani, Price & Taylor, J. R. Stat. Soc. A 2011)"), not by
    # any next citation of the block, which is another claim's
    attributed = [
        Citation(kind, m.start("c"), m.end("c"), m.group("c"), False)
        for kind, rx in (("author-only", p.attribution), ("hearsay", p.hearsay))
        for m in rx.finditer(text)
        if not _YEAR.search(text, m.end("c"), m.end("c") + 80)
        and not _named_again(m.group("c"), m.end("c"), complete)
    ]
    if candidates:
        stops = [m.start() for m in p.terminator.finditer(text)]
        years = [m.start() for m in _YEAR.finditer(text)]
        candidates = [
            c
            for c in candidates
            if not _answered(c, complete, starts, stops) and not _dated_entry(c, stops, years)
        ]
    if attributed:
        attributed = [c for c in attributed if not any(k.start < c.end and c.start < k.end for k in complete)]
    author_only = _once_per_source(_disjoint(candidates + attributed), text)
    return sorted(complete + author_only, key=lambda c: c.start)


def _once_per_source(incomplete: list[Citation], text: str) -> list[Citation]:
    """One incomplete citation per source and sentence: "Roberts and colleagues ran … (Roberts
    et al.)." names one source twice; the later mention, where a citation would go, stays."""
    kept = []
    for i, c in enumerate(incomplete):
        first = _FIRST_WORD.search(c.text)
        if first is not None and any(
            (again := _FIRST_WORD.search(k.text)) is not None
            and again.group() == first.group()
            and _SENTENCE_END.search(text, c.end, k.start) is None
            for k in incomplete[i + 1 :]
        ):
            continue
        kept.append(c)
    return kept


_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[A-Z\"“(\[])")


def is_reference_entry(text: str, packs: Packs = ()) -> bool:
    """Whether ``text`` (a footnote definition, a reference-list item) is a reference
    entry: it opens with an author list and gives a year, in any of the styles reference
    lists use ("Stango & Zinman, “Limited and varying consumer attention”, Review of
    Financial Studies 27(4), 2014.", "Rao, R. P. N. and Ballard, D. H. (1999). …"), maybe
    after a lead-in that ends with a colon or a full stop ("The nearest evidence: …")."""
    return _patterns(packs).entry_head.search(text) is not None


def _with_particles(text: str, start: int, p: _Patterns) -> int:
    """Move the start of a name back over the particles before it ("van der Maaten")."""
    m = p.particles_before.search(text, max(0, start - 24), start)
    return m.start() if m else start


def _citation_list(
    text: str, start: int, end: int, p: _Patterns, starts: list[int]
) -> list[tuple[int, int]]:
    """The author spans of a parenthesis ``text[start:end]`` that is a citation list. Each
    ";"-separated item must be author-shaped: it holds a complete citation (one of
    ``starts``) or a link (masked: a run of "x"), or opens (after any prefix) with "A & B",
    "A et al." (strong), "A and B" ("and" is weak: "(e.g., Python and Rust)"), or is
    nothing but a surname list (weak: "Friston"). A list of one item (opened by a prefix:
    "(see …)") must be strong.
    Empty when it is not such a list."""
    spans = []
    items = list(p.item.finditer(text, start, end))
    strong = len(items) > 1
    for item in items:
        if bisect.bisect_left(starts, item.start()) < bisect.bisect_left(starts, item.end()):
            strong = True  # a complete citation is in this item
            continue
        head = p.item_head.match(text, item.start(), item.end()).end()
        if _LINK_ITEM.match(text, head, item.end()):
            strong = True  # a link is a source too: "(Ferguson; [NMRA S-9.2](…))"
            continue
        authors = p.item_authors.match(text, head, item.end())
        if not authors or not (
            authors["amp"] or authors["and"] or authors["et_al"] or authors["whole"] is not None
        ):
            return []
        strong = strong or bool(authors["amp"] or authors["et_al"])
        spans.append((authors.start(), authors.start() + len(authors.group().rstrip())))
    return spans if strong else []


# a list item that holds a link: masked, its destination is a run of "x" ("(Ferguson;
# [NMRA S-9.2](https://…))" reads "(Ferguson;  NMRA S-9.2  xxxx…)")
_LINK_ITEM = re.compile(r"[^;]*?(?<![\w])x{8,}(?![\w])")
# What every kind of citation holds at least one of: a bracket (parenthetical forms,
# Pandoc, footnotes), a digit (years, DOIs, arXiv ids), "et al." or "as" ("as Leach argued").
_NOTHING_TO_FIND = re.compile(r"[(\[\d@^]|et\.?\s+al|(?<!\w)[Aa]s\s|colleagues")
_YEAR = re.compile(rf"(?<![\w/.-]){_YEAR_DIGITS}[a-h]?(?![\w/-])")


def _dated_entry(candidate: Citation, stops: list[int], years: list[int]) -> bool:
    """Whether "Surname et al." opens a reference entry whose year comes after its title
    ("Gelman et al., *Bayesian Data Analysis*, CRC Press 2013"): a year (at ``years``)
    follows in the same item, before the next ";", ")" or "]" (at ``stops``)."""
    i = bisect.bisect_left(years, candidate.end)
    if i == len(years):
        return False
    j = bisect.bisect_left(stops, candidate.end)
    return j == len(stops) or years[i] < stops[j]


def _answered(
    candidate: Citation, complete: list[Citation], starts: list[int], stops: list[int]
) -> bool:
    """Whether a complete citation overlaps the author-only candidate, or follows it before
    the next ";", ")" or "]" (at ``stops``): the same item of a list, or the rest of a
    reference entry."""
    i = bisect.bisect_left(starts, candidate.end)
    if i and complete[i - 1].end > candidate.start:
        return True
    if i == len(starts):
        return False
    j = bisect.bisect_left(stops, candidate.end)
    return j == len(stops) or starts[i] < stops[j]


def _named_again(authors: str, end: int, complete: list[Citation]) -> bool:
    """Whether a complete citation within 200 characters after ``end`` names the first
    surname of ``authors``."""
    first = _FIRST_WORD.search(authors)
    surname = first.group() if first else authors
    return any(end <= c.start <= end + 200 and surname in c.text for c in complete)


_FIRST_WORD = re.compile(rf"{_UPPER}[\w'’-]*")  # after any particles ("van der Maaten")


def _disjoint(citations: Iterable[Citation]) -> list[Citation]:
    """Of overlapping citations keep the one that starts first, then the longest, then the
    one found first."""
    kept: list[Citation] = []
    for c in sorted(citations, key=lambda c: (c.start, -c.end)):
        if not kept or c.start >= kept[-1].end:
            kept.append(c)
    return kept


# --- keys defined on the page and in bibliographies -------------------------------------

_FOOTNOTE_DEFINITION = re.compile(r" {0,3}\[\^([^\]\s]+)\]:")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def reference_list_keys(lines: Iterable[str]) -> set[str]:
    """The footnote labels a page defines: ``[^label]: …`` at the start of a line (up to
    three spaces in), outside fenced code. A ``[^label]`` reference resolves to one of them
    (TL303); labels are returned as written."""
    keys: set[str] = set()
    fence = ""
    for line in lines:
        m = _FENCE.match(line)
        if fence:
            if (
                m
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= len(fence)
                and not line[m.end() :].strip()
            ):
                fence = ""
        elif m:
            fence = m.group(1)
        elif d := _FOOTNOTE_DEFINITION.match(line):
            keys.add(d.group(1))
    return keys


_MAX_BIBLIOGRAPHY_BYTES = 64 * 1024 * 1024
_MAX_YAML_DEPTH = 32
_BIB_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_BIB_DELIMITER = re.compile(r"[{})]")
_BIB_NOT_ENTRIES = {"comment", "string", "preamble"}


def load_bibliography(path: Path) -> set[str]:
    """The citation keys defined in a bibliography file: BibTeX (.bib), CSL YAML (.yaml/.yml,
    a list of items or a mapping with ``references:``), CSL JSON (.json). Raise
    BibliographyError(message) for an unreadable or malformed file.

    Bounded work: a file over 64 MiB is refused, and so is a YAML file that uses aliases
    (``*name``: CSL data has no use for them, and refusing them defuses an alias bomb) or
    nests deeper than 32 levels.
    """
    loaders = {
        ".bib": _bibtex_keys,
        ".yaml": _csl_yaml_keys,
        ".yml": _csl_yaml_keys,
        ".json": _csl_json_keys,
    }
    loader = loaders.get(path.suffix.lower())
    if loader is None:
        raise BibliographyError(
            f"{path}: unsupported bibliography format '{path.suffix}' (expected .bib, .yaml, .yml or .json)"
        )
    try:
        if path.stat().st_size > _MAX_BIBLIOGRAPHY_BYTES:
            raise BibliographyError(f"{path}: bibliography larger than 64 MiB")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BibliographyError(
            f"{path}: cannot read bibliography ({exc.strerror or exc})"
        ) from None
    except UnicodeDecodeError as exc:
        raise BibliographyError(f"{path}: bibliography is not UTF-8 (byte {exc.start})") from None
    try:
        return loader(text)
    except BibliographyError as exc:
        raise BibliographyError(f"{path}: {exc}") from None
    except RecursionError:
        raise BibliographyError(f"{path}: nested too deeply") from None


def _bibtex_keys(text: str) -> set[str]:
    """Keys of the entries of a BibTeX file, skipping @comment, @string and @preamble."""
    keys: set[str] = set()
    pos = 0
    while entry := _BIB_ENTRY.search(text, pos):
        pos = _bibtex_entry_end(text, entry)
        if entry.group(1).lower() in _BIB_NOT_ENTRIES:
            continue
        key = text[entry.end() : pos - 1].split(",", 1)[0].strip()
        if not key or any(c.isspace() or c in '{}"=' for c in key):
            raise BibliographyError(
                f"line {_line(text, entry.start())}: @{entry.group(1)} entry has no citation key"
            )
        keys.add(key)
    return keys


def _bibtex_entry_end(text: str, entry: re.Match[str]) -> int:
    """The offset just past the "}" or ")" that closes the entry (braces nest inside)."""
    parenthesised = entry.group(2) == "("
    depth = 0
    for m in _BIB_DELIMITER.finditer(text, entry.end()):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            if depth:
                depth -= 1
            elif parenthesised:
                raise BibliographyError(f"line {_line(text, m.start())}: unbalanced '}}'")
            else:
                return m.end()
        elif parenthesised and not depth:  # ")"
            return m.end()
    raise BibliographyError(
        f"line {_line(text, entry.start())}: @{entry.group(1)} entry is not closed"
    )


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _csl_yaml_keys(text: str) -> set[str]:
    """Keys of a CSL YAML file. The parser's events are checked before anything is built:
    no aliases, no nesting deeper than CSL needs (PyYAML slows down on deep nesting)."""
    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                problem = "YAML aliases are not allowed in a bibliography"
            elif isinstance(event, yaml.CollectionStartEvent) and depth == _MAX_YAML_DEPTH:
                problem = f"nested deeper than {_MAX_YAML_DEPTH} levels"
            else:
                depth += isinstance(event, yaml.CollectionStartEvent)
                depth -= isinstance(event, yaml.CollectionEndEvent)
                continue
            raise BibliographyError(f"line {event.start_mark.line + 1}: {problem}")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise BibliographyError(
            f"{where}invalid YAML ({getattr(exc, 'problem', None) or exc})"
        ) from None
    return set() if data is None else csl_keys(data)


def _csl_json_keys(text: str) -> set[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BibliographyError(f"invalid JSON ({exc})") from None
    return csl_keys(data)


def csl_keys(data: Any) -> set[str]:
    """The ``id`` of every item of CSL data: a list of items, or a mapping with a
    ``references`` list (a CSL YAML file, or a page's front matter). Raise BibliographyError
    when the data is not of that shape."""
    items = data.get("references") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise BibliographyError(
            "expected a list of CSL items, or a mapping with a 'references' list"
        )
    keys: set[str] = set()
    for number, item in enumerate(items, 1):
        key = item.get("id") if isinstance(item, dict) else None
        if isinstance(key, bool) or not isinstance(key, (str, int)) or not str(key).strip():
            raise BibliographyError(f"CSL item {number} has no 'id' (a string)")
        keys.add(str(key).strip())
    return keys
