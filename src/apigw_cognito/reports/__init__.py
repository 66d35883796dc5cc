"""Reports: one model (`model`) and one renderer per format (text, JSON, markdown, SARIF, JUnit), the many-API report."""
