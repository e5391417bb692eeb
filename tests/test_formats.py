"""`check --format …`, `--statistics` and `--exit-zero`, through the CLI as users call them."""

from __future__ import annotations

import json
import re
import unicodedata
from xml.etree import ElementTree as ET

import pytest

from conftest import ROOT
from tierlint import __version__
from tierlint.formats.github import escape_data, escape_property

# One page with an error (TL301, TL402), warnings (TL102, TL302, TL401) and, with TL101
# selected, infos; a second file in a directory, so paths with a slash are compared too.
PAGE = """\
# Page

This proves the brain may run backprop (Lillicrap et al., 2020).

The cortex may run a cousin of it.

The water is cold.

This therapy will heal your trauma.
"""
OTHER = "# Other\n\nThe brain may run this (Friston; Whittington & Bogacz).\n"
SELECT = ("--select", "TL1,TL2,TL3,TL4,TL5,TL101")
FORMATS = ("text", "full", "json", "sarif", "github", "junit")
SCHEMA = ROOT.parent / "shared" / "data" / "sarif" / "sarif-schema-2.1.0.json"
LOCATION = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>TL\d{3}) ")


@pytest.fixture
def pages(repo):
    repo.write("a.md", PAGE)
    repo.write("docs/b.md", OTHER)
    return repo


def run(repo, fmt: str, *args: str):
    result = repo.run("check", "--format", fmt, *SELECT, *args, "a.md", "docs")
    assert result.exit_code == 1, result.output
    return result.stdout


def findings(fmt: str, out: str) -> set[tuple[str, int, int, str]]:
    """(path, line, column, code) of every finding in one format's output."""
    if fmt in ("text", "full"):
        return {
            (m["path"], int(m["line"]), int(m["col"]), m["code"])
            for m in map(LOCATION.match, out.splitlines())
            if m
        }
    if fmt == "json":
        return {(d["path"], d["line"], d["column"], d["code"]) for d in json.loads(out)["diagnostics"]}
    if fmt == "sarif":
        found = set()
        for r in json.loads(out)["runs"][0]["results"]:
            loc = r["locations"][0]["physicalLocation"]
            found.add((loc["artifactLocation"]["uri"], loc["region"]["startLine"], loc["region"]["startColumn"], r["ruleId"]))
        return found
    if fmt == "github":
        found = set()
        for line in out.splitlines():
            props = dict(p.split("=", 1) for p in line.split(" ", 1)[1].split("::")[0].split(","))
            found.add((props["file"], int(props["line"]), int(props["col"]), props["title"].split()[0]))
        return found
    if fmt == "junit":
        root = ET.fromstring(out)
        found = set()
        for failure in root.iter("failure"):
            m = LOCATION.match(failure.text)
            found.add((m["path"], int(m["line"]), int(m["col"]), m["code"]))
        return found
    raise AssertionError(fmt)


def severities(fmt: str, out: str) -> list[str]:
    """The severity of each finding, in tierlint's words, in output order."""
    if fmt == "full":
        return re.findall(r"^\S+:\d+:\d+: TL\d+ \[(\w+)\]", out, re.MULTILINE)
    if fmt == "json":
        return [d["severity"] for d in json.loads(out)["diagnostics"]]
    if fmt == "sarif":
        levels = {"error": "error", "warning": "warning", "note": "info"}
        return [levels[r["level"]] for r in json.loads(out)["runs"][0]["results"]]
    if fmt == "github":
        commands = {"error": "error", "warning": "warning", "notice": "info"}
        return [commands[line[2:].split(" ", 1)[0]] for line in out.splitlines()]
    raise AssertionError(fmt)


def test_every_format_reports_the_same_findings(pages):
    outputs = {fmt: run(pages, fmt) for fmt in FORMATS}
    expected = findings("json", outputs["json"])
    assert {code for *_, code in expected} >= {"TL101", "TL102", "TL301", "TL302", "TL401", "TL402"}
    assert ("docs/b.md", 3, 25, "TL302") in expected
    for fmt in FORMATS:
        assert findings(fmt, outputs[fmt]) == expected, fmt
    json_severities = severities("json", outputs["json"])
    assert set(json_severities) == {"error", "warning", "info"}
    for fmt in ("full", "sarif", "github"):
        assert severities(fmt, outputs[fmt]) == json_severities, fmt


def test_unknown_format_lists_the_new_ones(repo):
    result = repo.run("check", "--format", "xml", ".")
    assert result.exit_code == 2
    for fmt in FORMATS:
        assert fmt in result.stderr


def test_help_documents_formats_and_options(repo):
    out = repo.run("check", "--help").output
    for word in (*FORMATS, "--statistics", "--exit-zero", "--baseline", "--write-baseline", "--diff-base"):
        assert word in out


def test_json_keeps_exactly_the_spec_keys(pages):
    payload = json.loads(run(pages, "json"))
    assert set(payload) == {"tierlint", "diagnostics", "summary"}
    for d in payload["diagnostics"]:
        assert set(d) == {
            "path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message", "tier",
        }


# -- sarif


def test_sarif_validates_against_the_oasis_schema(pages):
    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SCHEMA} (CI clones shared/ beside the repository)")
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(run(pages, "sarif"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(log)


def test_sarif_rules_results_and_regions(pages):
    log = json.loads(run(pages, "sarif"))
    diagnostics = json.loads(run(pages, "json"))["diagnostics"]
    assert log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "tierlint" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    rules = driver["rules"]
    for rule in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"} <= set(rule)
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert next(r for r in rules if r["id"] == "TL101")["defaultConfiguration"]["level"] == "note"
    results = sarif_run["results"]
    assert len(results) == len(diagnostics)
    for result, d in zip(results, diagnostics):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == d["code"]
        assert result["message"]["text"] == d["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": d["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {
            "startLine": d["line"], "startColumn": d["column"], "endLine": d["end_line"], "endColumn": d["end_column"],
        }
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["tierlint/v1"])
    assert len({r["partialFingerprints"]["tierlint/v1"] for r in results}) == len(results)


def test_sarif_uri_is_relative_with_forward_slashes_and_percent_encoded(repo):
    repo.write("my docs/a b.md", "The brain may run this (Friston; Whittington & Bogacz).\n")
    result = repo.run("check", "--format", "sarif", ".")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(result.stdout)["runs"][0]["results"]}
    assert uris == {"my%20docs/a%20b.md"}


# -- github


def test_github_annotations(pages):
    lines = run(pages, "github").splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    tl302 = next(line for line in lines if "TL302" in line)
    assert tl302.startswith("::warning file=docs/b.md,line=3,col=25,endLine=3,endColumn=54,title=TL302 incomplete-citation::")
    assert tl302.endswith("::'Friston; Whittington & Bogacz' names authors but no year, venue, DOI or link; add the year (Friston 2010) or the reference")
    assert any(line.startswith("::notice file=a.md,line=7,") and "TL101" in line for line in lines)


def test_github_escapes_properties_and_message(repo):
    repo.write("50%, a:b.md", "The brain may run this (Friston; Whittington & Bogacz).\n")
    result = repo.run("check", "--format", "github", "--select", "TL302", ".")
    (line,) = result.stdout.splitlines()
    assert line.startswith("::warning file=50%25%2C a%3Ab.md,line=1,")
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext%3A a%2C b"


def test_github_leaves_columns_off_an_annotation_spanning_lines(repo):
    repo.write("a.md", "- Exact — the math is one recipe,\n  term for term.\n")
    result = repo.run("check", "--format", "github", "a.md")
    (line,) = result.stdout.splitlines()
    assert line.startswith("::error file=a.md,line=1,endLine=2,title=TL201 exact-without-proof::")


# -- junit


def test_junit_parses_one_testcase_per_file_one_failure_per_finding(pages):
    pages.write("clean.md", "# Clean\n")
    pages.write("bin.md", b"\x00\x01binary")
    result = pages.run("check", "--format", "junit", *SELECT, ".")
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout)
    (suite,) = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"a.md", "docs/b.md", "clean.md", "bin.md"}
    assert suite.get("tests") == "4" and suite.get("failures") == "2" and suite.get("skipped") == "1"
    assert cases["clean.md"].find("failure") is None
    assert cases["bin.md"].find("skipped") is not None
    total = len(json.loads(pages.run("check", "--format", "json", *SELECT, ".").stdout)["diagnostics"])
    assert sum(len(case.findall("failure")) for case in cases.values()) == total
    failure = next(f for f in cases["docs/b.md"].iter("failure") if f.get("type") == "TL302")
    assert "Whittington & Bogacz" in failure.get("message")
    assert failure.text.startswith("docs/b.md:3:25: TL302 [warning] incomplete-citation: ")


def test_junit_escapes_markup_and_characters_xml_cannot_hold(repo):
    repo.write("a<&>\x1b.md", "The brain may run this (Friston; Whittington & Bogacz).\n")
    result = repo.run("check", "--format", "junit", ".")
    root = ET.fromstring(result.stdout)  # parses: & < > escaped, ESC replaced
    (case,) = root.iter("testcase")
    assert case.get("name") == "a<&>\ufffd.md"


# -- full


def cells(text: str) -> int:
    """Terminal cells of ``text`` (no tabs): wide characters 2, combining marks 0."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text
    )


def snippet_of(out: str, code: str) -> list[str]:
    """The lines of the ``full`` block for the first finding with ``code``."""
    blocks = out.split("\n\n")
    block = next(b for b in blocks if re.match(rf"\S+:\d+:\d+: {code} ", b))
    return block.splitlines()


def test_full_puts_markers_under_the_span_on_a_non_ascii_line(repo):
    # wide characters (東京), a combining accent (e + U+0301), a euro sign and a tab before the span
    line = "東京 cafe\u0301 3 € —\tthe brain may run this (Friston; Whittington & Bogacz)."
    repo.write("a.md", f"# Page\n\n{line}\n")
    result = repo.run("check", "--format", "full", "a.md")
    assert result.exit_code == 1
    header, gutter, source, marker, closing = snippet_of(result.stdout, "TL302")
    assert header.startswith("a.md:3:") and " TL302 [warning] incomplete-citation: " in header
    assert gutter == closing == "  |"
    assert source.startswith("3 | 東京 cafe\u0301 3 € —") and "\t" not in source
    shown = source[len("3 | "):]
    marks = marker[len("  | "):]
    start = cells(shown[: shown.index("Friston")])
    assert marks == " " * start + "^" * len("Friston; Whittington & Bogacz")
    # the tab reaches the next multiple of 4 cells
    assert cells(shown[: shown.index("the brain")]) % 4 == 0


def test_full_marks_every_line_of_a_span_and_shows_the_severity(repo):
    repo.write("a.md", "# Page\n\n- Exact — the math is one recipe,\n  term for term.\n")
    result = repo.run("check", "--format", "full", "a.md")
    lines = snippet_of(result.stdout, "TL201")
    assert lines[0].startswith("a.md:3:3: TL201 [error] exact-without-proof: ")
    assert lines[1:] == [
        "  |",
        "3 | - Exact — the math is one recipe,",
        "  |   " + "^" * len("Exact — the math is one recipe,"),
        "4 |   term for term.",
        "  |   " + "^" * len("term for term."),
        "  |",
    ]
    assert result.stdout.rstrip().endswith("Found 1 problem (1 error, 0 warnings, 0 infos) in 1 file.")


# -- statistics and exit-zero


def test_statistics_count_per_rule_most_frequent_first(pages):
    pages.write("c.md", "The cortex may run a cousin of it.\n\nThe sea may dream of it.\n")
    result = pages.run("check", "--statistics", ".")
    assert result.exit_code == 1
    findings_part, stats_part = result.stdout.split("\n\n")
    assert findings_part.splitlines()[-1].startswith("Found ")
    rows = [line.split() for line in stats_part.splitlines()]
    assert rows[0] == ["4", "TL301", "hypothesis-without-citation"]
    counts = [int(row[0]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    payload = json.loads(pages.run("check", "--format", "json", ".").stdout)
    assert sum(counts) == len(payload["diagnostics"])
    assert {row[1] for row in rows} == {d["code"] for d in payload["diagnostics"]}


def test_statistics_leave_json_output_parseable(pages):
    result = pages.run("check", "--format", "json", "--statistics", ".")
    json.loads(result.stdout)
    assert "TL301" in result.stderr and "hypothesis-without-citation" in result.stderr


def test_statistics_print_nothing_when_clean(repo):
    repo.write("a.md", "# Clean\n")
    result = repo.run("check", "--statistics", "a.md")
    assert result.exit_code == 0 and result.stdout.startswith("All clear") and len(result.stdout.splitlines()) == 1


def test_exit_zero(pages):
    result = pages.run("check", "--exit-zero", ".")
    assert result.exit_code == 0 and "TL301" in result.stdout
    result = pages.run("check", "--exit-zero", "missing.md")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_full_cuts_a_long_line_around_the_span(repo):
    words = " ".join(f"word{n}" for n in range(40))
    repo.write("a.md", f"{words} and the brain may run this (Friston; Whittington & Bogacz) {words}.\n")
    result = repo.run("check", "--format", "full", "--select", "TL302", "a.md")
    _, _, source, marker, _ = snippet_of(result.stdout, "TL302")
    shown = source[len("1 | "):]
    assert shown.startswith("…") and shown.endswith("…") and cells(shown) <= 100
    marks = marker[len("  | "):]
    assert marks == " " * cells(shown[: shown.index("Friston")]) + "^" * len("Friston; Whittington & Bogacz")


@pytest.fixture
def failing_rule(monkeypatch):
    """TL402 raises, as a buggy rule would (the engine reports it as TL000)."""
    from dataclasses import replace

    from tierlint.plugins import all_rules

    def boom(ctx):
        raise RuntimeError("boom")

    rules = all_rules()
    monkeypatch.setitem(rules, "TL402", replace(rules["TL402"], check=boom))


def test_a_failing_rule_exits_2_even_with_exit_zero_baseline_or_any_format(pages, failing_rule):
    for fmt in FORMATS:
        result = pages.run("check", "--exit-zero", "--format", fmt, "a.md")
        assert result.exit_code == 2 and "TL000" in result.stdout and "a rule failed" in result.stderr, fmt
    assert pages.run("check", "--write-baseline", "base.json", "a.md").exit_code == 2
    assert not (pages.root / "base.json").exists()


def test_the_lazy_builtin_writers_say_which_formats_are_documents():
    """The registry imports each format's module on first use; the ``document`` flag it
    declares must match the one the module itself sets."""
    from importlib import import_module

    from tierlint.formats.builtin import _FORMATS, tierlint_formats

    writers = tierlint_formats()
    for name, (module, function, _) in _FORMATS.items():
        real = getattr(import_module(f"tierlint.formats.{module}"), function)
        assert getattr(writers[name], "document", False) == getattr(real, "document", False), name
