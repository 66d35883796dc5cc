"""The command line: options, commands, progress, and the only place that prints or picks an exit code."""
