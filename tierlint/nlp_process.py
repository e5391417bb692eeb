"""spaCy in a helper process, so that its start-up overlaps reading the pages.

Importing spaCy and building the pipeline takes about half a second, and a pre-commit hook
on one page is mostly that wait. With two or more cores, ``check`` forks a helper as soon
as it knows some page must be read: the helper imports spaCy and builds the pipeline while
this process parses the pages, splits their claims and compiles the citation patterns.
Then the claims' texts go to the helper, and what its components found (tier cues and
clinical wording) comes back: the findings are the same as with the pipeline in this
process (tests/test_nlp_process.py runs both).

Only the components' results cross: cues travel as their entry's index in the tier
lexicon, which both processes build from the same files and rule packs. Anything that goes
wrong in the helper (it dies, cannot import spaCy, sends garbage) makes what
:func:`submit` returns answer None, and the pipeline in this process takes over, so a run never fails or loses a result for it.
``TIERLINT_NLP_PROCESS=0`` turns the helper off.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from typing import Any, Callable

from .resources import Packs

_HEADER = struct.Struct("!Q")
_PATIENCE_S = 600  # far beyond spaCy's start-up and the largest page's claims
_HELPER: "Helper | None" = None
_ALLOWED = False


def allow() -> None:
    """Let this process fork a helper: the console script calls this, a program that
    calls ``tierlint.cli.main`` itself (a test runner, a language server) does not."""
    global _ALLOWED
    _ALLOWED = True


def wanted() -> bool:
    """Whether a helper would pay off here: the console script runs, fork exists, two
    cores or more, spaCy is not imported yet, and the environment does not turn it off."""
    return (
        _ALLOWED
        and hasattr(os, "fork")
        and (os.cpu_count() or 1) >= 2
        and "spacy" not in sys.modules
        and os.environ.get("TIERLINT_NLP_PROCESS", "1") != "0"
    )


def start() -> None:
    """Fork the helper (when :func:`wanted`); it starts building the pipeline at once."""
    global _HELPER
    if _HELPER is None and wanted():
        try:
            _HELPER = Helper()
        except OSError:
            _HELPER = None


def stop() -> None:
    global _HELPER
    if _HELPER is not None:
        _HELPER.close()
        _HELPER = None


def submit(texts: list[str], packs: Packs) -> "Callable[[], list[dict[str, Any]] | None] | None":
    """Hand the texts to the helper now; the returned function waits for its answer (None
    when it failed). None when there is no helper."""
    helper = _HELPER
    if helper is None:
        return None
    try:
        helper.ask(texts, packs)
    except Exception:
        _give_up(helper)
        return None

    def answer() -> list[dict[str, Any]] | None:
        try:
            return helper.answer(len(texts), packs)
        except Exception:  # a dead or confused helper: never worse than no helper
            _give_up(helper)
            return None

    return answer


def _give_up(helper: "Helper") -> None:
    global _HELPER
    helper.close()
    if _HELPER is helper:
        _HELPER = None


class Helper:
    def __init__(self) -> None:
        to_child_r, to_child_w = os.pipe()
        to_parent_r, to_parent_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the helper: never returns
            os.close(to_child_w)
            os.close(to_parent_r)
            _serve(to_child_r, to_parent_w)
        os.close(to_child_r)
        os.close(to_parent_w)
        self.pid = pid
        self.send = os.fdopen(to_child_w, "wb")
        self.recv = os.fdopen(to_parent_r, "rb")

    def ask(self, texts: list[str], packs: Packs) -> None:
        """Send the texts from a thread: a pipe holds 64 KB, and the helper reads only once
        spaCy is imported, so a large page's texts would hold this process up meanwhile."""
        import threading

        self.sent: BaseException | None = None

        def send() -> None:
            try:
                _write(self.send, (packs, texts))
            except BaseException as exc:  # told in answer(), which then gives up
                self.sent = exc

        self.sender = threading.Thread(target=send, name="tierlint-nlp-send", daemon=True)
        self.sender.start()

    def answer(self, count: int, packs: Packs) -> list[dict[str, Any]]:
        import select

        self.sender.join(_PATIENCE_S)
        if self.sender.is_alive() or self.sent is not None:
            raise RuntimeError(f"could not send the texts to the helper: {self.sent!r}")
        # a helper that hangs is given up on (and the pipeline here takes over)
        if not select.select([self.recv], [], [], _PATIENCE_S)[0]:
            raise TimeoutError(f"no answer from the helper in {_PATIENCE_S} s")
        status, payload = _read(self.recv)
        if status != "ok" or len(payload) != count:
            raise RuntimeError(f"helper: {payload!r}"[:200])
        from .clinical import CLINICAL, ClinicalHit
        from .tiers import CUES, Cue, cue_entries

        entries = cue_entries(packs) if packs else cue_entries()
        out = []
        for cues, hits in payload:
            out.append(
                {
                    CUES: [
                        Cue(s, e, ts, te, text, entries[i], negated, signals)
                        for s, e, ts, te, text, i, negated, signals in cues
                    ],
                    CLINICAL: [ClinicalHit(*hit) for hit in hits],
                }
            )
        return out

    def close(self) -> None:
        """End the helper at once, whatever it is doing (a helper still importing spaCy for
        a run that turned out to need none is not waited for)."""
        import signal

        for stream in (self.send, self.recv):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        # reaped if it is gone already; else not waited for (tearing down a process that
        # holds spaCy takes a few milliseconds): the console script ends right after, and
        # whatever ends a process reaps its children
        try:
            os.waitpid(self.pid, os.WNOHANG)
        except OSError:
            pass


def _serve(requests: int, replies: int) -> None:
    """The helper's life: build the shipped pipeline, then answer until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly with the parent
    code = 0
    try:
        inbox, outbox = os.fdopen(requests, "rb"), os.fdopen(replies, "wb")
        from .nlp import pipeline

        pipeline(())
        while True:
            try:
                packs, texts = _read(inbox)
            except EOFError:
                break
            try:
                reply = ("ok", _found(texts, packs))
            except Exception as exc:  # reported, and the parent falls back
                reply = ("error", f"{type(exc).__name__}: {exc}")
            _write(outbox, reply)
            _reap()  # a second helper's exit, waited for once the answer is on its way
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no buffers of the parent flushed twice


# Texts of at least this many characters in one request (a page of a megabyte) are shared
# with a second helper, forked from this one with spaCy ready: two cores tokenize nearly
# twice as fast, and the fork costs a few milliseconds. (Small requests are not worth it.)
_SHARE_CHARS = 200_000
_SHARES = 16  # parts of a shared request, taken in turn by whichever helper is free


def _found(texts: list[str], packs: Packs) -> list[tuple[list, list]]:
    """What the components find in each text, in order (see :func:`_portable`)."""
    from .nlp import _anchors, annotations

    def work(part: list[str]) -> list[tuple[list, list]]:
        return [_portable(found, packs) for found in annotations(part, packs)]

    total = sum(map(len, texts))
    if total < _SHARE_CHARS or (os.cpu_count() or 1) < 2:
        return work(texts)
    _anchors(packs)  # built once here, not again in each helper after the fork
    parts = _parts(texts, total, _SHARES)
    try:
        queue_r, queue_w = os.pipe()
        os.write(queue_w, bytes(range(len(parts))))  # one byte per part: a queue to take from
        os.close(queue_w)
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return work(texts)

    def take() -> dict[int, list[tuple[list, list]]]:
        done = {}
        while True:
            got = os.read(queue_r, 1)  # one byte at a time: atomic between the two helpers
            if not got:
                return done
            start, end = parts[got[0]]
            done[got[0]] = work(texts[start:end])

    if pid == 0:  # the second helper: parts until none is left, then gone
        code = 0
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                _write(out, take())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    done = take()
    os.close(queue_r)
    try:
        with os.fdopen(read_end, "rb") as inbox:
            theirs = _read(inbox)
        if isinstance(theirs, dict):
            done.update(theirs)
    except Exception:
        pass  # a second helper that failed: its parts are done here, below
    finally:
        _SECOND_HELPERS.append(pid)
    out: list[tuple[list, list]] = []
    for i, (start, end) in enumerate(parts):
        found = done.get(i)
        if not isinstance(found, list) or len(found) != end - start:
            found = work(texts[start:end])
        out.extend(found)
    return out


_SECOND_HELPERS: list[int] = []  # to wait for once the answer they helped with is sent


def _reap() -> None:
    while _SECOND_HELPERS:
        try:
            os.waitpid(_SECOND_HELPERS.pop(), 0)
        except OSError:
            pass


def _parts(texts: list[str], total: int, count: int) -> list[tuple[int, int]]:
    """``texts`` cut into about ``count`` runs of similar length in characters: (start,
    end) indexes, in order, none empty."""
    parts, start, seen, step = [], 0, 0, max(1, total // count)
    for i, text in enumerate(texts):
        seen += len(text)
        if seen >= step * (len(parts) + 1) and i + 1 < len(texts):
            parts.append((start, i + 1))
            start = i + 1
    parts.append((start, len(texts)))
    return parts


def _portable(found: dict[str, Any], packs: Packs) -> tuple[list, list]:
    from .clinical import CLINICAL
    from .tiers import CUES, cue_entries

    found_cues, found_hits = found.get(CUES), found.get(CLINICAL)
    if not found_cues and not found_hits:
        return [], []  # most claims: nothing to carry over
    index = _entry_index(cue_entries(packs) if packs else cue_entries())
    cues = [
        (c.start, c.end, c.tok_start, c.tok_end, c.text, index[id(c.entry)], c.negated, c.signals)
        for c in found_cues or ()
    ]
    hits = [(h.code, h.start, h.end, h.cue, h.category) for h in found_hits or ()]
    return cues, hits


_INDEXES: dict[int, dict[int, int]] = {}


def _entry_index(entries: tuple[Any, ...]) -> dict[int, int]:
    index = _INDEXES.get(id(entries))
    if index is None:
        index = _INDEXES[id(entries)] = {id(e): i for i, e in enumerate(entries)}
    return index


def _write(stream: Any, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read(stream: Any) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)
