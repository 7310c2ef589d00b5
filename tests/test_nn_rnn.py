"""Unit tests of course_utils.nn.rnn: every backward pass against a numerical gradient of its forward pass."""

import numpy as np
import pytest

from course_utils.gradcheck import numerical_gradient, relative_difference
from course_utils.nn import rnn

EPS = 1e-6


def _rnn_case(seed, n_x=3, n_a=4, n_y=2, m=3, T_x=5):
    rng = np.random.default_rng(seed)
    params = rnn.initialize_rnn_parameters(n_x, n_a, n_y, seed=seed, scale=1.5)
    return rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m)), params


def _lstm_case(seed, n_x=3, n_a=4, n_y=2, m=3, T_x=5):
    rng = np.random.default_rng(seed)
    params = rnn.initialize_lstm_parameters(n_x, n_a, n_y, seed=seed, scale=1.5)
    return rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m)), params


def _with(params, key, value):
    out = dict(params)
    out[key] = value
    return out


def test_sigmoid_and_softmax():
    x = np.array([[-800.0, 0.0, 800.0]])
    assert np.allclose(rnn.sigmoid(x), [[0.0, 0.5, 1.0]])
    assert np.allclose(rnn.sigmoid(np.log(3.0)), 0.75)
    s = rnn.softmax(np.array([[1.0, 1000.0], [2.0, 1000.0], [3.0, 998.0]]))
    assert np.allclose(s.sum(axis=0), 1.0) and np.all(np.isfinite(s))
    assert np.allclose(s[:, 0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    assert np.allclose(rnn.softmax(np.array([[1.0, 2.0]]), axis=1).sum(), 1.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_rnn_backward_matches_numerical_gradient(seed):
    x, a0, params = _rnn_case(seed)
    a, y, caches = rnn.rnn_forward(x, a0, params)
    G = np.random.default_rng(seed + 10).normal(size=a.shape)
    grads = rnn.rnn_backward(G, caches)
    assert sorted(grads) == sorted(["dx", "da0", "dWax", "dWaa", "dba"])
    wrt = {"dx": (x, lambda v: rnn.rnn_forward(v, a0, params)[0]),
           "da0": (a0, lambda v: rnn.rnn_forward(x, v, params)[0])}
    for key in ("Wax", "Waa", "ba"):
        wrt[f"d{key}"] = (params[key], lambda v, key=key: rnn.rnn_forward(x, a0, _with(params, key, v))[0])
    for name, (value, forward) in wrt.items():
        numeric = numerical_gradient(lambda v, forward=forward: np.sum(forward(v) * G), value, eps=EPS)
        assert grads[name].shape == value.shape
        assert relative_difference(grads[name], numeric) < 1e-8, name


def test_rnn_cell_backward_matches_numerical_gradient():
    x, a0, params = _rnn_case(2, T_x=1)
    xt = x[:, :, 0]
    a_next, _, cache = rnn.rnn_cell_forward(xt, a0, params)
    G = np.random.default_rng(5).normal(size=a_next.shape)
    grads = rnn.rnn_cell_backward(G, cache)
    numeric = numerical_gradient(lambda v: np.sum(rnn.rnn_cell_forward(xt, v, params)[0] * G), a0, eps=EPS)
    assert relative_difference(grads["da_prev"], numeric) < 1e-8
    numeric = numerical_gradient(lambda v: np.sum(rnn.rnn_cell_forward(v, a0, params)[0] * G), xt, eps=EPS)
    assert relative_difference(grads["dxt"], numeric) < 1e-8


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_backward_matches_numerical_gradient(seed):
    x, a0, params = _lstm_case(seed)
    a, y, c, caches = rnn.lstm_forward(x, a0, params)
    G = np.random.default_rng(seed + 20).normal(size=a.shape)
    grads = rnn.lstm_backward(G, caches)
    assert sorted(grads) == sorted(["dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo"])
    wrt = {"dx": (x, lambda v: rnn.lstm_forward(v, a0, params)[0]),
           "da0": (a0, lambda v: rnn.lstm_forward(x, v, params)[0])}
    for gate in "fico":
        for key in (f"W{gate}", f"b{gate}"):
            wrt[f"d{key}"] = (params[key], lambda v, key=key: rnn.lstm_forward(x, a0, _with(params, key, v))[0])
    for name, (value, forward) in wrt.items():
        numeric = numerical_gradient(lambda v, forward=forward: np.sum(forward(v) * G), value, eps=EPS)
        assert grads[name].shape == value.shape
        assert relative_difference(grads[name], numeric) < 1e-8, name


def test_lstm_cell_backward_with_both_upstream_gradients():
    x, a_prev, params = _lstm_case(3, T_x=1)
    rng = np.random.default_rng(4)
    xt, c_prev = x[:, :, 0], rng.normal(size=a_prev.shape)
    Ga, Gc = rng.normal(size=a_prev.shape), rng.normal(size=a_prev.shape)

    def loss(xt, a_prev, c_prev, p=params):
        a_next, c_next, _, _ = rnn.lstm_cell_forward(xt, a_prev, c_prev, p)
        return np.sum(a_next * Ga) + np.sum(c_next * Gc)

    grads = rnn.lstm_cell_backward(Ga, Gc, rnn.lstm_cell_forward(xt, a_prev, c_prev, params)[3])
    checks = {"dxt": numerical_gradient(lambda v: loss(v, a_prev, c_prev), xt, eps=EPS),
              "da_prev": numerical_gradient(lambda v: loss(xt, v, c_prev), a_prev, eps=EPS),
              "dc_prev": numerical_gradient(lambda v: loss(xt, a_prev, v), c_prev, eps=EPS),
              "dWf": numerical_gradient(lambda v: loss(xt, a_prev, c_prev, _with(params, "Wf", v)), params["Wf"],
                                        eps=EPS),
              "dbo": numerical_gradient(lambda v: loss(xt, a_prev, c_prev, _with(params, "bo", v)), params["bo"],
                                        eps=EPS)}
    for name, numeric in checks.items():
        assert relative_difference(grads[name], numeric) < 1e-8, name


def test_forward_shapes_caches_and_cell_state_start():
    x, a0, params = _lstm_case(5, n_x=2, n_a=3, n_y=4, m=2, T_x=3)
    a, y, c, (cells, x_cached) = rnn.lstm_forward(x, a0, params)
    assert a.shape == c.shape == (3, 2, 3) and y.shape == (4, 2, 3) and len(cells) == 3 and x_cached is x
    assert np.allclose(y.sum(axis=0), 1.0)
    first = cells[0]
    assert len(first) == 10 and np.array_equal(first[3], np.zeros((3, 2)))  # c_prev of step 0 is 0
    assert np.allclose(first[1], first[4] * 0 + first[5] * first[6])  # c<1> = i * cct when c<0> = 0
    x, a0, params = _rnn_case(6, n_x=2, n_a=3, n_y=4, m=2, T_x=3)
    a, y, (cells, _) = rnn.rnn_forward(x, a0, params)
    assert a.shape == (3, 2, 3) and y.shape == (4, 2, 3) and len(cells[0]) == 4
    assert np.array_equal(cells[1][1], a[:, :, 0])  # a_prev of step 1 is a<0>


@pytest.mark.parametrize("call, message", [
    (lambda p: rnn.rnn_forward(np.zeros((3, 2)), np.zeros((4, 2)), p), "shape \\(n_x, m, T_x\\)"),
    (lambda p: rnn.rnn_forward(np.zeros((3, 2, 4)), np.zeros((4, 3)), p), "a0 must have shape"),
    (lambda p: rnn.rnn_forward(np.zeros((3, 2, 4)), np.zeros((4, 2)), {"Wax": 1}), "lack Waa"),
    (lambda p: rnn.lstm_forward(np.zeros((3, 2, 4)), np.zeros((4, 2)), p), "LSTM parameters lack Wf"),
    (lambda p: rnn.rnn_backward(np.zeros((4, 2, 3)), rnn.rnn_forward(np.zeros((3, 2, 4)), np.zeros((4, 2)), p)[2]),
     "3 time steps but the caches hold 4"),
])
def test_friendly_errors(call, message):
    params = rnn.initialize_rnn_parameters(3, 4, 2)
    with pytest.raises(ValueError, match=message):
        call(params)
