"""Validation: the models against recorded outcomes (the DEU benchmark of the bargaining
models; the benchmark of how wars end, with its per-case backtest view)."""
