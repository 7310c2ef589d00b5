"""course_utils.gradcheck: numerical gradients and the flattening of parameter dicts."""

import numpy as np
import pytest

from course_utils.gradcheck import (
    dictionary_to_vector,
    gradients_to_vector,
    numerical_gradient,
    parameter_keys,
    relative_difference,
    vector_to_dictionary,
)


def test_numerical_gradient_matches_closed_forms():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    A = rng.normal(size=(3, 3))
    # f(x) = sum(sin(x)) -> cos(x); f(x) = sum(x * (A x)) -> (A + A^T) x
    assert np.allclose(numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), atol=1e-7)
    got = numerical_gradient(lambda v: np.sum(v * (A @ v)), x, eps=1e-5)
    assert np.allclose(got, (A + A.T) @ x, atol=1e-8)


def test_numerical_gradient_leaves_x_alone_and_keeps_its_shape():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    seen = []

    def f(v):
        seen.append(v.shape)
        v[0, 0] = 100.0  # a function that scribbles on its argument must not affect the result
        return float(np.sum(v ** 2))

    grad = numerical_gradient(f, x, eps=1e-6)
    assert np.array_equal(x, before) and grad.shape == (2, 3) and set(seen) == {(2, 3)}
    assert np.allclose(grad[0, 1:], 2 * x[0, 1:], atol=1e-5)


def test_numerical_gradient_accepts_0d_and_1x1_results_and_rejects_others():
    x = np.array([1.0, 2.0])
    assert np.allclose(numerical_gradient(lambda v: np.array([[v @ v]]), x), 2 * x, atol=1e-6)
    with pytest.raises(ValueError, match="one number"):
        numerical_gradient(lambda v: v, x)
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(lambda v: v.sum(), x, eps=0)


def test_relative_difference():
    a = np.array([[3.0], [4.0]])
    assert relative_difference(a, a) == 0.0
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_difference(a, -a) == pytest.approx(1.0)
    assert relative_difference(a, np.zeros(2)) == pytest.approx(1.0)
    assert relative_difference(a, a.ravel() * (1 + 1e-9)) < 1e-8  # shapes may differ, sizes must not
    with pytest.raises(ValueError):
        relative_difference(a, np.zeros(3))


def _params():
    rng = np.random.default_rng(1)
    # inserted in an unusual order, with a two-digit layer, to exercise the ordering
    return {"b2": rng.normal(size=(1, 1)), "W10": rng.normal(size=(2, 2)), "W1": rng.normal(size=(3, 2)),
            "b1": rng.normal(size=(3, 1)), "W2": rng.normal(size=(1, 3)), "gamma1": rng.normal(size=(3, 1))}


def test_parameter_keys_are_in_layer_order():
    assert parameter_keys(_params()) == ["W1", "b1", "gamma1", "W2", "b2", "W10"]
    assert parameter_keys({"b": 0, "W1": 0, "a": 0}) == ["W1", "a", "b"]


def test_dictionary_to_vector_and_back():
    params = _params()
    theta, names = dictionary_to_vector(params)
    assert theta.shape == (6 + 3 + 3 + 3 + 1 + 4, 1) and len(names) == theta.shape[0]
    assert names[:7] == ["W1"] * 6 + ["b1"] and names[-4:] == ["W10"] * 4
    assert np.array_equal(theta[:6, 0], params["W1"].ravel())
    back = vector_to_dictionary(theta, params)
    assert back.keys() == params.keys() or sorted(back) == sorted(params)
    for key in params:
        assert np.array_equal(back[key], params[key]) and back[key] is not params[key]
    # an explicit order, and shapes given as tuples
    keys = ["b2", "W2"]
    theta, names = dictionary_to_vector(params, keys)
    assert names == ["b2", "W2", "W2", "W2"]
    back = vector_to_dictionary(theta, {"W2": (1, 3), "b2": (1, 1)}, keys)
    assert np.array_equal(back["W2"], params["W2"]) and np.array_equal(back["b2"], params["b2"])


def test_vector_to_dictionary_rejects_wrong_sizes():
    with pytest.raises(ValueError, match="too few"):
        vector_to_dictionary(np.zeros(3), {"W1": (2, 2)})
    with pytest.raises(ValueError, match="use 4"):
        vector_to_dictionary(np.zeros(5), {"W1": (2, 2)})
    with pytest.raises(KeyError):
        dictionary_to_vector({"W1": np.zeros(2)}, ["W2"])


def test_gradients_to_vector_lines_up_with_the_parameters():
    params = {"W1": np.ones((2, 2)), "b1": np.ones((2, 1))}
    grads = {"dA0": np.zeros((2, 5)), "db1": np.array([[5.0], [6.0]]), "dW1": np.array([[1.0, 2.0], [3.0, 4.0]])}
    _, names = dictionary_to_vector(params)
    g = gradients_to_vector(grads, parameter_keys(params))
    assert g.ravel().tolist() == [1, 2, 3, 4, 5, 6] and names == ["W1"] * 4 + ["b1"] * 2


def test_gradient_check_of_a_logistic_unit_end_to_end():
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(3, 8)), (rng.random((1, 8)) > 0.5).astype(float)
    params = {"W1": rng.normal(size=(1, 3)), "b1": rng.normal(size=(1, 1))}

    def cost(theta):
        p = vector_to_dictionary(theta, params)
        A = 1 / (1 + np.exp(-(p["W1"] @ X + p["b1"])))
        return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))

    A = 1 / (1 + np.exp(-(params["W1"] @ X + params["b1"])))
    grads = {"dW1": (A - Y) @ X.T / 8, "db1": np.sum(A - Y, axis=1, keepdims=True) / 8}
    theta, _ = dictionary_to_vector(params)
    numeric = numerical_gradient(cost, theta)
    assert relative_difference(gradients_to_vector(grads, parameter_keys(params)), numeric) < 1e-7
    wrong = gradients_to_vector({"dW1": grads["dW1"] * 8, "db1": grads["db1"]}, ["W1", "b1"])
    assert relative_difference(wrong, numeric) > 0.5
