"""Insights admin: reports."""
