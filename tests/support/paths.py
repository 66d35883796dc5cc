"""Where the tests find the project and its data: the checkout, the tests folder, the shared corpus."""

from pathlib import Path

from tests.support.ci import cannot_run

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
# Real documents beside the checkout: CI has them, users of the project do not, so tests using them skip.
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_file(name: str) -> Path:
    """A document of the shared corpus; the test skips with the reason where it is absent, and fails
    under CI (CI=true), where the corpus is present."""
    path = CORPUS / name
    if not path.is_file():
        cannot_run(f"{path} is absent (the shared corpus is beside the checkout in CI)")
    return path
