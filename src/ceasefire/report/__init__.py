"""See a run: figures, the HTML briefing (``ceasefire report``) and notebook views.

Needs the ``report`` extra (``pip install 'ceasefire[report]'``): Altair for the
figures and vl-convert for the offline JavaScript bundle and PNG export.
"""

from __future__ import annotations

from .._errors import CeasefireError

try:
    import altair  # noqa: F401
    import vl_convert  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised on a machine without the extra
    raise CeasefireError(
        f"figures need the report extra ({exc.name} is missing): pip install 'ceasefire[report]'"
    ) from None

from ._build import make_report
from ._data import MissingData, RunData, read_explore, run_data
from ._figures import (
    FIGURES,
    counterfactuals,
    issue_space,
    lever_surface,
    plans,
    removal_risk,
    ripeness,
    sensitivity,
    settlement,
)
from ._html import SECTIONS, Report, build_report, provenance_rows, read_article
from ._surface import lever_surface_data

__all__ = [
    "FIGURES",
    "SECTIONS",
    "MissingData",
    "Report",
    "RunData",
    "build_report",
    "counterfactuals",
    "issue_space",
    "lever_surface",
    "lever_surface_data",
    "make_report",
    "plans",
    "provenance_rows",
    "read_article",
    "read_explore",
    "removal_risk",
    "ripeness",
    "run_data",
    "sensitivity",
    "settlement",
]
