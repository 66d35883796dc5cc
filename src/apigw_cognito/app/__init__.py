"""The application layer: files, configuration, the apply, audit and validate runs, runs over many APIs,
the import flow and the library API.

Nothing here prints or picks an exit code: the command line does.
"""
