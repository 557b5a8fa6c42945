"""Import of the national membership export (see services.py for the rules)."""
