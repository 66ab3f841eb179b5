"""The scenario format: the built-in scenario, the export round trip, and malformed input.

Every malformed input must give one line, ``FILE:LINE:COL: <field>: <message>``
for YAML (``FILE:LINE: <message>`` for CSV), with the line and column of the
offending key or value; the CLI prints it on stderr and exits 2 with no
traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import ceasefire as cf
from ceasefire.cli._app import app
from ceasefire.scenario._scenario import builtin_text
from conftest import EMISSION

BUILTIN = "russia-ukraine-2024"

runner = CliRunner()


# ---------------------------------------------------------------------------------------
# The built-in scenario
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sc() -> cf.Scenario:
    return cf.load(BUILTIN)


def test_builtin_is_listed_and_loads(sc: cf.Scenario) -> None:
    assert BUILTIN in cf.builtin_ids()
    assert sc.id == BUILTIN
    assert len(sc.issues) >= 5
    assert sc.ideal.shape == (len(sc.actors), len(sc.issues))


def test_every_number_has_provenance(sc: cf.Scenario) -> None:
    qs = sc.quantities()
    assert len(qs) > 100
    bare = [path for path, q in qs if not q.has_provenance]
    assert bare == []


def test_every_source_ref_resolves(sc: cf.Scenario) -> None:
    ids = {s.id for s in sc.sources}
    refs = [q.source.ref for _, q in sc.quantities() if q.source is not None]
    refs += [p.source.ref for p in sc.proposals if p.source is not None]
    assert refs, "the built-in cites its sources"
    assert set(refs) <= ids


def test_engine_numbers_have_provenance(sc: cf.Scenario) -> None:
    # the engine section is validated by its own spec; its {value, ...} numbers follow the
    # same rule: a source that resolves, or a judgement
    if sc.engine is None:
        pytest.skip("the built-in has no engine section")
    ids = {s.id for s in sc.sources}
    bare: list[str] = []
    refs: list[str] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            if "value" in node and not (node.get("source") or node.get("judgement")):
                bare.append(path)
            if isinstance(node.get("ref"), str):
                refs.append(node["ref"])
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    walk(sc.engine.model_dump(exclude_none=True), "engine")
    assert bare == []
    assert set(refs) <= ids


def test_required_actors_and_proposals(sc: cf.Scenario) -> None:
    assert {"russia", "ukraine", "usa"} <= set(sc.actor_ids)
    assert {"turkey", "trump", "china", "brazil", "russia-maximal", "ukraine-land-swap"} <= set(
        sc.proposal_ids
    )
    # the belligerents and their main backer hold a veto
    for aid in ("russia", "ukraine", "usa"):
        assert sc.actor(aid).veto


def test_saliences_normalised_per_actor(sc: cf.Scenario) -> None:
    np.testing.assert_allclose(sc.salience.sum(axis=1), 1.0)
    raw = sc.salience_raw
    np.testing.assert_allclose(sc.salience, raw / raw.sum(axis=1, keepdims=True))
    assert np.all(sc.salience >= 0)


def test_values_on_the_unit_scale(sc: cf.Scenario) -> None:
    assert np.all((sc.ideal >= 0) & (sc.ideal <= 1))
    assert np.all((sc.status_quo >= 0) & (sc.status_quo <= 1))
    assert np.all((sc.proposal_matrix >= 0) & (sc.proposal_matrix <= 1))


@pytest.mark.slow
def test_export_validate_load_round_trip(tmp_path: Path, sc: cf.Scenario) -> None:
    out = tmp_path / "mine.yaml"
    r = runner.invoke(app, ["scenarios", "--export", BUILTIN, str(out)])
    assert r.exit_code == 0, r.output
    assert out.exists()
    assert out.read_text(encoding="utf-8") == builtin_text(BUILTIN)
    r = runner.invoke(app, ["validate", str(out)])
    assert r.exit_code == 0, r.output
    assert "ok" in r.stdout
    assert "warning" not in r.stderr
    again = cf.load(out)
    assert again.model_dump() == sc.model_dump()
    # and as a string path
    assert cf.load(str(out)).model_dump() == sc.model_dump()


def test_export_unknown_id_fails_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    r = runner.invoke(app, ["scenarios", "--export", "no-such-war", str(out)])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1
    assert "no built-in scenario 'no-such-war'" in r.stderr
    assert not out.exists()


def test_with_changes_revalidates(sc: cf.Scenario) -> None:
    changed = sc.with_changes(title="Another title")
    assert changed.title == "Another title"
    assert changed.actor_ids == sc.actor_ids
    with pytest.raises(cf.ScenarioError, match="issues"):
        sc.with_changes(issues=[])


def test_bare_numbers_accepted_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    s = cf.load(path)
    bare = [p for p, q in s.quantities() if not q.has_provenance]
    assert "actors[x].clout" in bare
    assert "issues[a].status_quo" not in bare
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 0
    assert "warning" in r.stderr
    assert "carry no source or judgement" in r.stderr


# ---------------------------------------------------------------------------------------
# Malformed input
# ---------------------------------------------------------------------------------------

# A small valid scenario. The comments mark lines that the cases below expect
# errors on; the expected line and column are computed from the text.
BASE = """\
id: t
title: T
as_of: 2024-01-01
sources:
  - id: s1
    title: S
issues:
  - id: a
    label: A
    anchors: {low: l, mid: m, high: h}
    status_quo: {value: 0.5, judgement: j}
  - id: b  # issue-b
    label: B
    anchors: {low: l, mid: m, high: h}
    status_quo: 0.5
actors:
  - id: x
    name: X
    kind: state
    clout: 1.0
    positions:
      a:
        ideal: 0.2
        salience: 1
      b:
        ideal: {value: 0.3, source: {ref: s1}}
        salience: 1
  - id: y  # actor-y
    name: Y
    kind: state
    parent: x
    clout: 1.0
    positions:  # positions-y
      a: {ideal: 0.8, salience: 1}
      b: {ideal: 0.9, salience: 1}
proposals:
  - id: p
    label: P
    sponsors: [x]
    values: {a: 0.5}
"""


def _edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def _where(text: str, line_marker: str, col_marker: str | None = None) -> tuple[int, int]:
    """1-based (line, col): the one line holding ``line_marker``, the column of ``col_marker``."""
    hits = [i for i, ln in enumerate(text.splitlines()) if line_marker in ln]
    assert len(hits) == 1, (line_marker, hits)
    ln = text.splitlines()[hits[0]]
    return hits[0] + 1, ln.index(col_marker or line_marker) + 1


# (case id, yaml text, line marker, column marker, field path, message)
YAML_CASES = [
    (
        "bad-yaml-syntax",
        _edit("    label: A\n", "   label: A\n"),
        "   label: A",
        "label",
        None,
        "invalid YAML: expected <block end>, but found '<block mapping start>'",
    ),
    (
        "duplicate-key",
        _edit("title: T\n", "title: T\ntitle: U\n"),
        "title: U",
        None,
        None,
        "invalid YAML: duplicate key title",
    ),
    (
        "string-for-number",
        _edit("        salience: 1\n      b:\n", "        salience: 'high'\n      b:\n"),
        "salience: 'high'",
        None,
        "actors[x].positions.a.salience",
        "expected a number or a mapping {value, source or judgement} (got 'high')",
    ),
    (
        "out-of-range",
        _edit("ideal: 0.2", "ideal: 1.5"),
        "ideal: 1.5",
        None,
        "actors[x].positions.a.ideal",
        "1.5 is out of range: must lie in [0, 1]",
    ),
    (
        "out-of-range-in-mapping",
        _edit("ideal: {value: 0.3,", "ideal: {value: -0.3,"),
        "value: -0.3",
        None,
        "actors[x].positions.b.ideal.value",
        "-0.3 is out of range: must lie in [0, 1]",
    ),
    (
        "non-positive-clout",
        _edit(
            "    kind: state\n    clout: 1.0\n    positions:\n      a:\n",
            "    kind: state\n    clout: 0\n    positions:\n      a:\n",
        ),
        "clout: 0",
        None,
        "actors[x].clout",
        "0 is out of range: must be > 0",
    ),
    (
        "unknown-field",
        _edit("    name: X\n", "    name: X\n    colour: red\n"),
        "colour: red",
        None,
        "actors[x].colour",
        "unknown field",
    ),
    (
        "unknown-issue-in-positions",
        _edit(
            "      b: {ideal: 0.9, salience: 1}\n",
            "      b: {ideal: 0.9, salience: 1}\n      c: {ideal: 0.9, salience: 1}\n",
        ),
        "c: {ideal: 0.9",
        None,
        "actors[y].positions.c",
        "unknown issue 'c'",
    ),
    (
        "unknown-issue-in-proposal",
        _edit("values: {a: 0.5}", "values: {a: 0.5, zz: 0.1}"),
        "values: {a: 0.5, zz",
        "zz",
        "proposals[p].values.zz",
        "unknown issue 'zz'",
    ),
    (
        "unknown-sponsor",
        _edit("sponsors: [x]", "sponsors: [x, z]"),
        "sponsors: [x, z]",
        "z]",
        "proposals[p].sponsors[1]",
        "unknown actor 'z'",
    ),
    (
        "unknown-source-ref",
        _edit("ref: s1", "ref: s9"),
        "ref: s9",
        None,
        "actors[x].positions.b.ideal.source.ref",
        "unknown source 's9'",
    ),
    (
        "missing-required-field",
        _edit("    label: B\n", ""),
        "# issue-b",
        "id: b",
        "issues[b].label",
        "required field is missing",
    ),
    (
        "duplicate-actor-id",
        _edit("  - id: y  # actor-y", "  - id: x  # actor-y"),
        "# actor-y",
        "id: x",
        "actors[x].id",
        "duplicate id 'x'",
    ),
    (
        "missing-position",
        _edit("      b: {ideal: 0.9, salience: 1}\n", ""),
        "# positions-y",
        "positions",
        "actors[y].positions",
        "no position on issue(s) b",
    ),
    (
        "unknown-parent",
        _edit("parent: x", "parent: w"),
        "parent: w",
        None,
        "actors[y].parent",
        "unknown actor 'w'",
    ),
    (
        "range-low-above-high",
        _edit("{value: 0.5, judgement: j}", "{value: 0.5, range: [0.7, 0.3], judgement: j}"),
        "range: [0.7, 0.3]",
        None,
        "issues[a].status_quo.range",
        "range [0.7, 0.3] has low above high",
    ),
    (
        "range-out-of-bounds",
        _edit("{value: 0.5, judgement: j}", "{value: 0.5, range: [-0.1, 0.6], judgement: j}"),
        "range: [-0.1, 0.6]",
        None,
        "issues[a].status_quo.range",
        "range [-0.1, 0.6] is out of bounds: must lie in [0, 1]",
    ),
    (
        "range-not-a-pair",
        _edit("{value: 0.5, judgement: j}", "{value: 0.5, range: [0.1, 0.2, 0.3], judgement: j}"),
        "range: [0.1, 0.2, 0.3]",
        None,
        "issues[a].status_quo.range",
        "range must be two numbers [low, high]",
    ),
    (
        "range-with-a-word",
        _edit("{value: 0.5, judgement: j}", "{value: 0.5, range: [0.1, lots], judgement: j}"),
        "range: [0.1, lots]",
        None,
        "issues[a].status_quo.range",
        "range must be two numbers [low, high]",
    ),
    (
        "not-finite",
        _edit("ideal: 0.2", "ideal: .nan"),
        "ideal: .nan",
        None,
        "actors[x].positions.a.ideal",
        "must be a finite number",
    ),
    (
        "source-and-judgement",
        _edit("{value: 0.5, judgement: j}", "{value: 0.5, judgement: j, source: {ref: s1}}"),
        "judgement: j, source",
        "status_quo",
        "issues[a].status_quo",
        "give either a source or a judgement, not both",
    ),
    (
        "own-parent",
        _edit("parent: x", "parent: y"),
        "parent: y",
        None,
        "actors[y].parent",
        "an actor cannot be its own parent",
    ),
    (
        "saliences-all-zero",
        _edit(
            "      a: {ideal: 0.8, salience: 1}\n      b: {ideal: 0.9, salience: 1}\n",
            "      a: {ideal: 0.8, salience: 0}\n      b: {ideal: 0.9, salience: 0}\n",
        ),
        "# positions-y",
        "positions",
        "actors[y].positions",
        "saliences sum to zero: at least one must be > 0",
    ),
    (
        "value-outside-its-range",
        _edit("{value: 0.5, judgement: j}", "{value: 0.9, range: [0.1, 0.5], judgement: j}"),
        "range: [0.1, 0.5]",
        "status_quo",
        "issues[a].status_quo",
        "value 0.9 lies outside its range [0.1, 0.5]",
    ),
    (
        "unknown-actor-kind",
        _edit("    kind: state\n    parent: x", "    kind: empire\n    parent: x"),
        "kind: empire",
        None,
        "actors[y].kind",
        "Input should be 'state', 'leader', 'faction', 'bloc' or 'organisation' (got 'empire')",
    ),
    (
        "not-a-mapping",
        "- a\n- b\n",
        "- a",
        None,
        None,
        "a scenario must be a mapping of fields, got list",
    ),
]


def _expected(path: Path, text: str, marker: str, col_marker: str | None, field, msg) -> str:
    line, col = _where(text, marker, col_marker)
    parts = [f"{path}:{line}:{col}"]
    if field:
        parts.append(field)
    parts.append(msg)
    return ": ".join(parts)


@pytest.mark.parametrize(
    ("text", "marker", "col_marker", "field", "msg"),
    [c[1:] for c in YAML_CASES],
    ids=[c[0] for c in YAML_CASES],
)
def test_malformed_yaml(
    tmp_path: Path, text: str, marker: str, col_marker: str | None, field: str | None, msg: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    want = _expected(path, text, marker, col_marker, field, msg)

    with pytest.raises(cf.ScenarioError) as info:
        cf.load(path)
    assert str(info.value) == want
    assert "\n" not in str(info.value)

    r = runner.invoke(app, ["validate", str(path)])
    _assert_one_line_error(r, want)
    # the same line from `run` and from `forecast`
    _assert_one_line_error(runner.invoke(app, ["run", str(path)]), want)
    _assert_one_line_error(runner.invoke(app, ["forecast", "-m", "median", str(path)]), want)


def test_base_case_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(BASE, encoding="utf-8")
    s = cf.load(path)
    assert s.actor_ids == ["x", "y"]
    assert s.proposal_ids == ["p"]


def test_base_yaml_is_located_where_expected() -> None:
    # guard the helpers themselves: line numbers are 1-based and count every line
    assert _where(BASE, "title: T") == (2, 1)
    assert _where(BASE, "parent: x") == (31, 5)


@pytest.mark.parametrize(
    "text", ["", "   \n\n", "# only a comment\n"], ids=["empty", "blank", "comment"]
)
def test_empty_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    want = f"{path}:1:1: the file is empty"
    with pytest.raises(cf.ScenarioError) as info:
        cf.load(path)
    assert str(info.value) == want
    _assert_one_line_error(runner.invoke(app, ["validate", str(path)]), want)


def test_missing_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    want = f"{path}: file not found"
    with pytest.raises(cf.ScenarioError) as info:
        cf.load(path)
    assert str(info.value) == want
    _assert_one_line_error(runner.invoke(app, ["validate", str(path)]), want)
    _assert_one_line_error(runner.invoke(app, ["run", str(path)]), want)


def test_unknown_builtin_name() -> None:
    r = runner.invoke(app, ["validate", "atlantis"])
    _assert_one_line_error(
        r,
        f"no built-in scenario or file named 'atlantis' (built-ins: {', '.join(cf.builtin_ids())})",
    )


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    _assert_one_line_error(
        runner.invoke(app, ["validate", str(path)]), f"{path}: not UTF-8 text (byte 10: b'\\xe9')"
    )


# --- CSV --------------------------------------------------------------------------------

CSV_CASES = [
    (
        "missing-column",
        "actor,capability,position\nA,1,2\n",
        "{path}:1: missing column 'salience' (found: actor, capability, position)",
    ),
    (
        "not-a-number",
        "actor,capability,position,salience\nA,1,2,3\nB,1,two,3\n",
        "{path}:3: column 'position': 'two' is not a number",
    ),
    (
        "empty-cell",
        "Actor,Capability,Position,Salience\nA,1,2,3\nB,1,2,\n",
        "{path}:3: column 'salience': '(empty)' is not a number",
    ),
    ("empty-csv", "", "{path}: the file is empty"),
    (
        "header-only",
        "actor,capability,position,salience\n",
        "{path}:1: no actor rows after the header",
    ),
    (
        "negative-salience",
        "actor,capability,position,salience\nA,1,2,3\nB,1,2,-1\n",
        "{path}:3: column 'salience': -1 is negative",
    ),
    (
        "duplicate-actor",
        "actor,capability,position,salience\nA,1,2,3\n\nA,1,2,3\n",
        "{path}:4: column 'actor': duplicate actor 'A'",
    ),
]


@pytest.mark.parametrize(
    ("text", "template"), [c[1:] for c in CSV_CASES], ids=[c[0] for c in CSV_CASES]
)
def test_malformed_csv(tmp_path: Path, text: str, template: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    want = template.format(path=path)
    with pytest.raises(cf.InputError) as info:
        cf.forecast_file(path, "compromise")
    assert str(info.value) == want
    for model in ("compromise", "median"):
        _assert_one_line_error(runner.invoke(app, ["forecast", "-m", model, str(path)]), want)


def test_missing_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    want = f"{path}: file not found"
    with pytest.raises(cf.InputError) as info:
        cf.forecast_file(path, "median")
    assert str(info.value) == want
    _assert_one_line_error(runner.invoke(app, ["forecast", "-m", "median", str(path)]), want)


def test_unknown_model() -> None:
    r = runner.invoke(app, ["forecast", "--model", "oracle", str(EMISSION)])
    _assert_one_line_error(r, "--model 'oracle': choose one of " + ", ".join(cf.MODELS))


def _assert_one_line_error(r, want: str) -> None:
    assert r.exit_code == 2, (r.exit_code, r.output, r.exception)
    assert r.stderr == f"error: {want}\n"
    assert r.stdout == ""
    assert "Traceback" not in r.output
    assert not re.search(r"^\s+File \"", r.output, re.MULTILINE)


# ---------------------------------------------------------------------------------------
# with_parameters: change a premise by name, validated
# ---------------------------------------------------------------------------------------


def test_with_parameters_sets_each_kind_of_premise(sc: cf.Scenario) -> None:
    new = cf.with_parameters(
        sc,
        punishment=5.0,
        sanctions=0.9,
        horizon=24,
        war_cost={"ukraine": {"value": 0.2, "judgement": "why"}},
        ideal={"russia": {"donetsk": 0.8}},
        salience={"russia": {"donetsk": 3.0}},
        red_line={"usa": {"nato": None}},
    )
    assert new is not sc and sc.engine_spec.param("punishment") != 5.0
    spec = new.engine_spec
    assert spec.param("punishment") == 5.0
    assert spec.levers["sanctions"].value == 0.9 and spec.levers["sanctions"].path is None
    assert spec.horizon_months == 24
    assert spec.war_cost["ukraine"].judgement == "why"
    r = new.actor_index("russia")
    k = new.issue_ids.index("donetsk")
    assert new.ideal[r, k] == 0.8 and new.salience_raw[r, k] == 3.0
    assert np.isnan(new.red_line[new.actor_index("usa"), new.issue_ids.index("nato")])
    # everything else as it was, and every number keeps its provenance
    assert new.ideal[r, k - 1] == sc.ideal[r, k - 1]
    assert all(q.has_provenance for _, q in new.quantities())


def test_with_parameters_validates(sc: cf.Scenario) -> None:
    with pytest.raises(cf.ScenarioError, match=r"engine\.parameters\.punishment"):
        cf.with_parameters(sc, punishment=-1.0)
    with pytest.raises(cf.ScenarioError, match="must lie in"):
        cf.with_parameters(sc, sanctions=1.5)
    with pytest.raises(cf.InputError, match="unknown premise 'nonesuch'"):
        cf.with_parameters(sc, nonesuch=1.0)
    with pytest.raises(cf.InputError, match="unknown actor 'nobody'"):
        cf.with_parameters(sc, ideal={"nobody": {"donetsk": 0.5}})
    with pytest.raises(cf.InputError, match="expected a number"):
        cf.with_parameters(sc, punishment="high")


def test_engine_section_is_typed_once(sc: cf.Scenario) -> None:
    # validated with the scenario into its typed model, not kept as a dict and validated
    # again on use; the JSON Schema types it too
    assert sc.engine is not None and sc.engine is sc.engine_spec
    assert type(sc.engine).__name__ == "EngineSpec"
    schema = cf.scenario_json_schema()
    assert {"$ref": "#/$defs/EngineSpec"} in schema["properties"]["engine"]["anyOf"]
    assert "horizon" in schema["$defs"]["EngineSpec"]["properties"]


@pytest.mark.parametrize(
    ("value", "msg"),
    [
        ('"2025-01"', "war_start 2025-01 is after as_of 2024-11-28"),
        ('"2022-13"', "String should match pattern"),
        ('"Feb 2022"', "String should match pattern"),
    ],
)
def test_war_start_is_checked_with_file_line_and_field(
    tmp_path: Path, value: str, msg: str
) -> None:
    text = builtin_text(BUILTIN).replace('war_start: "2022-02"', f"war_start: {value}", 1)
    assert text != builtin_text(BUILTIN)
    path = tmp_path / "ws.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cf.ScenarioError) as info:
        cf.load(path)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("  war_start:"))
    assert f"ws.yaml:{line}:" in str(info.value)
    assert "engine.war_start" in str(info.value) and msg in str(info.value)
