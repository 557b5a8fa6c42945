"""events: models arrive with its issue."""
