"""The language server behind ``tierlint lsp``: diagnostics and claim hovers for editors.

It speaks LSP over stdin/stdout (pygls, the optional extra ``tierlint[lsp]``). One
:class:`~tierlint.engine.Linter` stays warm for the whole session, so spaCy and the
lexicons load once; each open Markdown document is linted on open, on save, and shortly
after the last change (``DEBOUNCE``), with the config found from the document's own path.
Saving a document re-reads configs, the proof ledger and the page index.

Positions: tierlint counts 1-based lines and code-point columns; LSP counts 0-based lines
and columns in the negotiated position encoding (UTF-16 code units unless the client offers
UTF-8 or UTF-32), so an emoji before a finding moves it two UTF-16 units, not one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from . import __version__
from .config import ConfigError, ConfigResolver, relative_to_root
from .engine import FileResult, Linter
from .files import InputError, matches
from .positions import LineIndex
from .resources import LexiconError

log = logging.getLogger(__name__)

DEBOUNCE = 0.15  # seconds of quiet after a change before the document is linted again
# Where a built-in rule's explanation lives: {code} is TL301, {name} hypothesis-without-citation.
# Override with the initialization option ``ruleDocsUrl`` (an empty string: no links).
RULE_DOCS_URL = "https://tierlint.readthedocs.io/en/latest/rules/{code}/"

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
TIER_NAMES = {"exact": "Exact", "hypothesis": "Serious hypothesis", "lens": "Interpretive lens"}
OWES = {
    "exact": "owes a passing lens proof, named in the claim or its block",
    "hypothesis": "owes a citation in the claim or its block",
    "lens": "must not be clinical, nor worded as settled fact",
}
SOURCES = {
    "marker": "declared by a `<!-- tier: … -->` marker",
    "label": "declared by its block's label",
    "section": "declared by its section heading",
    "page": "the page's default (front matter `tier:`)",
    "inferred": "inferred from its wording",
}


# --- positions ----------------------------------------------------------------------------


def unit_length(text: str, encoding: str) -> int:
    """How many position units ``text`` takes in an LSP position encoding."""
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _char_units(char: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    if encoding == types.PositionEncodingKind.Utf8:
        return len(char.encode("utf-8", "surrogatepass"))
    return 2 if ord(char) > 0xFFFF else 1


@dataclass(slots=True)
class Linted:
    """A document as it was linted: its text, line index and results."""

    text: str
    lines: LineIndex
    result: FileResult

    def position(self, line: int, column: int, encoding: str) -> types.Position:
        """tierlint's 1-based (line, code-point column) → an LSP position."""
        line0 = min(max(line - 1, 0), self.lines.line_count - 1)
        start, end = self.lines.line_span(line0)
        prefix = self.text[start : min(start + max(column - 1, 0), end)]
        return types.Position(line=line0, character=unit_length(prefix, encoding))

    def range(
        self, line: int, column: int, end_line: int, end_column: int, encoding: str
    ) -> types.Range:
        return types.Range(
            start=self.position(line, column, encoding),
            end=self.position(end_line, end_column, encoding),
        )

    def offset(self, position: types.Position, encoding: str) -> int:
        """An LSP position → a code-point offset into the text (clamped to its line)."""
        if position.line >= self.lines.line_count:
            return len(self.text)
        start, end = self.lines.line_span(position.line)
        units = 0
        for i in range(start, end):
            if units >= position.character:
                return i
            units += _char_units(self.text[i], encoding)
        return end

    def claim_at(self, offset: int) -> Any | None:
        """The innermost claim whose span holds ``offset`` (its end included)."""
        best, best_len = None, None
        for claim in self.result.claims:
            start = self.lines.starts[claim.line - 1] + claim.column - 1
            end = self.lines.starts[claim.end_line - 1] + claim.end_column - 1
            if start <= offset <= end and (best_len is None or end - start < best_len):
                best, best_len = claim, end - start
        return best


def hover_markdown(claim: Any) -> str:
    """What a hover over a claim shows: its tier, where the tier comes from, the evidence."""
    if claim.tier is None:
        head = "**No tier**: nothing on the page or in the wording says how sure this claim is"
    else:
        head = f"**{TIER_NAMES[claim.tier]}** (`{claim.tier}`), {SOURCES.get(claim.source, claim.source)}"
        head += f"; it {OWES[claim.tier]}"
    lines = [head]
    if claim.evidence:
        lines += ["", "Evidence:"]
        for ev in claim.evidence:
            lines.append(f"- `{ev['cue']}` → {ev['tier']} at {ev['line']}:{ev['column']}")
    return "\n".join(lines)


# --- the server ---------------------------------------------------------------------------


class TierlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "tierlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.rule_docs_url = RULE_DOCS_URL
        self.linted: dict[str, Linted] = {}
        self._latest: dict[str, int | None] = {}
        self._linter: Linter | None = None

    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def linter(self) -> Linter:
        if self._linter is None:
            self._linter = Linter(ConfigResolver())
        return self._linter

    def reload(self) -> None:
        """Forget configs, ledgers and page indexes (the spaCy pipeline stays warm)."""
        self._linter = None

    def lint(self, uri: str) -> None:
        doc = self.workspace.get_text_document(uri)
        path = Path(doc.path) if doc.path else Path.cwd() / "untitled.md"
        text = doc.source
        linted = Linted(text, LineIndex(text), FileResult(str(path)))
        try:
            linter = self.linter()
            config = linter.resolver.for_path(path)
            if self._wanted(path, config, doc.language_id):
                display = relative_to_root(path, config.root) or str(path)
                linted.result = linter.lint_text(text, display, path, config)
            diagnostics = [self._diagnostic(linted, d, linter) for d in linted.result.diagnostics]
        except (ConfigError, InputError, LexiconError) as exc:  # PluginError is a ConfigError
            self._linter = None
            diagnostics = [
                types.Diagnostic(
                    range=types.Range(
                        start=types.Position(line=0, character=0),
                        end=types.Position(line=0, character=0),
                    ),
                    message=f"tierlint: {exc}",
                    severity=types.DiagnosticSeverity.Error,
                    source="tierlint",
                )
            ]
        self.linted[uri] = linted
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=doc.version)
        )

    @staticmethod
    def _wanted(path: Path, config: Any, language_id: str | None) -> bool:
        rel = relative_to_root(path, config.root)
        if rel is not None and matches(rel, config.exclude):
            return False
        return language_id == "markdown" or rel is None or matches(rel, config.include)

    def _diagnostic(self, linted: Linted, d: Any, linter: Linter) -> types.Diagnostic:
        rule = linter.rules.get(d.code)
        href = None
        if rule is not None and rule.plugin == "tierlint" and self.rule_docs_url:
            href = self.rule_docs_url.format(code=d.code, name=d.name)
        return types.Diagnostic(
            range=linted.range(d.line, d.column, d.end_line, d.end_column, self.encoding),
            message=d.message,
            severity=SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
            code=d.code,
            code_description=types.CodeDescription(href=href) if href else None,
            source="tierlint",
            data={"name": d.name, "tier": d.tier},
        )

    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        linted = self.linted.get(uri)
        if linted is None:
            self.lint(uri)
            linted = self.linted[uri]
        claim = linted.claim_at(linted.offset(position, self.encoding))
        if claim is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=hover_markdown(claim)
            ),
            range=linted.range(
                claim.line, claim.column, claim.end_line, claim.end_column, self.encoding
            ),
        )


def make_server() -> TierlintServer:
    server = TierlintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: TierlintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("ruleDocsUrl"), str):
            ls.rule_docs_url = options["ruleDocsUrl"]

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TierlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls._latest[params.text_document.uri] = params.text_document.version
        ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: TierlintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri, version = params.text_document.uri, params.text_document.version
        ls._latest[uri] = version
        await asyncio.sleep(DEBOUNCE)
        if ls._latest.get(uri) == version:  # no newer change arrived meanwhile
            ls.lint(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TierlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.reload()  # the ledger, proofs, configs or other pages may have changed
        for uri in list(ls.linted):
            ls.lint(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: TierlintServer, params: types.DidChangeConfigurationParams
    ) -> None:
        ls.reload()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TierlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.linted.pop(uri, None)
        ls._latest.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: TierlintServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params.text_document.uri, params.position)

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="tierlint lsp: %(levelname)s: %(message)s")
    make_server().start_io()
