"""Write a KTAB SMP scenario (CSV or XML) as KTAB XML with chosen model parameters.

Used to make the inputs for side-by-side runs against KTAB's ``smpc``
(``smpc --xml FILE``): KTAB's CSV reader always uses the default parameters, so
a run with, say, Binary voting needs an XML file. Parameter values are written
in the spelling KTAB's XML reader accepts (``Prop`` for Proportional voting,
``None`` for no BigR adjustment).

    .venv/bin/python benchmarks/ktab_xml.py IN.csv OUT.xml [VotingRule=Binary ...]
"""

from __future__ import annotations

import sys
from xml.sax.saxutils import escape

from ceasefire.bargaining._ktab import PARAM_DEFAULTS, PARAM_NAMES, KTABScenario, read_ktab

#: The spellings KTAB's XML reader (its enum name tables) accepts where they
#: differ from the schema's.
KTAB_READER_SPELLING = {("VotingRule", "Proportional"): "Prop", ("BigRAdjust", "No"): "None"}


def to_xml(sc: KTABScenario, params: dict[str, str], seed: int = 1) -> str:
    """The scenario as KTAB XML text with the given model parameters."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Scenario>",
        f"  <name>{escape(sc.name)}</name>",
        f"  <desc>{escape(sc.description)}</desc>",
        f"  <prngSeed>{seed}</prngSeed>",
        "  <ModelParameters>",
    ]
    for key in PARAM_NAMES:
        val = params.get(key, PARAM_DEFAULTS[key])
        val = KTAB_READER_SPELLING.get((key, val), val)
        out.append(f"    <{key}>{val}</{key}>")
    out += ["  </ModelParameters>", "  <Dimensions>"]
    out += [f"    <dName>{escape(d)}</dName>" for d in sc.dims]
    out += ["  </Dimensions>", "  <Actors>"]
    for i, name in enumerate(sc.actors):
        out += [
            "    <Actor>",
            f"      <name>{escape(name)}</name>",
            f"      <description>{escape(sc.descriptions[i])}</description>",
            f"      <capability>{float(sc.capability[i])!r}</capability>",
            "      <Position>",
        ]
        out += [f"        <dCoord>{v!r}</dCoord>" for v in sc.positions[i].tolist()]
        out += ["      </Position>", "      <Salience>"]
        out += [f"        <dSal>{v!r}</dSal>" for v in sc.salience[i].tolist()]
        out += ["      </Salience>", "    </Actor>"]
    # KTAB requires the element; one identity entry keeps the identity matrix
    first = escape(sc.actors[0])
    out += [
        "  </Actors>",
        "  <IdealAdjustment>",
        f"    <iaPair><adjustingIdeal>{first}</adjustingIdeal><referencePos>{first}</referencePos>"
        "<adjust>1</adjust></iaPair>",
        "  </IdealAdjustment>",
        "</Scenario>",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        sys.exit(__doc__)
    sc = read_ktab(argv[0])
    params = dict(sc.params)
    for kv in argv[2:]:
        k, _, v = kv.partition("=")
        params[k] = v
    with open(argv[1], "w", encoding="utf-8") as fh:
        fh.write(to_xml(sc, params))


if __name__ == "__main__":
    main(sys.argv[1:])
