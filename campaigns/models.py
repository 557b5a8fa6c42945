"""campaigns: models arrive with its issue."""
