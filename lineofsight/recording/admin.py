"""Nothing of the recording app is in the Django admin, on purpose: the rules change only
through services.rules (so every change has its history and passes the version lock), and a
dismissal quotes words from a child's case note, which administrators, who see no child, must
not read."""
