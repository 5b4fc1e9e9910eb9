"""Every write of the recording app: the council's rules (rules.py) and dismissed findings
(dismissals.py)."""
