"""Speed benchmark: tierlint beside its peers on the workloads of the speed issue.

Workloads, generated from the corpus's own pages (concept prose, not lorem ipsum):

- ``big``:    one page of about 1.14 MB
- ``many``:   2,000 small pages
- ``one``:    a one-paragraph page

Runs each command several times and prints the median wall time. Peers are measured only
when installed (``proselint``; ``textlint`` with the write-good rule and ``alex`` through
``npx --no-install``), as is the bare ``python -c "import spacy; spacy.blank('en')"`` start
and a bare ``python -c "import click, pluggy, yaml"`` start.

    python benchmarks/speed.py [--runs 5] [--keep DIR]

tierlint runs with ``--no-cache`` when it has that option, and ``--version``, a cached
re-check of the 2,000 pages, the peak memory on the big page and a warm re-lint of an
edited page (what ``tierlint lsp`` does on each change) are measured too. This is a measurement, never a test: nothing
here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG_BYTES = 1_140_000
MANY = 2000


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus").rglob("*.md")):
        if path.name != "README.md":
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def body(text: str) -> str:
    """A page without its front matter."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            return text[end + 4 :].lstrip("\n")
    return text


def make_workloads(where: Path) -> dict[str, list[str]]:
    texts = [body(t) for t in corpus_texts()]
    big = where / "big"
    big.mkdir()
    chunks, size, i = [], 0, 0
    while size < BIG_BYTES:
        chunk = texts[i % len(texts)] + "\n\n"
        chunks.append(chunk)
        size += len(chunk.encode("utf-8"))
        i += 1
    (big / "big.md").write_text("".join(chunks), encoding="utf-8")
    many = where / "many"
    many.mkdir()
    for n in range(MANY):
        (many / f"page-{n:04d}.md").write_text(texts[n % len(texts)], encoding="utf-8")
    one = where / "one"
    one.mkdir()
    (one / "one.md").write_text(
        "The brain may do something backprop-like (Lillicrap et al., Nat. Rev. Neurosci. 2020)."
        " Read this way, a frozen pattern is a local minimum, never a clinical claim.\n",
        encoding="utf-8",
    )
    return {"big": [str(big / "big.md")], "many": [str(many)], "one": [str(one / "one.md")]}


def timed(cmd: list[str], runs: int, cwd: Path) -> float | None:
    """Median wall time of ``runs`` runs, after one untimed run that warms the file cache
    (and writes the byte code an editable install has not compiled yet)."""
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            return None
    return statistics.median(times)


def tierlint_cmd() -> list[str]:
    exe = shutil.which("tierlint") or ""
    return [exe] if exe else [sys.executable, "-m", "tierlint"]


def has_option(cmd: list[str], option: str) -> bool:
    out = subprocess.run(cmd + ["check", "--help"], capture_output=True, text=True).stdout
    return option in out


def peers() -> dict[str, list[str]]:
    found = {}
    if shutil.which("proselint"):
        found["proselint"] = ["proselint", "check"] if _proselint_has_check() else ["proselint"]
    npx = shutil.which("npx")
    if npx:
        for name, cmd in (
            ("textlint + write-good", [npx, "--no-install", "textlint", "--rule", "write-good"]),
            ("alex", [npx, "--no-install", "alex"]),
        ):
            probe = subprocess.run(cmd[:3] + ["--version"], capture_output=True)
            if probe.returncode == 0:
                found[name] = cmd
    return found


def _proselint_has_check() -> bool:
    out = subprocess.run(["proselint", "--help"], capture_output=True, text=True).stdout
    return " check" in out


def files_of(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        path = Path(p)
        out.extend(sorted(str(f) for f in path.rglob("*.md")) if path.is_dir() else [p])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the workloads here and keep them")
    args = parser.parse_args()
    # Measure tierlint as an install runs it, from compiled byte code: pip compiles it when
    # installing, and an editable install's first run writes it, unless the environment
    # forbids writing byte code (then every run would compile every module again).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    where = args.keep or Path(tempfile.mkdtemp(prefix="tierlint-bench-"))
    where.mkdir(parents=True, exist_ok=True)
    try:
        loads = make_workloads(where)
        tl = tierlint_cmd()
        no_cache = ["--no-cache"] if has_option(tl, "--no-cache") else []
        rows: list[tuple[str, list[float | None]]] = []
        rows.append(
            (
                "tierlint" + (" --no-cache" if no_cache else ""),
                [timed(tl + ["check", *no_cache, *loads[k]], args.runs, where) for k in ("big", "many", "one")],
            )
        )
        for name, cmd in peers().items():
            # peers take files, not folders, for the many-pages load
            rows.append((name, [timed(cmd + files_of(loads[k]), args.runs, where) for k in ("big", "many", "one")]))
        spacy_start = timed([sys.executable, "-c", "import spacy; spacy.blank('en')"], args.runs, where)
        click_start = timed([sys.executable, "-c", "import click, pluggy, yaml"], args.runs, where)
        version = timed(tl + ["--version"], args.runs, where)
        cached = None
        if no_cache:
            subprocess.run(tl + ["check", *loads["many"]], cwd=where, capture_output=True)
            cached = timed(tl + ["check", *loads["many"]], args.runs, where)
        relint = relint_ms(args.runs)
        peak = peak_memory_mb(tl + ["check", *no_cache, *loads["big"]], where)
        print(f"median of {args.runs} runs; workloads in {where}")
        print()
        print(f"| tool | {BIG_BYTES / 1e6:.2f} MB page | {MANY:,} pages | one page |")
        print("|---|---|---|---|")
        for name, values in rows:
            print(f"| {name} | " + " | ".join(_s(v) for v in values) + " |")
        print(f"| bare `import spacy; spacy.blank('en')` | – | – | {_s(spacy_start)} |")
        print()
        print(f"- `tierlint --version`: {_s(version)} (bare `import click, pluggy, yaml`: {_s(click_start)})")
        if cached is not None:
            print(f"- re-check of the unchanged {MANY:,} pages with the cache: {_s(cached)}")
        if click_start and version:
            ratio = f"{version / click_start:.2f}x"
            print(f"- --version / bare click start: {ratio}" + (f"; cached re-check / bare click start: {cached / click_start:.2f}x" if cached else ""))
        if relint is not None:
            print(f"- warm re-lint of the changed seed page (what `tierlint lsp` does on an edit): {relint:.1f} ms")
        if peak is not None:
            print(f"- peak memory on the {BIG_BYTES / 1e6:.2f} MB page: {peak:.0f} MB")
        base = dict(rows)
        tier = rows[0][1]
        if "proselint" in base:
            pl = base["proselint"]
            ratios = [f"{a / b:.2f}x" if a and b else "-" for a, b in zip(tier, pl)]
            print(f"- tierlint / proselint: big {ratios[0]}, many {ratios[1]}, one {ratios[2]}")
        if spacy_start and tier[2]:
            print(f"- one page / bare spaCy start: {tier[2] / spacy_start:.2f}x")
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)
    return 0


_RELINT = r"""
import statistics, sys, time
from pathlib import Path
from tierlint.config import ConfigResolver
from tierlint.engine import Linter
page = Path(sys.argv[1])
text = page.read_text(encoding="utf-8")
linter = Linter(ConfigResolver())
config = linter.resolver.for_path(page)
linter.lint_text(text, str(page), page, config)  # warm: what a running server has done
times = []
for n in range(int(sys.argv[2]) * 4):
    changed = text + f"\nAn edit, number {n}, may change what the page claims.\n"
    start = time.perf_counter()
    linter.lint_text(changed, str(page), page, config)
    times.append(time.perf_counter() - start)
print(statistics.median(times) * 1000)
"""


def relint_ms(runs: int) -> float | None:
    """The language server's work on an edit: re-linting the seed page in a warm process."""
    seed = ROOT / "corpus" / "vision" / "lc-the-thaw-is-backprop.md"
    proc = subprocess.run(
        [sys.executable, "-c", _RELINT, str(seed), str(runs)], capture_output=True, text=True
    )
    try:
        return float(proc.stdout.strip())
    except ValueError:
        return None


def peak_memory_mb(cmd: list[str], cwd: Path) -> float | None:
    """Peak resident memory of ``cmd``: its rusage, read by a fresh process whose only child
    it is (Linux and macOS)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    proc = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, capture_output=True, text=True)
    try:
        peak = int(proc.stdout.strip())
    except ValueError:
        return None  # no resource module (Windows)
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} s"


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
