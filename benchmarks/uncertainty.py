"""Sentence-level uncertainty detection on any labelled file: ``label<TAB>sentence`` lines,
the label ``uncertain`` or ``certain``.

A sentence counts as detected when tierlint tiers one of its claims ``hypothesis`` (the
CoNLL-2010 Task 1 reading: a sentence is uncertain when it holds a speculation cue), so a
team can measure tierlint on sentences of its own domain, for instance Wikipedia-style
prose, where uncertainty is mostly weasel wording ("is considered by many", "some
sources"). CoNLL-2010's own data has its reader in ``benchmarks/hedges.py``.

    python benchmarks/uncertainty.py FILE [--errors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tierlint.engine import tier_pages  # noqa: E402
from tierlint.page import parse_page  # noqa: E402

LABELS = ("uncertain", "certain")


def read(path: Path) -> list[tuple[bool, str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        label, tab, sentence = line.partition("\t")
        if not tab or label not in LABELS or not sentence.strip():
            raise SystemExit(f"{path}:{n}: expected 'uncertain' or 'certain', a tab, a sentence")
        rows.append((label == "uncertain", sentence.strip()))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--errors", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    rows = read(args.file)
    claims = tier_pages([parse_page(sentence + "\n") for _, sentence in rows])
    tp = fp = fn = 0
    for (gold, sentence), found in zip(rows, claims):
        pred = any(c.tier == "hypothesis" for c in found)
        tp, fp, fn = tp + (pred and gold), fp + (pred and not gold), fn + (gold and not pred)
        if args.errors and pred != gold:
            cues = [e.cue for c in found for e in c.evidence if c.tier == "hypothesis"]
            print(f"{'miss' if gold else 'false alarm'}: {sentence}" + (f"  (cues: {cues})" if cues else ""))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    uncertain = sum(g for g, _ in rows)
    print(f"{len(rows)} sentences, {uncertain} uncertain")
    print(f"P {100 * p:.1f}  R {100 * r:.1f}  F1 {100 * f1:.1f}  (tp {tp}, fp {fp}, fn {fn})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
