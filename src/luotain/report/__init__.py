"""Reports from the figures (no Django)."""
