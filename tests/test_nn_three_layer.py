"""The given 3-layer network of Course 2 against a numerical gradient and by hand."""

import numpy as np
import pytest

from course_utils.gradcheck import (
    dictionary_to_vector,
    gradients_to_vector,
    numerical_gradient,
    relative_difference,
    vector_to_dictionary,
)
from course_utils.nn import three_layer as net


def _params(rng, dims=(3, 5, 4, 1)):
    p = {}
    for k in range(1, len(dims)):
        p[f"W{k}"] = rng.standard_normal((dims[k], dims[k - 1]))
        p[f"b{k}"] = rng.standard_normal((dims[k], 1)) * 0.1
    return p


def test_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 7))
    Y = (rng.random((1, 7)) > 0.5).astype(float)
    params = _params(rng)
    A3, cache = net.forward_propagation(X, params)
    grads = net.backward_propagation(X, Y, cache)
    keys = ["W1", "b1", "W2", "b2", "W3", "b3"]
    theta, _ = dictionary_to_vector(params, keys)

    def cost(t):
        return net.compute_cost(net.forward_propagation(X, vector_to_dictionary(t, params, keys))[0], Y)

    numeric = numerical_gradient(cost, theta)
    assert relative_difference(gradients_to_vector(grads, keys), numeric) < 1e-6
    assert set(grads) == {"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"}


def test_forward_by_hand_and_cache_layout():
    params = {"W1": np.array([[1.0, -1.0]]), "b1": np.array([[0.5]]),
              "W2": np.array([[2.0]]), "b2": np.array([[-1.0]]),
              "W3": np.array([[1.0]]), "b3": np.array([[0.0]])}
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    A3, cache = net.forward_propagation(X, params)
    # column 0: z1 = 1.5, a1 = 1.5, z2 = 2, a2 = 2, z3 = 2; column 1: z1 = -1.5 -> 0, z2 = -1 -> 0, z3 = 0
    np.testing.assert_allclose(A3, 1 / (1 + np.exp(-np.array([[2.0, 0.0]]))))
    assert len(cache) == 12 and cache[2] is params["W1"]
    np.testing.assert_array_equal(net.predict_dec(params, X), [[1, 0]])


def test_cost_is_finite_when_saturated_and_update_does_not_mutate():
    assert np.isfinite(net.compute_cost(np.array([[1.0, 0.0]]), np.array([[0, 1]])))
    assert net.compute_cost(np.array([[0.5, 0.5]]), np.array([[0, 1]])) == pytest.approx(np.log(2))
    rng = np.random.default_rng(1)
    params = _params(rng)
    before = {k: v.copy() for k, v in params.items()}
    grads = {"d" + k: np.ones_like(v) for k, v in params.items()}
    new = net.update_parameters(params, grads, 0.1)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
        np.testing.assert_allclose(new[k], before[k] - 0.1)


def test_friendly_errors(capsys):
    params = _params(np.random.default_rng(2))
    with pytest.raises(ValueError, match="did you pass X.T"):
        net.forward_propagation(np.zeros((7, 3)), params)
    with pytest.raises(ValueError, match="missing"):
        net.forward_propagation(np.zeros((3, 2)), {"W1": params["W1"]})
    A3, cache = net.forward_propagation(np.zeros((3, 2)), params)
    with pytest.raises(ValueError, match=r"\(1, m\)"):
        net.backward_propagation(np.zeros((3, 2)), np.zeros(2), cache)
    net.predict(np.zeros((3, 2)), np.zeros((1, 2)), params, label="test")
    assert capsys.readouterr().out.startswith("test accuracy: ")
