"""Shared pytest set-up: the emulator plugin (LocalStack and moto server, started by the fixtures)."""

pytest_plugins = ["tests.emulators"]
