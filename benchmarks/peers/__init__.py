"""The peer tools (openapi-format, @redocly/cli): installed, run, and what they wrote checked."""
