"""Insights admin: dashboard."""
