"""Replenishment maths, without Django: the demand forecast with its safety stock and reorder
point (forecast.py), and the purchasing linear programme with its greedy baseline (lp.py). The
planning service (insights.services.replenishment) hands them plain numbers."""
