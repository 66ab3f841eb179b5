"""Historical war cases (package data): ``<case_id>.yaml`` and ``<case_id>.levers.yaml``."""
