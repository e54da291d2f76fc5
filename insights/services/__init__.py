"""Writes of insights, one module per area."""
