"""The "goalkeeper" dataset: where on the pitch a header was won, and by which team.

Introduced in notebook 06 (regularization), as an open replacement for the
original course's 2-D dataset of the same role. The story: after each long
kick of our goalkeeper, the club's analyst noted where the ball came down and
which team won the header there. A classifier of those positions tells the
goalkeeper where to aim.

Every point is a position ``(x1, x2)`` on a 1.35 x 1.4 rectangle of the pitch
(``x1`` in [-0.75, 0.6], ``x2`` in [-0.75, 0.65], drawn uniformly).
Label 1 (blue): one of our players won the header; label 0 (red): an opponent
did. Our players win in the upper part of the rectangle, above a wavy line
(:func:`boundary`); near that line the outcome is blurred (Gaussian noise of
standard deviation 0.04 across the line), and 4 % of all headers go the
"wrong" way wherever they are (a slip, a lucky jump). Those scattered
surprises are what an unregularized network bends its decision boundary
around.

The training and test sets are drawn independently, from two streams derived
from ``seed``, so changing ``n_train`` does not change the test set (and vice
versa). With the default seed and sizes, the 3-layer network of notebook 06
(sizes [2, 20, 3, 1], learning rate 0.3, 30 000 iterations) fits the training
set more closely without regularization than with L2 (lambda = 0.7) or dropout
(keep_prob = 0.86), and scores at least 2 points less on the test set.

Layout as in the course: ``X`` of shape ``(2, m)`` (float64, one column per
header) and ``Y`` of shape ``(1, m)`` (int64, 0 or 1). Nothing is cached on
disk: the data are generated in microseconds.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["load_2D_dataset", "boundary", "plot_keeper_dataset", "DEFAULT_SEED", "FIELD"]

#: The seed of the dataset notebook 06 uses.
DEFAULT_SEED = 4
#: The rectangle of the pitch the points are drawn from: ((x1_min, x1_max), (x2_min, x2_max)).
FIELD = ((-0.75, 0.6), (-0.75, 0.65))

_BLUR = 0.04  # standard deviation of the noise across the line
_SURPRISES = 0.04  # fraction of headers won by the other team, anywhere


def boundary(x1):
    """Height ``x2`` of the line above which our players win their headers, at ``x1``."""
    x1 = np.asarray(x1, dtype=float)
    return 0.25 * np.sin(6.0 * x1 + 0.3) - 0.2 * x1 + 0.05


def _check_count(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be an integer number of points (at least 2); got {n!r}")
    if n < 2:
        raise ValueError(f"{name} must be at least 2 (both classes need points); got {n}")
    return int(n)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    return int(seed)


def _headers(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    (x1_min, x1_max), (x2_min, x2_max) = FIELD
    x1 = rng.uniform(x1_min, x1_max, n)
    x2 = rng.uniform(x2_min, x2_max, n)
    ours = (x2 - boundary(x1) + _BLUR * rng.standard_normal(n)) > 0
    ours ^= rng.random(n) < _SURPRISES
    return np.stack([x1, x2]), ours.astype(np.int64).reshape(1, n)


def load_2D_dataset(n_train: int = 211, n_test: int = 200, seed: int = DEFAULT_SEED, plot: bool = False):
    """The goalkeeper dataset: ``train_X, train_Y, test_X, test_Y``.

    Introduced in notebook 06. ``train_X`` is ``(2, n_train)`` and ``test_X``
    ``(2, n_test)`` (float64, one column per header); ``train_Y`` and ``test_Y``
    are ``(1, n)`` int64 labels (1: our player won the header, 0: an
    opponent did). ``plot=True`` also scatters the training set.
    """
    n_train = _check_count("n_train", n_train)
    n_test = _check_count("n_test", n_test)
    seed = _check_seed(seed)
    train_X, train_Y = _headers(np.random.default_rng([seed, 0]), n_train)
    test_X, test_Y = _headers(np.random.default_rng([seed, 1]), n_test)
    if plot:
        plot_keeper_dataset(train_X, train_Y, title=f"Training set: {n_train} headers")
    return train_X, train_Y, test_X, test_Y


def plot_keeper_dataset(X, Y, ax=None, title: str | None = None, s: float = 18, show_line: bool = False):
    """Scatter headers (``X`` (2, m), ``Y`` (1, m)): blue where we won, red where the opponent did.

    Introduced in notebook 06. ``show_line=True`` also draws the line that the
    generator uses (dashed), which no model is told about. Returns the axis.
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X)
    y = np.ravel(np.asarray(Y))
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must be shaped (2, m) (one column per header); got {X.shape}")
    if y.shape[0] != X.shape[1]:
        raise ValueError(f"Y has {y.shape[0]} labels but X has {X.shape[1]} points")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    cmap = plt.get_cmap("Spectral")
    for label, colour, name in ((1, cmap(1.0), "our player won"), (0, cmap(0.0), "opponent won")):
        mask = y == label
        ax.scatter(X[0, mask], X[1, mask], s=s, color=colour, edgecolors="k", linewidths=0.4,
                   label=f"{name} ({int(mask.sum())})")
    if show_line:
        x1 = np.linspace(*FIELD[0], 200)
        ax.plot(x1, boundary(x1), "k--", linewidth=1, label="the generator's line")
    (x1_min, x1_max), (x2_min, x2_max) = FIELD
    ax.set_xlim(x1_min - 0.05, x1_max + 0.05)
    ax.set_ylim(x2_min - 0.05, x2_max + 0.05)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.85)
    if title:
        ax.set_title(title)
    return ax
