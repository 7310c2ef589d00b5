"""Run-time configuration shared by every notebook: FAST mode, seeding, device.

Introduced in notebook 01. Every notebook's setup cell calls :func:`setup`.

``COURSE_FAST=1`` (set by ``make test`` and CI) shrinks epochs, iterations and
image sizes through :func:`pick`, so a notebook reads the same in both modes.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

# Quiet TensorFlow's C++ logs before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_TRUE = {"1", "true", "yes", "on"}

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def _data_dir() -> Path:
    env = os.environ.get("COURSE_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    if (REPO_DIR / "data").is_dir():
        return REPO_DIR / "data"
    return Path.home() / ".cache" / "course_utils"


DATA_DIR = _data_dir()
CACHE_DIR = DATA_DIR / "cache"
NOTEBOOKS_DIR = REPO_DIR / "notebooks"


def is_fast() -> bool:
    """True when ``COURSE_FAST`` is set to a true value (1, true, yes, on)."""
    return os.environ.get("COURSE_FAST", "").strip().lower() in _TRUE


FAST = is_fast()


def pick(full, fast):
    """Return ``fast`` in FAST mode and ``full`` otherwise.

    Use it for every size that FAST mode shrinks, e.g.
    ``num_iterations = pick(full=2000, fast=200)``.
    """
    return fast if is_fast() else full


def seed_everything(seed: int = 1) -> None:
    """Seed Python's and NumPy's global generators, and Keras/TensorFlow if loaded."""
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        try:
            tf.config.experimental.enable_op_determinism()
        except Exception:  # pragma: no cover - very old TensorFlow
            pass


def device_summary() -> str:
    """One line naming where the computation runs."""
    cores = os.cpu_count() or 1
    if "tensorflow" not in sys.modules:
        return f"CPU ({cores} cores, NumPy)"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = ", ".join(g.name.split(":", 1)[-1] for g in gpus)
        return f"GPU ({len(gpus)}: {names}) with TensorFlow {tf.__version__}"
    return f"CPU ({cores} cores) with TensorFlow {tf.__version__}"


def setup(seed: int = 1, verbose: bool = True) -> None:
    """Prepare a notebook: seeds, quiet logs, friendly errors, a one-line summary.

    - seeds Python, NumPy and (when imported) Keras/TensorFlow, and turns on
      TensorFlow's op determinism;
    - installs the IPython handler that turns an unfinished exercise into one
      short line instead of a traceback (see :mod:`course_utils.errors`);
    - prints the mode (FAST or full) and the device.
    """
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    seed_everything(seed)
    from . import errors

    errors.install()
    try:
        import matplotlib

        matplotlib.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80})
    except ImportError:  # pragma: no cover
        pass
    if verbose:
        mode = "FAST mode (COURSE_FAST=1)" if is_fast() else "full mode"
        print(f"course_utils: {mode}, seed {seed}, {device_summary()}")
