"""Reading a concept page: Markdown → blocks, with exact positions and a masked text.

The page is parsed by markdown-it-py (CommonMark + GFM tables, YAML front matter and
footnotes). Every prose block keeps its character span in the original file. Beside the
original text the page keeps ``masked``: a string of the same length in which everything
that is not prose — front matter, code, URLs, link targets, HTML, container markers
(``>``, list bullets), emphasis delimiters — is replaced by placeholder characters.
Inline code and URLs become runs of ``x`` (so they still read as one word and a period
inside them never ends a sentence); the rest becomes spaces. Line terminators are kept,
so an offset in ``masked`` is the same offset in the file, and positions are never
recovered by searching the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .positions import LineIndex

CODE_MASK = "x"

_TIER_WORDS = {
    "exact": "exact",
    "hypothesis": "hypothesis",
    "serious hypothesis": "hypothesis",
    "serious-hypothesis": "hypothesis",
    "lens": "lens",
    "interpretive lens": "lens",
    "interpretive-lens": "lens",
}


def tier_id(word: str) -> str | None:
    """The tier id a marker or front-matter value names, or None when it names none."""
    return _TIER_WORDS.get(" ".join(word.lower().split()))


@dataclass(slots=True)
class Comment:
    """An HTML comment: ``body`` is its inner text, stripped."""

    start: int
    end: int
    body: str


@dataclass(slots=True)
class InlineCode:
    start: int
    end: int
    text: str  # the code span's content, without its backticks


@dataclass(slots=True)
class Link:
    start: int  # the span of the link's text (or of the bare URL)
    end: int
    dest: str


@dataclass(slots=True)
class Block:
    """A leaf block of prose: a paragraph (possibly in a list item, quote or footnote),
    a heading, or a table row."""

    kind: str  # "paragraph" | "heading" | "table_row" | "table_header"
    start: int
    end: int
    group: int  # blocks sharing a group form one "block" for the rules (a list item, a row)
    level: int = 0  # heading level
    marker: str | None = None  # tier set by a preceding <!-- tier: … --> marker
    list_item: bool = False
    first_in_group: bool = True
    footnote: str | None = None  # the label, inside a footnote definition
    codes: list[InlineCode] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


@dataclass(slots=True)
class Problem:
    """Something wrong with the page itself (bad front matter, unknown marker)."""

    kind: str  # "front-matter" | "unknown-marker"
    start: int
    end: int
    message: str


@dataclass(slots=True)
class Page:
    path: str
    text: str
    masked: str
    lines: LineIndex
    front_matter: dict[str, Any]
    blocks: list[Block]
    comments: list[Comment]
    footnotes: dict[str, list[Block]]
    references: dict[str, str]  # link reference definitions: label → destination
    problems: list[Problem]


# --- the parser -------------------------------------------------------------------------

_PARSERS: dict[tuple[bool, bool, bool], Any] = {}


def prepare_parser() -> None:
    """Import the Markdown parser ahead of the first page (``engine`` does it while spaCy
    starts in a helper process)."""
    import markdown_it  # noqa: F401


def _parser(text: str) -> Any:
    """The block parser for ``text``, with only the syntax it can hold: the table rule runs
    on every line, so a page without "|" is parsed without it (likewise footnotes without
    "[^" and front matter without "---" on the first line). Same tokens, less work."""
    first_line = text.split("\n", 1)[0]
    key = ("|" in text, "[^" in text, "---" in first_line)
    md = _PARSERS.get(key)
    if md is None:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark", {"maxNesting": 40})
        table, footnotes, front_matter = key
        if table:
            md.enable("table")
        if front_matter:
            from mdit_py_plugins.front_matter import front_matter_plugin

            md.use(front_matter_plugin)
        if footnotes:
            from mdit_py_plugins.footnote import footnote_plugin

            md.use(footnote_plugin)
        # Only the block structure is read: inline markup is masked by this module from the
        # raw inline content, so the parser's inline pass (a third of its time) is skipped.
        # Without footnote_tail, each footnote definition stays in place between
        # footnote_reference_open/close, referenced or not.
        md.disable(["inline", "text_join"] + (["footnote_tail"] if footnotes else []))
        _PARSERS[key] = md
    return md


_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_CHECKBOX = re.compile(r"\[[ xX]\][ \t]+")
_MAX_ALIASES = 10  # front matter needs few, if any; a "billion laughs" needs dozens


def _aliases(text: str) -> int:
    """How many aliases (``*name``) a YAML text uses, counted without building it."""
    if "*" not in text:
        return 0
    import yaml

    return sum(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text, Loader=yaml.SafeLoader))
_TIER_DIRECTIVE = re.compile(r"^tier\s*:\s*(.*?)\s*$", re.S | re.I)


def parse_page(text: str, path: str = "<string>") -> Page:
    """Parse ``text`` (already decoded, BOM removed) into a :class:`Page`."""
    lines = LineIndex(text)
    env: dict[str, Any] = {}
    tokens = _parser(text).parse(text, env)
    builder = _Builder(text, lines, env)
    builder.walk(tokens)
    references = {
        label: ref.get("href", "") for label, ref in env.get("references", {}).items()
    }
    footnotes: dict[str, list[Block]] = {}
    for block in builder.blocks:
        if block.footnote is not None:
            footnotes.setdefault(block.footnote, []).append(block)
    return Page(
        path=path,
        text=text,
        masked=builder.masked(),
        lines=lines,
        front_matter=builder.front_matter,
        blocks=[b for b in builder.blocks if b.footnote is None],
        comments=builder.comments,
        footnotes=footnotes,
        references=references,
        problems=builder.problems,
    )


class _Builder:
    """Walks markdown-it's token stream once, collecting blocks and masked pieces."""

    def __init__(self, text: str, lines: LineIndex, env: dict[str, Any]) -> None:
        self.text = text
        self.lines = lines
        self.env = env
        self.blocks: list[Block] = []
        self.comments: list[Comment] = []
        self.problems: list[Problem] = []
        self.front_matter: dict[str, Any] = {}
        self.pieces: list[tuple[int, str]] = []  # (start, masked text) of prose regions
        self._group = 0

    # -- walking
    def walk(self, tokens) -> None:
        groups: list[int] = []  # open list items and table rows
        item_seen: list[bool] = []  # whether the open list item already has a block
        pending_marker: str | None = None  # from a marker comment, for the next block
        scope: list[tuple[str, int]] = []  # (marker, nesting level) being applied
        footnote: str | None = None
        in_thead = in_cell = False
        row_cells: list[str] = []
        row_map = None
        for tok in tokens:
            kind = tok.type
            if kind == "front_matter":
                self._front_matter(tok)
                continue
            if kind == "html_block":
                pending_marker = self._html_block(tok) or pending_marker
                continue
            if kind.endswith("_close") and scope and scope[-1][1] == tok.level:
                scope.pop()
            if kind.endswith("_open"):
                if pending_marker and kind in _MARKABLE:
                    scope.append((pending_marker, tok.level))
                    pending_marker = None
                if kind == "list_item_open":
                    groups.append(self._new_group())
                    item_seen.append(False)
                elif kind == "footnote_reference_open":
                    footnote = str(tok.meta.get("label"))
                elif kind == "thead_open":
                    in_thead = True
                elif kind == "tr_open":
                    row_cells, row_map = [], tok.map
                elif kind == "heading_open":
                    self._heading_level = int(tok.tag[1:])
                elif kind in ("th_open", "td_open"):
                    in_cell = True
                continue
            if kind == "list_item_close":
                groups.pop()
                item_seen.pop()
            elif kind == "footnote_reference_close":
                footnote = None
            elif kind == "thead_close":
                in_thead = False
            elif kind == "tr_close" and row_map is not None:
                marker = scope[-1][0] if scope else None
                self._table_row(row_map[0], row_cells, in_thead, marker)
            elif kind in ("th_close", "td_close"):
                in_cell = False
            elif kind == "heading_close":
                self._heading_level = 0
            elif kind == "inline":
                if in_cell:  # a table cell: the row is read whole at tr_close
                    row_cells.append(tok.content)
                    continue
                marker = scope[-1][0] if scope else None
                self._inline(tok, marker, groups, item_seen, footnote)
        # a marker with nothing after it simply has no effect

    def _new_group(self) -> int:
        self._group += 1
        return self._group

    # -- pieces of the page
    def _front_matter(self, tok) -> None:
        import yaml

        start_line = tok.map[0]
        try:
            if _aliases(tok.content) > _MAX_ALIASES:
                start, end = self.lines.line_span(start_line)
                self.problems.append(
                    Problem("front-matter", start, end, "front matter uses too many YAML aliases; not read")
                )
                return
            data = yaml.safe_load(tok.content) if tok.content.strip() else {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line0 = start_line + 1 + (mark.line if mark is not None else 0)
            line0 = min(line0, self.lines.line_count - 1)
            start, end = self.lines.line_span(line0)
            problem = getattr(exc, "problem", None) or "cannot be read"
            self.problems.append(
                Problem("front-matter", start, end, f"front matter is not valid YAML: {problem}")
            )
            return
        if isinstance(data, dict):
            self.front_matter = data
        else:
            start, end = self.lines.line_span(start_line)
            self.problems.append(
                Problem("front-matter", start, end, "front matter is not a mapping of keys")
            )

    def _html_block(self, tok) -> str | None:
        """Record the comments of an HTML block; return the tier a marker sets, if any."""
        start = self.lines.starts[tok.map[0]]
        end = self.lines.ends[tok.map[1] - 1]
        marker = None
        for comment in self._comments_in(start, end):
            marker = self._marker(comment) or marker
        return marker

    def _comments_in(self, start: int, end: int) -> list[Comment]:
        found = []
        for m in _COMMENT.finditer(self.text, start, end):
            comment = Comment(m.start(), m.end(), m.group(1).strip())
            self.comments.append(comment)
            found.append(comment)
        return found

    def _marker(self, comment: Comment) -> str | None:
        m = _TIER_DIRECTIVE.match(comment.body)
        if not m:
            return None
        tier = tier_id(m.group(1))
        if tier is None:
            self.problems.append(
                Problem(
                    "unknown-marker",
                    comment.start,
                    comment.end,
                    f"unknown tier {m.group(1)!r} in a tier marker"
                    " (use exact, hypothesis or lens)",
                )
            )
        return tier

    def _inline(self, tok, marker, groups, item_seen, footnote) -> None:
        content_lines = tok.content.split("\n")
        first = tok.map[0]
        spans = []
        for i, content in enumerate(content_lines):
            line0 = first + i
            if line0 >= self.lines.line_count:
                break
            span = self._align(line0, content)
            if span is not None:
                spans.append(span)
        if not spans:
            return
        kind = "heading" if self._heading_level else "paragraph"
        in_item = bool(groups) and kind == "paragraph"
        group = groups[-1] if in_item else self._new_group()
        first_in_group = True
        if in_item:
            first_in_group = not item_seen[-1]
            item_seen[-1] = True
            if first_in_group:  # a task list's checkbox is markup: "- [x] Check the ledger."
                box = _CHECKBOX.match(self.text, spans[0][0], spans[0][1])
                if box and box.end() < spans[0][1]:
                    spans[0] = (box.end(), spans[0][1])
        block = Block(
            kind=kind,
            start=spans[0][0],
            end=spans[-1][1],
            group=group,
            level=self._heading_level,
            marker=marker if kind == "paragraph" else None,
            list_item=in_item,
            first_in_group=first_in_group,
            footnote=footnote,
        )
        self._paint(block, spans)
        self.blocks.append(block)

    def _align(self, line0: int, content: str) -> tuple[int, int] | None:
        """The span of one content line inside its source line: container prefixes and
        indentation were stripped by the parser, so the content is the line's tail."""
        start, end = self.lines.line_span(line0)
        source = self.text[start:end]
        content = content.rstrip()
        source_stripped = source.rstrip()
        if not content:
            return None
        if source_stripped.endswith(content):
            s = start + len(source_stripped) - len(content)
            return s, s + len(content)
        at = source.find(content.strip())
        if at >= 0:
            s = start + at
            return s, s + len(content.strip())
        return None

    def _table_row(self, line0: int, cells: list[str], header: bool, marker) -> None:
        if line0 >= self.lines.line_count:
            return
        start, end = self.lines.line_span(line0)
        source = self.text[start:end]
        # the row runs from its first cell's text to its last cell's, outer pipes left out
        left = len(source) - len(source.lstrip(" \t>"))
        body = source[left:].rstrip()
        if body.startswith("|"):
            left += 1
        right = left + len(source[left:].rstrip())
        if source[:right].endswith("|") and not source[:right].endswith("\\|"):
            right -= 1
        while left < right and source[left] in " \t":
            left += 1
        while right > left and source[right - 1] in " \t":
            right -= 1
        if left >= right:
            return
        block = Block(
            kind="table_header" if header else "table_row",
            start=start + left,
            end=start + right,
            group=self._new_group(),
            marker=marker,
        )
        self._paint(block, [(block.start, block.end)])
        self.blocks.append(block)

    # -- masking
    def _paint(self, block: Block, spans: list[tuple[int, int]]) -> None:
        """Copy the block's prose into the masked text and mask its inline non-prose."""
        base = _blank(self.text[block.start : block.end])
        parts, pos = [], 0
        for s, e in spans:
            s, e = s - block.start, e - block.start
            if s < pos:  # spans come in order and apart; be safe when they do not
                s = pos
            if e <= s:
                continue
            parts.append(base[pos:s])
            parts.append(self.text[block.start + s : block.start + e])
            pos = e
        parts.append(base[pos:])
        seg = _mask_inline(self, block, "".join(parts))
        self.pieces.append((block.start, seg))

    def masked(self) -> str:
        out = []
        pos = 0
        for start, seg in sorted(self.pieces, key=lambda p: p[0]):
            if start < pos:  # never happens with a well-formed token stream; be safe
                seg = seg[pos - start :]
                start = pos
            if start > pos:
                out.append(_blank(self.text[pos:start]))
            out.append(seg)
            pos = start + len(seg)
        out.append(_blank(self.text[pos:]))
        return "".join(out)

    # set while walking, read by _inline: the level of the heading being read, else 0
    _heading_level = 0


_MARKABLE = {
    "paragraph_open",
    "bullet_list_open",
    "ordered_list_open",
    "table_open",
    "blockquote_open",
    "heading_open",
}
_NOT_LINE_END = re.compile(r"[^\r\n]")
_LINE_RUN = re.compile(r"[^\r\n]+")


def _blank(s: str) -> str:
    """``s`` with every character but line ends turned into a space (same length)."""
    if "\n" not in s and "\r" not in s:
        return " " * len(s)
    return _LINE_RUN.sub(lambda m: " " * (m.end() - m.start()), s)


# --- inline masking ---------------------------------------------------------------------

_BACKTICKS = re.compile(r"`+")
# Every repetition is bounded (link text 500, destinations 512, titles 200 characters …):
# hostile input ("[a](" a million times) must not make a pattern rescan the whole block
# from every position.
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]{0,512}|[^\s<>@]{1,128}@[^\s<>]{1,256})>")
_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,512}\)")
_INLINE_LINK = re.compile(
    r"\[((?:[^\[\]\n]|\[[^\[\]\n]{0,100}\]){0,500})\]\(\s{0,8}"
    r"(<[^>\n]{0,512}>|(?:[^\s()\[\]<>]|\([^\s()]{0,100}\)){0,512}+)"
    r"(\s{1,8}(?:\"[^\"]{0,200}\"|'[^']{0,200}'|\([^)]{0,200}\)))?\s{0,8}\)"
)
_REF_LINK = re.compile(
    r"\[((?:[^\[\]\n^@]|\[[^\[\]\n]{0,100}\])(?:[^\[\]\n]|\[[^\[\]\n]{0,100}\]){0,500})\]"
    r"\[([^\[\]\n]{0,200})\]"
)
_SHORTCUT = re.compile(r"(?<![\]\\])\[([^\[\]\n^@][^\[\]\n]{0,200})\](?![\[(:])")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`]{1,2000}", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,64}(?:\s[^<>]{0,1000})?/?>")
_EMPHASIS = re.compile(r"\*+|~~|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
_URL_TRAILING = ".,;:!?'\")]*_"


def _apply(seg: str, masks: list[tuple[int, int, str]]) -> str:
    """``seg`` with each (start, end, char) region masked, line ends kept: one pass, so a
    block with a hundred thousand code spans costs no more than its length."""
    if not masks:
        return seg
    out, pos = [], 0
    for s, e, ch in sorted(masks):
        if s < pos:
            s = pos
        if s >= e:
            continue
        out.append(seg[pos:s])
        out.append(_NOT_LINE_END.sub(ch, seg[s:e]))
        pos = e
    out.append(seg[pos:])
    return "".join(out)


def _mask_inline(builder: _Builder, block: Block, seg: str) -> str:
    base = block.start
    text = builder.text
    # each step runs only when its opening character is in the block at all
    # 1. code spans: a run of n backticks closes at the next run of exactly n
    pos = 0
    masks: list[tuple[int, int, str]] = []
    while "`" in seg:
        m = _BACKTICKS.search(seg, pos)
        if not m:
            break
        n = len(m.group())
        close = None
        for c in _BACKTICKS.finditer(seg, m.end()):
            if len(c.group()) == n:
                close = c
                break
        if close is None:
            pos = m.end()
            continue
        if m.start() > 0 and seg[m.start() - 1] == "\\":
            pos = m.end()
            continue
        content = text[base + m.end() : base + close.start()]
        content = content.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        if len(content) > 1 and content[0] == " " and content[-1] == " " and content.strip():
            content = content[1:-1]
        block.codes.append(InlineCode(base + m.start(), base + close.end(), content))
        masks.append((m.start(), close.end(), CODE_MASK))
        pos = close.end()
    seg = _apply(seg, masks)
    if "<" in seg:
        seg = _mask_html(builder, block, seg)
    if "[" in seg:
        seg = _mask_links(builder, block, seg)
    # 5. bare URLs
    if "://" in seg or "www." in seg or "WWW." in seg:
        seg = _mask_urls(block, seg)
    # 6. inline HTML tags (after links: "<dest>" is a link's destination) and emphasis
    if "<" in seg:
        seg = _HTML_TAG.sub(lambda m: _blank(m.group()), seg)
    if "*" in seg or "_" in seg or "~" in seg:
        seg = _EMPHASIS.sub(lambda m: _blank(m.group()), seg)
    block.links.sort(key=lambda link: link.start)
    return seg


def _mask_html(builder: _Builder, block: Block, seg: str) -> str:
    base = block.start
    # 2. inline HTML comments: read (markers, suppressions), never linted
    for m in _COMMENT.finditer(seg):
        comment = Comment(base + m.start(), base + m.end(), m.group(1).strip())
        builder.comments.append(comment)
        block.comments.append(comment)
        builder._marker(comment)  # reports an unknown tier
    seg = _COMMENT.sub(lambda m: _blank(m.group()), seg)
    # 3. autolinks and images
    for m in _AUTOLINK.finditer(seg):
        block.links.append(Link(base + m.start(), base + m.end(), m.group()[1:-1]))
    return _AUTOLINK.sub(lambda m: _NOT_LINE_END.sub(CODE_MASK, m.group()), seg)


def _mask_links(builder: _Builder, block: Block, seg: str) -> str:
    base = block.start
    text = builder.text
    seg = _IMAGE.sub(lambda m: _blank(m.group()), seg)
    # 4. links: keep the text, mask the brackets and the destination
    masks: list[tuple[int, int, str]] = []
    for m in _INLINE_LINK.finditer(seg):
        dest = text[base + m.start(2) : base + m.end(2)].strip("<>")
        block.links.append(Link(base + m.start(1), base + m.end(1), dest))
        masks += [
            (m.start(), m.start(1), " "),
            (m.end(1), m.end(1) + 2, " "),
            (m.start(2), m.end(2), CODE_MASK),
            (m.end(2), m.end(), " "),
        ]
    seg = _apply(seg, masks)
    refs = builder.env.get("references", {})
    for pattern, label_of in (
        (_REF_LINK, lambda m: m.group(2).strip() or m.group(1)),  # [text][ref], [text][]
        (_SHORTCUT, lambda m: m.group(1)),  # [ref]
    ):
        masks = []
        for m in pattern.finditer(seg):
            ref = refs.get(_normalize_label(label_of(m)))
            if ref is None:
                continue
            block.links.append(Link(base + m.start(1), base + m.end(1), ref.get("href", "")))
            masks += [(m.start(), m.start(1), " "), (m.end(1), m.end(), " ")]
        seg = _apply(seg, masks)
    return seg


def _mask_urls(block: Block, seg: str) -> str:
    base = block.start
    masks: list[tuple[int, int, str]] = []
    for m in _BARE_URL.finditer(seg):
        url = m.group()
        while url and url[-1] in _URL_TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) < 5:
            continue
        start = m.start()
        block.links.append(Link(base + start, base + start + len(url), url))
        masks.append((start, start + len(url), CODE_MASK))
    return _apply(seg, masks)


def _normalize_label(label: str) -> str:
    from markdown_it.common.utils import normalizeReference

    return normalizeReference(label)
