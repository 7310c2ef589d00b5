"""What one submission may use while it is graded (``course grade``'s limit flags).

Kept free of heavy imports: the command line builds its parser from these defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Sizes in bytes; 0 turns a limit off."""

    cell_timeout: int = 300
    notebook_timeout: int = 1200
    memory_limit: int = 4 * 2**30
    max_output_bytes: int = 1_000_000
    max_output_lines: int = 1000
    fast: bool = True  # grade in FAST mode (COURSE_FAST=1): the hidden tests do not depend on it
    threads: int = 0  # BLAS / TensorFlow threads per kernel; 0 leaves the libraries' defaults

    def describe(self) -> str:
        mem = format_size(self.memory_limit) if self.memory_limit else "none"
        return (f"per-cell timeout {self.cell_timeout} s, notebook cap {self.notebook_timeout} s, "
                f"memory {mem}, {'FAST' if self.fast else 'full'} mode")


def parse_size(text: str | int) -> int:
    """``"4G"``, ``"512M"``, ``"0"`` (no limit) or a number of bytes."""
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)i?[bB]?\s*", str(text))
    if not m:
        raise ValueError(f"not a size: {text!r} (examples: 4G, 512M, 0)")
    return int(float(m.group(1)) * 1024 ** " KMGT".index(m.group(2).upper() or " "))


def format_size(n: int) -> str:
    for unit, size in (("G", 2**30), ("M", 2**20), ("K", 2**10)):
        if n >= size:
            return f"{n / size:g} {unit}B"
    return f"{n} B"
