"""``sarif``: a SARIF 2.1.0 log, for code scanning (GitHub, GitLab, Azure DevOps, IDE viewers).

One run. ``tool.driver`` lists every rule (id, name, descriptions, help with the examples
of ``tierlint explain``, default level); each result points at its rule by id and index.
File locations are relative to the directory tierlint ran from, with forward slashes,
under ``uriBaseId`` ``%SRCROOT%`` (declared in ``originalUriBaseIds``); a file outside that
directory gets an absolute ``file:`` URI. Columns are 1-based and count Unicode code points
(``columnKind``), as everywhere in tierlint; end columns are exclusive, as SARIF wants.
``partialFingerprints`` carries the baseline fingerprint (see ``tierlint.baseline``), so
code scanning tracks a finding across edits as baselines do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/tierlint/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT = "tierlint/v1"
SRCROOT = "%SRCROOT%"


def rule_descriptor(rule: Any) -> dict[str, Any]:
    summary = rule.summary[0].upper() + rule.summary[1:] + "."
    text = f"{summary}\n\nWhy: {rule.why}\n\nFires on:\n{rule.fires}\n\nDoes not fire on:\n{rule.passes}"
    markdown = (
        f"{summary}\n\n{rule.why}\n\nFires on:\n\n```markdown\n{rule.fires}\n```\n\n"
        f"Does not fire on:\n\n```markdown\n{rule.passes}\n```"
    )
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": f"{summary} {rule.why}"},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.default_enabled},
    }


def artifact_location(path: str, cwd: Path) -> dict[str, Any]:
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(cwd)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(rel.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def result_object(d: Any, rule_index: dict[str, int], fingerprint: str, cwd: Path) -> dict[str, Any]:
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index[d.code],
        "level": LEVELS.get(d.severity, "warning"),
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(d.path, cwd),
                    "region": {
                        "startLine": d.line,
                        "startColumn": d.column,
                        "endLine": d.end_line,
                        "endColumn": d.end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }


def sarif_log(report: Any, cwd: Path | None = None) -> dict[str, Any]:
    from ..baseline import fingerprints
    from ..engine import INTERNAL_ERROR
    from ..plugins import all_rules

    cwd = Path(os.path.abspath(cwd or os.getcwd()))
    rules = [INTERNAL_ERROR, *all_rules().values()]
    rule_index = {rule.code: n for n, rule in enumerate(rules)}
    results = []
    for result in report.files:
        for d, fingerprint in zip(result.diagnostics, fingerprints(result)):
            results.append(result_object(d, rule_index, fingerprint, cwd))
    notifications = [
        {"level": "note", "message": {"text": f"{r.path}: skipped: {r.skipped}"}}
        for r in report.files
        if r.skipped
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tierlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not report.internal_errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "originalUriBaseIds": {SRCROOT: {"uri": cwd.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def format_sarif(report: Any, out: TextIO) -> None:
    json.dump(sarif_log(report), out, ensure_ascii=False, indent=2)
    out.write("\n")


format_sarif.document = True
