"""Insights tasks: funnel."""
