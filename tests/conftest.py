"""Shared test settings: where the data live, the one skip rule, the ``slow`` marker.

Known-answer data the tests need (BDM 1994's emission case, KTAB's inputs and reference
runs, each folder with its README and licence) are copied into ``tests/data/`` and are
always present. Only data that stay outside the repository (the DEU development split)
are read from the shared folder ``../shared/data`` next to the repository root, or from
``$CEASEFIRE_SHARED_DATA``; a test that needs them is marked with :data:`needs_shared`
and skipped, with one reason, when they are absent.

``pytest -m "not slow"`` is the quick edit-test loop; ``scripts/test`` runs everything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
EMISSION = DATA / "bdm1994" / "emission_standards.csv"
KTAB = DATA / "ktab"
SHARED_DATA = Path(os.environ.get("CEASEFIRE_SHARED_DATA") or REPO.parent / "shared" / "data")
DEU = SHARED_DATA / "deu" / "deu_dev.tsv"


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """Skip unless ``path`` (under the shared data folder) exists: the one skip rule."""
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"shared data not present: {path} (set CEASEFIRE_SHARED_DATA)",
    )
