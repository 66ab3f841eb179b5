"""Peace-plan evaluation: what each proposal gives each actor and who accepts it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ._results import ResultMixin
from .bargaining._forecast import scenario_utility, static_reservation

if TYPE_CHECKING:
    import pandas as pd

    from .scenario._scenario import Scenario

__all__ = ["PlanEvaluation", "evaluate_plans"]


@dataclass(frozen=True, repr=False)
class PlanEvaluation(ResultMixin):
    """Utilities, reservations, margins and acceptance of every plan for every actor.

    ``utility``, ``reservation``, ``margin`` and ``accepts`` are (plans, actors);
    ``veto_players_accept`` is (plans,).
    """

    plan_ids: list[str]
    plan_labels: list[str]
    actor_ids: list[str]
    veto: NDArray[np.bool_]
    utility: NDArray[np.float64]
    reservation: NDArray[np.float64]

    @property
    def margin(self) -> NDArray[np.float64]:
        return self.utility - self.reservation

    @property
    def accepts(self) -> NDArray[np.bool_]:
        return self.margin >= 0.0

    @property
    def veto_players_accept(self) -> NDArray[np.bool_]:
        return np.all(self.accepts[:, self.veto], axis=1)

    def to_records(self) -> list[dict[str, Any]]:
        out = []
        for p, pid in enumerate(self.plan_ids):
            out.append(
                {
                    "id": pid,
                    "label": self.plan_labels[p],
                    "utility": dict(zip(self.actor_ids, map(float, self.utility[p]), strict=True)),
                    "reservation": dict(
                        zip(self.actor_ids, map(float, self.reservation[p]), strict=True)
                    ),
                    "margin": dict(zip(self.actor_ids, map(float, self.margin[p]), strict=True)),
                    "accepts": dict(zip(self.actor_ids, map(bool, self.accepts[p]), strict=True)),
                    "veto_players_accept": bool(self.veto_players_accept[p]),
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """``{"plans": [...]}``: one record per plan (see :meth:`to_records`)."""
        return {"plans": self.to_records()}

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per (plan, actor)."""
        import pandas as pd  # lazy: pandas costs ~0.4 s of CPU to import

        rows = []
        for p, pid in enumerate(self.plan_ids):
            for a, aid in enumerate(self.actor_ids):
                rows.append(
                    {
                        "plan": pid,
                        "actor": aid,
                        "veto": bool(self.veto[a]),
                        "utility": float(self.utility[p, a]),
                        "reservation": float(self.reservation[p, a]),
                        "margin": float(self.margin[p, a]),
                        "accepts": bool(self.accepts[p, a]),
                    }
                )
        return pd.DataFrame(rows)


def evaluate_plans(sc: Scenario, reservation: NDArray[np.float64] | None = None) -> PlanEvaluation:
    """Evaluate every proposal of ``sc`` against a reservation utility per actor.

    ``reservation`` is (actors,) or (plans, actors); default: the static no-deal
    references (:func:`static_reservation`). The war engine supplies dynamic
    ones.
    """
    util = scenario_utility(sc, sc.proposal_matrix)
    res = static_reservation(sc) if reservation is None else np.asarray(reservation, dtype=float)
    res = np.broadcast_to(res, util.shape).copy()
    return PlanEvaluation(
        plan_ids=sc.proposal_ids,
        plan_labels=[p.label for p in sc.proposals],
        actor_ids=sc.actor_ids,
        veto=sc.veto,
        utility=util,
        reservation=res,
    )
