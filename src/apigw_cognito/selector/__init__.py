"""The selector file: `model` (authorizers and rules), `loader` (reading and checking a file, every mistake
located; its docstring is the format's reference) with its parts `parsing`, `reader`, `variables`,
`authorizers`, `rules` and `gateway_responses`, `syntax` (keys and patterns), `schema` (the JSON Schema) and
`globs` (matching)."""
