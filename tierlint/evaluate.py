"""`tierlint eval`: tierlint's answers against gold sidecar files (corpus/README.md).

For every ``NAME.gold.yaml`` beside a ``NAME.md``: each gold claim is found in the file by
its opening words, matched with the claim tierlint starts at that place, and the tiers are
compared. Expected findings must fire on their claim; must-not-fire entries must not.
Every finding tierlint reports that no gold entry expects counts against its precision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .engine import FileResult, Linter

TIER_NAMES = ("exact", "hypothesis", "lens", None)


class GoldError(ValueError):
    pass


@dataclass
class Evaluation:
    pages: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted) → count
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    rule_tp: Counter = field(default_factory=Counter)
    rule_fn: Counter = field(default_factory=Counter)
    rule_fp: Counter = field(default_factory=Counter)
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    must_not_violations: list[dict[str, Any]] = field(default_factory=list)
    must_not_total: int = 0
    clean_pages: int = 0  # pages whose gold expects no finding at all
    clean_pages_flagged: list[str] = field(default_factory=list)  # … that got one anyway

    def to_json(self) -> dict[str, Any]:
        claims = sum(self.confusion.values())
        right = sum(n for (g, p), n in self.confusion.items() if g == p)
        tiers = {}
        for tier in TIER_NAMES:
            tp = self.confusion[(tier, tier)]
            fp = sum(n for (g, p), n in self.confusion.items() if p == tier and g != tier)
            fn = sum(n for (g, p), n in self.confusion.items() if g == tier and p != tier)
            tiers[str(tier).lower()] = _prf(tp, fp, fn)
        rules = {}
        for code in sorted(set(self.rule_tp) | set(self.rule_fn) | set(self.rule_fp)):
            rules[code] = _prf(self.rule_tp[code], self.rule_fp[code], self.rule_fn[code])
        expected = sum(self.rule_tp.values()) + sum(self.rule_fn.values())
        return {
            "pages": self.pages,
            "claims": claims,
            "tier_accuracy": round(100 * right / claims, 1) if claims else None,
            "tiers": tiers,
            "confusion": {
                str(g).lower(): {str(p).lower(): self.confusion[(g, p)] for p in TIER_NAMES}
                for g in TIER_NAMES
            },
            "findings": {
                "expected": expected,
                "fired": sum(self.rule_tp.values()),
                "recall": round(100 * sum(self.rule_tp.values()) / expected, 1) if expected else None,
                "unexpected": sum(self.rule_fp.values()),
                "must_not_fire": self.must_not_total,
                "must_not_fire_violated": len(self.must_not_violations),
                "clean_pages": self.clean_pages,
                "clean_pages_with_findings": len(self.clean_pages_flagged),
            },
            "rules": rules,
            "disagreements": self.disagreements,
            "missed_findings": self.missed,
            "unexpected_findings": self.false_alarms,
            "must_not_fire_violations": self.must_not_violations,
            "flagged_clean_pages": self.clean_pages_flagged,
        }


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    pct = lambda x: None if x is None else round(100 * x, 1)  # noqa: E731
    return {"precision": pct(p), "recall": pct(r), "f1": pct(f), "support": tp + fn}


def gold_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if path.name.endswith(".gold.yaml") else [path.with_name(path.stem + ".gold.yaml")]
    return sorted(path.rglob("*.gold.yaml"))


def evaluate(
    linter: Linter, path: Path, split: str | None = None, gold_file: Path | None = None
) -> Evaluation:
    """Score the pages under ``path`` against their sidecar gold files; with ``gold_file``,
    score the one page ``path`` against that file."""
    ev = Evaluation()
    if gold_file is not None:
        if not path.is_file() or path.name.endswith(".gold.yaml"):
            raise GoldError(f"{path}: with --gold, PATH is the one page the gold file describes")
        pairs = [(gold_file, path)]
    else:
        pairs = [
            (g, g.with_name(g.name[: -len(".gold.yaml")] + ".md")) for g in gold_files(path)
        ]
    for gold_path, page_path in pairs:
        gold = _read_gold(gold_path)
        if split and gold.get("split", "dev") != split:
            continue
        if not page_path.is_file():
            raise GoldError(f"{gold_path}: no page {page_path.name} beside it")
        config = linter.resolver.for_path(page_path)
        display = str(page_path)
        result = linter.lint_file(display, page_path, config)
        _score(ev, gold_path, gold, page_path.read_text(encoding="utf-8-sig"), result)
        ev.pages += 1
    return ev


def _read_gold(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GoldError(f"{path}: cannot read the gold file ({exc})") from None
    if not isinstance(data, dict):
        raise GoldError(f"{path}: a gold file is a mapping (split, claims, findings, must_not_fire)")
    if data.get("split", "dev") not in ("dev", "test"):
        raise GoldError(f"{path}: split is dev or test, not {data['split']!r}")
    for key, needed in (("claims", "text"), ("findings", "code"), ("must_not_fire", "code")):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise GoldError(f"{path}: {key} is a list")
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict) or item.get(needed) in (None, ""):
                raise GoldError(f"{path}: {key} entry {n} needs {needed!r}")
            if key == "claims" and item.get("tier") not in TIER_NAMES:
                raise GoldError(
                    f"{path}: claims entry {n} has tier {item.get('tier')!r};"
                    " use exact, hypothesis, lens or null"
                )
    return data


def _locate(text: str, starts: list[int], snippet: str, line: int | None, after: int) -> int | None:
    if line is not None and 0 < line <= len(starts):
        at = text.find(snippet, starts[line - 1])
        return at if at >= 0 else None
    at = text.find(snippet, after)
    if at < 0:
        at = text.find(snippet)
    return at if at >= 0 else None


def _score(ev: Evaluation, gold_path: Path, gold: dict[str, Any], text: str, result: FileResult) -> None:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    predicted = {offset(c.line, c.column): c for c in result.claims}
    spans: dict[str, tuple[int, int]] = {}
    cursor = 0
    for item in gold.get("claims") or []:
        snippet = str(item.get("text", ""))
        at = _locate(text, starts, snippet, item.get("line"), cursor)
        if at is None:
            raise GoldError(f"{gold_path}: claim text not found in the page: {snippet!r}")
        cursor = at + 1
        claim = predicted.get(at)
        gold_tier = item.get("tier")
        got = claim.tier if claim else None
        ev.confusion[(gold_tier, got)] += 1
        end = offset(claim.end_line, claim.end_column) if claim else at + len(snippet)
        spans.setdefault(snippet, (at, end))
        if gold_tier != got or claim is None:
            ev.disagreements.append(
                {
                    "path": result.path,
                    "line": text.count("\n", 0, at) + 1,
                    "text": snippet,
                    "gold": gold_tier,
                    "tierlint": got,
                    "evidence": [e["cue"] for e in claim.evidence] if claim else [],
                    "note": None if claim else "tierlint starts no claim here",
                }
            )
    diags = [(offset(d.line, d.column), d) for d in result.diagnostics]
    used: set[int] = set()

    def where(item: dict[str, Any]) -> tuple[int, int] | None:
        if "text" not in item or item["text"] is None:
            return None
        span = spans.get(str(item["text"]))
        if span is None:
            at = _locate(text, starts, str(item["text"]), item.get("line"), 0)
            if at is None:
                raise GoldError(f"{gold_path}: finding text not found: {item['text']!r}")
            line_end = text.find("\n", at)
            span = (at, line_end if line_end >= 0 else len(text))
        return span

    for item in gold.get("findings") or []:
        code, span = str(item["code"]), where(item)
        hit = next(
            (
                i
                for i, (pos, d) in enumerate(diags)
                if i not in used and d.code == code and (span is None or span[0] <= pos <= span[1])
            ),
            None,
        )
        if hit is None:
            ev.rule_fn[code] += 1
            ev.missed.append({"path": result.path, "code": code, "text": item.get("text")})
        else:
            used.add(hit)
            ev.rule_tp[code] += 1
    for item in gold.get("must_not_fire") or []:
        ev.must_not_total += 1
        code, span = str(item["code"]), where(item)
        for i, (pos, d) in enumerate(diags):
            # a page-wide entry ("no other TL301 here") leaves alone the findings gold expects
            if d.code == code and (span[0] <= pos <= span[1] if span else i not in used):
                ev.must_not_violations.append(
                    {"path": result.path, "code": code, "line": d.line, "message": d.message}
                )
                break
    if not gold.get("findings"):
        ev.clean_pages += 1
        if diags:
            ev.clean_pages_flagged.append(result.path)
    for i, (pos, d) in enumerate(diags):
        if i not in used:
            ev.rule_fp[d.code] += 1
            ev.false_alarms.append({"path": result.path, "line": d.line, "code": d.code, "message": d.message})


def format_text(data: dict[str, Any]) -> str:
    out = [
        f"{data['pages']} pages, {data['claims']} gold claims:"
        f" tier accuracy {_percent(data['tier_accuracy'])}",
        "",
    ]
    out.append(f"{'tier':<12}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
    for tier, m in data["tiers"].items():
        out.append(f"{tier:<12}{_n(m['precision']):>10}{_n(m['recall']):>8}{_n(m['f1']):>8}{m['support']:>9}")
    out.append("")
    out.append("confusion (rows: gold, columns: tierlint)")
    names = list(data["confusion"])
    out.append(" " * 12 + "".join(f"{n:>12}" for n in names))
    for g in names:
        out.append(f"{g:<12}" + "".join(f"{data['confusion'][g][p]:>12}" for p in names))
    f = data["findings"]
    out.append("")
    out.append(
        f"findings: {f['fired']}/{f['expected']} expected fired (recall {_percent(f['recall'])}),"
        f" {f['unexpected']} unexpected; must-not-fire: {f['must_not_fire_violated']}"
        f" of {f['must_not_fire']} violated"
    )
    out.append(
        f"pages that follow the discipline (gold expects no finding): {f['clean_pages_with_findings']}"
        f" of {f['clean_pages']} got a finding"
    )
    out.append(f"{'rule':<8}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
    for code, m in data["rules"].items():
        out.append(f"{code:<8}{_n(m['precision']):>10}{_n(m['recall']):>8}{_n(m['f1']):>8}{m['support']:>9}")
    if data["disagreements"]:
        out.append("")
        out.append("claims that disagree with gold:")
        for d in data["disagreements"]:
            out.append(f"  {d['path']}:{d['line']}: gold {d['gold']}, tierlint {d['tierlint']}: {d['text'][:70]}")
    if data["flagged_clean_pages"]:
        out.append("")
        out.append("pages that follow the discipline but got a finding:")
        out.extend(f"  {path}" for path in data["flagged_clean_pages"])
    for title, key in (
        ("expected findings that did not fire:", "missed_findings"),
        ("findings no gold entry expects:", "unexpected_findings"),
        ("must-not-fire violations:", "must_not_fire_violations"),
    ):
        if data[key]:
            out.append("")
            out.append(title)
            for d in data[key]:
                where = d.get("line") or d.get("text")
                out.append(f"  {d['path']}: {d['code']} {where!r} {d.get('message', '')}")
    return "\n".join(out) + "\n"


def _n(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def _percent(value: float | None) -> str:
    """A figure with its percent sign, or "n/a" when there was nothing to measure."""
    return "n/a" if value is None else f"{value}%"
