"""Readers for the input formats of KTAB's spatial model of politics (SMP).

KTAB, the KAPSARC Toolkit for Behavioral Analysis (github.com/lsyaseen/KTAB,
MIT licence; B. Wise, S. Lester and B. Efird, KAPSARC), reads an SMP scenario
from either of two formats:

* **CSV** -- line 1 ``name, description, nActors, nDims``; line 2 a header
  ``Actor, Description, Power, <dim 1>, <sal 1>, ..., <dim m>, <sal m>``; then
  one row per actor ``name, description, capability, pos_1, sal_1, ...``.
  Positions and saliences are on 0-100; a trailing comma is allowed.
* **XML** -- the ``Scenario`` document described by KTAB's ``smpSchema.xsd``:
  name, desc, ``prngSeed``, optional ``ModelParameters`` (nine enumerated
  options), ``Dimensions``/``dName``, ``Actors``/``Actor`` (name, description,
  capability, ``Position``/``dCoord``, ``Salience``/``dSal``) and an optional
  ``IdealAdjustment`` list of ``iaPair`` (adjustingIdeal, referencePos,
  adjust) that overrides entries of an identity ideal-adjustment matrix.

Both readers return a :class:`KTABScenario`. Anything malformed raises
:class:`ceasefire._errors.InputError` whose one-line message names the file
and the line. The checks follow KTAB's own (positions and saliences within
0-100, total salience per actor at most 100, positive capability), plus the
ones KTAB needs at run time but does not check on input (an actor needs a
positive total salience).

Note: ``examples/smp/doc/smpExample.xml`` at KTAB's last commit has an empty
``<dCoord></dCoord>`` (Alice's first coordinate, line 32); KTAB itself stops
with "no text for the following xml element: dCoord". The copy shipped in
``shared/data/ktab`` has the value 52.8 filled in. This reader reports the
empty coordinate with its line.
"""

from __future__ import annotations

import csv
import math
import os
import xml.parsers.expat
from dataclasses import dataclass, field

import numpy as np

from .._errors import InputError
from .._io import read_bytes, read_text

__all__ = [
    "PARAM_ALIASES",
    "PARAM_DEFAULTS",
    "PARAM_NAMES",
    "KTABScenario",
    "canonical_param",
    "param_spellings",
    "read_ktab",
    "read_ktab_csv",
    "read_ktab_xml",
]

#: The SMP model parameters of KTAB's XML schema, in schema order, with the
#: values each may take (KTAB's enum names, in KTAB's enum order).
PARAM_NAMES: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"),
    "BigRAdjust": ("Full", "TwoThirds", "Half", "OneThird", "No"),
    "BigRRange": ("Min", "Mid", "Max"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}

#: The other spelling of a value, where KTAB's XML reader and KTAB's schema
#: differ: the reader's name tables (``kmodel.h``: ``VotingRuleNames``,
#: ``BigRAdjustNames``) say ``Prop`` and ``None``, the schema
#: (``smpSchema.xsd``) says ``Proportional`` and ``No``. Every other value is
#: spelt alike in both. Both spellings are accepted; the schema's is the one
#: reported.
PARAM_ALIASES: dict[str, dict[str, str]] = {
    "VotingRule": {"Prop": "Proportional"},
    "BigRAdjust": {"None": "No"},
}


def canonical_param(name: str, value: str) -> str:
    """The schema's spelling of a KTAB parameter value (either spelling in)."""
    return PARAM_ALIASES.get(name, {}).get(value, value)


def param_spellings(name: str) -> tuple[str, ...]:
    """Every accepted spelling of the values of parameter ``name``."""
    return PARAM_NAMES[name] + tuple(PARAM_ALIASES.get(name, {}))


#: KTAB's defaults (what a CSV run uses).
PARAM_DEFAULTS: dict[str, str] = {
    "VictoryProbModel": "Linear",
    "PCEModel": "Conditional",
    "StateTransitions": "Deterministic",
    "VotingRule": "Proportional",
    "BigRAdjust": "OneThird",
    "BigRRange": "Mid",
    "ThirdPartyCommit": "SemiCommit",
    "InterVecBrgn": "S2P2",
    "BargnModel": "InitOnlyInterp",
}

_MIN_ACTORS = 3  # KTAB's Model::minNumActor
# KTAB also refuses more than 250 actors (Model::maxNumActor, kmodel.h); we do
# not: the SMP checks the memory a run needs instead (ceasefire.bargaining._smp).


@dataclass
class KTABScenario:
    """One SMP scenario as KTAB reads it (positions and saliences on 0-100).

    ``accommodation[i, j]`` is the rate at which actor *i*'s ideal point moves
    toward actor *j*'s position each turn (identity: ideals track positions).
    ``seed`` is the XML's ``prngSeed`` (``None`` for CSV input); ``params``
    maps each KTAB parameter name (see :data:`PARAM_NAMES`) to its value.
    """

    name: str
    description: str
    actors: list[str]
    descriptions: list[str]
    dims: list[str]
    capability: np.ndarray  # (n,)
    positions: np.ndarray  # (n, m), 0-100
    salience: np.ndarray  # (n, m), 0-100
    params: dict[str, str] = field(default_factory=lambda: dict(PARAM_DEFAULTS))
    seed: int | None = None
    accommodation: np.ndarray | None = None  # (n, n)
    path: str | None = None


def read_ktab(path: str | os.PathLike[str]) -> KTABScenario:
    """Read a KTAB SMP scenario, choosing the reader by the file extension."""
    p = os.fspath(path)
    ext = os.path.splitext(p)[1].lower()
    if ext == ".csv":
        return read_ktab_csv(p)
    if ext == ".xml":
        return read_ktab_xml(p)
    raise InputError("a KTAB scenario must be a .csv or .xml file", file=p)


# ----------------------------------------------------------------------------
# shared checks


def _number(text: str, what: str, file: str, line: int | None) -> float:
    t = text.strip()
    if t == "":
        raise InputError(f"{what} is empty", file=file, line=line)
    try:
        v = float(t)
    except ValueError:
        raise InputError(f"{what} is not a number: {t!r}", file=file, line=line) from None
    if not math.isfinite(v):
        raise InputError(f"{what} is not a finite number: {t!r}", file=file, line=line)
    return v


def _check_actor(
    name: str,
    cap: float,
    pos: list[float],
    sal: list[float],
    file: str,
    line: int | None,
) -> None:
    if cap <= 0.0:
        raise InputError(
            f"actor {name!r}: capability must be positive, got {cap:g}", file=file, line=line
        )
    if cap > 1e8:
        raise InputError(f"actor {name!r}: capability {cap:g} exceeds 1e8", file=file, line=line)
    for k, x in enumerate(pos):
        if not 0.0 <= x <= 100.0:
            raise InputError(
                f"actor {name!r}: position {x:g} on dimension {k + 1} is outside 0-100",
                file=file,
                line=line,
            )
    for k, s in enumerate(sal):
        if not 0.0 <= s <= 100.0:
            raise InputError(
                f"actor {name!r}: salience {s:g} on dimension {k + 1} is outside 0-100",
                file=file,
                line=line,
            )
    total = sum(sal)
    if total > 100.0 + 1e-9:
        raise InputError(
            f"actor {name!r}: total salience {total:g} exceeds 100", file=file, line=line
        )
    if total <= 0.0:
        raise InputError(f"actor {name!r}: total salience must be positive", file=file, line=line)


# ----------------------------------------------------------------------------
# CSV


def _csv_fields(text: str) -> list[str]:
    row = next(csv.reader([text], skipinitialspace=True), [])
    fields = [f.strip() for f in row]
    while fields and fields[-1] == "":  # KTAB's files end rows with a comma
        fields.pop()
    return fields


def read_ktab_csv(path: str | os.PathLike[str]) -> KTABScenario:
    """Read KTAB's SMP CSV format (see the module docstring)."""
    file = os.fspath(path)
    raw = read_text(file, what="KTAB CSV file").splitlines()
    # (line number, fields) of the non-blank lines
    rows = [(i + 1, _csv_fields(t)) for i, t in enumerate(raw) if t.strip(" ,\t") != ""]
    if not rows:
        raise InputError("empty file", file=file)
    ln, first = rows[0]
    if len(first) < 4:
        raise InputError(
            "line 1 must read 'name, description, number of actors, number of dimensions'",
            file=file,
            line=ln,
        )
    scen_name, scen_desc = first[0], first[1]
    n_act = _number(first[2], "number of actors", file, ln)
    n_dim = _number(first[3], "number of dimensions", file, ln)
    if n_act != int(n_act) or n_act < _MIN_ACTORS:
        raise InputError(
            f"number of actors must be a whole number of at least {_MIN_ACTORS}, got {first[2]!r}",
            file=file,
            line=ln,
        )
    if n_dim != int(n_dim) or n_dim < 1:
        raise InputError(
            f"number of dimensions must be a positive whole number, got {first[3]!r}",
            file=file,
            line=ln,
        )
    na, nd = int(n_act), int(n_dim)
    width = 3 + 2 * nd
    if len(rows) < 2:
        raise InputError("missing the header line", file=file, line=ln + 1)
    hl, header = rows[1]
    if len(header) < width:
        raise InputError(
            f"header has {len(header)} columns, expected {width} "
            f"(Actor, Description, Power, then position and salience for {nd} dimensions)",
            file=file,
            line=hl,
        )
    dims = [header[3 + 2 * k] for k in range(nd)]
    body = rows[2:]
    if len(body) != na:
        raise InputError(
            f"line 1 declares {na} actors but the file has {len(body)} actor rows",
            file=file,
            line=ln,
        )
    names: list[str] = []
    descs: list[str] = []
    cap = np.empty(na)
    pos = np.empty((na, nd))
    sal = np.empty((na, nd))
    for i, (rl, row) in enumerate(body):
        if len(row) < width:
            raise InputError(
                f"actor row has {len(row)} columns, expected {width}", file=file, line=rl
            )
        if len(row) > width:
            raise InputError(
                f"actor row has {len(row)} columns, expected {width}", file=file, line=rl
            )
        name = row[0]
        if not name:
            raise InputError("actor name is empty", file=file, line=rl)
        if name in names:
            raise InputError(f"duplicate actor name {name!r}", file=file, line=rl)
        c = _number(row[2], f"actor {name!r}: capability", file, rl)
        p = [
            _number(row[3 + 2 * k], f"actor {name!r}: position on {dims[k]!r}", file, rl)
            for k in range(nd)
        ]
        s = [
            _number(row[4 + 2 * k], f"actor {name!r}: salience on {dims[k]!r}", file, rl)
            for k in range(nd)
        ]
        _check_actor(name, c, p, s, file, rl)
        names.append(name)
        descs.append(row[1])
        cap[i] = c
        pos[i] = p
        sal[i] = s
    return KTABScenario(
        name=scen_name,
        description=scen_desc,
        actors=names,
        descriptions=descs,
        dims=dims,
        capability=cap,
        positions=pos,
        salience=sal,
        params=dict(PARAM_DEFAULTS),
        seed=None,
        accommodation=np.eye(na),
        path=file,
    )


# ----------------------------------------------------------------------------
# XML


class _El:
    """A minimal XML element that remembers its line."""

    __slots__ = ("children", "line", "tag", "text")

    def __init__(self, tag: str, line: int) -> None:
        self.tag = tag
        self.line = line
        self.text = ""
        self.children: list[_El] = []

    def all(self, tag: str) -> list[_El]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> _El | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None


def _parse_xml(file: str) -> _El:
    data = read_bytes(file, what="KTAB XML file")
    try:
        parser = xml.parsers.expat.ParserCreate()
    except (LookupError, ValueError) as exc:  # pragma: no cover - no encoding given here
        raise InputError(f"cannot parse XML: {exc}", file=file) from None
    root = _El("#document", 1)
    stack = [root]

    def start(tag: str, _attrs: dict[str, str]) -> None:
        el = _El(tag, parser.CurrentLineNumber)
        stack[-1].children.append(el)
        stack.append(el)

    parts: dict[int, list[str]] = {}

    def end(_tag: str) -> None:
        el = stack.pop()
        el.text = "".join(parts.pop(id(el), ()))

    def chars(text: str) -> None:  # collected and joined once: no quadratic concatenation
        parts.setdefault(id(stack[-1]), []).append(text)

    def no_entities(name: str, *_args: object) -> None:
        # KTAB's files declare no entities; refusing them stops entity-expansion bombs and
        # external entities (which could read other files) before any is expanded.
        raise InputError(
            f"XML entity declarations are not accepted (<!ENTITY {name} ...>)",
            file=file,
            line=parser.CurrentLineNumber,
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = no_entities
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except (LookupError, ValueError) as exc:  # an unknown or unsupported declared encoding
        raise InputError(f"cannot parse XML: {' '.join(str(exc).split())}", file=file) from None
    except xml.parsers.expat.ExpatError as exc:
        msg = xml.parsers.expat.errors.messages.get(exc.code, str(exc))
        raise InputError(f"malformed XML: {msg}", file=file, line=exc.lineno) from None
    return root


def _child(el: _El, tag: str, file: str, where: str) -> _El:
    c = el.first(tag)
    if c is None:
        raise InputError(f"{where}: missing <{tag}>", file=file, line=el.line)
    return c


def _text(el: _El, file: str, what: str) -> str:
    t = el.text.strip()
    if t == "":
        raise InputError(f"empty <{el.tag}> ({what})", file=file, line=el.line)
    return t


def read_ktab_xml(path: str | os.PathLike[str]) -> KTABScenario:
    """Read KTAB's SMP XML format (``smpSchema.xsd``; see the module docstring)."""
    file = os.fspath(path)
    doc = _parse_xml(file)
    scen = doc.first("Scenario")
    if scen is None:
        raise InputError("the root element must be <Scenario>", file=file, line=1)
    name_el = scen.first("name")
    desc_el = scen.first("desc")
    scen_name = name_el.text.strip() if name_el is not None else ""
    scen_desc = desc_el.text.strip() if desc_el is not None else ""

    seed_el = _child(scen, "prngSeed", file, "<Scenario>")
    seed_txt = _text(seed_el, file, "the random seed")
    if not seed_txt.isdigit() or len(seed_txt) > 20 or int(seed_txt) >= 2**64:
        raise InputError(
            f"<prngSeed> must be a whole number below 2^64, got {_short(seed_txt)!r}",
            file=file,
            line=seed_el.line,
        )
    seed = int(seed_txt)

    params = dict(PARAM_DEFAULTS)
    mp = scen.first("ModelParameters")
    if mp is not None:
        for pname, allowed in PARAM_NAMES.items():
            el = _child(mp, pname, file, "<ModelParameters>")
            val = canonical_param(pname, _text(el, file, "a model parameter"))
            if val not in allowed:
                raise InputError(
                    f"<{pname}> must be one of {', '.join(param_spellings(pname))}; got {val!r}",
                    file=file,
                    line=el.line,
                )
            params[pname] = val

    dims_el = _child(scen, "Dimensions", file, "<Scenario>")
    dim_els = dims_el.all("dName")
    if not dim_els:
        raise InputError("<Dimensions> has no <dName>", file=file, line=dims_el.line)
    dims = [_text(d, file, "a dimension name") for d in dim_els]
    nd = len(dims)

    actors_el = _child(scen, "Actors", file, "<Scenario>")
    act_els = actors_el.all("Actor")
    na = len(act_els)
    if na < _MIN_ACTORS:
        raise InputError(
            f"<Actors> must hold at least {_MIN_ACTORS} <Actor> elements, got {na}",
            file=file,
            line=actors_el.line,
        )
    names: list[str] = []
    descs: list[str] = []
    cap = np.empty(na)
    pos = np.empty((na, nd))
    sal = np.empty((na, nd))
    for i, a in enumerate(act_els):
        where = f"<Actor> {i + 1}"
        nm_el = _child(a, "name", file, where)
        name = _text(nm_el, file, f"name of actor {i + 1}")
        if name in names:
            raise InputError(f"duplicate actor name {name!r}", file=file, line=nm_el.line)
        d_el = a.first("description")
        descs.append(d_el.text.strip() if d_el is not None else "")
        c_el = _child(a, "capability", file, f"actor {name!r}")
        c = _number(
            _text(c_el, file, f"capability of actor {name!r}"),
            f"actor {name!r}: <capability>",
            file,
            c_el.line,
        )
        p_el = _child(a, "Position", file, f"actor {name!r}")
        s_el = _child(a, "Salience", file, f"actor {name!r}")
        coords = p_el.all("dCoord")
        sals = s_el.all("dSal")
        p: list[float] = []
        for k, e in enumerate(coords):
            what = f"position coordinate {k + 1} of actor {name!r}"
            p.append(
                _number(_text(e, file, what), f"actor {name!r}: <dCoord> {k + 1}", file, e.line)
            )
        s: list[float] = []
        for k, e in enumerate(sals):
            what = f"salience {k + 1} of actor {name!r}"
            s.append(_number(_text(e, file, what), f"actor {name!r}: <dSal> {k + 1}", file, e.line))
        if len(p) != nd:
            raise InputError(
                f"actor {name!r} has {len(p)} <dCoord> but there are {nd} dimensions",
                file=file,
                line=p_el.line,
            )
        if len(s) != nd:
            raise InputError(
                f"actor {name!r} has {len(s)} <dSal> but there are {nd} dimensions",
                file=file,
                line=s_el.line,
            )
        _check_actor(name, c, p, s, file, a.line)
        names.append(name)
        cap[i] = c
        pos[i] = p
        sal[i] = s

    acc = np.eye(na)
    ia = scen.first("IdealAdjustment")
    if ia is not None:
        index = {n: i for i, n in enumerate(names)}
        for pair in ia.all("iaPair"):
            idx: list[int] = []
            for tag in ("adjustingIdeal", "referencePos"):
                e = _child(pair, tag, file, "<iaPair>")
                nm = _text(e, file, "an actor name")
                if nm not in index:
                    raise InputError(f"<{tag}> names unknown actor {nm!r}", file=file, line=e.line)
                idx.append(index[nm])
            e = _child(pair, "adjust", file, "<iaPair>")
            v = _number(_text(e, file, "an adjustment rate"), "<adjust>", file, e.line)
            if not 0.0 <= v <= 1.0:
                raise InputError(f"<adjust> must be within 0-1, got {v:g}", file=file, line=e.line)
            acc[idx[0], idx[1]] = v
        rows = acc.sum(axis=1)
        over = np.flatnonzero(rows > 1.0 + 1e-10)
        if over.size:
            bad = int(over[0])
            raise InputError(
                f"ideal adjustments of actor {names[bad]!r} sum to {rows[bad]:g}, more than 1",
                file=file,
                line=ia.line,
            )
    return KTABScenario(
        name=scen_name,
        description=scen_desc,
        actors=names,
        descriptions=descs,
        dims=dims,
        capability=cap,
        positions=pos,
        salience=sal,
        params=params,
        seed=seed,
        accommodation=acc,
        path=file,
    )


def _short(text: str, width: int = 30) -> str:
    """``text`` cut to ``width`` characters for an error message."""
    return text if len(text) <= width else text[: width - 3] + "..."
