"""Insights admin: replenishment."""
