"""The command line: parses options, calls the engine, prints through a format.

Exit codes (SPEC §5): 0 nothing at or above ``fail_on``; 1 findings at or above it; 2 a
usage, config or input error, reported as one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__

LEVELS = click.Choice(["error", "warning", "info"])


class UserError(click.ClickException):
    """One clear line on stderr, exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"tierlint: {self.format_message()}", err=True)


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors users can cause into one line and exit 2; Ctrl-C into exit 130."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .config import ConfigError
        from .files import InputError
        from .resources import LexiconError

        try:
            return func(*args, **kwargs)
        except (ConfigError, InputError, LexiconError) as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("tierlint: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except RecursionError:
            raise UserError("input nested too deeply to read (recursion limit)") from None
        except MemoryError:
            raise UserError("out of memory") from None
        except Exception as exc:  # a bug: still one line, never a traceback
            if os.environ.get("TIERLINT_DEBUG"):
                raise
            raise UserError(
                f"internal error: {type(exc).__name__}: {exc} (set TIERLINT_DEBUG=1 for the"
                " traceback, and please report it)"
            ) from None

    return wrapper


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="tierlint")
def main() -> None:
    """tierlint: lint the epistemic tiers of concept pages.

    Each claim on a page is exact (it names a passing lens proof), a serious hypothesis
    (it cites), or an interpretive lens (never clinical, never worded as settled fact).
    """


def _resolver(config: str | None, select: str | None, ignore: str | None):
    from .config import ConfigResolver

    overrides: dict[str, Any] = {}
    if select is not None:
        overrides["select"] = _codes(select)
    return ConfigResolver(Path(config) if config else None, overrides, _codes(ignore) or ())


def _check_codes(values: tuple[str, ...] | None, option: str) -> None:
    from .plugins import all_rules

    if not values:
        return
    rules = all_rules().values()
    for value in values:
        if not any(
            r.code.startswith(value.upper()) or value.lower() == r.name for r in rules
        ):
            raise UserError(f"{option}: {value!r} matches no rule code or name (see `tierlint rules`)")


FORMATS_HELP = (
    "Output format: text (path:line:col: CODE message), full (each finding with its severity,"
    " its source lines and ^^^ under it), json, sarif (SARIF 2.1.0 for code scanning),"
    " github (GitHub Actions annotations), junit (JUnit XML), or one a plugin adds."
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", default="text", show_default=True, metavar="NAME", help=FORMATS_HELP)
@click.option("--select", help="Comma-separated rule codes, prefixes or names to run.")
@click.option("--ignore", help="Comma-separated rule codes, prefixes or names to skip.")
@click.option("--fail-on", type=LEVELS, help="Lowest severity that fails (default: warning).")
@click.option("--config", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Read the page from stdin (PATH '-') and report it under this path.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="After the findings, count them per rule, most frequent first"
    " (on stderr for json, sarif and junit, so their output stays parseable).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (still 2 on errors).")
@click.option(
    "--baseline",
    metavar="FILE",
    help="Report only findings not recorded in FILE (made by --write-baseline). Findings are"
    " matched by rule, file and claim text, not line numbers, so moved lines stay matched.",
)
@click.option(
    "--write-baseline",
    metavar="FILE",
    help="Record today's findings in FILE (JSON, to commit) and exit 0; adopt tierlint on an"
    " existing repository with it, then run with --baseline FILE.",
)
@click.option(
    "--diff-base",
    metavar="REV",
    help="Report only findings on lines changed since git revision REV (the working tree"
    " against REV; files git does not track count as all new), e.g. origin/main.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes to lint with (default: one for a few files, one per core for many).",
)
@click.option("--no-cache", is_flag=True, help="Lint every file afresh: neither read nor write the cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="Keep the cache here (default: .tierlint_cache/ at each repository root).",
)
@_guard
def check(
    paths, fmt, select, ignore, fail_on, config, stdin_filename,
    statistics, exit_zero, baseline, write_baseline, diff_base, jobs, no_cache, cache_dir,
) -> None:
    """Lint concept pages (files or directories; default: the current directory).

    Exit status: 0 nothing at or above the fail-on level (or --exit-zero), 1 findings at or
    above it, 2 a usage, config or input error, or a rule that failed (TL000).
    """
    from .engine import Linter
    from .plugins import formats

    writers = formats()
    if fmt not in writers:
        raise UserError(f"--format: unknown format {fmt!r} (choose from {', '.join(sorted(writers))})")
    _check_codes(_codes(select), "--select")
    _check_codes(_codes(ignore), "--ignore")
    if write_baseline and (baseline or diff_base):
        raise UserError("--write-baseline records every finding: use it without --baseline and --diff-base")
    keep = _filters(baseline, diff_base)  # before linting: a bad baseline or REV fails fast
    resolver = _resolver(config, select, ignore)
    cache = None if no_cache else _cache(Path(cache_dir) if cache_dir else None)
    linter = Linter(resolver, fail_on=fail_on, cache=cache, keep_claims=False)
    report = _lint(linter, resolver, list(paths), stdin_filename, fail_on, jobs)
    if write_baseline:
        _write_baseline(report, Path(write_baseline), writers[fmt])
        return
    for pick in keep:
        report = report.filtered(pick)
    writers[fmt](report, sys.stdout)
    if statistics:
        _statistics(report, to_stderr=getattr(writers[fmt], "document", False))
    if report.internal_errors:
        click.echo("tierlint: a rule failed (TL000 above); the other rules still ran", err=True)
        sys.exit(2)
    sys.exit(1 if report.failed() and not exit_zero else 0)


def _cache(directory: Path | None):
    from .cache import Cache, rules_fingerprint
    from .plugins import all_rules, manager
    from .resources import rules_dir

    versions = [f"{dist.project_name}=={dist.version}" for _, dist in manager().list_plugin_distinfo()]
    salt = rules_fingerprint(all_rules(), versions, rules_dir())
    return Cache(directory, lambda message: click.echo(f"tierlint: warning: {message}", err=True), salt)


def _lint(linter, resolver, paths: list[str], stdin_filename: str | None, fail_on, jobs=None):
    paths = paths or ["."]
    if paths == ["-"] or stdin_filename:
        if paths not in (["-"], ["."]) or not stdin_filename:
            raise UserError("read stdin with `--stdin-filename PATH -`")
        report = _lint_stdin(linter, resolver, stdin_filename, fail_on)
    else:
        report = linter.lint_paths(paths, jobs)
    for result in report.files:
        if result.skipped:
            click.echo(f"tierlint: {result.path}: skipped: {result.skipped}", err=True)
    return report


def _statistics(report, to_stderr: bool) -> None:
    """Counts per rule after the findings; on stderr after a JSON or XML document."""
    from .formats.statistics import write_statistics

    if report.diagnostics:
        out = sys.stderr if to_stderr else sys.stdout
        if not to_stderr:
            out.write("\n")
        write_statistics(report, out)


def _filters(baseline: str | None, diff_base: str | None) -> list[Callable[..., Any]]:
    """What keeps only the new findings: not in the baseline, on lines changed since REV."""
    picks: list[Callable[..., Any]] = []
    if baseline:
        from .baseline import load

        picks.append(load(Path(baseline)).new_findings)
    if diff_base:
        from .gitdiff import changes_since

        picks.append(changes_since(diff_base).changed_findings)
    return picks


def _write_baseline(report, path: Path, writer) -> None:
    from . import baseline

    if report.internal_errors:
        writer(report.filtered(lambda result: []), sys.stdout)  # only the TL000 findings
        raise UserError(f"a rule failed (TL000 above); baseline {path} not written")
    count = baseline.write(report, path)
    files = len({d.path for d in report.diagnostics})
    click.echo(
        f"tierlint: recorded {count} finding{'' if count == 1 else 's'}"
        f" in {files} file{'' if files == 1 else 's'} to {path}",
        err=True,
    )


def _lint_stdin(linter, resolver, display: str, fail_on):
    from .engine import Report
    from .files import Unreadable, decode

    path = Path(display)
    config = resolver.for_path(path if path.exists() else path.parent if path.parent.exists() else Path("."))
    data = sys.stdin.buffer.read()
    try:
        text = decode(data)
    except Unreadable as exc:
        raise UserError(f"{display}: {exc.reason}") from None
    result = linter.lint_text(text, display, path, config)
    return Report([result], fail_on or config.fail_on)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", type=click.Path(dir_okay=False), help="Use this config file.")
@_guard
def claims(paths, fmt, config) -> None:
    """Show every claim of the pages under each PATH with its tier and the evidence."""
    import json

    from .engine import Linter

    linter = Linter(_resolver(config, None, None))
    report = linter.lint_paths(list(paths))
    records = [c for f in report.files for c in f.claims]
    out = sys.stdout
    if fmt == "json":
        json.dump(
            {"tierlint": __version__, "claims": [c.to_json() for c in records]},
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
        return
    for c in records:
        tier = c.tier or "-"
        source = f" ({c.source})" if c.source else ""
        text = " ".join(c.text.split())
        if len(text) > 100:
            text = text[:97] + "..."
        out.write(f"{c.path}:{c.line}:{c.column}: {tier}{source}: {text}\n")
        for ev in c.evidence:
            out.write(f"    evidence: {ev['cue']!r} -> {ev['tier']} at {ev['line']}:{ev['column']}\n")


@main.command()
@click.argument("code")
@_guard
def explain(code) -> None:
    """Explain a rule (by code or name): what it checks, why, and examples."""
    from .plugins import find_rule

    rule = find_rule(code)
    if rule is None:
        raise UserError(f"no rule {code!r} (see `tierlint rules`)")
    default = "" if rule.default_enabled else " (off unless selected)"
    click.echo(f"{rule.code} {rule.name} [{rule.severity}]{default}\n")
    click.echo(f"{rule.summary[0].upper()}{rule.summary[1:]}.\n")
    click.echo(f"Why: {rule.why}\n")
    click.echo("Fires on:\n" + _indent(rule.fires) + "\n")
    click.echo("Does not fire on:\n" + _indent(rule.passes))


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@_guard
def rules(fmt) -> None:
    """List every rule: code, name, default severity and what it checks."""
    from .plugins import all_rules

    if fmt == "markdown":
        click.echo("| code | name | severity | what it checks |\n|---|---|---|---|")
    for rule in all_rules().values():
        default = "" if rule.default_enabled else " (off unless selected)"
        if fmt == "markdown":
            click.echo(f"| {rule.code} | {rule.name} | {rule.severity} | {rule.summary}{default} |")
        else:
            origin = "" if rule.plugin == "tierlint" else f" [plugin: {rule.plugin}]"
            click.echo(f"{rule.code}  {rule.name:<28} {rule.severity:<8} {rule.summary}{default}{origin}")


@main.command()
@click.argument("path", default=".", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--config", type=click.Path(dir_okay=False), help="Use this config file.")
@_guard
def proofs(path, fmt, config) -> None:
    """List each lens proof named in the pages under PATH, its state and who uses it.

    Exits 1 when a named proof is not passing.
    """
    import json

    from .engine import Linter
    from .proofs import PASSING
    from .proof_report import proof_table

    linter = Linter(_resolver(config, None, None))
    rows = proof_table(linter, [path])
    if fmt == "json":
        json.dump({"tierlint": __version__, "proofs": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif not rows:
        click.echo("No lens proofs are named in these pages.")
    else:
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            band = r["band"] or "-"
            mode = r["mode"] or "-"
            click.echo(f"{r['name']:<{width}}  {r['state']:<10} {band:<8} {mode:<12} {', '.join(r['pages'])}")
    sys.exit(0 if all(r["state"] == PASSING for r in rows) else 1)


@main.command("eval")
@click.argument("path", default="corpus", type=click.Path(exists=True))
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False),
    help="Score the page PATH against this gold file instead of the NAME.gold.yaml beside it.",
)
@click.option("--config", type=click.Path(dir_okay=False), help="Use this config file.")
@_guard
def eval_(path, split, fmt, gold, config) -> None:
    """Measure tiers and findings against the gold files (NAME.gold.yaml) under PATH.

    Prints per-tier precision, recall and F1, the confusion matrix, per-rule precision and
    recall of findings, and every claim and finding that disagrees with gold. The gold
    format is in corpus/README.md."""
    import json

    from .engine import Linter
    from .evaluate import GoldError, evaluate, format_text

    split = None if split == "all" else split
    try:
        linter = Linter(_resolver(config, None, None))
        result = evaluate(linter, Path(path), split, Path(gold) if gold else None)
    except GoldError as exc:
        raise UserError(str(exc)) from None
    data = result.to_json()
    if fmt == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(data))


@main.command()
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default; accepted for editors that pass it).")
@_guard
def lsp(stdio) -> None:
    """Run the language server for editors (LSP over stdio; needs `tierlint[lsp]`)."""
    try:
        from .lsp import serve
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] not in ("pygls", "lsprotocol"):
            raise
        raise UserError("the language server needs pygls: pip install 'tierlint[lsp]'") from None
    serve()


def run() -> None:
    """The console script: ``main`` with Ctrl-C outside any command also ending in 130.
    Only here may a small run start spaCy in a helper process (``nlp_process``): a program
    that calls ``main`` itself (a test runner, an editor) is not forked."""
    import gc

    from . import nlp_process

    nlp_process.allow()
    # A lint run makes millions of short-lived objects (tokens, spans, claims) that
    # reference counting frees; collecting cycles every 700 allocations then costs 5-7% of
    # the run for nothing. A larger first threshold keeps the collector for real cycles.
    gc.set_threshold(50_000, 50, 100)
    try:
        main(prog_name="tierlint")
    except KeyboardInterrupt:
        click.echo("tierlint: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    run()
