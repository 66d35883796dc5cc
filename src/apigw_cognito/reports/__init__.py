"""Reports: one model (`model`), one renderer per format (text, JSON, markdown, SARIF, JUnit), and the report
of a run over many APIs (`project`)."""
