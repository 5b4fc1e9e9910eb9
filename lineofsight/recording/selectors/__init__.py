"""Reads of the recording app: the rules in force, one note with its findings, dismissals."""
