"""Layer A: the bargaining models on arrays (spatial utility, compromise, weighted median,
Nash, BDM, SMP), the KTAB and one-issue readers, and one adapter per model.
"""
