"""The targets of issues 4 and 13, each judged met, missed or shown for information."""
