"""Insights models: replenishment."""

__all__: list[str] = []
