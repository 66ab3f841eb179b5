"""``python -m ceasefire.validation``: print the war-case list of docs/validation.md."""

from __future__ import annotations

from ._cases import split_table

print(split_table(), end="")
