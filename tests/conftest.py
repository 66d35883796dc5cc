"""Shared pytest set-up: the emulator plugin (LocalStack and moto server, started by the fixtures), the
fuzz statistics plugin, and the Hypothesis profiles.

Profiles: `ci` (chosen when CI is set) derandomizes every property test, so a CI run is repeatable; `dev`
(the default elsewhere) explores new cases on every run; `long` (`make fuzz`) runs the fuzz suite with
many more cases. HYPOTHESIS_PROFILE picks one explicitly.
"""

import os

from hypothesis import settings

pytest_plugins = ["tests.support.ci", "tests.support.emulators", "tests.support.fuzzstats"]

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev")
settings.register_profile("long", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev")
)
