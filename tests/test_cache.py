"""The content cache: hits, what invalidates an entry, faults degrade to no cache."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import codes

PAGE = "1. Exact — one recipe, proven in `gap.fk`.\n2. Serious hypothesis — the cortex may do it.\n"


def entries(repo) -> list:
    return sorted((repo.root / ".tierlint_cache").rglob("*.json"))


def test_second_run_reads_the_cache_and_gives_the_same_answer(repo):
    repo.write("a.md", PAGE)
    first = repo.check_json("a.md")
    assert len(entries(repo)) == 1
    second = repo.check_json("a.md")
    assert first == second and codes(first) == ["TL202", "TL301"]


def test_a_fully_cached_run_never_imports_spacy(repo):
    repo.write("a.md", PAGE)
    repo.check_json("a.md")
    code = (
        "import sys; from tierlint.cli import main\n"
        "try:\n    main(['check', 'a.md'])\nexcept SystemExit as e:\n"
        "    print('spacy' in sys.modules, e.code, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=repo.root, capture_output=True, text=True)
    assert proc.stderr.strip().endswith("False 1"), proc.stderr


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda r: r.write("a.md", PAGE + "3. Lens — read this way, it cures anxiety.\n"), ["TL203", "TL301", "TL401"]),
        (lambda r: r.write(".tierlint.yaml", "ignore: [TL301]\n"), ["TL203"]),
        (lambda r: r.write("lens-proofs.yaml", 'gap.fk: {band: "11"}\n'), ["TL301"]),
        (lambda r: r.write("refs.bib", "@article{k, title={x}}\n"), ["TL203", "TL301"]),
    ],
)
def test_anything_the_results_depend_on_invalidates(repo, change, expected):
    repo.write("gap.fk", "proof\n")
    repo.write("a.md", PAGE)
    repo.check_json("a.md")
    change(repo)
    assert codes(repo.check_json("a.md")) == expected


def test_a_changed_proof_file_makes_its_band_stale(repo):
    import hashlib

    repo.write("gap.fk", "proof\n")
    digest = hashlib.sha256(b"proof\n").hexdigest()
    repo.write("lens-proofs.yaml", f'gap.fk: {{band: "11", sha256: "{digest}"}}\n')
    repo.write("a.md", PAGE)
    assert codes(repo.check_json("a.md")) == ["TL301"]
    repo.write("gap.fk", "proof, edited\n")
    assert codes(repo.check_json("a.md")) == ["TL204", "TL301"]


def test_a_new_page_resolves_a_dangling_concept(repo):
    repo.write("a.md", "The loop closes (`lc-gap`).\n")
    assert codes(repo.check_json("a.md")) == ["TL501"]
    repo.write("lc-gap.md", "The gap.\n")
    assert codes(repo.check_json("a.md")) == []


def test_no_cache_and_cache_dir(repo, tmp_path_factory):
    repo.write("a.md", PAGE)
    repo.check_json("--no-cache", "a.md")
    assert entries(repo) == []
    elsewhere = tmp_path_factory.mktemp("cache")
    repo.check_json("--cache-dir", str(elsewhere), "a.md")
    assert entries(repo) == [] and len(list(elsewhere.rglob("*.json"))) == 1


def test_a_corrupt_entry_warns_once_and_the_answer_stays_right(repo):
    repo.write("a.md", PAGE)
    expected = repo.check_json("a.md")
    (entry,) = entries(repo)
    entry.write_text("{not json", encoding="utf-8")
    result = repo.run("check", "--format", "json", "a.md")
    assert json.loads(result.stdout) == expected
    assert result.stderr.count("warning: cache disabled") == 1


def test_an_unwritable_cache_degrades_to_no_cache(repo):
    repo.write("a.md", PAGE)
    repo.write("blocker", "a file where the cache folder should be\n")
    result = repo.run("check", "--format", "json", "--cache-dir", "blocker/cache", "a.md")
    assert result.exit_code == 1 and codes(json.loads(result.stdout)) == ["TL202", "TL301"]
    assert result.stderr.count("warning: cache disabled") == 1


def test_concurrent_runs_agree(repo):
    for i in range(30):
        repo.write(f"p{i}.md", PAGE + f"Page {i} may differ.\n")
    expected = repo.check_json("--no-cache", ".")
    cmd = [sys.executable, "-m", "tierlint", "check", "--format", "json", "."]
    procs = [subprocess.Popen(cmd, cwd=repo.root, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert all(out == expected for out in outputs)
    assert repo.check_json(".") == expected  # and what they cached is right


def test_output_does_not_depend_on_jobs_or_file_order(repo):
    for i in range(60):
        repo.write(f"d{59 - i}/p{i}.md", PAGE + f"Page {i} may differ; it cures anxiety.\n")
    one = repo.check_json("--no-cache", "--jobs", "1", ".")
    two = repo.check_json("--no-cache", "--jobs", "2", ".")
    auto = repo.check_json("--no-cache", ".")
    assert one == two == auto
    shuffled = sorted((p.relative_to(repo.root).as_posix() for p in repo.root.rglob("p*.md")), reverse=True)
    listed = repo.check_json("--no-cache", *shuffled)
    key = lambda d: (d["path"], d["line"], d["column"], d["code"])  # noqa: E731
    assert sorted(listed["diagnostics"], key=key) == sorted(one["diagnostics"], key=key)


# --- the manifest: a large run knows unchanged files by their stat signature -------------

MANY = 40  # above engine.MANIFEST_MIN_FILES


def _many_pages(repo, settled: bool = True) -> list:
    import os
    import time

    paths = []
    for n in range(MANY):
        path = repo.write(f"pages/p{n:02d}.md", f"Page {n}. The cortex may do it.\n")
        if settled:  # written long enough ago for its stat signature to be trusted
            old = time.time() - 60
            os.utime(path, (old, old))
        paths.append(path)
    return paths


def _reads(monkeypatch) -> list:
    import tierlint.engine

    read = []
    real = tierlint.engine.read_bytes

    def counting(path):
        read.append(str(path))
        return real(path)

    monkeypatch.setattr(tierlint.engine, "read_bytes", counting)
    return read


def test_a_large_unchanged_run_reads_no_page(repo, monkeypatch):
    _many_pages(repo)
    first = repo.check_json("pages")
    assert (repo.root / ".tierlint_cache" / "manifest.json").is_file()
    read = _reads(monkeypatch)
    assert repo.check_json("pages") == first
    assert read == []


def test_a_page_edited_since_is_read_again_even_with_its_old_mtime(repo, monkeypatch):
    import os

    paths = _many_pages(repo)
    repo.check_json("pages")
    st = os.stat(paths[3])
    # same size, same modification time: only the change time (which no one can set back) moved
    paths[3].write_text("It cures insomnia.".ljust(st.st_size - 1) + "\n")
    os.utime(paths[3], ns=(st.st_atime_ns, st.st_mtime_ns))
    read = _reads(monkeypatch)
    payload = repo.check_json("pages")
    assert [p for p in read if p.endswith("p03.md")] and len(read) == 1
    assert "TL401" in codes(payload)


def test_pages_just_written_are_not_trusted_by_their_signature(repo, monkeypatch):
    _many_pages(repo, settled=False)
    repo.check_json("pages")
    manifest = repo.root / ".tierlint_cache" / "manifest.json"
    # too fresh: a write within the clock's tick could hide behind an unchanged signature
    assert not manifest.exists() or json.loads(manifest.read_text())["files"] == {}
    read = _reads(monkeypatch)
    repo.check_json("pages")
    assert len(read) == MANY  # read again, and answered from the content-keyed entries


def test_a_corrupt_or_foreign_manifest_is_ignored(repo):
    _many_pages(repo)
    first = repo.check_json("pages")
    manifest = repo.root / ".tierlint_cache" / "manifest.json"
    for junk in ("{not json", '{"format": 999}', "[]", '{"format": 2, "salt": "x"}'):
        manifest.write_text(junk)
        result = repo.run("check", "--format", "json", "pages")
        assert json.loads(result.stdout) == first and "warning" not in result.stderr


def test_a_result_survives_the_compact_entry_format(repo):
    """Entries keep diagnostics and claims as rows of field values: every field comes back."""
    from pathlib import Path

    from tierlint.cache import result_from_json, result_to_json
    from tierlint.engine import FileResult

    repo.write("a.md", PAGE)
    payload = repo.check_json("a.md")
    from tierlint.diagnostics import Diagnostic

    diags = [Diagnostic(**d) for d in payload["diagnostics"]]
    result = FileResult("a.md", diags, [], file=Path("a.md"), root_path="a.md", claim_count=2)
    back = result_from_json(json.loads(json.dumps(result_to_json(result))), Path("a.md"))
    assert back.diagnostics == diags and back.n_claims == 2 and back.path == "a.md"
