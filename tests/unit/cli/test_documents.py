"""The command line loads documents with the collector paused, then freezes them out of its sight."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_cognito.cli.documents import load_for_command
from tests.support.paths import ROOT


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test session collects as usual


def test_the_document_is_frozen_and_the_collector_left_as_it_was(unfrozen: None) -> None:
    assert gc.isenabled()
    spec = load_for_command(str(Path(ROOT, "specs", "securepets.yaml")))
    assert gc.isenabled()
    assert gc.get_freeze_count() >= _containers(spec.document.data)


def _containers(node: object) -> int:
    if isinstance(node, dict):
        return 1 + sum(_containers(v) for v in node.values())
    if isinstance(node, list):
        return 1 + sum(_containers(v) for v in node)
    return 0


def test_a_paused_collector_stays_paused_and_a_failure_restores_it(unfrozen: None, tmp_path: Path) -> None:
    gc.disable()
    try:
        load_for_command(str(Path(ROOT, "specs", "securepets.yaml")))
        assert not gc.isenabled()
    finally:
        gc.enable()
    bad = tmp_path / "bad.json"
    bad.write_text('{"paths": ', encoding="utf-8")
    with pytest.raises(Exception, match="not valid JSON"):
        load_for_command(str(bad))
    assert gc.isenabled()
