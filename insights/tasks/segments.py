"""Insights tasks: segments."""
