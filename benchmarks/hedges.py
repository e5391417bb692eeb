"""Measure hedge detection: does tierlint tier a speculative sentence ``hypothesis``?

Task: CoNLL-2010 shared task 1 (Farkas et al. 2010), sentence level. A gold sentence is
*uncertain* when it holds at least one speculation cue. A sentence is *predicted*
uncertain when tierlint, reading it as a one-sentence page, infers the tier
``hypothesis`` for one of its claims. The path is the product's own: ``parse_page``,
``extract_claims``, the spaCy pipeline (batched with ``nlp.pipe``) and ``assign_tiers``,
exactly what ``engine.tier_page`` does, so question claims stay untiered, negated cues
and cues in double quotes do not count, and hedge + identity cues clash to no tier.

Data: the CoNLL-2010 biological training set (``--data``, by default
``../shared/data/conll2010-bio-train`` from the repository root; see its SOURCE.md). It
is research data and is never copied into this repository.

Figures printed:

* shipped lexicon, whole set: ``rules/tiers.yaml`` as shipped. The lexicon was written
  while reading this data, so this figure is optimistic.
* cross-validated: k folds by document (default 10). In each the hypothesis cue entries are
  selected on the other folds only (backward elimination: drop the entry whose
  removal raises training F1 most, until none does) and the held-out fold is scored with
  what was kept; counts are pooled over folds. This measures the selection honestly; it
  cannot undo that a human chose the candidate entries after reading the same data.
* per file: abstracts and full articles.
* a naive 30-word regex, for comparison.
* with ``--gain``: per hypothesis entry, the F1 lost when it is removed (on the whole set
  and averaged over training folds), how many sentences it fires in, and its precision.

Error analysis protocol: entries were written by reading the errors of the ABSTRACTS
(``--errors N`` prints them); the full articles' errors were not read (their gold cue
counts were seen once). The official evaluation set is full articles, so the full-articles
row is the closest figure to it.

    python benchmarks/hedges.py [--data DIR] [--folds 10] [--gain] [--errors N]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tierlint.claims import Claim  # noqa: E402
from tierlint.engine import tier_pages  # noqa: E402
from tierlint.page import parse_page  # noqa: E402
from tierlint.tiers import cue_entries, infer_tier  # noqa: E402

FILES = {
    "abstracts": "task2_train_bio_abstracts_rev2.xml",
    "full articles": "task2_train_bio_fullarticles_rev2.xml",
}

# A naive baseline: 30 common hedge words, case-insensitive, as whole words.
NAIVE = re.compile(
    r"\b(?:may|might|could|can|would|should|suggests?|suggested|suggesting|indicates?|"
    r"indicated|possible|possibly|likely|probably|perhaps|appears?|seems?|whether|putative|"
    r"potential|hypothesis|propose|proposed|unknown|unclear)\b",
    re.I,
)


@dataclass(slots=True)
class Sentence:
    file: str
    doc: str
    text: str
    uncertain: bool


def load(data: Path) -> list[Sentence]:
    """Every gold sentence (titles included, as in the shared task), with its label."""
    out = []
    for name, file in FILES.items():
        for document in ET.parse(data / file).getroot().iter("Document"):
            doc_id = f"{name}:{document.findtext('DocID')}"
            for s in document.iter("sentence"):
                text = " ".join("".join(s.itertext()).split())
                if text:
                    hedged = any(c.get("type") == "speculation" for c in s.iter("cue"))
                    out.append(Sentence(name, doc_id, text, hedged))
    return out


def tier_sentences(sentences: list[Sentence]) -> list[list[Claim]]:
    """``engine.tier_page`` over one page per sentence, with one batched ``nlp.pipe``."""
    return tier_pages([parse_page(s.text + "\n") for s in sentences])


# --- scoring ------------------------------------------------------------------------------


def prf(gold: list[bool], pred: list[bool], idx: range | list[int] | None = None):
    """(precision, recall, F1, tp, fp, fn) in percent, over ``idx`` (default: all)."""
    idx = range(len(gold)) if idx is None else idx
    tp = sum(1 for i in idx if gold[i] and pred[i])
    fp = sum(1 for i in idx if pred[i] and not gold[i])
    fn = sum(1 for i in idx if gold[i] and not pred[i])
    return _prf(tp, fp, fn)


def _prf(tp: int, fp: int, fn: int):
    p = 100 * tp / (tp + fp) if tp + fp else 0.0
    r = 100 * tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


class Ablation:
    """Predictions with some hypothesis cue entries switched off, from the cues found once.

    A claim whose tier was declared or that is a question keeps its tier; an inferred one is
    re-inferred by the product's ``infer_tier`` from the cues of the entries still on. (An
    approximation: an entry switched off does not let a shorter cue it overlapped match.)"""

    def __init__(self, claims: list[list[Claim]]) -> None:
        self.claims = claims
        entries = cue_entries()
        self.index = {e: i for i, e in enumerate(entries)}
        self.candidates = [i for i, e in enumerate(entries) if e.tier == "hypothesis"]
        self.fires: dict[int, list[int]] = defaultdict(list)  # entry → sentences
        for n, cs in enumerate(claims):
            for i in sorted({self.index[c.entry] for cl in cs for c in cl.cues}):
                self.fires[i].append(n)

    def predict_one(self, n: int, off: frozenset[int]) -> bool:
        for claim in self.claims[n]:
            if claim.question or (claim.source and claim.source != "inferred"):
                if claim.tier == "hypothesis":
                    return True
                continue
            cues = [c for c in claim.cues if self.index[c.entry] not in off]
            if infer_tier(SimpleNamespace(cues=cues, start=0, masked=claim.masked))[0] == "hypothesis":
                return True
        return False

    def predict(self, off: frozenset[int] = frozenset()) -> list[bool]:
        return [self.predict_one(n, off) for n in range(len(self.claims))]

    def gain(self, gold, pred, off, entry, idx_set) -> tuple[int, int, int]:
        """Change in (tp, fp, fn) over ``idx_set`` when ``entry`` is also switched off."""
        dtp = dfp = dfn = 0
        now_off = off | {entry}
        for n in self.fires.get(entry, ()):
            if n not in idx_set:
                continue
            new = self.predict_one(n, now_off)
            if new == pred[n]:
                continue
            sign = 1 if new else -1
            if gold[n]:
                dtp += sign
                dfn -= sign
            else:
                dfp += sign
        return dtp, dfp, dfn

    def select(self, gold: list[bool], train: list[int]) -> frozenset[int]:
        """Backward elimination on ``train``: the entries switched off."""
        idx_set = set(train)
        off: frozenset[int] = frozenset()
        pred = self.predict(off)
        tp, fp, fn = prf(gold, pred, train)[3:]
        while True:
            best, best_f = None, _prf(tp, fp, fn)[2]
            for e in self.candidates:
                if e in off:
                    continue
                dtp, dfp, dfn = self.gain(gold, pred, off, e, idx_set)
                f = _prf(tp + dtp, fp + dfp, fn + dfn)[2]
                if f > best_f + 1e-9:
                    best, best_f = e, f
            if best is None:
                return off
            dtp, dfp, dfn = self.gain(gold, pred, off, best, idx_set)
            tp, fp, fn = tp + dtp, fp + dfp, fn + dfn
            off = off | {best}
            pred = self.predict(off)


def folds_by_document(sentences: list[Sentence], k: int) -> list[list[int]]:
    """k folds of sentence indices, whole documents to a fold, shuffled with a fixed seed."""
    docs = sorted({s.doc for s in sentences})
    random.Random(2010).shuffle(docs)
    fold_of = {d: i % k for i, d in enumerate(docs)}
    folds: list[list[int]] = [[] for _ in range(k)]
    for n, s in enumerate(sentences):
        folds[fold_of[s.doc]].append(n)
    return folds


# --- reports ------------------------------------------------------------------------------


def row(name: str, scores) -> str:
    p, r, f, tp, fp, fn = scores
    return f"{name:44} {p:6.1f} {r:6.1f} {f:6.1f} {tp:6d} {fp:6d} {fn:6d}"


def cross_validate(ab: Ablation, gold: list[bool], folds: list[list[int]]):
    """Pooled held-out scores, and per entry: summed training-fold F1 gain, folds kept."""
    tp = fp = fn = 0
    kept: dict[int, int] = defaultdict(int)
    train_gain: dict[int, float] = defaultdict(float)
    for held in folds:
        held_set = set(held)
        train = [n for n in range(len(gold)) if n not in held_set]
        off = ab.select(gold, train)
        pred = ab.predict(off)
        s = prf(gold, pred, held)
        tp, fp, fn = tp + s[3], fp + s[4], fn + s[5]
        base = prf(gold, pred, train)
        train_set = set(train)
        for e in ab.candidates:
            kept[e] += e not in off
            if e not in off:
                d = ab.gain(gold, pred, off, e, train_set)
                train_gain[e] += base[2] - _prf(base[3] + d[0], base[4] + d[1], base[5] + d[2])[2]
    k = len(folds)
    return _prf(tp, fp, fn), {e: (train_gain[e] / k, kept[e]) for e in ab.candidates}


def print_gains(ab: Ablation, gold: list[bool], pred: list[bool], cv_gain) -> None:
    entries = cue_entries()
    whole = prf(gold, pred)
    everything = set(range(len(gold)))
    rows = []
    for e in ab.candidates:
        d = ab.gain(gold, pred, frozenset(), e, everything)
        loss = whole[2] - _prf(whole[3] + d[0], whole[4] + d[1], whole[5] + d[2])[2]
        fired = ab.fires.get(e, [])
        precision = 100 * sum(gold[n] for n in fired) / len(fired) if fired else 0.0
        rows.append((loss, e, len(fired), precision))
    print(f"\n{'hypothesis entry (first phrases)':44} {'gain':>6} {'cvgain':>6} {'kept':>4}"
          f" {'fires':>6} {'prec':>6}")
    for loss, e, fired, precision in sorted(rows, reverse=True):
        name = ", ".join(entries[e].phrases)[:44]
        g, kept = cv_gain[e]
        print(f"{name:44} {loss:6.2f} {g:6.2f} {kept:4d} {fired:6d} {precision:6.1f}")


def print_errors(sentences, claims, gold, pred, limit: int) -> None:
    """False negatives and false positives of the abstracts, with the cues found."""
    for kind, want in (("MISSED (gold uncertain)", True), ("FALSE ALARM", False)):
        print(f"\n{kind}:")
        shown = 0
        for n, s in enumerate(sentences):
            if s.file != "abstracts" or gold[n] != want or pred[n] == want:
                continue
            cues = [f"{c.text}->{c.signals}" for cl in claims[n] for c in cl.cues]
            print(f"  {s.text}\n      cues: {cues}")
            shown += 1
            if shown >= limit:
                break


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_data = (REPO / "../shared/data/conll2010-bio-train").resolve()
    parser.add_argument("--data", type=Path, default=default_data)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--gain", action="store_true", help="print each hypothesis entry's gain")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="print N misses and N false alarms of the abstracts")
    args = parser.parse_args()

    if not all((args.data / f).is_file() for f in FILES.values()):
        print(f"hedge benchmark skipped: CoNLL-2010 data not found in {args.data}")
        return 0

    began = time.perf_counter()
    sentences = load(args.data)
    gold = [s.uncertain for s in sentences]
    claims = tier_sentences(sentences)
    pred = [any(c.tier == "hypothesis" for c in cs) for cs in claims]
    tiered = time.perf_counter() - began

    ab = Ablation(claims)
    assert ab.predict() == pred, "the ablation path must reproduce the pipeline"
    cv, cv_gain = cross_validate(ab, gold, folds_by_document(sentences, args.folds))

    print(f"{len(sentences)} sentences, {sum(gold)} uncertain; tiered in {tiered:.1f} s\n")
    print(f"{'sentence-level hedge detection':44} {'P':>6} {'R':>6} {'F1':>6}"
          f" {'tp':>6} {'fp':>6} {'fn':>6}")
    print(row(f"tierlint, {args.folds}-fold CV (select on train folds)", cv))
    print(row("tierlint, shipped lexicon, whole set", prf(gold, pred)))
    for name in FILES:
        idx = [n for n, s in enumerate(sentences) if s.file == name]
        print(row(f"  shipped lexicon, {name}", prf(gold, pred, idx)))
    naive = [bool(NAIVE.search(s.text)) for s in sentences]
    print(row("naive 30-word regex, whole set", prf(gold, naive)))
    if args.gain:
        print_gains(ab, gold, pred, cv_gain)
    if args.errors:
        print_errors(sentences, claims, gold, pred, args.errors)
    print(f"\n({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
