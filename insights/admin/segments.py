"""Insights admin: segments."""
