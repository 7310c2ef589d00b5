"""A recurrent network and an LSTM in NumPy: reference forward and backward passes, and given helpers.

Introduced in notebook 16 (RNN step by step), where the learner writes the
cell and sequence functions with the same names and caches, and gets
:func:`softmax` and :func:`sigmoid` from here as given helpers. The reference
passes serve the course's checks (the backward checks start from caches of
these forward passes) and the unit tests; section 10 of the
notebook uses the initializers. Notebook 17's character-level language model
has its own compact helpers, in the conventions of that notebook, in
:mod:`course_utils.nn.char_rnn`.

Layout: one column per example, time on the last axis.

- A sequence batch ``x`` has shape ``(n_x, m, T_x)``: ``x[:, :, t]`` is the
  input at step ``t`` of every example, shape ``(n_x, m)``.
- Hidden states ``a`` are ``(n_a, m, T_x)``, predictions ``y`` ``(n_y, m, T_x)``.

Basic RNN parameters (``initialize_rnn_parameters``):
``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``Wya`` (n_y, n_a), ``ba`` (n_a, 1),
``by`` (n_y, 1)::

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)        yhat<t> = softmax(Wya a<t> + by)

LSTM parameters (``initialize_lstm_parameters``): a weight matrix of shape
(n_a, n_a + n_x) and a bias (n_a, 1) per gate, ``Wf, bf`` (forget),
``Wi, bi`` (input/update), ``Wc, bc`` (candidate), ``Wo, bo`` (output), and
``Wy`` (n_y, n_a), ``by`` (n_y, 1). Each gate acts on ``concat = [a<t-1>; x<t>]``
(a_prev on top)::

    f = sigmoid(Wf concat + bf)    i = sigmoid(Wi concat + bi)    o = sigmoid(Wo concat + bo)
    cct = tanh(Wc concat + bc)     c<t> = f * c<t-1> + i * cct     a<t> = o * tanh(c<t>)
    yhat<t> = softmax(Wy a<t> + by)

Caches (those of notebook 16):

- ``rnn_cell_forward`` -> ``(a_next, a_prev, xt, parameters)``;
- ``lstm_cell_forward`` -> ``(a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``;
- ``rnn_forward`` / ``lstm_forward`` -> ``(list of the cell caches, x)``.

Backward passes take the gradient of a loss with respect to the hidden states
(``da_next``, or ``da`` of shape (n_a, m, T_x) for a whole sequence: what the
loss sends to each ``a<t>`` from outside the recurrence, e.g. through the
prediction layer) and return a dict of gradients named ``"d" + name``. The
prediction layer's own gradients are not part of them. The LSTM's are
derived in notebook 16 and checked here against numerical gradients
(``tests/test_nn_rnn.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid", "softmax",
    "initialize_rnn_parameters", "initialize_lstm_parameters",
    "rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
    "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward",
]

RNN_KEYS = ("Wax", "Waa", "Wya", "ba", "by")
LSTM_GATES = ("f", "i", "c", "o")
LSTM_KEYS = ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by")


# --------------------------------------------------------------------------- #
# Activations
# --------------------------------------------------------------------------- #

def sigmoid(x):
    """1 / (1 + exp(-x)), element-wise, without overflow. Returns an array (no cache).

    Unlike :func:`course_utils.nn.activations.sigmoid`, which returns ``(A, Z)``
    for the layers of notebook 03.
    """
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def softmax(x, axis: int = 0):
    """exp(x) normalised to sum 1 along ``axis`` (default 0: each column, one example, is a distribution).

    The maximum along ``axis`` is subtracted first, so large scores do not overflow.
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


# --------------------------------------------------------------------------- #
# Validation: friendly messages
# --------------------------------------------------------------------------- #

def _require(parameters, keys, what):
    if not isinstance(parameters, dict):
        raise ValueError(f"parameters must be a dict with {', '.join(keys)}; got {type(parameters).__name__}")
    missing = [k for k in keys if k not in parameters]
    if missing:
        raise ValueError(f"the {what} parameters lack {', '.join(missing)}; got keys {sorted(parameters)}")


def _sequence(x, name="x") -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise ValueError(f"{name} must have shape (n_x, m, T_x); got shape {x.shape}")
    return x


def _state(a, n_a, m, name):
    a = np.asarray(a, dtype=float)
    if a.shape != (n_a, m):
        raise ValueError(f"{name} must have shape (n_a, m) = {(n_a, m)}; got {a.shape}")
    return a


# --------------------------------------------------------------------------- #
# Initialization
# --------------------------------------------------------------------------- #

def initialize_rnn_parameters(n_x: int, n_a: int, n_y: int, seed: int = 1, scale: float = 0.5) -> dict:
    """Random parameters of a basic RNN: weights N(0, 1) * scale / sqrt(fan-in), biases N(0, 0.1²)."""
    rng = np.random.default_rng(seed)
    return {"Wax": rng.normal(size=(n_a, n_x)) * scale / np.sqrt(n_x),
            "Waa": rng.normal(size=(n_a, n_a)) * scale / np.sqrt(n_a),
            "Wya": rng.normal(size=(n_y, n_a)) * scale / np.sqrt(n_a),
            "ba": rng.normal(size=(n_a, 1)) * 0.1,
            "by": rng.normal(size=(n_y, 1)) * 0.1}


def initialize_lstm_parameters(n_x: int, n_a: int, n_y: int, seed: int = 1, scale: float = 0.5,
                               forget_bias: float = 0.0) -> dict:
    """Random LSTM parameters: each gate W N(0, 1) * scale / sqrt(n_a + n_x), b N(0, 0.1²).

    ``forget_bias`` is added to ``bf`` (a positive value, 1 or 2, starts the
    forget gate open, a common choice that lets the cell keep its state).
    """
    rng = np.random.default_rng(seed)
    params = {}
    for gate in LSTM_GATES:
        params[f"W{gate}"] = rng.normal(size=(n_a, n_a + n_x)) * scale / np.sqrt(n_a + n_x)
        params[f"b{gate}"] = rng.normal(size=(n_a, 1)) * 0.1
    params["bf"] = params["bf"] + forget_bias
    params["Wy"] = rng.normal(size=(n_y, n_a)) * scale / np.sqrt(n_a)
    params["by"] = rng.normal(size=(n_y, 1)) * 0.1
    return {k: params[k] for k in LSTM_KEYS}


# --------------------------------------------------------------------------- #
# Basic RNN
# --------------------------------------------------------------------------- #

def rnn_cell_forward(xt, a_prev, parameters: dict):
    """One step of a basic RNN. Returns ``(a_next, yt_pred, (a_next, a_prev, xt, parameters))``.

    ``xt`` (n_x, m), ``a_prev`` (n_a, m); ``a_next`` (n_a, m), ``yt_pred`` (n_y, m).
    """
    _require(parameters, RNN_KEYS, "RNN")
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    xt = np.asarray(xt, dtype=float)
    a_prev = _state(a_prev, Waa.shape[0], xt.shape[1], "a_prev")
    # one product with the stacked weights [Waa | Wax] and the stacked input [a_prev; xt]
    z = np.hstack([Waa, Wax]) @ np.vstack([a_prev, xt]) + parameters["ba"]
    a_next = np.tanh(z)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters: dict):
    """A basic RNN over a sequence batch ``x`` (n_x, m, T_x) from the state ``a0`` (n_a, m).

    Returns ``(a, y_pred, caches)``: ``a`` (n_a, m, T_x), ``y_pred`` (n_y, m, T_x)
    and ``caches = (list of the T_x cell caches, x)``.
    """
    _require(parameters, RNN_KEYS, "RNN")
    x = _sequence(x)
    n_x, m, T_x = x.shape
    n_a, n_y = parameters["Waa"].shape[0], parameters["Wya"].shape[0]
    a_t = _state(a0, n_a, m, "a0")
    a, y_pred, caches = np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    for t in range(T_x):
        a_t, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_t, parameters)
        a[:, :, t] = a_t
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache) -> dict:
    """Gradients of one RNN step from ``da_next``, the gradient of the loss with respect to ``a_next``.

    Returns ``{"dxt", "da_prev", "dWax", "dWaa", "dba"}``.
    """
    a_next, a_prev, xt, parameters = cache
    dz = np.asarray(da_next, dtype=float) * (1.0 - a_next ** 2)  # tanh'(z) = 1 - tanh(z)²
    return {"dxt": parameters["Wax"].T @ dz, "da_prev": parameters["Waa"].T @ dz,
            "dWax": dz @ xt.T, "dWaa": dz @ a_prev.T, "dba": dz.sum(axis=1, keepdims=True)}


def rnn_backward(da, caches) -> dict:
    """Backpropagation through time for :func:`rnn_forward`.

    ``da`` (n_a, m, T_x) is the gradient the loss sends to each hidden state
    from outside the recurrence. Returns ``{"dx", "da0", "dWax", "dWaa", "dba"}``.
    """
    cells, x = caches
    da = np.asarray(da, dtype=float)
    n_a, m, T_x = da.shape
    if len(cells) != T_x:
        raise ValueError(f"da covers {T_x} time steps but the caches hold {len(cells)}")
    params = cells[0][3]
    grads = {"dx": np.zeros(x.shape), "dWax": np.zeros(params["Wax"].shape), "dWaa": np.zeros(params["Waa"].shape),
             "dba": np.zeros(params["ba"].shape)}
    da_prev = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prev, cells[t])
        grads["dx"][:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for key in ("dWax", "dWaa", "dba"):
            grads[key] += step[key]
    grads["da0"] = da_prev
    return {k: grads[k] for k in ("dx", "da0", "dWax", "dWaa", "dba")}


# --------------------------------------------------------------------------- #
# LSTM
# --------------------------------------------------------------------------- #

def lstm_cell_forward(xt, a_prev, c_prev, parameters: dict):
    """One LSTM step. Returns ``(a_next, c_next, yt_pred, cache)``.

    ``cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``.
    """
    _require(parameters, LSTM_KEYS, "LSTM")
    xt = np.asarray(xt, dtype=float)
    n_a = parameters["Wf"].shape[0]
    a_prev = _state(a_prev, n_a, xt.shape[1], "a_prev")
    c_prev = _state(c_prev, n_a, xt.shape[1], "c_prev")
    concat = np.vstack([a_prev, xt])
    # the four gates' pre-activations in one product of the stacked weights
    W = np.vstack([parameters[f"W{g}"] for g in LSTM_GATES])
    b = np.vstack([parameters[f"b{g}"] for g in LSTM_GATES])
    zf, zi, zc, zo = np.split(W @ concat + b, 4, axis=0)
    ft, it, cct, ot = sigmoid(zf), sigmoid(zi), np.tanh(zc), sigmoid(zo)
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)


def lstm_forward(x, a0, parameters: dict):
    """An LSTM over ``x`` (n_x, m, T_x) from ``a0`` (n_a, m), with the cell state starting at 0.

    Returns ``(a, y, c, caches)``: ``a`` and ``c`` (n_a, m, T_x), ``y``
    (n_y, m, T_x), ``caches = (list of the T_x cell caches, x)``.
    """
    _require(parameters, LSTM_KEYS, "LSTM")
    x = _sequence(x)
    n_x, m, T_x = x.shape
    n_a, n_y = parameters["Wf"].shape[0], parameters["Wy"].shape[0]
    a_t = _state(a0, n_a, m, "a0")
    c_t = np.zeros((n_a, m))
    a, c, y, caches = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x)), []
    for t in range(T_x):
        a_t, c_t, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_t, c_t, parameters)
        a[:, :, t], c[:, :, t] = a_t, c_t
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache) -> dict:
    """Gradients of one LSTM step.

    ``da_next`` is the gradient of the loss with respect to ``a_next``,
    ``dc_next`` the gradient with respect to ``c_next`` that comes from the
    next step (0 at the last step). With ``tc = tanh(c_next)``::

        dc    = dc_next + da_next * ot * (1 - tc²)          (all that reaches c_next)
        dzo   = da_next * tc * ot (1 - ot)                  (pre-activation of the output gate)
        dzf   = dc * c_prev * ft (1 - ft)
        dzi   = dc * cct * it (1 - it)
        dzc   = dc * it * (1 - cct²)
        dW_g  = dz_g concatᵀ,  db_g = Σ_examples dz_g,   for g in f, i, c, o
        [da_prev; dxt] = Σ_g W_gᵀ dz_g,                  dc_prev = dc * ft

    Returns ``{"dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"}``.
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    da_next = np.asarray(da_next, dtype=float)
    dc_next = np.asarray(dc_next, dtype=float)
    n_a = a_prev.shape[0]
    tc = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1.0 - tc ** 2)
    dz = {"o": da_next * tc * ot * (1.0 - ot), "f": dc * c_prev * ft * (1.0 - ft),
          "i": dc * cct * it * (1.0 - it), "c": dc * it * (1.0 - cct ** 2)}
    concat = np.vstack([a_prev, xt])
    grads = {}
    dconcat = np.zeros(concat.shape)
    for g in LSTM_GATES:
        grads[f"dW{g}"] = dz[g] @ concat.T
        grads[f"db{g}"] = dz[g].sum(axis=1, keepdims=True)
        dconcat += parameters[f"W{g}"].T @ dz[g]
    out = {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * ft}
    for g in LSTM_GATES:
        out[f"dW{g}"], out[f"db{g}"] = grads[f"dW{g}"], grads[f"db{g}"]
    return out


def lstm_backward(da, caches) -> dict:
    """Backpropagation through time for :func:`lstm_forward`.

    ``da`` (n_a, m, T_x): the gradient sent to each hidden state from outside
    the recurrence. Returns ``{"dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc",
    "dbc", "dWo", "dbo"}``.
    """
    cells, x = caches
    da = np.asarray(da, dtype=float)
    n_a, m, T_x = da.shape
    if len(cells) != T_x:
        raise ValueError(f"da covers {T_x} time steps but the caches hold {len(cells)}")
    params = cells[0][9]
    grads = {"dx": np.zeros(x.shape)}
    for g in LSTM_GATES:
        grads[f"dW{g}"] = np.zeros(params[f"W{g}"].shape)
        grads[f"db{g}"] = np.zeros(params[f"b{g}"].shape)
    da_prev, dc_prev = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, cells[t])
        grads["dx"][:, :, t] = step["dxt"]
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        for g in LSTM_GATES:
            grads[f"dW{g}"] += step[f"dW{g}"]
            grads[f"db{g}"] += step[f"db{g}"]
    out = {"dx": grads["dx"], "da0": da_prev}
    for g in LSTM_GATES:
        out[f"dW{g}"], out[f"db{g}"] = grads[f"dW{g}"], grads[f"db{g}"]
    return out
