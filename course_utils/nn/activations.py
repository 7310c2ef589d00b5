"""Activation functions and their backward passes, in the cs231n ``(out, cache)`` style.

Introduced in notebook 03 as given helpers (the learner writes the layers, not
these). Each forward returns ``(A, cache)`` with ``cache = Z``; each backward
takes ``(dA, cache)`` and returns ``dZ``.
"""

from __future__ import annotations

import numpy as np


def sigmoid(Z):
    """A = 1 / (1 + exp(-Z)), computed without overflow; returns (A, Z)."""
    Z = np.asarray(Z, dtype=float)
    A = np.empty_like(Z)
    pos = Z >= 0
    A[pos] = 1.0 / (1.0 + np.exp(-Z[pos]))
    ez = np.exp(Z[~pos])
    A[~pos] = ez / (1.0 + ez)
    return A, Z


def relu(Z):
    """A = max(0, Z); returns (A, Z)."""
    Z = np.asarray(Z, dtype=float)
    return np.maximum(0.0, Z), Z


def sigmoid_backward(dA, cache):
    """dZ = dA * s * (1 - s) with s = sigmoid(Z)."""
    s, _ = sigmoid(cache)
    dA = np.asarray(dA, dtype=float)
    if dA.shape != s.shape:
        raise ValueError(f"dA has shape {dA.shape} but the cached Z has shape {s.shape}")
    return dA * s * (1.0 - s)


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0."""
    Z = np.asarray(cache)
    dA = np.asarray(dA, dtype=float)
    if dA.shape != Z.shape:
        raise ValueError(f"dA has shape {dA.shape} but the cached Z has shape {Z.shape}")
    return np.where(Z > 0, dA, 0.0)
