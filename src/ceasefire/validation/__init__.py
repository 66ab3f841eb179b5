"""Validation: the models against recorded outcomes (DEU; the benchmark of how wars end)."""
