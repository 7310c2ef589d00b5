"""The 3-layer network of notebook 07 (gradient checking), seen as one cost function of its parameters.

Introduced in notebook 07. Gradient checking needs the cost ``J`` as a function
of the parameters and the analytic gradients to compare with:

- :func:`forward_propagation_n` runs ``LINEAR -> RELU -> LINEAR -> RELU ->
  LINEAR -> SIGMOID`` and returns ``(cost, cache)``: the mean cross-entropy
  and the flat cache of :mod:`course_utils.nn.three_layer`,
  ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``;
- :func:`backward_propagation_n` is the *correct* backward pass for that cache
  (the notebook's own ``backward_propagation_n`` has two planted bugs);
- :func:`gradient_check_example` makes a small seeded example ``(X, Y,
  parameters)``, by default of the original shapes: X (4, 3), W1 (5, 4),
  W2 (3, 5), W3 (1, 3).

The network itself is the one of notebooks 05, 06 and 08
(:mod:`course_utils.nn.three_layer`); this module only packages it for checking.
"""

from __future__ import annotations

import numpy as np

from . import three_layer

__all__ = ["forward_propagation_n", "backward_propagation_n", "gradient_check_example"]


def forward_propagation_n(X, Y, parameters: dict):
    """Cost of the 3-layer network on ``(X, Y)`` and the cache of its forward pass.

    Arguments:
    X -- inputs, shape (n_x, m), one column per example
    Y -- labels 0/1, shape (1, m)
    parameters -- dict with W1, b1, W2, b2, W3, b3

    Returns:
    cost -- the mean cross-entropy, a Python float (computed from Z3 as log(1 + e^Z3) - Y Z3, which
            equals -[Y log(A3) + (1 - Y) log(1 - A3)] and stays accurate when A3 is close to 0 or 1)
    cache -- (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    """
    A3, cache = three_layer.forward_propagation(X, parameters)
    Y = np.asarray(Y, dtype=float)
    if Y.shape != A3.shape:
        raise ValueError(f"Y has shape {Y.shape} but the predictions A3 have shape {A3.shape}; Y must be (1, m)")
    Z3 = cache[8]
    # -[y log(sigmoid(z)) + (1 - y) log(1 - sigmoid(z))] = log(1 + e^z) - y z, exact even where A3 rounds to 0 or 1
    cost = np.mean(np.logaddexp(0.0, Z3) - Y * Z3)
    return float(cost), cache


def backward_propagation_n(X, Y, cache) -> dict:
    """The correct gradients of :func:`forward_propagation_n`'s cost for its ``cache``.

    Returns a dict with dW1, db1, dW2, db2, dW3, db3 and the intermediate
    gradients (dZ1, dA1, dZ2, dA2, dZ3), which gradient checking ignores.
    """
    return three_layer.backward_propagation(X, Y, cache)


def _positive_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def gradient_check_example(seed: int = 21, layer_dims=(4, 5, 3, 1), m: int = 3):
    """A small seeded example ``(X, Y, parameters)`` for checking the 3-layer network's gradients.

    ``X`` is (layer_dims[0], m) with standard normal entries; ``Y`` is (1, m)
    of 0.0/1.0 with both classes present when ``m >= 2``; the parameters are
    ``W{l}`` (layer_dims[l], layer_dims[l-1]) and ``b{l}`` (layer_dims[l], 1),
    standard normal (large enough that the sigmoid is not stuck at 0.5).
    The same seed gives the same arrays on any machine.
    """
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    dims = tuple(layer_dims) if isinstance(layer_dims, (list, tuple)) else None
    if dims is None or len(dims) != 4:
        raise ValueError(f"layer_dims must list 4 sizes (n_x, n_1, n_2, 1) for the 3-layer network; "
                         f"got {layer_dims!r}")
    dims = tuple(_positive_int(n, "every entry of layer_dims") for n in dims)
    if dims[-1] != 1:
        raise ValueError(f"the output layer has one unit (a probability): layer_dims[-1] must be 1; got {dims[-1]}")
    m = _positive_int(m, "m (the number of examples)")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    if m >= 2:
        Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes present
    parameters = {}
    for layer in range(1, 4):
        parameters[f"W{layer}"] = rng.standard_normal((dims[layer], dims[layer - 1]))
        parameters[f"b{layer}"] = rng.standard_normal((dims[layer], 1))
    return X, Y, parameters
