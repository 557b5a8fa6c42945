"""supporters: models arrive with its issue."""
