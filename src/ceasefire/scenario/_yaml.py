"""YAML reading and writing that keeps line numbers, for errors that point at a line."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .._errors import ScenarioError

__all__ = ["dump_yaml", "load_yaml", "locate"]


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def load_yaml(text: str, *, file: str) -> Any:
    """Parse YAML text into ruamel's round-trip tree (which remembers positions)."""
    if not text.strip():
        raise ScenarioError("the file is empty", file=file, line=1, col=1)
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in str(exc):
            problem = (
                "duplicate key " + str(exc).split('found duplicate key "', 1)[-1].split('"')[0]
            )
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        raise ScenarioError(f"invalid YAML: {problem}", file=file, line=line, col=col) from None
    except YAMLError as exc:
        msg = " ".join(str(exc).split())
        raise ScenarioError(f"invalid YAML: {msg}", file=file, line=1, col=1) from None
    if data is None:
        raise ScenarioError("the file is empty", file=file, line=1, col=1)
    return data


def locate(tree: Any, loc: Sequence[str | int]) -> tuple[int | None, int | None]:
    """Return the 1-based (line, col) of the node at path ``loc`` in a ruamel tree.

    Walks as deep as the path exists; a missing key reports the position of
    the deepest mapping that exists (where the key should have been).
    """
    line: int | None = None
    col: int | None = None
    node = tree
    if isinstance(node, CommentedMap | CommentedSeq):
        line, col = node.lc.line + 1, node.lc.col + 1
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            try:
                kl, kc = node.lc.key(key)
                line, col = kl + 1, kc + 1
            except (KeyError, TypeError):
                pass
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            try:
                il, ic = node.lc.item(key)
                line, col = il + 1, ic + 1
            except (KeyError, TypeError, IndexError):
                pass
            node = node[key]
        else:
            break
    return line, col


def dump_yaml(data: Any) -> str:
    y = YAML(typ="rt")
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()
