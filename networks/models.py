"""networks: models arrive with its issue."""
