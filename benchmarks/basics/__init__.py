"""What every part of the benchmark uses: its paths, how figures are written, text and tables."""
