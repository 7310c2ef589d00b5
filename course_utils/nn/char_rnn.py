"""The character-level RNN of notebook 17 (dinosaur names): the given building blocks.

Introduced in notebook 17, where the learner writes ``clip``, ``sample``, ``optimize`` and ``model`` on
top of these helpers (the original assignment kept them in a ``utils.py``). Notebook 16 builds the same
kind of cell step by step; this module is the compact version a later notebook is given.

Layout (one name at a time, no batch axis):

- a sequence ``X`` is a list of character indices; ``X[0]`` may be ``None``, the all-zero input that
  starts every name; ``Y[t]`` is the index of the character that should follow ``X[0..t]``;
- ``x⟨t⟩`` is a one-hot column ``(vocab_size, 1)``, the hidden state ``a⟨t⟩`` a column ``(n_a, 1)``;
- parameters ``Wax (n_a, n_x)``, ``Waa (n_a, n_a)``, ``Wya (n_y, n_a)``, ``b (n_a, 1)``, ``by (n_y, 1)``;
- ``a⟨t⟩ = tanh(Wax x⟨t⟩ + Waa a⟨t-1⟩ + b)``, ``ŷ⟨t⟩ = softmax(Wya a⟨t⟩ + by)``, and the loss of a
  sequence is ``-Σ_t log ŷ⟨t⟩[Y[t]]`` (a sum over characters, not a mean).

The gradients of :func:`rnn_backward` are a dict with the five keys ``dWax, dWaa, dWya, db, dby``;
:func:`update_parameters` changes the parameter arrays in place (as in the original), so a caller that
keeps a reference to ``parameters`` sees the update. ``tests/test_nn_char_rnn.py`` checks the backward
pass against a numerical gradient.
"""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "smooth", "get_initial_loss", "initialize_parameters", "one_hot", "rnn_step_forward",
           "rnn_step_backward", "rnn_forward", "rnn_backward", "update_parameters", "name_from_indices",
           "print_sample", "with_temperature", "names_loss"]

PARAMETER_NAMES = ("Wax", "Waa", "Wya", "b", "by")
GRADIENT_NAMES = ("dWax", "dWaa", "dWya", "db", "dby")


def softmax(x):
    """Softmax of each column of ``x`` (shifted by the column's maximum, so large inputs do not overflow)."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def smooth(loss, cur_loss, beta: float = 0.999):
    """The running average of the loss: ``beta * loss + (1 - beta) * cur_loss``."""
    return beta * loss + (1 - beta) * cur_loss


def get_initial_loss(vocab_size: int, seq_length: float) -> float:
    """The loss of ``seq_length`` characters guessed uniformly among ``vocab_size``: ``seq_length * log(vocab_size)``.

    Notebook 17's ``model`` starts its running average of the loss there, with ``seq_length`` the mean length
    of a training name plus its newline, so that the curve starts where an untrained model stands (the
    original used ``seq_length = dino_names``, 7, below that: its smoothed loss first rose).
    """
    return -np.log(1.0 / vocab_size) * seq_length


def initialize_parameters(n_a: int, n_x: int, n_y: int, seed: int = 1) -> dict:
    """Small random weights (standard normal × 0.01) and zero biases, from ``np.random.default_rng(seed)``.

    Returns a dict with ``Wax (n_a, n_x)``, ``Waa (n_a, n_a)``, ``Wya (n_y, n_a)``, ``b (n_a, 1)``,
    ``by (n_y, 1)``. NumPy's global generator is not touched.
    """
    rng = np.random.default_rng(seed)
    Wax = rng.standard_normal((n_a, n_x)) * 0.01
    Waa = rng.standard_normal((n_a, n_a)) * 0.01
    Wya = rng.standard_normal((n_y, n_a)) * 0.01
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def one_hot(ix, vocab_size: int) -> np.ndarray:
    """The column ``(vocab_size, 1)`` with a 1 at ``ix``; all zeros when ``ix`` is None."""
    x = np.zeros((vocab_size, 1))
    if ix is not None:
        x[ix] = 1.0
    return x


def rnn_step_forward(parameters: dict, a_prev, x):
    """One time step: ``a_next = tanh(Wax x + Waa a_prev + b)``, ``p_t = softmax(Wya a_next + by)``."""
    a_next = np.tanh(parameters["Wax"] @ x + parameters["Waa"] @ a_prev + parameters["b"])
    p_t = softmax(parameters["Wya"] @ a_next + parameters["by"])
    return a_next, p_t


def rnn_step_backward(dy, gradients: dict, parameters: dict, x, a, a_prev) -> dict:
    """Add one time step's contribution to ``gradients`` (in place) and return it.

    ``dy`` is the gradient of the loss with respect to the step's logits ``Wya a + by`` (that is
    ``ŷ - y``); ``gradients["da_next"]`` carries the gradient flowing back from the later steps into
    ``a``, and is replaced by the one flowing into ``a_prev``.
    """
    gradients["dWya"] += dy @ a.T
    gradients["dby"] += dy
    da = parameters["Wya"].T @ dy + gradients["da_next"]
    dz = (1 - a * a) * da  # back through tanh
    gradients["db"] += dz
    gradients["dWax"] += dz @ x.T
    gradients["dWaa"] += dz @ a_prev.T
    gradients["da_next"] = parameters["Waa"].T @ dz
    return gradients


def rnn_forward(X, Y, a0, parameters: dict):
    """Run the RNN over the sequence ``X`` and add up the loss of predicting ``Y``.

    Arguments:
    X -- list of character indices (``X[0]`` may be None: a zero input)
    Y -- list of the indices to predict, as long as X
    a0 -- initial hidden state, shape (n_a, 1)
    parameters -- dict with Wax, Waa, Wya, b, by

    Returns:
    loss -- the cross-entropy summed over the time steps, ``-Σ_t log ŷ⟨t⟩[Y[t]]``
    cache -- (y_hat, a, x): dicts indexed by time step, ``a[-1]`` being a copy of a0
    """
    if len(X) != len(Y):
        raise ValueError(f"X and Y must have the same length; got {len(X)} and {len(Y)}")
    vocab_size = parameters["Wax"].shape[1]
    x, a, y_hat = {}, {}, {}
    a[-1] = np.copy(a0)
    loss = 0.0
    for t in range(len(X)):
        x[t] = one_hot(X[t], vocab_size)
        a[t], y_hat[t] = rnn_step_forward(parameters, a[t - 1], x[t])
        loss -= np.log(y_hat[t][Y[t], 0])
    return float(loss), (y_hat, a, x)


def rnn_backward(X, Y, parameters: dict, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    Returns:
    gradients -- dict with dWax, dWaa, dWya, db, dby (the shapes of the parameters)
    a -- the hidden states of the forward pass (``a[t]`` for t = -1 .. len(X) - 1)
    """
    y_hat, a, x = cache
    gradients = {f"d{name}": np.zeros_like(parameters[name]) for name in PARAMETER_NAMES}
    gradients["da_next"] = np.zeros_like(a[0])
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1
        rnn_step_backward(dy, gradients, parameters, x[t], a[t], a[t - 1])
    del gradients["da_next"]
    return gradients, a


def update_parameters(parameters: dict, gradients: dict, lr: float) -> dict:
    """One gradient-descent step, ``W -= lr * dW`` for every parameter, IN PLACE; returns ``parameters``."""
    for name in PARAMETER_NAMES:
        parameters[name] -= lr * gradients[f"d{name}"]
    return parameters


def name_from_indices(sample_ix, ix_to_char: dict) -> str:
    """The name spelled by ``sample_ix``, capitalised, without its final newline."""
    text = "".join(ix_to_char[int(ix)] for ix in sample_ix).rstrip("\n")
    return text[:1].upper() + text[1:]


def print_sample(sample_ix, ix_to_char: dict) -> None:
    """Print the name spelled by ``sample_ix`` on its own line (see :func:`name_from_indices`)."""
    print(name_from_indices(sample_ix, ix_to_char))


def with_temperature(parameters: dict, temperature: float) -> dict:
    """A copy of ``parameters`` whose output layer is divided by ``temperature``.

    ``softmax((Wya a + by) / T)`` is the softmax of the scaled layer, so sampling from the copy is
    sampling at temperature ``T``: below 1 the likely characters get likelier (safer, more repetitive
    names), above 1 the distribution flattens (bolder, stranger names).
    """
    if not temperature > 0:
        raise ValueError(f"the temperature must be positive; got {temperature!r}")
    scaled = {name: np.array(value, dtype=float) for name, value in parameters.items()}
    scaled["Wya"] = scaled["Wya"] / temperature
    scaled["by"] = scaled["by"] / temperature
    return scaled


def names_loss(parameters: dict, names, char_to_ix: dict) -> tuple[float, int]:
    """``(total loss, number of predicted characters)`` of the model over ``names``.

    Each name is scored as in training (a zero first input, the newline as the last target), starting
    from a zero hidden state: the same numbers as :func:`rnn_forward` name by name, computed for all the
    names at once (one column per name, padded steps masked out). ``total / count`` is the loss per
    character, in nats.
    """
    names = list(names)
    n_a = parameters["Waa"].shape[0]
    newline = char_to_ix["\n"]
    steps = max(len(name) for name in names) + 1
    targets = np.full((steps, len(names)), -1)
    for i, name in enumerate(names):
        targets[:len(name) + 1, i] = [char_to_ix[ch] for ch in name] + [newline]
    columns = np.arange(len(names))
    a = np.zeros((n_a, len(names)))
    previous = None
    total = 0.0
    for t in range(steps):
        pre = parameters["Waa"] @ a + parameters["b"]
        if previous is not None:
            pre = pre + parameters["Wax"][:, np.maximum(previous, 0)]
        a = np.tanh(pre)
        z = parameters["Wya"] @ a + parameters["by"]
        top = np.max(z, axis=0)
        log_norm = top + np.log(np.sum(np.exp(z - top), axis=0))
        active = targets[t] >= 0
        total += float(np.sum(log_norm[active] - z[targets[t, active], columns[active]]))
        previous = targets[t]
    return total, int(np.sum(targets >= 0))
