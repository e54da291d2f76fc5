"""Insights models: segments."""

__all__: list[str] = []
