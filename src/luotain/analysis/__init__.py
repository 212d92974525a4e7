"""Figures from the response table (no Django)."""
