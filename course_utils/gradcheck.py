"""Numerical gradients, for checking a hand-written backward pass.

Introduced in notebook 03 (verify your backward pass) and used again in
notebook 07 (gradient checking). The idea: for a scalar function ``f`` of an
array ``x``, the two-sided difference

    (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

approaches the partial derivative along entry ``i`` with an error of order
``eps**2``. Comparing it with an analytic gradient through
:func:`relative_difference` tells whether the backward pass is right.

:func:`dictionary_to_vector` and :func:`vector_to_dictionary` flatten a
parameter dict (``{"W1": ..., "b1": ..., ...}``) into one column vector and
back, so that a whole network can be checked in one go.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping, Sequence

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-7) -> np.ndarray:
    """Two-sided numerical gradient of the scalar function ``f`` at ``x``.

    ``f`` receives an array of ``x``'s shape (a perturbed copy; ``x`` itself
    is never changed) and returns a number. The result has ``x``'s shape.
    """
    x = np.array(x, dtype=float)  # our own copy
    if eps <= 0:
        raise ValueError(f"eps must be positive; got {eps}")
    grad = np.zeros_like(x)
    flat = x.reshape(-1)  # a view: changing it changes x
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = _scalar(f(x.copy()))
        flat[i] = old - eps
        minus = _scalar(f(x.copy()))
        flat[i] = old
        grad.reshape(-1)[i] = (plus - minus) / (2 * eps)
    return grad


def _scalar(value) -> float:
    arr = np.asarray(value, dtype=float)
    if arr.size != 1:
        raise ValueError(f"the function must return one number; it returned an array of shape {arr.shape}")
    return float(arr.reshape(-1)[0])


def relative_difference(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` (Euclidean norms over all entries); 0.0 when both are zero.

    Below about 1e-7 two gradients agree to rounding error; above about 1e-3
    one of them is almost certainly wrong.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.size != b.size:
        raise ValueError(f"cannot compare arrays of {a.size} and {b.size} entries")
    a, b = a.reshape(-1), b.reshape(-1)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def _layer_order(key: str):
    """Sort key for parameter names: by layer number, then W before b, then by name."""
    match = re.fullmatch(r"([A-Za-z_]*?)(\d+)", key)
    if not match:
        return (float("inf"), 2, key)
    name, layer = match.groups()
    rank = {"W": 0, "b": 1}.get(name, 2)
    return (int(layer), rank, name)


def parameter_keys(parameters: Mapping[str, np.ndarray]) -> list[str]:
    """The keys of ``parameters`` in layer order: W1, b1, W2, b2, ... (other names after, sorted)."""
    return sorted(parameters, key=_layer_order)


def dictionary_to_vector(parameters: Mapping[str, np.ndarray], keys: Sequence[str] | None = None):
    """Flatten ``parameters[k]`` for ``k`` in ``keys`` into one column vector.

    ``keys`` defaults to :func:`parameter_keys` (W1, b1, W2, b2, ...). Returns
    ``(theta, names)``: ``theta`` of shape (n, 1), and ``names``, a list of
    length n naming the key each entry came from.
    """
    keys = parameter_keys(parameters) if keys is None else list(keys)
    missing = [k for k in keys if k not in parameters]
    if missing:
        raise KeyError(f"no {', '.join(map(repr, missing))} among the keys {sorted(parameters)}")
    pieces = [np.asarray(parameters[k], dtype=float).reshape(-1, 1) for k in keys]
    names = [k for k, piece in zip(keys, pieces) for _ in range(piece.shape[0])]
    theta = np.concatenate(pieces, axis=0) if pieces else np.zeros((0, 1))
    return theta, names


def gradients_to_vector(gradients: Mapping[str, np.ndarray], keys: Sequence[str]) -> np.ndarray:
    """Flatten ``gradients["d" + k]`` for the parameter names ``keys`` (e.g. W1, b1) into a column vector.

    The entries line up with ``dictionary_to_vector(parameters, keys)[0]``.
    Other entries of ``gradients`` (such as dA1) are ignored.
    """
    theta, _ = dictionary_to_vector(gradients, [f"d{k}" for k in keys])
    return theta


def vector_to_dictionary(theta, shapes: Mapping[str, object], keys: Sequence[str] | None = None
                         ) -> dict[str, np.ndarray]:
    """Inverse of :func:`dictionary_to_vector`.

    ``shapes`` maps each key to a shape tuple or to an array whose shape is
    used (so a parameter dict itself can serve as the template). ``keys`` is
    the order used to flatten; it defaults to :func:`parameter_keys`, the
    default of :func:`dictionary_to_vector`. Returns a new dict of arrays.
    """
    theta = np.asarray(theta, dtype=float).reshape(-1)
    keys = parameter_keys(shapes) if keys is None else list(keys)
    out, start = {}, 0
    for key in keys:
        template = shapes[key]
        shape = tuple(np.shape(template)) if isinstance(template, np.ndarray) else tuple(template)
        size = int(np.prod(shape)) if shape else 1
        if start + size > theta.size:
            raise ValueError(f"theta has {theta.size} entries, too few for the shapes given")
        out[key] = theta[start:start + size].reshape(shape).copy()
        start += size
    if start != theta.size:
        raise ValueError(f"theta has {theta.size} entries but the shapes use {start}")
    return out
