"""``junit``: JUnit XML for CI test-report views: one test suite, one test case per linted
file, a ``<failure>`` per finding (an ``<error>`` for a rule that failed, TL000), and
``<skipped>`` for a file that was not linted. Characters XML 1.0 cannot hold are replaced
by U+FFFD, so the document always parses."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, TextIO

@lru_cache(maxsize=1)
def _not_xml() -> re.Pattern[str]:
    """Characters XML 1.0 cannot hold (compiled on first use: a few ms, for junit only)."""
    return re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _not_xml().sub("\ufffd", text)


def junit_tree(report: Any):
    from xml.etree import ElementTree as ET

    from ..engine import INTERNAL_ERROR

    tests = len(report.files)
    failed = sum(1 for f in report.files if any(d.code != INTERNAL_ERROR.code for d in f.diagnostics))
    errors = sum(1 for f in report.files if any(d.code == INTERNAL_ERROR.code for d in f.diagnostics))
    skipped = sum(1 for f in report.files if f.skipped)
    counts = {"tests": str(tests), "failures": str(failed), "errors": str(errors), "skipped": str(skipped)}
    root = ET.Element("testsuites", {"name": "tierlint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "tierlint", **counts})
    for result in report.files:
        case = ET.SubElement(
            suite, "testcase", {"name": _xml(result.path), "classname": "tierlint", "file": _xml(result.path)}
        )
        if result.skipped:
            ET.SubElement(case, "skipped", {"message": _xml(result.skipped)})
        for d in result.diagnostics:
            tag = "error" if d.code == INTERNAL_ERROR.code else "failure"
            element = ET.SubElement(case, tag, {"message": _xml(f"{d.code} {d.message}"), "type": d.code})
            element.text = _xml(
                f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity}] {d.name}: {d.message}"
            )
    ET.indent(root)
    return ET.ElementTree(root)


def format_junit(report: Any, out: TextIO) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    junit_tree(report).write(out, encoding="unicode")
    out.write("\n")


format_junit.document = True
