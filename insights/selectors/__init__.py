"""Reads of the insights pages, one module per area."""
