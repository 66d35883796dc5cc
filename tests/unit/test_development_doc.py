"""docs/development.md names files and folders of the checkout: each must exist."""

from __future__ import annotations

import re

from tests.support.paths import ROOT

DOC = ROOT / "docs" / "development.md"
# Paths in backticks, and the folder tree's entries (relative to tests/).
_QUOTED = re.compile(r"`((?:tests|src|docs|specs|benchmarks|scripts)/[^`\s*<>]+)`")
_TREE = re.compile(r"^  ([a-z_]+)/", re.MULTILINE)
_TREE_FILES = re.compile(r"\b((?:unit|golden)/[a-z_]+\.py)\b")


def test_every_path_the_page_names_exists() -> None:
    text = DOC.read_text()
    named = {ROOT / p for p in _QUOTED.findall(text)}
    tree = text.split("```text", 1)[1].split("```", 1)[0]
    named |= {ROOT / "tests" / folder for folder in _TREE.findall(tree)}
    named |= {ROOT / "tests" / file for file in _TREE_FILES.findall(tree)}
    assert len(named) > 10
    missing = sorted(str(p.relative_to(ROOT)) for p in named if not p.exists())
    assert not missing, missing


def test_every_folder_of_tests_is_described() -> None:
    tree = DOC.read_text().split("```text", 1)[1].split("```", 1)[0]
    described = set(_TREE.findall(tree))
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders <= described, folders - described
