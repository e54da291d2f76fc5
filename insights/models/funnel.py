"""Insights models: funnel."""

__all__: list[str] = []
