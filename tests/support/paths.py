"""Where the tests find the project and its data: the checkout, the tests folder, the shared corpus."""

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
# Real documents beside the checkout: CI has them, users of the project do not, so tests using them skip.
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_file(name: str) -> Path:
    """A document of the shared corpus; the test skips with the reason where it is absent, and fails
    under CI (CI=true), where the corpus is present."""
    path = CORPUS / name
    if not path.is_file():
        reason = f"{path} is absent (the shared corpus is beside the checkout in CI)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"under CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return path
