"""The registry of historical war cases (issue 10, docs/validation.md).

A case is ``<case_id>.yaml`` in ``ceasefire/validation/cases/`` (package data: it ships
in the wheel): a scenario encoded as of a forecast origin during the war, plus a
top-level ``outcome`` block (:class:`ceasefire.scenario._outcome.Outcome`), and optionally
``<case_id>.levers.yaml``, the realised lever history after the origin in the lever-file
format (lever -> ``[[month, value], ...]``, month 0 = the origin), passed to the engine
as ``levers``.

The split is fixed by the case id alone, before any fitting: a case is in ``test`` iff
``sha256(case_id.encode()).hexdigest()[0]`` is one of ``0 1 2 3 4`` (about 5/16 of
cases), else in ``train`` (:func:`split_of`).

Load a case with :func:`load_case` (by id or path), all of a split with :func:`cases`;
``ceasefire.load("case:<id>")`` returns a case's scenario, and ``ceasefire validate`` /
``ceasefire run`` accept a case file's path like any scenario.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._errors import InputError, ScenarioError

if TYPE_CHECKING:
    from ..scenario._outcome import Outcome
    from ..scenario._scenario import Scenario

__all__ = [
    "CASES_PACKAGE",
    "INITIAL_STATE_PARAMETERS",
    "TEST_DIGITS",
    "WarCase",
    "case_ids",
    "cases",
    "load_case",
    "split_of",
    "split_table",
]

CASES_PACKAGE = "ceasefire.validation.cases"
INITIAL_STATE_PARAMETERS = frozenset({"theta0", "buffer0"})
"""The only ``engine.parameters`` a war case may set: its initial state. Every other
dynamics parameter is shared by all cases (the package default, or fitted on train)."""
TEST_DIGITS = "01234"
"""A case is in the test split iff the first hex digit of sha256(case_id) is one of these."""

Split = Literal["train", "test"]
SPLITS = ("train", "test", "all")
LEVERS_SUFFIX = ".levers.yaml"


def split_of(case_id: str) -> Split:
    """'test' iff sha256(case_id.encode()).hexdigest()[0] in '01234', else 'train'."""
    return "test" if hashlib.sha256(case_id.encode()).hexdigest()[0] in TEST_DIGITS else "train"


@dataclass(frozen=True)
class WarCase:
    """A historical war case: the scenario as of its origin, what happened, realised levers."""

    id: str
    scenario: Scenario
    levers: dict[str, Any] | None
    file: str
    levers_file: str | None = None

    @property
    def split(self) -> Split:
        return split_of(self.id)

    @property
    def outcome(self) -> Outcome:
        out = self.scenario.outcome
        assert out is not None  # load_case refuses a case without one
        return out


def _root(root: str | Path | None) -> Path:
    if root is not None:
        p = Path(root)
        if not p.is_dir():
            raise InputError("not a directory of war cases", file=str(root))
        return p
    return Path(str(resources.files(CASES_PACKAGE)))


def case_ids(root: str | Path | None = None) -> list[str]:
    """Ids of the cases in ``root`` (default: the cases that ship with ceasefire), sorted."""
    return sorted(
        p.name[: -len(".yaml")]
        for p in _root(root).iterdir()
        if p.name.endswith(".yaml") and not p.name.endswith(LEVERS_SUFFIX)
    )


def load_case(case: str | Path, root: str | Path | None = None) -> WarCase:
    """A case by id (in ``root``, default the built-in registry) or by the path of its YAML.

    The case's scenario must carry an ``outcome`` block and its ``id`` must be the file's
    name; ``<id>.levers.yaml`` beside it, if present, is read as its realised levers.
    """
    from ..scenario._levers import read_lever_file
    from ..scenario._scenario import load

    text = str(case)
    if text.endswith((".yaml", ".yml")) or "/" in text:
        path = Path(case)
    else:
        path = _root(root) / f"{text}.yaml"
        if not path.exists():
            known = ", ".join(case_ids(root)) or "none yet"
            raise InputError(f"no war case {text!r} (cases: {known})")
    sc = load(path)
    if sc.outcome is None:
        raise ScenarioError(
            "a war case needs an `outcome` block (docs/validation.md)", file=str(path)
        )
    stem = path.name.rsplit(".", 1)[0]
    if sc.id != stem:
        raise ScenarioError(
            f"a war case's id must be its file name: id {sc.id!r} in {path.name}", file=str(path)
        )
    if sc.engine is None:
        raise ScenarioError("a war case needs an `engine` section", file=str(path))
    extra = sorted(set(sc.engine_spec.parameters) - INITIAL_STATE_PARAMETERS)
    if extra:
        raise ScenarioError(
            f"a war case may set only {', '.join(sorted(INITIAL_STATE_PARAMETERS))} in "
            f"engine.parameters (shared dynamics), not {', '.join(extra)}",
            file=str(path),
        )
    lpath = path.with_name(f"{stem}{LEVERS_SUFFIX}")
    levers = read_lever_file(lpath) if lpath.exists() else None
    return WarCase(
        id=sc.id,
        scenario=sc,
        levers=levers,
        file=str(path),
        levers_file=str(lpath) if levers is not None else None,
    )


def cases(split: str = "all", root: str | Path | None = None) -> list[WarCase]:
    """Every case of a split ('train', 'test' or 'all'), sorted by id."""
    if split not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    ids = [c for c in case_ids(root) if split == "all" or split_of(c) == split]
    return [load_case(c, root) for c in ids]


def split_table(root: str | Path | None = None) -> str:
    """The case list of docs/validation.md: one Markdown row per case, id order.

    ``python -m ceasefire.validation._cases`` prints it; a test checks that the docs
    list exactly the registry's cases, each with the split the rule gives. Read from the
    files' YAML without validating them (the list is a record of what is there).
    """
    from ..scenario._yaml import load_yaml

    rows = [
        "| case | split | origin | window (months) | war began | title |",
        "|---|---|---|---:|---|---|",
    ]
    base = _root(root)
    for cid in case_ids(root):
        path = base / f"{cid}.yaml"
        tree = load_yaml(path.read_text(encoding="utf-8"), file=str(path))
        o = tree.get("outcome") or {}
        rows.append(
            f"| `{cid}` | {split_of(cid)} | {o.get('origin', '?')} | "
            f"{o.get('window_months', '?')} | {o.get('war_start', '?')} | {tree.get('title', '')} |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(split_table(), end="")
