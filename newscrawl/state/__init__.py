"""Exactly once across runs: what earlier runs exported. ``sqlite``: one file per site."""
