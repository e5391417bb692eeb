"""Plugins: an outside package, installed for real, adds a rule and a proof resolver.

The example package is the one in docs/writing-a-plugin.md (its files are read from the
page), built with pip (no network: ``--no-build-isolation`` uses the hatchling of the test
extra) into a target folder that the tierlint subprocesses see through PYTHONPATH. That
works the same in any virtual environment, ``.venv`` in CI included.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tierlint import hookspecs, plugins

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "writing-a-plugin.md"
TIMEOUT = 120

PAGE = """\
# Fruit

The loss landscape is a banana.

A `banana` in code is no claim, and neither is [this one](https://example.org/banana).
"""

PROOF_PAGE = """\
# The update

1. Exact — the update is one recipe, proven equal in `orchard-lens.fk`.
"""


def _guide_files() -> dict[str, str]:
    """The files of the example package: each fenced block after `<!-- file: NAME -->`."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)\n```\n", text, re.DOTALL)
    return {name: body + "\n" for name, body in found}


def _install(src: Path, files: dict[str, str], target: Path) -> Path:
    for name, body in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-deps", "--no-build-isolation", "--no-index", "--target", str(target), str(src),
        ],
        capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return target


def _pyproject(name: str, module: str, entry: str) -> str:
    return (
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        f'[project]\nname = "{name}"\nversion = "0.1.0"\n\n'
        f'[project.entry-points.tierlint]\n{entry} = "{module}"\n'
    )


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("plugins")
    files = _guide_files()
    assert set(files) == {"pyproject.toml", "tierlint_banana/__init__.py"}
    return {
        "banana": _install(base / "banana-src", files, base / "banana-site"),
        "broken": _install(
            base / "broken-src",
            {
                "pyproject.toml": _pyproject("tierlint-broken", "tierlint_broken", "broken"),
                "tierlint_broken/__init__.py": "import fruit_that_does_not_exist\n",
            },
            base / "broken-site",
        ),
        "typo": _install(
            base / "typo-src",
            {
                "pyproject.toml": _pyproject("tierlint-typo", "tierlint_typo", "typo"),
                "tierlint_typo/__init__.py": (
                    "from tierlint.hookspecs import hookimpl\n\n\n"
                    "@hookimpl\ndef tierlint_rule():\n    return []\n"
                ),
            },
            base / "typo-site",
        ),
    }


def tierlint(*args: str, cwd: Path, site: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "tierlint", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip


def test_plugin_rule_fires_on_claims_only(repo, sites):
    repo.write(".tierlint.yaml", "select: [TL0, TL1, TL2, TL3, TL4, TL5, TLX]\n")
    repo.write("page.md", PAGE)
    proc = tierlint("check", "page.md", cwd=repo.root, site=sites["banana"])
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0] == (
        "page.md:3:25: TLX01 'banana' in a claim: say what the fruit stands for"
    )
    payload = json.loads(
        tierlint("check", "--format", "json", "page.md", cwd=repo.root, site=sites["banana"]).stdout
    )
    assert [(d["code"], d["name"], d["line"]) for d in payload["diagnostics"]] == [("TLX01", "banana", 3)]


def test_plugin_rule_answers_to_select_suppression_and_explain(repo, sites):
    page = repo.write("page.md", PAGE.replace("The loss", "<!-- tierlint: disable-next-line=banana -->\nThe loss"))
    proc = tierlint("check", "--select", "TLX01", page.name, cwd=repo.root, site=sites["banana"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    explained = tierlint("explain", "banana", cwd=repo.root, site=sites["banana"])
    assert explained.returncode == 0
    assert explained.stdout.startswith("TLX01 banana [warning]")
    # without the plugin, the code is unknown
    proc = tierlint("check", "--select", "TLX01", page.name, cwd=repo.root)
    assert proc.returncode == 2
    assert "'TLX01' matches no rule" in proc.stderr


def test_rules_lists_the_plugin_rule_under_the_plugin_name(repo, sites):
    proc = tierlint("rules", cwd=repo.root, site=sites["banana"])
    assert proc.returncode == 0
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()}
    assert rows["TLX01"].split()[:3] == ["TLX01", "banana", "warning"]
    assert "TL301" in rows  # the built-ins are still there
    owner = subprocess.run(
        [
            sys.executable, "-c",
            "from tierlint.plugins import all_rules as r; print(r()['TLX01'].plugin, r()['TL301'].plugin)",
        ],
        env=dict(os.environ, PYTHONPATH=str(sites["banana"])),
        capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert owner.stdout.split() == ["banana", "tierlint"]


def test_plugin_proof_resolver_decides_before_the_ledger(repo, sites):
    repo.write("page.md", PROOF_PAGE)
    repo.write("proofs/orchard-lens.fk", "(proof)\n")
    repo.write("proofs/orchard-lens.fk.band", "1111\n")

    alone = tierlint("check", "page.md", cwd=repo.root)  # the ledger has no entry for it
    assert alone.returncode == 1
    assert "TL203 orchard-lens.fk has no result in lens-proofs.yaml" in alone.stdout

    proc = tierlint("check", "page.md", cwd=repo.root, site=sites["banana"])
    assert proc.returncode == 0, proc.stdout
    proofs = tierlint("proofs", "--format", "json", cwd=repo.root, site=sites["banana"])
    assert proofs.returncode == 0
    [row] = json.loads(proofs.stdout)["proofs"]
    assert (row["state"], row["band"], row["mode"]) == ("passing", "1111", "orchard")

    repo.write("proofs/orchard-lens.fk.band", "1101\n")
    proc = tierlint("check", "page.md", cwd=repo.root, site=sites["banana"])
    assert proc.returncode == 1
    assert "TL203 orchard-lens.fk fails in orchard (band 1101)" in proc.stdout


def test_a_plugin_that_fails_to_import_is_one_line_and_exit_2(repo, sites):
    repo.write("page.md", PAGE)
    for args in (["check", "page.md"], ["rules"], ["explain", "TL301"]):
        proc = tierlint(*args, cwd=repo.root, site=sites["broken"])
        assert proc.returncode == 2, args
        assert proc.stdout == ""
        assert proc.stderr.splitlines() == [
            (
                "tierlint: plugin 'broken' (tierlint-broken 0.1.0, tierlint_broken) failed to load:"
                " ModuleNotFoundError: No module named 'fruit_that_does_not_exist'"
            )
        ], args
    # plugins load lazily: commands that need no rules still work
    proc = tierlint("--version", cwd=repo.root, site=sites["broken"])
    assert proc.returncode == 0 and "tierlint" in proc.stdout


def test_a_plugin_with_an_unknown_hook_is_refused(repo, sites):
    repo.write("page.md", PAGE)
    proc = tierlint("check", "page.md", cwd=repo.root, site=sites["typo"])
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith("tierlint: plugin 'typo': unknown hook 'tierlint_rule'")


def test_every_declared_hook_is_called_and_builtins_use_the_hooks():
    declared = sorted(n for n in vars(hookspecs) if n.startswith("tierlint_"))
    assert declared == ["tierlint_formats", "tierlint_proof_state", "tierlint_rules"]
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tierlint").rglob("*.py")
        if p.name != "hookspecs.py"
    )
    for name in declared:
        assert f"hook.{name}(" in source or f'_results("{name}")' in source, name

    pm = plugins.manager()
    pm.check_pending()  # every built-in implementation has a spec
    rule_owners = {impl.plugin_name for impl in pm.hook.tierlint_rules.get_hookimpls()}
    assert {"tierlint.checks.tiering", "tierlint.checks.proofs"} <= rule_owners
    format_owners = {impl.plugin_name for impl in pm.hook.tierlint_formats.get_hookimpls()}
    assert "tierlint.formats.builtin" in format_owners <= set(plugins.BUILTIN)
    assert all(rule.plugin == "tierlint" for rule in plugins.all_rules().values())


def test_the_entry_point_scan_finds_a_declaring_distribution_and_defers_on_a_zip(tmp_path, monkeypatch):
    """Without a ``[tierlint]`` section anywhere, importlib.metadata is not consulted; a
    distribution that declares one, or a zip on sys.path, sends the lookup through it."""
    plain = tmp_path / "plain"
    (plain / "other-1.0.dist-info").mkdir(parents=True)
    (plain / "other-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
    monkeypatch.setattr(sys, "path", [str(plain), str(tmp_path / "missing")])
    assert plugins._declared_anywhere() is False
    declaring = tmp_path / "declaring" / "fruit-0.1.dist-info"
    declaring.mkdir(parents=True)
    (declaring / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n\n[ tierlint ]\nfruit = fruit\n")
    monkeypatch.setattr(sys, "path", [str(plain), str(declaring.parent)])
    assert plugins._declared_anywhere() is True
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    monkeypatch.setattr(sys, "path", [str(plain), str(archive)])
    assert plugins._declared_anywhere() is True
