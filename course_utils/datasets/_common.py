"""What the image-dataset loaders share: argument checks, seed streams, threads, original files.

Introduced with the hand-signs (notebook 09) and faces (notebook 11) datasets.
"""

from __future__ import annotations

import numbers
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .. import config


def check_count(name: str, n) -> int:
    """``n`` as an int, or a friendly ValueError unless it is a positive integer."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer; got {n!r}")
    if n <= 0:
        raise ValueError(f"{name} must be a positive integer; got {n}")
    return int(n)


def check_seed(seed) -> int:
    """``seed`` as an int, or a friendly ValueError unless it is a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    return int(seed)


def check_fraction(name: str, value) -> float:
    """``value`` as a float, or a friendly ValueError unless it is a number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number between 0 and 1; got {value!r}")
    return float(value)


def check_size(size, minimum: int = 32, maximum: int = 256) -> int:
    """An image size in pixels, or a friendly ValueError."""
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or not minimum <= size <= maximum:
        raise ValueError(f"size must be an integer number of pixels from {minimum} to {maximum}; got {size!r}")
    return int(size)


def child(seq: np.random.SeedSequence, i: int) -> np.random.SeedSequence:
    """The i-th child of ``seq`` (what ``seq.spawn`` gives, without mutating it)."""
    return np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (i,))


def balanced_labels(rng, n: int, n_classes: int) -> np.ndarray:
    """``n`` labels 0 .. n_classes-1, as evenly spread as whole counts allow, shuffled."""
    counts = np.full(n_classes, n // n_classes)
    counts[rng.permutation(n_classes)[: n % n_classes]] += 1
    return rng.permutation(np.repeat(np.arange(n_classes), counts)).astype(np.int64)


def split_labels(rng, n: int, fraction: float) -> np.ndarray:
    """``n`` labels, ``round(fraction * n)`` of them 1 and the rest 0, shuffled."""
    labels = np.zeros(n, dtype=np.int64)
    labels[rng.permutation(n)[: int(round(fraction * n))]] = 1
    return labels


def run_chunks(n: int, chunk: int, draw: Callable[[int, int, int], np.ndarray], shape: Sequence[int]) -> np.ndarray:
    """Fill an (n, *shape) uint8 array chunk by chunk: ``draw(c, start, stop)`` returns images start:stop.

    Each chunk must depend only on its arguments (its own seed stream), so the
    chunks run on threads and the result does not depend on the machine.
    """
    out = np.empty((n, *shape), dtype=np.uint8)
    starts = list(range(0, n, chunk))

    def run(c):
        start = starts[c]
        stop = min(start + chunk, n)
        out[start:stop] = draw(c, start, stop)

    workers = min(len(starts), os.cpu_count() or 1)
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, range(len(starts))))
    else:
        for c in range(len(starts)):
            run(c)
    return out


def original_paths(names: Sequence[str]) -> list[Path]:
    """Where the original files would be: in ``config.DATA_DIR`` (``COURSE_DATA_DIR``)."""
    return [config.DATA_DIR / name for name in names]


def find_original(names: Sequence[str]):
    """The original (train, test) files if both are there, None if neither; an error if only one is."""
    paths = original_paths(names)
    present = [p.exists() for p in paths]
    if all(present):
        return paths
    if any(present):
        have, missing = (paths[0], paths[1]) if present[0] else (paths[1], paths[0])
        raise FileNotFoundError(
            f"Found {have.name} but not {missing.name} in {missing.parent}: put both original "
            f"files there, or remove {have.name} to use the generated dataset.")
    return None


def load_original(train_path: Path, test_path: Path):
    """Read an original course h5 pair (keys ``train_set_x`` ... ``list_classes``), in the course's layout."""
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a dependency of the course
        raise ImportError(f"Reading the original {train_path.name} needs h5py: pip install h5py") from e

    with h5py.File(train_path, "r") as f:
        train_x = np.array(f["train_set_x"][:])
        train_y = np.array(f["train_set_y"][:]).reshape(1, -1)
    with h5py.File(test_path, "r") as f:
        test_x = np.array(f["test_set_x"][:])
        test_y = np.array(f["test_set_y"][:]).reshape(1, -1)
        classes = np.array(f["list_classes"][:])
    return train_x, train_y, test_x, test_y, classes
