"""Insights tasks: replenishment."""
