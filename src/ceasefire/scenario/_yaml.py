"""YAML reading and writing that keeps line numbers, for errors that point at a line."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .._errors import ScenarioError

__all__ = ["MAX_DEPTH", "MAX_NODES", "check_json_depth", "dump_yaml", "load_yaml", "locate"]

#: The deepest nesting of mappings and sequences read (a scenario needs about 8).
MAX_DEPTH = 64
#: The most nodes a document may hold once its aliases are expanded.
MAX_NODES = 500_000

_OPEN = (
    "BlockMappingStartToken",
    "BlockSequenceStartToken",
    "FlowMappingStartToken",
    "FlowSequenceStartToken",
)
_CLOSE = ("BlockEndToken", "FlowMappingEndToken", "FlowSequenceEndToken")


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def load_yaml(text: str, *, file: str) -> Any:
    """Parse YAML text into ruamel's round-trip tree (which remembers positions)."""
    if not text.strip():
        raise ScenarioError("the file is empty", file=file, line=1, col=1)
    try:
        _check_structure(text, file)
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


def _check_structure(text: str, file: str) -> None:
    """Refuse, before anything is built, nesting deeper than MAX_DEPTH and alias bombs.

    The scanner is iterative, so a hostile file costs one pass over its tokens; ruamel's
    composer is recursive and a document of shared aliases can stand for billions of
    nodes, so both are checked before the document is composed or constructed.
    """
    depth = 0
    aliases = False
    try:
        for token in _yaml().scan(text):
            kind = type(token).__name__
            if kind in _OPEN:
                depth += 1
                if depth > MAX_DEPTH:
                    mark = token.start_mark
                    raise ScenarioError(
                        f"nested deeper than {MAX_DEPTH} levels",
                        file=file,
                        line=mark.line + 1,
                        col=mark.column + 1,
                    )
            elif kind in _CLOSE:
                depth -= 1
            elif kind == "AliasToken":
                aliases = True
    except YAMLError:
        # A syntax error: the parser reports it (at the place it meets it first). Up to the
        # error the nesting stayed within MAX_DEPTH, so parsing cannot recurse too deep.
        return
    if aliases:
        _check_expanded_size(_yaml().compose(text), file)


def _check_expanded_size(root: Any, file: str) -> None:
    """Count the nodes of the composed graph with aliases expanded (memoised, no recursion)."""
    size: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in size:
            continue
        value = node.value
        children: list[Any] = []
        if isinstance(value, list):
            for item in value:
                children.extend(item if isinstance(item, tuple) else (item,))
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        total = 1 + sum(size.get(id(c), 1) for c in children)
        size[key] = total
        if total > MAX_NODES:
            raise ScenarioError(
                f"the document expands to more than {MAX_NODES:,} nodes through its aliases",
                file=file,
                line=node.start_mark.line + 1,
                col=node.start_mark.column + 1,
            )


def check_json_depth(text: str, file: str, *, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` (before ``json.loads`` recurses into it)."""
    depth = 0
    in_string = escaped = False
    line = 1
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise ScenarioError(f"nested deeper than {limit} levels", file=file, line=line)
        elif ch in "]}":
            depth -= 1
        elif ch == "\n":
            line += 1


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
