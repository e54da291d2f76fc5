"""What insights does when another app's signal arrives (connected once, by apps.py)."""
