"""A tiny on-disk cache for generated datasets (``data/cache/``, git-ignored)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from .. import config

# Bump when a generator changes its output, so stale caches are not reused.
CACHE_VERSION = 1


def cache_path(name: str, params: dict) -> Path:
    key = json.dumps({"v": CACHE_VERSION, **params}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return config.CACHE_DIR / f"{name}-{digest}.npz"


def cached(name: str, params: dict, build: Callable[[], dict], use_cache: bool = True) -> dict:
    """Return ``build()``'s dict of arrays, read from or written to the cache.

    The file name hashes ``params``; writes are atomic, and an unreadable or
    unwritable cache is ignored (the data is rebuilt), never an error.
    """
    if not use_cache or os.environ.get("COURSE_NO_CACHE"):
        return build()
    path = cache_path(name, params)
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as f:
                return {k: f[k] for k in f.files}
        except Exception:
            pass  # corrupt or partial file: rebuild below
    arrays = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except OSError:
        pass
    return arrays
