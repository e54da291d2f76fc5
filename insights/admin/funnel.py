"""Insights admin: funnel."""
