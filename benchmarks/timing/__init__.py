"""Timing whole processes: one run's wall time, peak RSS and CPU, and a command's runs."""
