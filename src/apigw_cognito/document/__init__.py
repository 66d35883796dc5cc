"""The document layer: OpenAPI files read with positions and changed only by inserting text.

`load` reads bytes into a `Document` (data plus positions); `edits` holds the `Edit`s the core asks for and
the self-check every rendering passes. JSON: `json_parse` (the data, refusals located) and `json_source`
(positions, splicing). YAML: `yaml_parse` (libyaml's node tree, depth and alias-bomb refusals),
`yaml_data` (core-schema data and the position tree), `yaml_source` (the entry point: load, locate,
render), `yaml_paths` (pointers over the position tree, merge keys followed), `yaml_splices` (changes as
splices of the text), `yaml_spans` (where a node stands in the text), `yaml_style` (the indentation a
document shows), `yaml_values` (new values written as YAML) and `yaml_check` (the self-check of a
rendering, by windows where it may).
Nothing outside this package knows how either format is parsed or written.
"""
