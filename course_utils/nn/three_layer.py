"""The given 3-layer network of Course 2, with the flat cache its exercises use.

Introduced in notebook 05 (initialization) and given as a ready-made helper in
notebooks 05, 06 (regularization) and 08 (optimization methods), whose
exercises modify one piece of it (the initialization, the cost and backward
pass, the update rule) and keep the rest.

Architecture: ``LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID``.
Layout: one column per example, ``X`` is ``(n_x, m)``, labels ``Y`` are
``(1, m)``. The forward pass returns ``(A3, cache)`` with the flat cache

    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)

and :func:`backward_propagation` returns every gradient, including those of
the intermediate values (``dZ3``, ``dA2``, ...), so the Course 2 exercises can
be written as small edits of it.
"""

from __future__ import annotations

import numpy as np

from .activations import relu, sigmoid

__all__ = ["forward_propagation", "backward_propagation", "compute_cost", "predict", "predict_dec",
           "update_parameters"]

_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def _check_parameters(parameters) -> None:
    if not isinstance(parameters, dict):
        raise ValueError(f"parameters must be a dict with W1, b1, W2, b2, W3, b3; got {type(parameters).__name__}")
    missing = [k for k in _KEYS if k not in parameters]
    if missing:
        raise ValueError(f"parameters must hold W1, b1, W2, b2, W3, b3 (a 3-layer network); "
                         f"missing {missing}, got keys {sorted(parameters)}")


def _check_X(X, W1) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, shaped (n_x, m) with one column per example; got shape {X.shape}")
    if X.shape[0] != W1.shape[1]:
        raise ValueError(f"X has {X.shape[0]} rows (features) but W1 expects {W1.shape[1]}: "
                         f"X must be (n_x, m); did you pass X.T?")
    return X


def forward_propagation(X, parameters: dict):
    """LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID; returns ``(A3, cache)``."""
    _check_parameters(parameters)
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in _KEYS)
    X = _check_X(X, W1)
    Z1 = W1 @ X + b1
    A1, _ = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2, _ = relu(Z2)
    Z3 = W3 @ A2 + b3
    A3, _ = sigmoid(Z3)
    return A3, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation(X, Y, cache) -> dict:
    """Gradients of the mean cross-entropy cost for the cache of :func:`forward_propagation`.

    Returns a dict with ``dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1``.
    """
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache
    if Y.shape != A3.shape:
        raise ValueError(f"Y has shape {Y.shape} but the predictions A3 have shape {A3.shape}; Y must be (1, m)")
    m = X.shape[1]
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = dZ3.sum(axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def compute_cost(A3, Y) -> float:
    """Mean cross-entropy ``-1/m * sum(y log a + (1 - y) log(1 - a))`` as a Python float.

    Probabilities are clipped to ``[1e-12, 1 - 1e-12]`` so a saturated
    prediction gives a large finite cost instead of ``nan``.
    """
    A3 = np.asarray(A3, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if Y.shape != A3.shape:
        raise ValueError(f"Y has shape {Y.shape} but A3 has shape {A3.shape}; both must be (1, m)")
    A = np.clip(A3, 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """One gradient-descent step; returns a new dict and leaves ``parameters`` untouched."""
    _check_parameters(parameters)
    return {k: parameters[k] - learning_rate * grads["d" + k] for k in _KEYS}


def predict_dec(parameters: dict, X) -> np.ndarray:
    """Predicted labels (0/1 ints, shape ``(1, m)``) for the columns of ``X``; for decision boundaries."""
    A3, _ = forward_propagation(X, parameters)
    return (A3 > 0.5).astype(int)


def predict(X, Y, parameters: dict, verbose: bool = True, label: str = "") -> np.ndarray:
    """Predicted labels for ``X``; prints the accuracy against ``Y`` when ``verbose``."""
    p = predict_dec(parameters, X)
    accuracy = float(np.mean(p == np.asarray(Y)))
    if verbose:
        print(f"{label + ' ' if label else ''}accuracy: {accuracy:.1%}")
    return p


def initialize_parameters_he(layers_dims, seed: int = 3) -> dict:
    """He initialization of the network ``layers_dims = [n_x, n_1, n_2, n_y]``: the given one of notebook 08.

    Written by the learner in notebook 05 (initialization); notebook 08
    (optimization methods) uses it as given. Seeds NumPy's global generator
    with ``seed``, then draws ``W_l = randn(n_l, n_{l-1}) * sqrt(2 / n_{l-1})``
    layer by layer; the biases ``b_l`` are zeros ``(n_l, 1)``.
    """
    dims = list(layers_dims) if not isinstance(layers_dims, (str, bytes)) else []
    if len(dims) != 4 or any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1 for d in dims):
        raise ValueError(f"layers_dims must be four positive sizes [n_x, n_1, n_2, n_y] (a 3-layer network); "
                         f"got {layers_dims!r}")
    np.random.seed(seed)
    parameters = {}
    for layer in range(1, len(dims)):
        parameters[f"W{layer}"] = np.random.randn(dims[layer], dims[layer - 1]) * np.sqrt(2 / dims[layer - 1])
        parameters[f"b{layer}"] = np.zeros((dims[layer], 1))
    return parameters


__all__.append("initialize_parameters_he")
