"""Every SQL example in docs/worked-example.md gives the output printed under it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.query import render, run_sql

DOC = Path(__file__).resolve().parents[1] / "docs" / "worked-example.md"
EXAMPLES = re.findall(
    r"```sql\n(.*?)```\n\n```text\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S
)


def test_the_doc_has_examples() -> None:
    assert len(EXAMPLES) == 10


@pytest.mark.parametrize(
    ("query", "output"), EXAMPLES, ids=[f"example-{i + 1}" for i in range(len(EXAMPLES))]
)
def test_example_output(archive: Path, query: str, output: str) -> None:
    assert render(run_sql(archive, query), "table") == output.rstrip("\n")
