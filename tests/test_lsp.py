"""`tierlint lsp`: a real language-server session over stdio, driven by pygls's own client.

The server runs as ``python -m tierlint lsp`` in a temporary content repository; the test
opens a page, reads the published diagnostics, edits the page, reads them again and hovers
over claims. Every wait is bounded, so a hung server fails the test instead of the run.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from tierlint import lsp
from tierlint.positions import LineIndex

STEP = 60  # seconds any one step may take (the first lint loads spaCy)

PAGE = (
    "# The brain and backprop\n"
    "\n"
    "1. Serious hypothesis — 🧠 the brain may do something backprop-like"
    " (Friston; Whittington & Bogacz).\n"
    "\n"
    "Cortex may run a cousin of it (Lillicrap et al. 2020).\n"
)


def test_units_count_utf16_code_units_for_non_bmp_characters():
    assert lsp.unit_length("a🧠b", types.PositionEncodingKind.Utf16) == 4
    assert lsp.unit_length("a🧠b", types.PositionEncodingKind.Utf32) == 3
    assert lsp.unit_length("a🧠b", types.PositionEncodingKind.Utf8) == 6
    assert lsp.unit_length("é", types.PositionEncodingKind.Utf16) == 1


@pytest.mark.parametrize(
    "encoding, character",
    [
        (types.PositionEncodingKind.Utf16, 4),
        (types.PositionEncodingKind.Utf32, 3),
        (types.PositionEncodingKind.Utf8, 6),
    ],
)
def test_positions_round_trip_through_each_encoding(encoding, character):
    text = "x\r\n🧠 ab🧠c\n"
    linted = lsp.Linted(text, LineIndex(text), None)
    # line 2, column 4 (1-based code points) is the 'b' before the second brain
    pos = linted.position(2, 4, encoding)
    assert (pos.line, pos.character) == (1, character)
    assert text[linted.offset(pos, encoding)] == "b"


def test_lsp_without_pygls_says_how_to_install_it(tmp_path):
    code = "import sys; sys.modules['pygls'] = None\nfrom tierlint.cli import main\nmain(['lsp'])"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=STEP
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "tierlint: the language server needs pygls: pip install 'tierlint[lsp]'"
    ]


class Session:
    """A client talking to `python -m tierlint lsp`; published diagnostics land in a queue."""

    def __init__(self) -> None:
        self.client = LanguageClient("tierlint-tests", "0")
        self.published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait(params)

    async def start(self, cwd: Path, encodings: list[str] | None = None) -> types.InitializeResult:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        await asyncio.wait_for(
            self.client.start_io(
                sys.executable, "-m", "tierlint", "lsp", "--stdio", cwd=str(cwd), env=env
            ),
            STEP,
        )
        general = (
            types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None
        )
        result = await asyncio.wait_for(
            self.client.initialize_async(
                types.InitializeParams(
                    process_id=os.getpid(),
                    root_uri=from_fs_path(str(cwd)),
                    capabilities=types.ClientCapabilities(general=general),
                )
            ),
            STEP,
        )
        self.client.initialized(types.InitializedParams())
        return result

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        while True:
            params = await asyncio.wait_for(self.published.get(), STEP)
            if params.uri == uri:
                return list(params.diagnostics)

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), STEP)
            self.client.exit(None)
        finally:
            await asyncio.wait_for(self.client.stop(), STEP)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 4 * STEP))


def _by_code(diagnostics):
    return {d.code: d for d in diagnostics}


def test_session_publishes_updates_and_hovers(repo):
    page = repo.write("page.md", PAGE)
    uri = from_fs_path(str(page))

    async def session():
        s = Session()
        init = await s.start(repo.root)
        assert init.capabilities.hover_provider
        assert init.capabilities.position_encoding == types.PositionEncodingKind.Utf16
        try:
            s.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="markdown", version=1, text=PAGE
                    )
                )
            )
            first = _by_code(await s.diagnostics(uri))
            assert set(first) == {"TL301", "TL302"}
            tl302 = first["TL302"]
            # tierlint puts it at 3:69 (code points); the brain emoji before it is 2 UTF-16 units
            assert (tl302.range.start.line, tl302.range.start.character) == (2, 69)
            assert (tl302.range.end.line, tl302.range.end.character) == (2, 98)
            assert tl302.severity == types.DiagnosticSeverity.Warning
            assert tl302.source == "tierlint"
            assert tl302.code_description.href == lsp.RULE_DOCS_URL.format(
                code="TL302", name="incomplete-citation"
            )
            assert first["TL301"].severity == types.DiagnosticSeverity.Error

            # an incremental edit: give the citation its year
            line = PAGE.splitlines()[2]
            start = line.index("(Friston")
            old = "(Friston; Whittington & Bogacz)"
            s.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(
                                start=types.Position(line=2, character=start + 1),  # +1: the emoji
                                end=types.Position(line=2, character=start + 1 + len(old)),
                            ),
                            text="(Whittington & Bogacz, 2017)",
                        )
                    ],
                )
            )
            assert await s.diagnostics(uri) == []

            # hover over "may" in the last paragraph: an inferred hypothesis with its cue
            hover = await asyncio.wait_for(
                s.client.text_document_hover_async(
                    types.HoverParams(
                        text_document=types.TextDocumentIdentifier(uri=uri),
                        position=types.Position(line=4, character=8),
                    )
                ),
                STEP,
            )
            text = hover.contents.value
            assert "**Serious hypothesis** (`hypothesis`)" in text
            assert "inferred from its wording" in text
            assert "- `may` → hypothesis at 5:8" in text
            assert (hover.range.start.line, hover.range.start.character) == (4, 0)

            # hover over the labelled claim, right of the emoji
            hover = await asyncio.wait_for(
                s.client.text_document_hover_async(
                    types.HoverParams(
                        text_document=types.TextDocumentIdentifier(uri=uri),
                        position=types.Position(line=2, character=30),
                    )
                ),
                STEP,
            )
            assert "declared by its block's label" in hover.contents.value
            assert "Serious hypothesis —" in hover.contents.value

            # no claim under a heading
            hover = await asyncio.wait_for(
                s.client.text_document_hover_async(
                    types.HoverParams(
                        text_document=types.TextDocumentIdentifier(uri=uri),
                        position=types.Position(line=0, character=3),
                    )
                ),
                STEP,
            )
            assert hover is None

            # a page that breaks the config: one clear diagnostic, and the server lives on
            repo.write(".tierlint.yaml", "selct: [TL3]\n")
            s.client.text_document_did_save(
                types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
            broken = await s.diagnostics(uri)
            assert len(broken) == 1 and "unknown key 'selct'" in broken[0].message

            repo.write(".tierlint.yaml", "select: [TL3]\n")
            s.client.text_document_did_save(
                types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
            assert await s.diagnostics(uri) == []

            s.client.text_document_did_close(
                types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)
                )
            )
            assert await s.diagnostics(uri) == []
        finally:
            await s.stop()

    run(session())


def test_session_speaks_utf32_when_the_client_prefers_it(repo):
    page = repo.write("page.md", PAGE)
    uri = from_fs_path(str(page))

    async def session():
        s = Session()
        init = await s.start(repo.root, encodings=[types.PositionEncodingKind.Utf32])
        assert init.capabilities.position_encoding == types.PositionEncodingKind.Utf32
        try:
            s.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="markdown", version=1, text=PAGE
                    )
                )
            )
            tl302 = _by_code(await s.diagnostics(uri))["TL302"]
            assert (tl302.range.start.line, tl302.range.start.character) == (2, 68)
        finally:
            await s.stop()

    run(session())
