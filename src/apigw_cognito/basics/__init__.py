"""Shared basics every layer may use: errors and exit codes, finding codes, OpenAPI version facts, API
Gateway limits."""
