"""The synthetic documents: their data, their YAML text, the worst-case selector and the cache."""
