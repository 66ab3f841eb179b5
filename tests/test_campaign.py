# ruff: noqa: E501  (a table of cases: one case a line reads best)
"""A campaign of malformed inputs across every input kind and CLI option.

Each case runs the real command line in its own forked process (``_campaign_driver``)
under a memory limit and a wall-clock limit, and must end in exactly one of two ways:

* ``error``: exit status 2, one line on stderr starting with ``error:`` that names what
  and where (``mention``), no traceback, and no output file left behind;
* ``ok``: exit status 0, no traceback (inputs that are odd but valid).

A hang (killed at the limit), a signal, a memory blow-up, a traceback or a wrong success
fails the case. The totals are printed by ``-s`` and asserted per case.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
TOY = (HERE / "data" / "toy-two-issues.yaml").read_text(encoding="utf-8")
QUICK = ["--paths", "20", "--horizon", "6", "-q"]


@dataclass
class Case:
    id: str
    argv: list[str]
    expect: str = "error"  # "error" | "ok"
    mention: str | None = None  # a substring the one-line error must contain
    files: dict[str, bytes | str] = field(default_factory=dict)
    out: str | None = None  # an output path that must not exist after an error
    timeout: float = 60.0
    extra: dict[str, Any] = field(default_factory=dict)


def _toy(**replace: str) -> str:
    text = TOY
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _scenario_cases() -> Iterator[Case]:
    bad = {
        "tab-indent": "id: x\n\ttitle: y\n",
        "unclosed-flow": "id: [x\n",
        "bad-indent": "id: x\n  title: y\n title: z\n",
        "duplicate-key": _toy(**{"title: Toy war": "title: A\ntitle: Toy war"}),
        "empty": "",
        "only-comments": "# nothing\n",
        "a-list": "- 1\n- 2\n",
        "a-scalar": "42\n",
        "nul-bytes": "id: x\x00\n",
        "alias-bomb": (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
            "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
        ),
        "alias-bomb-unknown-key": TOY
        + (
            "zzz:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        ),
        "deep-flow": "id: " + "[" * 1000 + "]" * 1000 + "\n",
        "deep-map": "id: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n",
        "huge-int": _toy(**{"value: 0.98": "value: " + "9" * 400}),
        "huge-float": _toy(**{"value: 0.98": "value: 1e400"}),
        "nan-number": _toy(**{"value: 0.98": "value: .nan"}),
        "inf-number": _toy(**{"value: 0.98": "value: .inf"}),
        "string-number": _toy(**{"value: 0.98": "value: high"}),
        "list-for-map": _toy(**{"talks: {participants: [a, b]}": "talks: [a, b]"}),
        "null-required": _toy(**{"id: toy-two-issues": "id: null"}),
        "unknown-key": _toy(**{"id: toy-two-issues": "id: toy-two-issues\ncolour: red"}),
        "parent-cycle": _toy(**{"kind: leader\n": "kind: faction\n    parent: hard\n"}),
        "one-actor": TOY.split("actors:")[0]
        + "actors:\n  - id: a\n    name: A\n    kind: leader\n    clout: {value: 1, judgement: t}\n"
        "    veto: true\n    positions:\n"
        "      border: {ideal: {value: 1, judgement: t}, salience: {value: 1, judgement: t}}\n",
        "kappa-1e300": _toy(**{"kappa: {value: 0.1": "kappa: {value: 1e300"}),
        "bad-range": _toy(
            **{
                "kappa: {value: 0.1, judgement: toy}": "kappa: {value: 0.1, range: [0.5, 0.2], judgement: toy}"
            }
        ),
        "range-not-pair": _toy(
            **{
                "kappa: {value: 0.1, judgement: toy}": "kappa: {value: 0.1, range: [0.5], judgement: toy}"
            }
        ),
        "paths-10m": _toy(**{"paths: 200": "paths: 10000000"}),
        "horizon-huge": _toy(**{"horizon: {value: 12": "horizon: {value: 1000000"}),
        "discount-above-1": _toy(**{"discount: {value: 0.98": "discount: {value: 1.5"}),
        "salience-negative": _toy(
            **{"salience: {value: 0.7, judgement: toy}": "salience: {value: -0.7, judgement: toy}"}
        ),
        "ideal-out-of-unit": _toy(
            **{
                "ideal: {value: 1.0, judgement: toy}, salience: {value: 0.7": "ideal: {value: 3.0, judgement: toy}, salience: {value: 0.7"
            }
        ),
        "roles-unknown-actor": _toy(**{"side_b: b,": "side_b: nobody,"}),
        "front-unknown-issue": _toy(**{"issue: border, kappa": "issue: nowhere, kappa"}),
        "lever-baseline-2": _toy(**{"sanctions: {value: 0.5": "sanctions: {value: 2.0"}),
        "unknown-lever": _toy(**{"sanctions: {value: 0.5": "bombing: {value: 0.5"}),
        "no-veto": _toy(**{"    veto: true\n": ""}),
        "zero-salience-issue": _toy(
            **{
                "border: {ideal: {value: 1.0, judgement: toy}, salience: {value: 0.7": "border: {ideal: {value: 1.0, judgement: toy}, salience: {value: 0.0",
                "border: {ideal: {value: 1.0, judgement: toy}, salience: {value: 0.9": "border: {ideal: {value: 1.0, judgement: toy}, salience: {value: 0.0",
                "border: {ideal: {value: 0.0, judgement: toy}, salience: {value: 0.4": "border: {ideal: {value: 0.0, judgement: toy}, salience: {value: 0.0",
            }
        ),
        "dangling-ref": _toy(
            **{
                'status_quo: {value: 0.5, judgement: "toy"}': "status_quo: {value: 0.5, source: {ref: nowhere}}"
            }
        ),
    }
    for name, text in bad.items():
        for cmd in ("validate", "run"):
            argv = [cmd, f"{name}.yaml"] + (QUICK if cmd == "run" else [])
            yield Case(
                f"scenario-{name}-{cmd}", argv, mention=f"{name}.yaml", files={f"{name}.yaml": text}
            )
    yield Case(
        "scenario-binary",
        ["validate", "bin.yaml"],
        mention="bin.yaml",
        files={"bin.yaml": bytes(range(256)) * 4},
    )
    yield Case(
        "scenario-utf16",
        ["validate", "u16.yaml"],
        mention="u16.yaml",
        files={"u16.yaml": TOY.encode("utf-16")},
    )
    yield Case(
        "scenario-too-large",
        ["validate", "big.yaml"],
        mention="big.yaml",
        files={"big.yaml": "# " + "x" * (20 * 1024 * 1024) + "\n" + TOY},
    )
    yield Case("scenario-missing", ["run", "nope.yaml", *QUICK], mention="nope.yaml")
    yield Case("scenario-unknown-id", ["run", "no-such-war", *QUICK], mention="no-such-war")
    yield Case(
        "scenario-directory", ["validate", "adir"], mention="adir", extra={"mkdir": ["adir"]}
    )
    yield Case("scenario-dev-zero", ["validate", "/dev/zero"], mention="/dev/zero", timeout=20)
    yield Case("scenario-dev-null", ["run", "/dev/null", *QUICK], mention="/dev/null", timeout=20)
    yield Case(
        "scenario-fifo",
        ["validate", "fifo.yaml"],
        mention="fifo.yaml",
        timeout=20,
        extra={"fifo": ["fifo.yaml"]},
    )
    yield Case("scenario-valid", ["validate", "toy.yaml"], expect="ok", files={"toy.yaml": TOY})
    yield Case(
        "scenario-valid-run", ["run", "toy.yaml", *QUICK], expect="ok", files={"toy.yaml": TOY}
    )


def _option_cases() -> Iterator[Case]:
    toy = {"toy.yaml": TOY}
    for cmd in ("run", "levers", "backtest"):
        base = [cmd, "toy.yaml"] if cmd != "backtest" else [cmd, "korea-1951"]
        yield Case(f"seed-negative-{cmd}", [*base, "--seed", "-1"], mention="seed", files=toy)
        yield Case(
            f"seed-beyond-128-bits-{cmd}", [*base, "--seed", str(2**130)], mention="seed", files=toy
        )
        yield Case(f"paths-zero-{cmd}", [*base, "--paths", "0"], mention="paths", files=toy)
        yield Case(
            f"paths-huge-{cmd}", [*base, "--paths", "1000000000"], mention="paths", files=toy
        )
        yield Case(f"paths-text-{cmd}", [*base, "--paths", "many"], mention="paths", files=toy)
    for cmd in ("explore", "report"):  # the exploration's own checks come first
        base = [cmd, "toy.yaml"]
        out = "report.html" if cmd == "report" else None
        yield Case(
            f"seed-negative-{cmd}", [*base, "--seed", "-1"], mention="seed", files=toy, out=out
        )
        yield Case(
            f"seed-beyond-128-bits-{cmd}",
            [*base, "--seed", str(2**130)],
            mention="seed",
            files=toy,
            out=out,
        )
        yield Case(
            f"paths-huge-{cmd}",
            [*base, "--paths", "1000000000"],
            mention="paths",
            files=toy,
            out=out,
        )
    # within the static limits, but over the memory this process may use (the driver's
    # address-space limit): refused before allocating, naming the memory it would need
    yield Case(
        "run-paths-over-memory",
        ["run", "toy.yaml", "--paths", "100000", "--horizon", "6", "--worlds", "0"],
        mention="memory",
        files=toy,
    )
    # (the toy scenario states no ranges: these use the built-in one)
    yield Case("explore-paths-over-memory", ["explore", "--paths", "100000"], mention="memory")
    yield Case("explore-worlds-huge", ["explore", "--worlds", "100000000000"], mention="worlds")
    yield Case(
        "explore-sobol-huge",
        ["explore", "--method", "sobol", "--worlds", str(2**40)],
        mention="worlds",
    )
    yield Case(
        "explore-workers-many",
        ["explore", "toy.yaml", "--scheduler", "local:999"],
        mention="local:999",
        files=toy,
    )
    for cmd in ("run", "levers"):
        yield Case(
            f"horizon-zero-{cmd}", [cmd, "toy.yaml", "--horizon", "0"], mention="horizon", files=toy
        )
        yield Case(
            f"horizon-huge-{cmd}",
            [cmd, "toy.yaml", "--horizon", "100000000"],
            mention="horizon",
            files=toy,
        )
    yield Case("run-unknown-option", ["run", "--colour", "red"], mention="--colour")
    yield Case("unknown-command", ["fight"], mention="fight")
    yield Case(
        "lever-no-equals",
        ["run", "toy.yaml", *QUICK, "--lever", "sanctions"],
        mention="sanctions",
        files=toy,
    )
    yield Case(
        "lever-empty-value",
        ["run", "toy.yaml", *QUICK, "--lever", "sanctions="],
        mention="sanctions",
        files=toy,
    )
    yield Case(
        "lever-unknown",
        ["run", "toy.yaml", *QUICK, "--lever", "bombing=1"],
        mention="bombing",
        files=toy,
    )
    yield Case(
        "lever-above-1",
        ["run", "toy.yaml", *QUICK, "--lever", "sanctions=2"],
        mention="sanctions",
        files=toy,
    )
    yield Case(
        "lever-nan",
        ["run", "toy.yaml", *QUICK, "--lever", "sanctions=nan"],
        mention="sanctions",
        files=toy,
    )
    yield Case(
        "lever-inf",
        ["run", "toy.yaml", *QUICK, "--lever", "sanctions=inf"],
        mention="sanctions",
        files=toy,
    )
    yield Case(
        "levers-grid-bad",
        ["levers", "toy.yaml", "--paths", "20", "--sanctions", "0,x"],
        mention="sanctions",
        files=toy,
    )
    yield Case(
        "levers-grid-out",
        ["levers", "toy.yaml", "--paths", "20", "--sanctions", "0,3"],
        mention="sanctions",
        files=toy,
    )
    yield Case(
        "forecast-unknown-model",
        ["forecast", "--model", "oracle", "toy.yaml"],
        mention="oracle",
        files=toy,
    )
    yield Case(
        "bench-deu-folds-zero",
        ["bench", "deu", "--data", "d.tsv", "--folds", "0"],
        mention="folds",
        files={"d.tsv": "x\n"},
    )
    yield Case(
        "bench-deu-reps-negative",
        ["bench", "deu", "--data", "d.tsv", "--reps", "-5"],
        mention="reps",
        files={"d.tsv": "x\n"},
    )
    yield Case(
        "bench-deu-seed-negative",
        ["bench", "deu", "--data", "d.tsv", "--seed", "-1"],
        mention="seed",
        files={"d.tsv": "x\n"},
    )
    yield Case("backtest-unknown-case", ["backtest", "atlantis-2099"], mention="atlantis-2099")
    yield Case("version", ["--version"], expect="ok")
    yield Case("help", ["--help"], expect="ok")


def _lever_file_cases() -> Iterator[Case]:
    bad = {
        "month-text.yaml": "sanctions: [[soon, 0.5]]\n",
        "month-null.yaml": "sanctions: [[null, 0.5]]\n",
        "month-inf.yaml": "sanctions: [[.inf, 0.5]]\n",
        "month-nan.yaml": "sanctions: [[.nan, 0.5]]\n",
        "month-1e9.yaml": "sanctions: [[0, 0.5], [1000000000, 0.9]]\n",
        "month-1e8.json": '{"sanctions": [[0, 0.5], [100000000, 0.9]]}',
        "month-negative.yaml": "sanctions: [[-1, 0.5]]\n",
        "month-fraction.yaml": "sanctions: [[1.5, 0.5]]\n",
        "month-bool.yaml": "sanctions: [[true, 0.5]]\n",
        "month-huge-int.yaml": "sanctions: [[" + "9" * 400 + ", 0.5]]\n",
        "value-high.yaml": "sanctions: [[0, 2.0]]\n",
        "value-negative.yaml": "sanctions: [[0, -0.1]]\n",
        "value-text.yaml": "sanctions: [[0, high]]\n",
        "value-nan.yaml": "sanctions: [[0, .nan]]\n",
        "knots-descending.yaml": "sanctions: [[6, 0.5], [2, 0.9]]\n",
        "knots-duplicate.yaml": "sanctions: [[2, 0.5], [2, 0.9]]\n",
        "knot-short.yaml": "sanctions: [[2]]\n",
        "knot-long.yaml": "sanctions: [[2, 0.5, 7]]\n",
        "unknown-lever.yaml": "bombing: 0.5\n",
        "not-a-map.yaml": "- sanctions\n",
        "empty.yaml": "",
        "syntax.yaml": "sanctions: [[0, 0.5]\n",
        "syntax.json": '{"sanctions": [[0, 0.5]',
        "deep.json": "[" * 5000 + "]" * 5000,
        "deep.yaml": "sanctions: " + "[" * 1000 + "]" * 1000 + "\n",
        "alias-bomb.yaml": (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        ),
        "csv-bad-header.csv": "when,what\n0,0.5\n",
        "csv-text.csv": "lever,month,value\nsanctions,soon,0.5\n",
        "csv-empty.csv": "",
        "csv-huge-field.csv": "lever,month,value\nsanctions,0," + "9" * 200_000 + "\n",
        "wrong-ext.txt": "sanctions: 0.5\n",
    }
    toy = {"toy.yaml": TOY}
    for name, text in bad.items():
        yield Case(
            f"levers-{name}",
            ["run", "toy.yaml", *QUICK, "--levers", name, "--json", "out.json"],
            mention=name,
            files={**toy, name: text},
            out="out.json",
            timeout=30,
        )
    yield Case(
        "levers-utf16",
        ["run", "toy.yaml", *QUICK, "--levers", "l.yaml"],
        mention="l.yaml",
        files={**toy, "l.yaml": "sanctions: [[0, 0.5]]\n".encode("utf-16")},
    )
    yield Case(
        "levers-binary",
        ["run", "toy.yaml", *QUICK, "--levers", "l.yaml"],
        mention="l.yaml",
        files={**toy, "l.yaml": bytes(range(256))},
    )
    yield Case(
        "levers-dev-zero",
        ["run", "toy.yaml", *QUICK, "--levers", "/dev/zero"],
        mention="/dev/zero",
        files=toy,
        timeout=20,
    )
    yield Case(
        "levers-missing",
        ["run", "toy.yaml", *QUICK, "--levers", "none.yaml"],
        mention="none.yaml",
        files=toy,
    )
    yield Case(
        "levers-ok",
        ["run", "toy.yaml", *QUICK, "--levers", "ok.yaml"],
        expect="ok",
        files={**toy, "ok.yaml": "sanctions: [[0, 0.5], [3, 0.9]]\naid: 0.4\n"},
    )


def _csv_cases() -> Iterator[Case]:
    one = "actor,capability,position,salience\nA,1,0,1\nB,1,100,1\nC,2,40,0.5\n"
    bad = {
        "bad-header.csv": "who,what\nA,1\n",
        "header-only.csv": "actor,capability,position,salience\n",
        "empty.csv": "",
        "text-number.csv": "actor,capability,position,salience\nA,lots,0,1\nB,1,1,1\n",
        "nan.csv": "actor,capability,position,salience\nA,1,nan,1\nB,1,1,1\n",
        "inf.csv": "actor,capability,position,salience\nA,1,inf,1\nB,1,1,1\n",
        "huge.csv": "actor,capability,position,salience\nA,1,1e308,1\nB,1,-1e308,1\n",
        "negative-cap.csv": "actor,capability,position,salience\nA,-1,0,1\nB,1,1,1\n",
        "negative-sal.csv": "actor,capability,position,salience\nA,1,0,-1\nB,1,1,1\n",
        "one-actor.csv": "actor,capability,position,salience\nA,1,0,1\n",
        "missing-field.csv": "actor,capability,position,salience\nA,1,0\n",
        "huge-field.csv": "actor,capability,position,salience\nA,1,0," + "1" * 200_000 + "\n",
        "binary.csv": bytes(range(256)) * 10,
        "nul.csv": "actor,capability,position,salience\nA,1,0,1\x00\n",
        "dup-actor.csv": "actor,capability,position,salience\nA,1,0,1\nA,1,1,1\n",
    }
    for name, text in bad.items():
        for model in ("compromise", "median", "nbs", "bdm", "smp"):
            yield Case(
                f"csv-{name}-{model}",
                ["forecast", "--model", model, name, "--json", "out.json"],
                mention=name,
                files={name: text},
                out="out.json",
                timeout=30,
            )
    many = "actor,capability,position,salience\n" + "".join(
        f"A{i},1,{i % 100},1\n" for i in range(10_000)
    )
    yield Case(
        "csv-10000-actors-bdm",
        ["forecast", "--model", "bdm", "many.csv"],
        mention="many.csv",
        files={"many.csv": many},
        timeout=60,
    )
    yield Case(
        "csv-ok",
        ["forecast", "--model", "compromise", "ok.csv"],
        expect="ok",
        files={"ok.csv": one},
    )
    dims = 30
    header = "Scenario,,\nact,desc,cap," + ",".join(f"d{i},s{i}" for i in range(dims)) + "\n"
    rows = "".join(
        f"A{a},x,{a + 1}," + ",".join(f"{(a * 7 + i) % 100},50" for i in range(dims)) + "\n"
        for a in range(4)
    )
    yield Case(
        "ktab-30-dims-nbs",
        ["forecast", "--model", "nbs", "k.csv"],
        mention="k.csv",
        files={"k.csv": header + rows},
        timeout=60,
    )


def _xml_cases() -> Iterator[Case]:
    good = HERE.parent.parent / "shared" / "data" / "ktab" / "smpExample.xml"
    base = good.read_text(encoding="utf-8") if good.exists() else None
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
        + "".join(
            f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">\n'
            for i in range(1, 10)
        )
        + "]>\n<Scenario><name>&lol9;</name></Scenario>\n"
    )
    bad = {
        "malformed.xml": "<Scenario><name>x</Scenario>",
        "entity-bomb.xml": bomb,
        "xxe.xml": '<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Scenario><name>&x;</name></Scenario>\n',
        "unknown-encoding.xml": '<?xml version="1.0" encoding="klingon"?>\n<Scenario/>\n',
        "empty.xml": "",
        "not-scenario.xml": "<Other/>",
    }
    if base is not None:
        bad["huge-seed.xml"] = (
            base.replace("<prngSeed>", "<prngSeed>" + "9" * 100_000, 1)
            if "<prngSeed>" in base
            else base.replace(
                "<Scenario>", "<Scenario><prngSeed>" + "9" * 100_000 + "</prngSeed>", 1
            )
        )
        bad["bad-enum.xml"] = base.replace("<VotingRule>", "<VotingRule>Dictator", 1)
    for name, text in bad.items():
        yield Case(
            f"xml-{name}",
            ["forecast", "--model", "smp", name, "--json", "out.json"],
            mention=name,
            files={name: text},
            out="out.json",
            timeout=30,
        )


def _deu_cases() -> Iterator[Case]:
    bad = {
        "empty.tsv": "",
        "header-only.tsv": "proposal\tissue\n",
        "binary.tsv": bytes(range(256)) * 5,
        "text.tsv": "a\tb\tc\n1\t2\t3\n",
    }
    for name, text in bad.items():
        yield Case(
            f"deu-{name}",
            ["bench", "deu", "--data", name, "--reps", "10", "--json", "out.json"],
            mention=name,
            files={name: text},
            out="out.json",
            timeout=30,
        )
    yield Case("deu-missing", ["bench", "deu", "--data", "none.tsv"], mention="none.tsv")
    yield Case(
        "deu-dev-zero", ["bench", "deu", "--data", "/dev/zero"], mention="/dev/zero", timeout=20
    )


def _output_cases() -> Iterator[Case]:
    csv = {"ok.csv": "actor,capability,position,salience\nA,1,0,1\nB,1,100,1\n"}
    fc = ["forecast", "--model", "compromise", "ok.csv"]
    yield Case(
        "out-newdir-slash", [*fc, "--json", "newdir/"], mention="newdir", files=csv, out="newdir"
    )
    yield Case("out-missing-dir", [*fc, "--json", "nodir/x.json"], mention="nodir", files=csv)
    yield Case(
        "out-is-dir", [*fc, "--json", "adir"], mention="adir", files=csv, extra={"mkdir": ["adir"]}
    )
    yield Case("out-dev-full", [*fc, "--json", "/dev/full"], mention="/dev/full", files=csv)
    yield Case(
        "out-dev-null",
        [*fc, "--json", "/dev/null"],
        expect="ok",
        files=csv,
        extra={"check_char_device": "/dev/null"},
    )
    yield Case("out-dev-stdout", [*fc, "--json", "/dev/stdout"], expect="ok", files=csv)
    yield Case(
        "out-export-newdir-slash",
        ["scenarios", "--export", "russia-ukraine-2024", "newdir/"],
        mention="newdir",
        out="newdir",
    )
    yield Case(
        "out-umask",
        [*fc, "--json", "u.json"],
        expect="ok",
        files=csv,
        extra={"mode": ("u.json", 0o644)},
    )
    yield Case(
        "out-symlink",
        [*fc, "--json", "link.json"],
        expect="ok",
        files={**csv, "real.json": "{}"},
        extra={"symlink": ("real.json", "link.json")},
    )
    yield Case(
        "out-hardlink",
        [*fc, "--json", "h1.json"],
        expect="ok",
        files={**csv, "h1.json": "{}"},
        extra={"hardlink": ("h1.json", "h2.json")},
    )
    yield Case(
        "broken-pipe-run",
        ["run", "toy.yaml", "--paths", "20", "--horizon", "6"],
        expect="quiet",
        files={"toy.yaml": TOY},
        extra={"broken_pipe": True},
    )
    yield Case("broken-pipe-scenarios", ["scenarios"], expect="quiet", extra={"broken_pipe": True})
    yield Case(
        "sigint-during-run",
        ["run", "toy.yaml", "--paths", "2000", "--horizon", "12"],
        expect="interrupted",
        files={"toy.yaml": TOY},
        extra={"sigint_after": 0.5},
    )


def all_cases() -> list[Case]:
    cases = [
        *_scenario_cases(),
        *_option_cases(),
        *_lever_file_cases(),
        *_csv_cases(),
        *_xml_cases(),
        *_deu_cases(),
        *_output_cases(),
    ]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return cases


CASES = [
    c
    for c in all_cases()
    if not any(x and x in c.id for x in os.environ.get("CEASEFIRE_CAMPAIGN_EXCLUDE", "").split(","))
]


@pytest.fixture(scope="module")
def results(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Case, dict[str, Any], Path]]:
    root = tmp_path_factory.mktemp("campaign")
    payload = []
    dirs: dict[str, Path] = {}
    for case in CASES:
        d = root / case.id
        d.mkdir()
        dirs[case.id] = d
        for name, content in case.files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (d / name).write_bytes(data)
        for name in case.extra.get("mkdir", []):
            (d / name).mkdir()
        for name in case.extra.get("fifo", []):
            os.mkfifo(d / name)
        if "symlink" in case.extra:
            src, link = case.extra["symlink"]
            os.symlink(src, d / link)
        if "hardlink" in case.extra:
            src, link = case.extra["hardlink"]
            os.link(d / src, d / link)
        item: dict[str, Any] = {
            "id": case.id,
            "argv": case.argv,
            "cwd": str(d),
            "timeout": case.timeout,
        }
        for key in ("broken_pipe", "sigint_after"):
            if case.extra.get(key):
                item[key] = case.extra[key]
        payload.append(item)
    scratch = root / "_io"
    scratch.mkdir()
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "COLUMNS": "100"}
    proc = subprocess.run(
        [sys.executable, str(HERE / "_campaign_driver.py"), str(scratch)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = {r["id"]: r for r in json.loads(proc.stdout)}
    totals: dict[str, int] = {}
    for case in CASES:
        verdict = _verdict(case, out[case.id], dirs[case.id])
        totals[verdict] = totals.get(verdict, 0) + 1
    print(f"\ncampaign: {len(CASES)} cases: {totals}")
    return {c.id: (c, out[c.id], dirs[c.id]) for c in CASES}


def _verdict(case: Case, r: dict[str, Any], d: Path) -> str:
    if r["timed_out"]:
        return "hang"
    if r["signal"] is not None or r["rc"] == 99:
        return "crash"
    if "Traceback" in r["stderr"]:
        return "traceback"
    if case.expect == "error":
        return "clean error" if r["rc"] == 2 else "wrong success" if r["rc"] == 0 else "other"
    if case.expect == "quiet":
        return "quiet exit" if not r["stderr"].strip() else "other"
    if case.expect == "interrupted":
        return "interrupted" if r["rc"] == 130 else "other"
    return "success" if r["rc"] == 0 else "other"


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_campaign_case(case_id: str, results: dict[str, tuple[Case, dict[str, Any], Path]]) -> None:
    case, r, d = results[case_id]
    where = f"{case_id}: rc={r['rc']} stderr={r['stderr'][-1500:]!r}"
    assert not r["timed_out"], f"hang: {where}"
    assert r["signal"] is None, f"killed by signal {r['signal']}: {where}"
    assert "Traceback" not in r["stderr"], f"traceback: {where}"
    if case.expect == "error":
        assert r["rc"] == 2, f"expected exit 2: {where}"
        lines = [ln for ln in r["stderr"].splitlines() if ln.strip()]
        assert len(lines) == 1, f"expected one line: {where}"
        assert lines[0].startswith("error:"), where
        if case.mention:
            assert case.mention in lines[0], f"error does not name {case.mention!r}: {where}"
        if case.out:
            assert not (d / case.out).exists(), f"output left behind: {where}"
        leftovers = [p.name for p in d.iterdir() if p.name.endswith(".tmp")]
        assert not leftovers, f"temporary files left: {leftovers}"
    elif case.expect == "ok":
        assert r["rc"] == 0, f"expected success: {where}"
    elif case.expect == "quiet":  # broken pipe: no error message, no traceback
        assert r["rc"] in (0, 1, 141), where
        assert r["stderr"].strip() == "", where
    elif case.expect == "interrupted":
        assert r["rc"] == 130, where
        assert len(r["stderr"].strip().splitlines()) <= 1, where
    if "check_char_device" in case.extra:
        assert stat.S_ISCHR(os.stat(case.extra["check_char_device"]).st_mode)
    if "mode" in case.extra:
        name, mode = case.extra["mode"]
        assert stat.S_IMODE(os.stat(d / name).st_mode) == mode, oct(os.stat(d / name).st_mode)
    if "symlink" in case.extra:
        src, link = case.extra["symlink"]
        assert (d / link).is_symlink(), "the symlink was replaced by a file"
        assert json.loads((d / src).read_text())  # the target got the new content
    if "hardlink" in case.extra:
        a, b = case.extra["hardlink"]
        assert os.stat(d / a).st_ino == os.stat(d / b).st_ino, "the hard link was broken"


def test_campaign_size() -> None:
    assert len(CASES) >= 150
