"""The split benchmark's document: the same operations as the whole one, each path item in its own file."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.split import split
from benchmarks.synthetic.document import build

from apigw_cognito.app.pipeline import load_spec
from apigw_cognito.basics.openapi import iter_operations


def test_split_keeps_every_operation(tmp_path: Path) -> None:
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(build(40, "3.0")))
    root, files = split(whole, tmp_path / "split")
    spec = load_spec(str(root))
    assert spec.documents.split
    assert files == len(json.loads(whole.read_text())["paths"]) + 1
    split_ops = [str(op) for op in iter_operations(spec.data, spec.locate)]
    whole_spec = load_spec(str(whole))
    assert split_ops == [str(op) for op in iter_operations(whole_spec.data, whole_spec.locate)]
