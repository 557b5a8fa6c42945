"""The member self-service portal (/me/)."""
