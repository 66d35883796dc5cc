"""What a run prints and writes: the text tables and the results JSON."""
