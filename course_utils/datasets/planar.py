"""Planar (2-D) binary classification datasets: the "flower" and four classics.

Introduced in notebook 02 (planar data classification with one hidden layer);
the generators of the other datasets are reused by notebook 05
(initialization: noisy circles) and notebook 08 (optimization: moons).

Every loader returns the course's layout: ``X`` of shape ``(2, m)`` (one
column per point, float64) and ``Y`` of shape ``(1, m)`` (labels 0 or 1,
int64). The same arguments give the same arrays on any machine. The data are
tiny and generated in microseconds, so nothing is cached on disk.

The flower
----------
The rose curve ``r = a sin(4 t)`` has eight petals and is traced exactly once
as ``t`` goes from 0 to 2 pi (where ``r`` is negative the point lands on the
opposite side of the origin). Class 0 is the first half of that trace
(``t`` in [0, pi)), class 1 the second half, each with ``m / 2`` points spread
evenly along the curve; Gaussian noise is added to ``t`` and to ``r``.
The result: every petal has one class, opposite petals have opposite classes,
and around the flower the classes mostly alternate from petal to petal (two
pairs of neighbouring petals share a class). Both classes are centred on the
origin, so no straight line separates them: a linear classifier stays near
50 % accuracy while a network with a few tanh hidden units reaches about 90 %.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "load_planar_dataset",
    "load_extra_datasets",
    "make_noisy_circles",
    "make_noisy_moons",
    "make_blobs_binary",
    "make_gaussian_quantiles_binary",
    "plot_planar_dataset",
    "preview_planar_datasets",
    "EXTRA_DATASETS",
]

#: Names of the datasets returned by :func:`load_extra_datasets`, in order.
EXTRA_DATASETS = ("noisy_circles", "noisy_moons", "blobs", "gaussian_quantiles")


# --------------------------------------------------------------------------- #
# Argument checks (friendly ValueErrors)
# --------------------------------------------------------------------------- #

def _check_count(name: str, n, minimum: int = 2) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be an integer number of points (at least {minimum}); got {n!r}")
    if n < minimum:
        raise ValueError(f"{name} must be at least {minimum} (both classes need points); got {n}")
    return int(n)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    return int(seed)


def _check_nonneg(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a number >= 0; got {value!r}")
    return float(value)


def _course_layout(X, y) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's (n, 2) points and (n,) labels -> the course's (2, n) and (1, n)."""
    return np.ascontiguousarray(np.asarray(X, dtype=np.float64).T), np.asarray(y, dtype=np.int64).reshape(1, -1)


# --------------------------------------------------------------------------- #
# The flower
# --------------------------------------------------------------------------- #

def load_planar_dataset(m: int = 400, seed: int = 1, noise: float = 0.2, petal_length: float = 4.0):
    """The "flower": ``m`` points on the eight petals of the rose ``r = a sin(4 t)``.

    Introduced in notebook 02. Returns ``X`` of shape ``(2, m)`` (float64) and
    ``Y`` of shape ``(1, m)`` (int64, 0 or 1), class 0 first then class 1
    (``(m + 1) // 2`` and ``m // 2`` points). ``noise`` is the standard
    deviation of the Gaussian noise added to the angle ``t`` (radians) and to
    the radius; ``petal_length`` is ``a``, the length of a petal.
    """
    m = _check_count("m", m)
    seed = _check_seed(seed)
    noise = _check_nonneg("noise", noise)
    petal_length = _check_nonneg("petal_length", petal_length)
    if petal_length == 0:
        raise ValueError("petal_length must be > 0")
    rng = np.random.default_rng(seed)
    sizes = ((m + 1) // 2, m // 2)
    points, labels = [], []
    for label, size in enumerate(sizes):
        # Half of the curve's single trace: t in [label * pi, (label + 1) * pi].
        t = np.linspace(label * np.pi, (label + 1) * np.pi, size) + noise * rng.standard_normal(size)
        r = petal_length * np.sin(4 * t) + noise * rng.standard_normal(size)
        points.append(np.stack([r * np.cos(t), r * np.sin(t)]))
        labels.append(np.full(size, label, dtype=np.int64))
    return np.concatenate(points, axis=1), np.concatenate(labels).reshape(1, m)


# --------------------------------------------------------------------------- #
# Four classic planar datasets (scikit-learn's generators, course layout)
# --------------------------------------------------------------------------- #

def make_noisy_circles(n: int = 200, noise: float = 0.3, factor: float = 0.5, seed: int = 1):
    """Two concentric circles (class 1 inside), via ``sklearn.datasets.make_circles``.

    Introduced in notebook 02 (``noise=0.3, factor=0.5``); notebook 05 uses
    ``n=300`` (train) and ``n=100`` (test) with ``noise=0.05, factor=0.8``.
    ``factor`` is the ratio of the inner radius to the outer one (0 < factor < 1).
    Returns ``X`` (2, n) float64 and ``Y`` (1, n) int64.
    """
    from sklearn.datasets import make_circles

    n = _check_count("n", n)
    noise = _check_nonneg("noise", noise)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be between 0 and 1; got {factor!r}")
    X, y = make_circles(n_samples=n, noise=noise, factor=float(factor), random_state=_check_seed(seed))
    return _course_layout(X, y)


def make_noisy_moons(n: int = 200, noise: float = 0.2, seed: int = 1):
    """Two interleaving half-moons, via ``sklearn.datasets.make_moons``.

    Introduced in notebook 02; notebook 08 uses ``n=300, noise=0.2``.
    Returns ``X`` (2, n) float64 and ``Y`` (1, n) int64.
    """
    from sklearn.datasets import make_moons

    n = _check_count("n", n)
    noise = _check_nonneg("noise", noise)
    X, y = make_moons(n_samples=n, noise=noise, random_state=_check_seed(seed))
    return _course_layout(X, y)


def make_blobs_binary(n: int = 200, centers: int = 6, spread: float = 1.0, seed: int = 1):
    """Gaussian blobs around ``centers`` random centres, labelled by centre parity (0/1).

    Introduced in notebook 02. Uses ``sklearn.datasets.make_blobs`` and keeps
    ``label % 2``, so each class is a union of ``centers / 2`` blobs.
    ``spread`` is the blobs' standard deviation. Returns ``X`` (2, n) and ``Y`` (1, n).
    """
    from sklearn.datasets import make_blobs

    n = _check_count("n", n)
    centers = _check_count("centers", centers)
    spread = _check_nonneg("spread", spread)
    X, y = make_blobs(n_samples=n, n_features=2, centers=centers, cluster_std=spread,
                      random_state=_check_seed(seed))
    return _course_layout(X, y % 2)


def make_gaussian_quantiles_binary(n: int = 200, cov: float = 0.5, seed: int = 1):
    """One Gaussian cloud split by distance from its centre: class 0 inside, class 1 outside.

    Introduced in notebook 02. Uses ``sklearn.datasets.make_gaussian_quantiles``
    with two classes; ``cov`` is the cloud's variance. Returns ``X`` (2, n) and ``Y`` (1, n).
    """
    from sklearn.datasets import make_gaussian_quantiles

    n = _check_count("n", n)
    cov = _check_nonneg("cov", cov)
    if cov == 0:
        raise ValueError("cov must be > 0")
    X, y = make_gaussian_quantiles(cov=cov, n_samples=n, n_features=2, n_classes=2,
                                   random_state=_check_seed(seed))
    return _course_layout(X, y)


def load_extra_datasets(n: int = 200, seed: int = 1) -> dict:
    """The four other planar datasets of notebook 02, ``n`` points each.

    Returns a dict ``{name: (X, Y)}`` in the order of :data:`EXTRA_DATASETS`:
    ``noisy_circles`` (noise 0.3, factor 0.5), ``noisy_moons`` (noise 0.2),
    ``blobs`` (6 centres, labels by parity) and ``gaussian_quantiles``
    (variance 0.5). ``X`` is (2, n) float64 and ``Y`` (1, n) int64. For other
    settings call the ``make_*`` generators directly.
    """
    n = _check_count("n", n)
    seed = _check_seed(seed)
    return {
        "noisy_circles": make_noisy_circles(n, noise=0.3, factor=0.5, seed=seed),
        "noisy_moons": make_noisy_moons(n, noise=0.2, seed=seed),
        "blobs": make_blobs_binary(n, centers=6, seed=seed),
        "gaussian_quantiles": make_gaussian_quantiles_binary(n, cov=0.5, seed=seed),
    }


# --------------------------------------------------------------------------- #
# Previews
# --------------------------------------------------------------------------- #

def plot_planar_dataset(X, Y, ax=None, title: str | None = None, s: float = 16):
    """Scatter a planar dataset (``X`` (2, m), ``Y`` (1, m)), one colour per class, with a legend.

    Introduced in notebook 02. Returns the Matplotlib axis.
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X)
    y = np.ravel(np.asarray(Y))
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must be shaped (2, m) (one column per point); got {X.shape}")
    if y.shape[0] != X.shape[1]:
        raise ValueError(f"Y has {y.shape[0]} labels but X has {X.shape[1]} points")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    cmap = plt.get_cmap("Spectral")
    for label, colour in ((0, cmap(0.0)), (1, cmap(1.0))):
        mask = y == label
        ax.scatter(X[0, mask], X[1, mask], s=s, color=colour, edgecolors="k", linewidths=0.4,
                   label=f"y = {label} ({int(mask.sum())})")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    if title:
        ax.set_title(title)
    return ax


def preview_planar_datasets(n: int = 200, seed: int = 1):
    """The flower (400 points) and the four datasets of :func:`load_extra_datasets`, side by side.

    Introduced in notebook 02. Returns the Matplotlib figure.
    """
    import matplotlib.pyplot as plt

    datasets = {"flower": load_planar_dataset(seed=seed), **load_extra_datasets(n, seed=seed)}
    fig, axes = plt.subplots(1, len(datasets), figsize=(3.3 * len(datasets), 3.4))
    for ax, (name, (X, Y)) in zip(axes, datasets.items()):
        plot_planar_dataset(X, Y, ax=ax, title=name.replace("_", " "), s=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- #
# Notebook 05 (initialization): noisy circles, a training and a test set
# --------------------------------------------------------------------------- #

def load_circles_dataset(n_train: int = 300, n_test: int = 100, noise: float = 0.05, factor: float = 0.8,
                         seed: int = 1):
    """Two noisy concentric circles (class 1 inside), as a training and a test set.

    Introduced in notebook 05 (initialization), where the 3-layer network of
    :mod:`course_utils.nn.three_layer` learns the ring-shaped boundary well
    from He initialization (99 % on the test set with the defaults), roughly
    from large random weights (82 %) and not at all from zeros (50 %). Both sets come from
    :func:`make_noisy_circles` (``noise`` is the standard deviation of the
    Gaussian noise, ``factor`` the inner radius over the outer one) with two
    seeds derived from ``seed``, so the test points are independent draws.

    Returns ``train_X`` (2, n_train) and ``test_X`` (2, n_test), float64, and
    ``train_Y`` (1, n_train) and ``test_Y`` (1, n_test), int64 labels 0 or 1
    (half of each set in each class, up to one point), in the order
    ``train_X, train_Y, test_X, test_Y``.
    """
    n_train = _check_count("n_train", n_train)
    n_test = _check_count("n_test", n_test)
    seed = _check_seed(seed)
    train_seed, test_seed = (int(s) for s in np.random.SeedSequence(seed).generate_state(2))
    train_X, train_Y = make_noisy_circles(n_train, noise=noise, factor=factor, seed=train_seed)
    test_X, test_Y = make_noisy_circles(n_test, noise=noise, factor=factor, seed=test_seed)
    return train_X, train_Y, test_X, test_Y


__all__.append("load_circles_dataset")


# --------------------------------------------------------------------------- #
# Notebook 08 (optimization methods): two interleaving moons, a training set
# --------------------------------------------------------------------------- #

def load_moons_dataset(n: int = 300, noise: float = 0.2, seed: int = 3):
    """Two interleaving half-moons, the training set of notebook 08 (optimization methods).

    Introduced in notebook 08, where the 3-layer network of
    :mod:`course_utils.nn.three_layer` is trained on it with mini-batch
    gradient descent, momentum and Adam. The points come from
    :func:`make_noisy_moons` (scikit-learn's ``make_moons``; ``noise`` is the
    standard deviation of the Gaussian noise added to each coordinate). With
    the defaults they are the 300 points of the original assignment.

    Returns ``train_X`` (2, n) float64 and ``train_Y`` (1, n) int64 labels 0
    or 1 (half of the points in each class, up to one point).
    """
    n = _check_count("n", n)
    seed = _check_seed(seed)
    return make_noisy_moons(n, noise=noise, seed=seed)


__all__.append("load_moons_dataset")
