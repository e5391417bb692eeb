"""Suppression comments: ranges, next line, mid-paragraph, unknown codes reported."""

from __future__ import annotations

from conftest import codes

MIXED = "This proves the brain may run backprop (Lillicrap et al., 2020)."


def test_disable_and_enable_a_range(repo):
    repo.write(
        "a.md",
        f"<!-- tierlint: disable=TL102 -->\n{MIXED}\n\n<!-- tierlint: enable=TL102 -->\n{MIXED}\n",
    )
    payload = repo.check_json("a.md")
    assert [(d["code"], d["line"]) for d in payload["diagnostics"]] == [("TL102", 5)]


def test_disable_next_line_and_names(repo):
    repo.write("a.md", f"<!-- tierlint: disable-next-line=mixed-tier -->\n{MIXED}\n\n{MIXED}\n")
    payload = repo.check_json("a.md")
    assert [d["line"] for d in payload["diagnostics"]] == [4]


def test_mid_paragraph(repo):
    repo.write("a.md", f"{MIXED} <!-- tierlint: disable=TL102 --> {MIXED}\n")
    payload = repo.check_json("a.md")
    assert [(d["code"], d["column"]) for d in payload["diagnostics"]] == [("TL102", 6)]


def test_disable_everything(repo):
    repo.write("a.md", f"<!-- tierlint: disable -->\n{MIXED}\n")
    assert codes(repo.check_json("a.md")) == []


def test_unknown_code_is_reported_not_ignored(repo):
    repo.write("a.md", f"<!-- tierlint: disable=TL999 -->\n{MIXED}\n")
    payload = repo.check_json("a.md")
    assert codes(payload) == ["TL001", "TL102"]
    assert "TL999" in payload["diagnostics"][0]["message"]
