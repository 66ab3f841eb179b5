"""The scenario format (a leaf layer): quantities with provenance, the typed engine
section, the parameter and lever registry, loading with FILE:LINE:COL errors, lever files,
YAML. Imports nothing from ``bargaining``, ``engine`` or ``cli``.
"""
