"""The selector file: its model, its loader (every mistake located), its JSON Schema, and the globs it
matches with."""
