"""The application layer: files, configuration, the apply/audit/validate runs, runs over many APIs, the library API.

Nothing here prints or picks an exit code: the command line does.
"""
