"""The tree keeps the shape docs/architecture.md draws: imports go one way, modules and
functions stay small, every package says what it is for, and the harvest job never asks
which source it runs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.cli.harvest import SOURCE_NAMES
from pipeline.sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(
    p
    for top in ("parsers", "pipeline")
    for p in (ROOT / top).rglob("*.py")
    if "fixtures" not in p.parts
)
# Data, not code: the fixture site's expected records, written out as prose.
DATA_MODULES = {"pipeline/fixtures/spec.py"}
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 60

# package → packages of jparchive it must never import (besides the CLI, which nothing does)
FORBIDDEN = {
    "parsers": ("pipeline",),
    "pipeline.archive": (
        "pipeline.fetch", "pipeline.sources", "pipeline.harvest", "pipeline.build",
        "pipeline.query", "parsers",
    ),
    "pipeline.fetch": ("pipeline.sources", "pipeline.harvest", "pipeline.build", "pipeline.query"),
    "pipeline.sources": ("pipeline.harvest", "pipeline.build", "pipeline.query"),
    "pipeline.harvest": ("pipeline.build", "pipeline.query"),
    "pipeline.build": ("pipeline.fetch", "pipeline.sources", "pipeline.harvest", "pipeline.query"),
    "pipeline.query": ("pipeline.archive", "pipeline.fetch", "pipeline.sources", "pipeline.harvest"),
    "pipeline.handoff": (
        "pipeline.fetch", "pipeline.sources", "pipeline.harvest", "pipeline.query", "pipeline.web",
        "pipeline.build", "parsers",
    ),
    "pipeline.web": ("pipeline.fetch", "pipeline.sources", "pipeline.harvest", "pipeline.query"),
    "pipeline.requisites": (
        "pipeline.archive", "pipeline.fetch", "pipeline.sources", "pipeline.harvest",
        "pipeline.build", "pipeline.query", "pipeline.web",
    ),
}  # fmt: skip
# query reads the built tables: of the build, only their schemas (the web app also the
# SQLite copy's names)
QUERY_MAY_USE_OF_BUILD = {"pipeline.build.schemas"}
WEB_MAY_USE_OF_BUILD = {"pipeline.build.schemas", "pipeline.build.columns", "pipeline.build.sqlite"}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported(path: Path) -> set[str]:
    """Every jparchive module the file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in names if n.split(".")[0] in ("parsers", "pipeline")}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_allowed_directions(path: Path) -> None:
    name = module_name(path)
    wrong = set()
    for target in imported(path):
        cli_user = within(name, "pipeline.cli") or name == "pipeline.__main__"
        if within(target, "pipeline.cli") and not cli_user:
            wrong.add(target)
        for package, forbidden in FORBIDDEN.items():
            if within(name, package) and any(within(target, f) for f in forbidden):
                wrong.add(target)
        query_to_build = within(name, "pipeline.query") and within(target, "pipeline.build")
        if query_to_build and not any(within(target, m) for m in QUERY_MAY_USE_OF_BUILD):
            wrong.add(target)
        web_to_build = within(name, "pipeline.web") and within(target, "pipeline.build")
        if web_to_build and not any(within(target, m) for m in WEB_MAY_USE_OF_BUILD):
            wrong.add(target)
    assert not wrong, f"{name} imports {sorted(wrong)} against docs/architecture.md"


def test_the_direction_check_sees_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from pipeline.harvest import harvest\n")
    assert "pipeline.harvest" in imported(bad)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    rel = str(path.relative_to(ROOT))
    if rel not in DATA_MODULES:
        assert text.count("\n") <= MAX_MODULE_LINES, f"{rel} is over {MAX_MODULE_LINES} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, (
                f"{rel}:{node.lineno} {node.name} is {length} lines"
            )


PACKAGES = sorted(p.parent for p in MODULES if p.name == "__init__.py")


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_says_what_it_is_for_and_what_it_may_import(package: Path) -> None:
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc.splitlines()) >= 3, f"{package} has no docstring to speak of"
    assert "import" in doc.lower(), f"{package}'s docstring says nothing of its imports"


def test_the_harvest_never_branches_on_the_source_name() -> None:
    for path in (ROOT / "pipeline" / "harvest").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                parts = [node.left, *node.comparators]
                named = [p for p in parts if isinstance(p, ast.Attribute) and p.attr == "source"]
                assert not named, f"{path.name}:{node.lineno} compares the source's name"


def test_the_cli_offers_every_registered_source() -> None:
    assert list(SOURCES) == SOURCE_NAMES
