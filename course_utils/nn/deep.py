"""A reference L-layer neural network in NumPy: the given helpers of notebook 04.

Introduced in notebook 03 (deep neural network step by step), where the
learner writes each of these functions; notebook 04 (deep neural network
application) and the Course 2 notebooks import them from here as given,
ready-made helpers.

Architecture: ``[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID`` for a binary
classifier. Layout: one column per example, so ``X`` is ``(n_x, m)`` and the
labels ``Y`` are ``(1, m)``. Parameters live in a dict ``{"W1", "b1", ...,
"WL", "bL"}`` with ``W_l`` shaped ``(n_l, n_{l-1})`` and ``b_l`` ``(n_l, 1)``.

Caches follow cs231n: the forward pass of a layer returns ``(A, cache)`` with
``cache = (linear_cache, activation_cache)``, where ``linear_cache = (A_prev,
W, b)`` and ``activation_cache = Z``; the backward pass consumes the cache and
returns ``(dA_prev, dW, db)``.
"""

from __future__ import annotations

import numpy as np

from .activations import relu, relu_backward, sigmoid, sigmoid_backward

__all__ = [
    "initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
    "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward", "L_model_backward",
    "update_parameters", "predict",
]

_ACTIVATIONS = {"relu": (relu, relu_backward), "sigmoid": (sigmoid, sigmoid_backward)}


# --------------------------------------------------------------------------- #
# Input validation: friendly messages for the mistakes a learner makes
# --------------------------------------------------------------------------- #

def _as_2d(name: str, value) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "fc":
        array = array.astype(float)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (one column per example); got shape {array.shape}. "
                         "Flatten images with X.reshape(X.shape[0], -1).T first.")
    return array


def _check_labels(AL: np.ndarray, Y) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 1:
        raise ValueError(f"Y must be shaped (1, m); got a 1-D array of shape {Y.shape}. Use Y.reshape(1, -1).")
    if Y.shape != AL.shape:
        raise ValueError(f"Y has shape {Y.shape} but the predictions AL have shape {AL.shape}: "
                         "X and Y must have the same number of examples m (columns).")
    return Y


def _activation(name: str):
    try:
        return _ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"activation must be 'relu' or 'sigmoid'; got {name!r}") from None


def _num_layers(parameters: dict) -> int:
    if not isinstance(parameters, dict):
        raise ValueError(f"parameters must be a dict {{'W1': ..., 'b1': ..., ...}}; got {type(parameters).__name__}")
    L = len(parameters) // 2
    missing = [f"{p}{k}" for k in range(1, L + 1) for p in "Wb" if f"{p}{k}" not in parameters]
    if L == 0 or missing or len(parameters) % 2:
        raise ValueError(f"parameters must hold W1, b1, ..., WL, bL; got keys {sorted(parameters)}")
    return L


# --------------------------------------------------------------------------- #
# Initialization
# --------------------------------------------------------------------------- #

def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict:
    """Parameters of a 2-layer network LINEAR -> RELU -> LINEAR -> SIGMOID.

    Written by the learner in notebook 03. Seeds NumPy's global generator
    with 1, then draws ``W1`` (n_h, n_x) and ``W2`` (n_y, n_h) from a normal
    distribution scaled by 0.01; ``b1`` (n_h, 1) and ``b2`` (n_y, 1) are zeros.
    """
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims) -> dict:
    """Parameters of an L-layer network with sizes ``layer_dims = [n_x, n_1, ..., n_L]``.

    Written by the learner in notebook 03 (there with a plain ``* 0.01``
    scale). Seeds NumPy's global generator with 1, then draws
    ``W_l = randn(n_l, n_{l-1}) / sqrt(n_{l-1})``; ``b_l`` are zeros (n_l, 1).

    The ``1 / sqrt(n_{l-1})`` scale (Xavier-style) keeps the variance of the
    activations roughly constant from layer to layer. The application of
    notebook 04 needs it: with 12288 inputs and a ``* 0.01`` scale the
    signal of a 4-layer network vanishes and gradient descent barely moves.
    Notebook 05 (initialization) studies this choice.
    """
    dims = [int(d) for d in layer_dims]
    if len(dims) < 2 or min(dims) < 1:
        raise ValueError(f"layer_dims must list at least two positive sizes [n_x, ..., n_L]; got {list(layer_dims)}")
    np.random.seed(1)
    parameters = {}
    for layer in range(1, len(dims)):
        n_in, n_out = dims[layer - 1], dims[layer]
        parameters[f"W{layer}"] = np.random.randn(n_out, n_in) / np.sqrt(n_in)
        parameters[f"b{layer}"] = np.zeros((n_out, 1))
    return parameters


# --------------------------------------------------------------------------- #
# Forward propagation
# --------------------------------------------------------------------------- #

def linear_forward(A, W, b):
    """Z = W A + b for one layer; returns ``(Z, (A, W, b))``.

    Written by the learner in notebook 03. ``A`` is (n_{l-1}, m), ``W`` is
    (n_l, n_{l-1}), ``b`` is (n_l, 1); ``Z`` is (n_l, m).
    """
    A, W, b = _as_2d("A", A), _as_2d("W", W), _as_2d("b", b)
    if W.shape[1] != A.shape[0]:
        raise ValueError(f"W has shape {W.shape} but A has {A.shape[0]} rows: W must be (n_l, n_(l-1)) "
                         "with n_(l-1) = A.shape[0]")
    if b.shape != (W.shape[0], 1):
        raise ValueError(f"b has shape {b.shape}; expected ({W.shape[0]}, 1) to match W {W.shape}")
    Z = W @ A + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation: str):
    """A = g(W A_prev + b) with g = ``"relu"`` or ``"sigmoid"``; returns ``(A, cache)``.

    Written by the learner in notebook 03. ``cache = (linear_cache,
    activation_cache)`` with ``linear_cache = (A_prev, W, b)`` and
    ``activation_cache = Z``.
    """
    forward, _ = _activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = forward(Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters: dict):
    """Forward pass of [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID.

    Written by the learner in notebook 03. ``X`` is (n_x, m). Returns
    ``(AL, caches)``: ``AL`` (1, m) holds the probabilities of class 1 and
    ``caches`` is a list of the L layers' caches, in order.
    """
    L = _num_layers(parameters)
    A = _as_2d("X", X)
    caches = []
    for layer in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{layer}"], parameters[f"b{layer}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y) -> float:
    """Cross-entropy cost J = -(1/m) sum(Y log AL + (1 - Y) log(1 - AL)), as a float.

    Written by the learner in notebook 03. ``AL`` and ``Y`` are (1, m).
    Probabilities are clipped to [1e-12, 1 - 1e-12] so a saturated output
    never gives ``log(0)``.
    """
    AL = _as_2d("AL", AL).astype(float, copy=False)
    Y = _check_labels(AL, Y)
    m = Y.shape[1]
    P = np.clip(AL, 1e-12, 1.0 - 1e-12)
    cost = -(Y * np.log(P) + (1.0 - Y) * np.log(1.0 - P)).sum() / m
    return float(cost)


# --------------------------------------------------------------------------- #
# Backward propagation
# --------------------------------------------------------------------------- #

def linear_backward(dZ, cache):
    """Gradients of one linear layer Z = W A_prev + b; returns ``(dA_prev, dW, db)``.

    Written by the learner in notebook 03::

        dW = (1/m) dZ A_prev^T,   db = (1/m) sum_columns(dZ),   dA_prev = W^T dZ
    """
    A_prev, W, b = cache
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != (W.shape[0], A_prev.shape[1]):
        raise ValueError(f"dZ has shape {dZ.shape}; expected {(W.shape[0], A_prev.shape[1])} "
                         "(the shape of this layer's Z)")
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = dZ.sum(axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation: str):
    """Backward pass of one LINEAR -> ACTIVATION layer; returns ``(dA_prev, dW, db)``.

    Written by the learner in notebook 03. ``cache`` is the one
    :func:`linear_activation_forward` returned for this layer.
    """
    _, backward = _activation(activation)
    linear_cache, activation_cache = cache
    dZ = backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    """Gradients of the cross-entropy cost for the whole L-layer network.

    Written by the learner in notebook 03. Starts from
    ``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` and walks the caches backwards.
    Returns ``grads`` with keys ``"dA{l-1}"``, ``"dW{l}"`` and ``"db{l}"``
    for l = L, ..., 1.
    """
    AL = _as_2d("AL", AL).astype(float, copy=False)
    Y = _check_labels(AL, Y)
    L = len(caches)
    if L == 0:
        raise ValueError("caches is empty: pass the caches that L_model_forward returned")
    grads = {}
    P = np.clip(AL, 1e-12, 1.0 - 1e-12)
    dAL = -(Y / P - (1.0 - Y) / (1.0 - P))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA_prev, dW, db
    for layer in range(L - 1, 0, -1):  # the ReLU layers L-1, ..., 1 (caches[layer - 1])
        dA_prev, dW, db = linear_activation_backward(grads[f"dA{layer}"], caches[layer - 1], "relu")
        grads[f"dA{layer - 1}"], grads[f"dW{layer}"], grads[f"db{layer}"] = dA_prev, dW, db
    return grads


# --------------------------------------------------------------------------- #
# Update and prediction
# --------------------------------------------------------------------------- #

def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """One gradient-descent step: theta <- theta - learning_rate * d(theta), for every W and b.

    Written by the learner in notebook 03. Returns a NEW dict; the input
    ``parameters`` is left unchanged.
    """
    L = _num_layers(parameters)
    updated = {}
    for layer in range(1, L + 1):
        for p in "Wb":
            name, key = f"{p}{layer}", f"d{p}{layer}"
            if key not in grads:
                raise ValueError(f"grads has no {key!r}; pass the dict L_model_backward returned")
            if np.shape(grads[key]) != np.shape(parameters[name]):
                raise ValueError(f"grads[{key!r}] has shape {np.shape(grads[key])} but "
                                 f"parameters[{name!r}] has shape {np.shape(parameters[name])}")
            updated[name] = parameters[name] - learning_rate * grads[key]
    return updated


def predict(X, y, parameters: dict, verbose: bool = True):
    """Predict labels 0/1 for ``X`` (n_x, m) with an L-layer network, threshold 0.5.

    Given helper of notebook 04. Prints ``Accuracy: ...`` against the labels
    ``y`` (1, m) (pass ``y=None`` to skip it) and returns the predictions,
    an array of 0.0 / 1.0 shaped (1, m).
    """
    X = _as_2d("X", X)
    probas, _ = L_model_forward(X, parameters)
    p = (probas > 0.5).astype(float)
    if y is not None:
        y = np.asarray(y)
        if y.shape != p.shape:
            raise ValueError(f"y has shape {y.shape} but X has {X.shape[1]} examples: y must be (1, {X.shape[1]})")
        if verbose:
            print(f"Accuracy: {np.mean(p == y):.4f}")
    return p
