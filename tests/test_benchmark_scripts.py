"""The parse benchmark runs end to end on a few pages and prints every figure it records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_parse_bench_prints_both_floors_and_the_stages() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/parse_bench.py",
            "--pages",
            "20",
            "--baseline-pages",
            "3",
            "--repeat",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    out = result.stdout
    for line in (
        "steady state (the floor)",
        "each dropped before the next",
        "`parse_activity`",
        "no field logic (Python's least)",
        "BeautifulSoup",
    ):
        assert line in out
    stages = [
        row
        for row in out.splitlines()
        if row.startswith(("| decode", "| mark", "| tree", "| rows", "| walk"))
    ]
    assert len(stages) == 5
    assert all(float(row.split("|")[2]) > 0 for row in stages)


def test_hostile_bench_prints_every_shape_at_two_sizes() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/hostile_bench.py", "--scale", "0.02", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    from benchmarks.hostile_bench import ISSUE_PAGES, LOGFRAME_SHAPES, SHAPES

    assert len(rows) == len(ISSUE_PAGES) + 2 * (len(SHAPES) + len(LOGFRAME_SHAPES))
    assert any("logframe:" in row for row in rows)
    assert all(" ms | " in row for row in rows)


def test_wayback_bench_reports_against_the_ideal() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/wayback_bench.py", "--activities", "12", "--latency",
         "0.01", "--rate", "200"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "| requests per archived activity, besides CDX | 1.000 | ≤ 1.02 |" in result.stdout
    assert "| wall ÷ ideal |" in result.stdout


def test_rehearsal_runs_every_stage_at_a_small_size() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/rehearsal.py", "--sizes", "40,80"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    stages = ("harvest", "build", "verify", "wacz", "search", "history", "coverage")
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert [r.split("|")[1].strip() for r in rows if r.split("|")[1].strip() in stages] == [
        *stages, *stages, *stages,  # a table per size, then the linearity table
    ]  # fmt: skip
    assert result.stdout.count("`verify` said sound") == 2
    assert result.stdout.count("The WACZ's index: ") == 2  # what a replay reads of it


def test_requisites_bench_compares_with_and_without() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/requisites_bench.py", "--pages", "30"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    rows = {line.split("|")[1].strip(): line.split("|")[2] for line in result.stdout.splitlines()
            if line.startswith("| --no") or line.startswith("| requisites")}  # fmt: skip
    assert float(rows["--no-requisites"]) < float(rows["requisites (default)"])


def test_documents_bench_prints_every_type_and_every_hostile_document() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/documents_bench.py", "--copies", "2"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines()
            if line.startswith("| ") and not line.startswith("| type")}  # fmt: skip
    assert {"doc", "docx", "pdf", "pptx", "rtf", "xlsx", "scanned PDF, --ocr"} <= set(rows)
    for kind in ("doc", "docx", "pdf", "pptx", "rtf", "xlsx"):  # each read as its type
        assert rows[kind].rstrip(" |").rsplit("|", 1)[1].strip() == kind
    assert rows["scanned PDF, --ocr"].rstrip(" |").rsplit("|", 1)[1].strip() == "ocr"
    assert "none: zip bomb" in rows["zip bomb DOCX (200 MB inflated)"]
    assert "none: took over 2 s" in rows["30 scanned pages, --ocr, 2 s limit"]


def test_entities_bench_prints_the_scores_and_the_time() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/entities_bench.py", "--mentions", "3000"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    scored = [line.split("|") for line in result.stdout.splitlines()
              if line.startswith("| 300 |") or line.startswith("| 600 |")]  # fmt: skip
    assert len(scored) == 10
    assert all(0.9 < float(row[5]) <= 1 and 0.9 < float(row[9]) <= 1 for row in scored)
    [timed] = [line for line in result.stdout.splitlines() if line.startswith("| 3,000 |")]
    assert timed.split("|")[5].strip().endswith(" s")
