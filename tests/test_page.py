"""Page reading: spans, positions and masking stay exact (CRLF, BOM, tabs, non-ASCII)."""

from __future__ import annotations

import pytest

from tierlint.claims import extract_claims
from tierlint.files import decode
from tierlint.page import parse_page


def claims_of(text: str):
    page = parse_page(text)
    return page, extract_claims(page)


def test_masked_text_keeps_length_and_line_ends():
    text = "---\ntitle: x\r\n---\r\nSome `code.here()` and https://a.b/c.d prose.\r\n"
    page = parse_page(text)
    assert len(page.masked) == len(text)
    assert [i for i, c in enumerate(page.masked) if c in "\r\n"] == [
        i for i, c in enumerate(text) if c in "\r\n"
    ]


def test_code_urls_and_front_matter_are_masked():
    text = "---\ntier: lens\n---\nSee `may.cure()` at https://x.org/a.b and [the paper](https://doi.org/10.1/x).\n"
    page = parse_page(text)
    assert "tier" not in page.masked
    assert "cure" not in page.masked and "doi" not in page.masked
    assert "the paper" in page.masked  # link text is prose
    block = page.blocks[0]
    assert [c.text for c in block.codes] == ["may.cure()"]
    assert [link.dest for link in block.links] == ["https://x.org/a.b", "https://doi.org/10.1/x"]


def test_html_comments_are_read_not_linted():
    page = parse_page("<!-- tierlint: disable=TL401 -->\nA claim <!-- note: cure --> here.\n")
    assert [c.body for c in page.comments] == ["tierlint: disable=TL401", "note: cure"]
    assert "cure" not in page.masked


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_positions_with_any_line_ending(newline):
    text = newline.join(["# Title", "", "First claim here. Second one may hold.", ""])
    page, claims = claims_of(text)
    assert [c.text for c in claims] == ["First claim here.", "Second one may hold."]
    assert page.lines.position(claims[1].start) == (3, 19)


def test_bom_is_not_a_column():
    text = decode("\ufeffFirst claim. Second claim.\n".encode("utf-8"))
    page, claims = claims_of(text)
    assert page.lines.position(claims[0].start) == (1, 1)
    assert page.lines.position(claims[1].start) == (1, 14)


def test_tabs_and_non_ascii_columns_count_characters():
    text = "-\tÉcoute — the gap ≠ zero. Wᵀ carries it back.\n"
    page, claims = claims_of(text)
    assert [c.text for c in claims] == ["Écoute — the gap ≠ zero.", "Wᵀ carries it back."]
    assert page.lines.position(claims[0].start) == (1, 3)
    assert page.lines.position(claims[1].start) == (1, 28)


def test_claim_text_is_the_source_span_with_markup():
    text = "> **Serious hypothesis:** the brain *may* do it.\n> Second line (Smith, 2020).\n"
    page, claims = claims_of(text)
    assert len(claims) == 2
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
    assert claims[0].text == "**Serious hypothesis:** the brain *may* do it."


def test_a_claim_after_an_inline_html_comment_starts_after_it():
    """A suppression comment mid-paragraph is not part of the sentence next to it."""
    text = (
        'Typed with a dropped "e". <!-- tierlint: disable=TL401 -->They describe it as'
        ' "a gentle therapy".<!-- tierlint: enable=TL401 --> Nobody would print that now.\n'
    )
    _, claims = claims_of(text)
    assert [c.text for c in claims] == [
        'Typed with a dropped "e".',
        'They describe it as "a gentle therapy".',
        "Nobody would print that now.",
    ]


def test_list_items_nested_and_lazy_lines():
    text = "1. First item claim.\n   Still first item.\n2. Second item.\n   - nested claim.\n"
    page, claims = claims_of(text)
    assert [c.text for c in claims] == [
        "First item claim.",
        "Still first item.",
        "Second item.",
        "nested claim.",
    ]
    assert claims[0].block.group == claims[1].block.group != claims[2].block.group


def test_table_rows_are_claims_and_header_is_not():
    text = "| A | B |\n|---|---|\n| forward pass | living forward |\n| loss | the felt gap |\n"
    page, claims = claims_of(text)
    assert [c.text for c in claims] == ["forward pass | living forward", "loss | the felt gap"]


def test_a_table_row_of_figures_is_a_claim_but_a_paragraph_of_them_is_not():
    text = "| year | sown |\n|---|---|\n| 2022 | 48 |\n| --- | `x` |\n\n2022 – 48.\n"
    page, claims = claims_of(text)
    assert [c.text for c in claims] == ["2022 | 48"]


def test_headings_code_blocks_and_footnote_definitions_are_not_claims():
    text = (
        "# A heading.\n\n```\nnot. a. claim.\n```\n\n    indented code.\n\n"
        "Real claim[^1].\n\n[^1]: Smith 2020.\n\n[ref]: https://example.org\n"
    )
    page, claims = claims_of(text)
    assert [c.text for c in claims] == ["Real claim[^1]."]
    assert list(page.footnotes) == ["1"]
    assert page.references == {"REF": "https://example.org"}


def test_questions_are_flagged():
    _, claims = claims_of("Is this backprop? *Isn't it?* It is.\n")
    assert [c.question for c in claims] == [True, True, False]


def test_invalid_front_matter_is_a_problem_on_its_line_and_the_page_is_still_read():
    text = "---\ntitle: ok\nbad: [unclosed\n---\nA claim may follow.\n"
    page, claims = claims_of(text)
    assert [p.kind for p in page.problems] == ["front-matter"]
    assert page.lines.position(page.problems[0].start)[0] in (3, 4)
    assert [c.text for c in claims] == ["A claim may follow."]


def test_unknown_tier_marker_is_a_problem():
    page = parse_page("<!-- tier: certain -->\nA claim.\n")
    assert [p.kind for p in page.problems] == ["unknown-marker"]


def test_reference_links_resolve_to_their_definitions():
    page = parse_page("See [the paper][lil], [lil] and [x][].\n\n[lil]: https://doi.org/1\n[x]: http://x.org\n")
    assert [link.dest for link in page.blocks[0].links] == ["https://doi.org/1", "https://doi.org/1", "http://x.org"]
    assert "the paper" in page.masked and "[" not in page.masked


def test_a_page_parsed_with_only_the_syntax_it_holds_gives_the_same_blocks(monkeypatch):
    """The parser skips the table, footnote and front-matter rules when a page cannot hold
    them: every corpus page must come out the same as with all rules on."""
    from pathlib import Path

    import tierlint.page as page_module

    def shape(page):
        return [(b.kind, b.start, b.end, b.group) for b in page.blocks], page.masked

    pages = sorted(Path(__file__).resolve().parent.parent.joinpath("corpus").rglob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in pages]
    texts.append("No table here | but a pipe.\n\nNor a footnote [^ but a caret.\n")
    chosen = [shape(page_module.parse_page(t)) for t in texts]
    full = page_module._parser("|[^---")  # every rule on
    monkeypatch.setattr(page_module, "_parser", lambda text: full)
    assert [shape(page_module.parse_page(t)) for t in texts] == chosen
