"""Reads of insights, one module per area."""
