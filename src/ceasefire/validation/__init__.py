"""Validation: the DEU benchmark of the bargaining models and the engine's backtests."""
