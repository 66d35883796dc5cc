"""Where the tests find the project and its data: the checkout, the tests folder, the shared corpus."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
# Real documents beside the checkout: CI has them, users of the project do not, so tests using them skip.
CORPUS = ROOT.parent / "shared" / "corpus"
