"""The pipeline, top to bottom: file → page → claims → tiers → rules → diagnostics.

The CLI only parses options and calls this module; formatters only print its results.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from .config import SEVERITY_RANK, Config, ConfigResolver, relative_to_root
from .diagnostics import Diagnostic
from .files import InputError, Unreadable, decode, matches, read_bytes, walk_dirs
from .rule import Context, Finding, Rule

if TYPE_CHECKING:
    from .claims import Claim
    from .page import Page
    from .resources import Packs


# A run of at least this many files keeps a manifest (cache.Manifest): below it, the
# manifest's one larger read would cost more than the few entry files it saves.
MANIFEST_MIN_FILES = 32


@dataclass(slots=True)
class ClaimRecord:
    """A claim as the ``claims`` command and the JSON output show it."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    tier: str | None
    source: str | None
    evidence: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """SPEC §5's keys, in its order (the fields are declared in that order)."""
        return asdict(self)


@dataclass(slots=True)
class FileResult:
    path: str  # as given on the command line (what every format shows)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    skipped: str | None = None  # why the file was not linted
    file: Path | None = None  # the file on disk (``--diff-base`` asks git about it)
    root_path: str | None = None  # relative to the project root, forward slashes (baselines)
    lines: dict[int, str] = field(default_factory=dict)  # line -> text, each line a diagnostic spans
    claim_count: int | None = None  # when ``claims`` holds only some (a cached result)

    @property
    def n_claims(self) -> int:
        return len(self.claims) if self.claim_count is None else self.claim_count


@dataclass(slots=True)
class Report:
    files: list[FileResult]
    fail_on: str = "warning"

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.diagnostics]

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for d in self.diagnostics:
            counts[d.severity] += 1
        return {
            "files": sum(1 for f in self.files if f.skipped is None),
            "claims": sum(f.n_claims for f in self.files),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        }

    @property
    def internal_errors(self) -> bool:
        return any(d.code == INTERNAL_ERROR.code for d in self.diagnostics)

    def failed(self) -> bool:
        threshold = SEVERITY_RANK[self.fail_on]
        return any(SEVERITY_RANK[d.severity] >= threshold for d in self.diagnostics)

    def filtered(self, pick: Callable[[FileResult], Iterable[Diagnostic]]) -> Report:
        """The same report with only the diagnostics ``pick`` returns for each file (a
        baseline's new findings, the findings on changed lines). Internal errors (TL000)
        always stay: they say the report is incomplete."""
        files = []
        for result in self.files:
            kept = {id(d) for d in pick(result)} if result.diagnostics else set()
            diagnostics = [d for d in result.diagnostics if id(d) in kept or d.code == INTERNAL_ERROR.code]
            files.append(replace(result, diagnostics=diagnostics))
        return Report(files, self.fail_on)


INTERNAL_ERROR = Rule(
    code="TL000",
    name="internal-error",
    severity="error",
    summary="a rule failed on this page (a bug in tierlint or a plugin)",
    why="The rule named in the message raised an error; the other rules still ran."
    " Report it to the rule's author with the page that triggers it.",
    fires="(any page on which a rule raises)",
    passes="(pages on which every rule runs)",
    check=lambda ctx: (),
)


# Below this many files to lint, one process is faster than several: a worker costs a
# fork and its share of the pipeline's start-up (measured by benchmarks/speed.py).
PARALLEL_MIN_FILES = 48


def choose_jobs(files: int) -> int:
    """How many processes lint ``files`` files when the user does not say."""
    if files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, 8, files // (PARALLEL_MIN_FILES // 2)))


def rule_selected(rule: Rule, select: Iterable[str] | None, ignore: Iterable[str]) -> bool:
    """Select and ignore take code prefixes or rule names; no select runs every rule that
    is on by default (plugins' too); a rule that is off by default runs only when selected
    by its exact code or name; ignore wins."""

    def named(p: str) -> bool:
        return p.upper() == rule.code or p.lower() == rule.name

    def hit(p: str) -> bool:
        return rule.code.startswith(p.upper()) or p.lower() == rule.name

    ignore = list(ignore)
    if select is None:
        return rule.default_enabled and not any(hit(p) for p in ignore)
    if not any((named if not rule.default_enabled else hit)(p) for p in select):
        return False
    return not any(hit(p) for p in ignore)


class Linter:
    """Lints files and texts with the rules every plugin provides."""

    def __init__(
        self,
        resolver: ConfigResolver,
        fail_on: str | None = None,
        cache=None,
        keep_claims: bool = True,
    ) -> None:
        from .plugins import all_rules
        from .project import Project

        self.resolver = resolver
        self.rules: dict[str, Rule] = all_rules()
        self._projects: dict[Path, Project] = {}
        self._project_type = Project
        self.fail_on = fail_on
        self.cache = cache  # a tierlint.cache.Cache, or None
        # False: results keep only the claims a finding lies on (``check`` needs no more)
        self.keep_claims = keep_claims

    # -- files
    def collect(self, paths: list[str]) -> list[tuple[str, Path, Config]]:
        """(display path, path, config) for every file to lint, in a stable order."""
        out: list[tuple[str, Path, Config]] = []
        seen: set[str] = set()
        for given in paths:
            path = Path(given)
            if not path.exists() and not path.is_symlink():
                raise InputError(f"{given}: no such file or directory")
            if path.is_dir():
                self._collect_dir(given, path, out, seen)
            else:
                config = self.resolver.for_path(path)
                rel = relative_to_root(path, config.root)
                if rel is not None and matches(rel, config.exclude):
                    continue
                self._add(out, seen, given, path, config)
        return out

    def _collect_dir(self, given: str, base: Path, out: list, seen: set[str]) -> None:
        """The files under the directory ``base``: paths worked out once per directory and
        joined as strings per file (a large repository is mostly this loop)."""
        prefix = "" if given in (".", "./") else given.rstrip("/") + "/"
        base_str = os.fspath(base)
        for dirpath, files in walk_dirs(base_str):
            config = self.resolver.for_path(Path(dirpath))
            root = os.fspath(config.root)
            abs_dir = os.path.abspath(dirpath)
            rel_dir = os.path.relpath(abs_dir, root)
            inside = not (rel_dir == ".." or rel_dir.startswith(".." + os.sep))
            rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
            sub_dir = os.path.relpath(dirpath, base_str)
            sub_dir = "" if sub_dir == "." else sub_dir.replace(os.sep, "/") + "/"
            for name, is_link in files:
                file = Path(dirpath, name)
                if is_link:  # a link's target must lie inside the repository
                    rel = relative_to_root(file, config.root)
                    key = os.path.realpath(file)
                else:
                    rel = rel_dir + name if inside else None
                    key = os.path.join(abs_dir, name)
                if rel is None or not matches(rel, config.include) or matches(rel, config.exclude):
                    continue
                if key not in seen:
                    seen.add(key)
                    out.append((prefix + sub_dir + name, file, config))

    @staticmethod
    def _add(out, seen, display, path, config) -> None:
        key = os.path.realpath(path) if path.is_symlink() else os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            out.append((display, path, config))

    def lint_paths(self, paths: list[str], jobs: int | None = None) -> Report:
        """Lint every file under ``paths``; ``jobs`` processes (None: chosen by the work).
        Each file is read once: its bytes key the cache and are what is linted. A large
        run also keeps a manifest (``cache.Manifest``), so that unchanged files are known
        by their stat signature and re-checked without being read."""
        targets = self.collect(paths)
        results: list[FileResult | None] = [None] * len(targets)
        todo: list[tuple[int, bytes | None, str | None, tuple | None]] = []
        use_manifest = self.cache is not None and len(targets) >= MANIFEST_MIN_FILES
        for i, (display, path, config) in enumerate(targets):
            manifest = self.cache.manifest(config) if use_manifest else None
            cached, data, key, seen = self._probe(display, path, config, manifest)
            if cached is not None:
                results[i] = cached
            else:
                todo.append((i, data, key, seen))
        work = [(*targets[i], data) for i, data, _, _ in todo]
        workers = choose_jobs(len(work)) if jobs is None else max(1, jobs)
        if workers > 1 and len(work) > 1:
            from .parallel import lint_in_processes

            fresh = lint_in_processes(self, work, workers)
        elif work:
            from . import nlp_process

            # spaCy starts in a helper process while the pages are read here
            nlp_process.start()
            try:
                _warm({w[2].packs for w in work})
                fresh = [self.lint_data(*w) for w in work]
            finally:
                nlp_process.stop()
        else:
            fresh = []
        for (i, _, key, seen), result in zip(todo, fresh):
            results[i] = result
            stored = self._store(key, targets[i][2], result)
            if seen is not None and stored is not None:
                manifest, *signature = seen
                manifest.note(*signature, key, stored)
        if use_manifest:
            self.cache.save_manifests()
        return Report(results, self._fail_on(targets[0][2] if targets else None))

    def _probe(self, display: str, path: Path, config: Config, manifest: Any):
        """(cached result or None, the file's bytes, its cache key, what the manifest is to
        note of it). Without a cache: (None, None, None, None), the file is read later."""
        if self.cache is None:
            return None, None, None, None
        from .cache import content_digest

        seen = None
        if manifest is not None:
            name = os.path.abspath(path)
            try:
                st = os.stat(name)
            except OSError:
                st = None
            digest = manifest.digest(name, st) if st is not None else None
            if digest is not None:  # unchanged since it was last read: no need to read it
                key = self._key(digest, display, config)
                found = manifest.result(key) or self.cache.get(key, config)
                if found is not None:
                    manifest.note(name, st, time.time_ns(), digest, key, found)
                    return self._from_json(found, path), None, key, None
            read_ns = time.time_ns()
        try:
            data = read_bytes(path)
        except Unreadable:
            return None, None, None, None
        digest = content_digest(data)
        key = self._key(digest, display, config)
        if manifest is not None and st is not None:
            seen = (manifest, name, st, read_ns, digest)
        found = self.cache.get(key, config)
        if found is not None:
            if seen is not None:
                manifest.note(name, st, read_ns, digest, key, found)
            return self._from_json(found, path), data, key, None
        return None, data, key, seen

    def _key(self, digest: str, display: str, config: Config) -> str:
        return self.cache.key(digest, display, config, self.project(config).state)

    @staticmethod
    def _from_json(found: dict[str, Any], path: Path) -> FileResult:
        from .cache import result_from_json

        return result_from_json(found, path)

    def _fail_on(self, config: Config | None) -> str:
        return self.fail_on or (config.fail_on if config else "warning")

    def lint_file(self, display: str, path: Path, config: Config, use_cache: bool = True) -> FileResult:
        cached, data, key, _ = self._probe(display, path, config, None) if use_cache else (None,) * 4
        if cached is not None:
            return cached
        result = self.lint_data(display, path, config, data)
        self._store(key, config, result)
        return result

    def lint_data(self, display: str, path: Path, config: Config, data: bytes | None) -> FileResult:
        """Lint a file's bytes (None: read them now)."""
        try:
            if data is None:
                data = read_bytes(path)
            result = self.lint_text(decode(data), display, path, config)
        except Unreadable as exc:
            result = FileResult(display, skipped=exc.reason, file=path, root_path=_root_path(path, config))
        return result if self.keep_claims else self.slim(result)

    def _store(self, key: str | None, config: Config, result: FileResult) -> dict[str, Any] | None:
        """Keep ``result`` under ``key``; the JSON kept (None: nothing was kept)."""
        if key is None or any(d.code == INTERNAL_ERROR.code for d in result.diagnostics):
            return None  # no cache, or a rule failed: do not keep a result it may fail differently on
        from .cache import result_to_json

        stored = result_to_json(result)
        self.cache.put(key, config, stored)
        return stored

    def lint_text(self, text: str, display: str, path: Path, config: Config) -> FileResult:
        from .suppress import read_directives

        from .page import parse_page  # here, not at the top: a cached run never parses

        page = parse_page(text, display)
        suppressions, problems = read_directives(page, self.rules)
        page.problems.extend(problems)
        tiering = Tiering([page], config.packs, config.proof_extensions)
        claims = tiering.claims[0]
        project = self.project(config)
        context = Context(page=page, claims=claims, config=config, project=project)
        rules = [r for r in self.rules.values() if rule_selected(r, config.select, config.ignore)]
        findings: list[tuple[Rule, Finding]] = []
        # the rules that need no tiers run while the claims are with spaCy (in a helper
        # process, when one runs: nlp_process); then the tiers, then the others
        self._run([r for r in rules if not r.needs_tiers], context, findings)
        tiering.finish()
        self._run([r for r in rules if r.needs_tiers], context, findings)
        diagnostics = [
            d
            for d in (self._diagnostic(page, config, rule, f) for rule, f in findings)
            if d.code in ("TL000", "TL001") or suppressions.allows(d.code, page_offset(page, d), d.line)
        ]
        diagnostics.sort(key=Diagnostic.sort_key)
        if self.keep_claims:
            records, count = [claim_record(page, c) for c in claims], None
        else:  # ``check``: records only for the claims a diagnostic lies on (see slim)
            records = [claim_record(page, c) for c in _claims_under(page, claims, diagnostics)]
            count = len(claims)
        return FileResult(
            display,
            diagnostics,
            records,
            file=path,
            root_path=_root_path(path, config),
            lines=spanned_lines(page, diagnostics),
            claim_count=count,
        )

    @staticmethod
    def _run(rules: list[Rule], context: Context, findings: list[tuple[Rule, Finding]]) -> None:
        for rule in rules:
            try:
                findings.extend((rule, finding) for finding in rule.check(context))
            except Exception as exc:  # a faulty rule must not take the other rules down
                message = f"{rule.code} ({rule.plugin}) failed: {type(exc).__name__}: {exc}"
                findings.append((INTERNAL_ERROR, Finding(INTERNAL_ERROR.code, 0, 0, message)))

    def slim(self, result: FileResult) -> FileResult:
        """``result`` keeping only the claims a diagnostic lies on (what ``check`` and its
        baselines need) and the count of the others."""
        if result.claim_count is not None:
            return result
        return replace(result, claims=held_claims(result), claim_count=len(result.claims))

    def project(self, config: Config):
        project = self._projects.get(config.root)
        if project is None:
            project = self._projects[config.root] = self._project_type(config)
        return project

    @staticmethod
    def _diagnostic(page: Page, config: Config, rule: Rule, finding: Finding) -> Diagnostic:
        line, column = page.lines.position(finding.start)
        end_line, end_column = page.lines.end_position(max(finding.end, finding.start + 1))
        severity = config.severity.get(rule.code) or finding.severity or rule.severity
        return Diagnostic(
            path=page.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            code=rule.code,
            name=rule.name,
            severity=severity,
            message=finding.message,
            tier=finding.tier,
        )


def _warm(pack_sets: set) -> None:
    """Build now what the rules build on first use (the citation patterns, the Markdown
    parser), while a helper process starts spaCy."""
    from .citations import prepare
    from .page import prepare_parser

    prepare_parser()
    for packs in pack_sets:
        prepare(packs)


def page_offset(page: Page, d: Diagnostic) -> int:
    return page.lines.starts[d.line - 1] + d.column - 1


def spanned_lines(page: Page, diagnostics: list[Diagnostic]) -> dict[int, str]:
    """The text of every line the diagnostics span, by line number (``full`` shows them)."""
    out: dict[int, str] = {}
    for d in diagnostics:
        for n in range(d.line, min(d.end_line, page.lines.line_count) + 1):
            if n not in out:
                start, end = page.lines.line_span(n - 1)
                out[n] = page.text[start:end]
    return out


def tier_page(page: Page, packs: Packs = (), proof_extensions: tuple[str, ...] = ()) -> list[Claim]:
    """Claims of a parsed page, each with its annotations (cues, clinical hits) and tier;
    ``packs``: the rule packs of the page's config (``Config.packs``); ``proof_extensions``:
    its proof files' extensions (a claim naming a proof and nothing else is exact)."""
    return tier_pages([page], packs, proof_extensions)[0]


def tier_pages(
    pages: list[Page], packs: Packs = (), proof_extensions: tuple[str, ...] = ()
) -> list[list[Claim]]:
    """:func:`tier_page` for many pages of one configuration, their claims batched
    through one ``nlp.pipe`` (the pipeline built for ``packs``)."""
    tiering = Tiering(pages, packs, proof_extensions)
    tiering.finish()
    return tiering.claims


class Tiering:
    """Pages' claims on their way to tiers: extracted, and their texts handed to spaCy;
    :meth:`finish` waits for what spaCy found and assigns the tiers."""

    def __init__(self, pages: list[Page], packs: Packs, proof_extensions: tuple[str, ...]) -> None:
        from .nlp import annotate_later
        from .segment import packs_in_use

        with packs_in_use(packs):  # the packs' abbreviations keep sentences whole
            from .claims import extract_claims

            self.claims = [extract_claims(page) for page in pages]
        self.pages, self.packs, self.proof_extensions = pages, packs, proof_extensions
        self._flat = [c for cs in self.claims for c in cs]
        self._found = annotate_later([c.masked for c in self._flat], packs) if self._flat else None
        from .tiers import plan_tiers

        # what the tiers owe to the page alone is worked out while spaCy reads the claims
        self._rest = [
            plan_tiers(page, cs, packs, proof_extensions) for page, cs in zip(pages, self.claims)
        ]

    def finish(self) -> None:
        if self._found is not None:
            # each claim keeps what the components found, never the Doc, so memory stays
            # flat on huge pages
            for claim, found in zip(self._flat, self._found()):
                claim.annotations = found
            self._found = None
        for rest in self._rest:
            rest()
        self._rest = []


def held_claims(result: FileResult) -> list[ClaimRecord]:
    """The claims of ``result`` that some diagnostic starts in, in order."""
    claims = result.claims
    return _held(
        claims,
        [(c.line, c.column) for c in claims],
        [(c.end_line, c.end_column) for c in claims],
        [(d.line, d.column) for d in result.diagnostics],
    )


def _claims_under(page: Page, claims: list[Claim], diagnostics: list[Diagnostic]) -> list[Claim]:
    """``held_claims`` on the page itself, before any record is made."""
    return _held(
        claims,
        [c.start for c in claims],
        [c.end for c in claims],
        [page_offset(page, d) for d in diagnostics],
    )


def _held(items: list[Any], starts: list[Any], ends: list[Any], points: list[Any]) -> list[Any]:
    from .positions import holding

    found = {holding(starts, ends, at) for at in points}
    return [items[i] for i in sorted(found - {None})]


def claim_record(page: Page, claim: Claim) -> ClaimRecord:
    line, column = page.lines.position(claim.start)
    end_line, end_column = page.lines.end_position(claim.end)
    evidence = []
    for ev in claim.evidence:
        ev_line, ev_col = page.lines.position(ev.start)
        evidence.append({"cue": ev.cue, "tier": ev.tier, "line": ev_line, "column": ev_col})
    return ClaimRecord(
        path=page.path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        text=claim.text,
        tier=claim.tier,
        source=claim.source,
        evidence=evidence,
    )


def _root_path(path: Path, config: Config) -> str:
    """The file relative to its project root (the same whichever directory tierlint was
    run from or how the path was given); the path as given when it lies outside the root."""
    return relative_to_root(path, config.root) or path.as_posix()
