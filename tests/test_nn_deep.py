"""Unit tests of course_utils.nn.deep, the reference L-layer network (given helpers of notebook 04)."""

import numpy as np
import pytest

from course_utils.nn import deep


def _tiny(seed=0, dims=(4, 3, 2, 1), m=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = rng.normal(size=(dims[layer], dims[layer - 1]))
        params[f"b{layer}"] = rng.normal(size=(dims[layer], 1)) * 0.1
    return X, Y, params


def _cost(X, Y, params):
    AL, _ = deep.L_model_forward(X, params)
    return deep.compute_cost(AL, Y)


def _numerical_gradient(X, Y, params, eps=1e-6):
    grads = {}
    for key, value in params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][idx] += eps
            minus[key][idx] -= eps
            g[idx] = (_cost(X, Y, plus) - _cost(X, Y, minus)) / (2 * eps)
        grads[key] = g
    return grads


@pytest.mark.parametrize("seed,dims", [(0, (4, 3, 2, 1)), (1, (3, 5, 1)), (2, (2, 1))])
def test_backward_matches_numerical_gradient(seed, dims):
    X, Y, params = _tiny(seed, dims)
    AL, caches = deep.L_model_forward(X, params)
    grads = deep.L_model_backward(AL, Y, caches)
    numeric = _numerical_gradient(X, Y, params)
    analytic = np.concatenate([grads[f"d{k}"].ravel() for k in params])
    approx = np.concatenate([numeric[k].ravel() for k in params])
    rel = np.linalg.norm(analytic - approx) / (np.linalg.norm(analytic) + np.linalg.norm(approx))
    assert rel < 1e-7, rel


def test_backward_keys_and_shapes():
    X, Y, params = _tiny(3, (4, 3, 2, 1), m=6)
    AL, caches = deep.L_model_forward(X, params)
    grads = deep.L_model_backward(AL, Y, caches)
    assert set(grads) == {"dA0", "dA1", "dA2", "dW1", "db1", "dW2", "db2", "dW3", "db3"}
    for layer in (1, 2, 3):
        assert grads[f"dW{layer}"].shape == params[f"W{layer}"].shape
        assert grads[f"db{layer}"].shape == params[f"b{layer}"].shape
    assert grads["dA0"].shape == X.shape


def test_forward_shapes_and_caches():
    X, _, params = _tiny(4, (4, 3, 2, 1), m=7)
    AL, caches = deep.L_model_forward(X, params)
    assert AL.shape == (1, 7)
    assert np.all((AL > 0) & (AL < 1))
    assert len(caches) == 3
    (A_prev, W, b), Z = caches[0]
    assert A_prev is X or np.array_equal(A_prev, X)
    assert W.shape == (3, 4) and b.shape == (3, 1) and Z.shape == (3, 7)
    # the hidden layers are ReLUs: the next layer's input is max(0, Z)
    (A1, _, _), _ = caches[1]
    np.testing.assert_allclose(A1, np.maximum(0, Z))


def test_linear_forward_value():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, -1.0]])
    b = np.array([[0.5]])
    Z, cache = deep.linear_forward(A, W, b)
    np.testing.assert_allclose(Z, [[-1.5, -1.5]])
    assert cache[1] is W or np.array_equal(cache[1], W)


def test_compute_cost_by_hand():
    AL = np.array([[0.8, 0.9, 0.4]])
    Y = np.array([[1, 1, 0]])
    by_hand = -(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3
    cost = deep.compute_cost(AL, Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx(by_hand, rel=1e-12)
    assert cost == pytest.approx(0.2797765635793422, rel=1e-12)


def test_compute_cost_saturated_output_is_finite():
    assert np.isfinite(deep.compute_cost(np.array([[1.0, 0.0]]), np.array([[0, 1]])))


def test_update_parameters_moves_downhill():
    X, Y, params = _tiny(5, (4, 3, 1), m=8)
    AL, caches = deep.L_model_forward(X, params)
    grads = deep.L_model_backward(AL, Y, caches)
    before = {k: v.copy() for k, v in params.items()}
    new = deep.update_parameters(params, grads, 0.1)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])  # the input is unchanged
        np.testing.assert_allclose(new[k], params[k] - 0.1 * grads[f"d{k}"])
    assert _cost(X, Y, deep.update_parameters(params, grads, 1e-3)) < _cost(X, Y, params)


def test_initialize_parameters():
    p = deep.initialize_parameters(3, 2, 1)
    assert p["W1"].shape == (2, 3) and p["b1"].shape == (2, 1)
    assert p["W2"].shape == (1, 2) and p["b2"].shape == (1, 1)
    np.random.seed(1)
    np.testing.assert_allclose(p["W1"], np.random.randn(2, 3) * 0.01)
    assert not p["b1"].any() and not p["b2"].any()


def test_initialize_parameters_deep_scale_and_seed():
    p = deep.initialize_parameters_deep([5, 4, 3])
    np.random.seed(1)
    W1 = np.random.randn(4, 5) / np.sqrt(5)
    W2 = np.random.randn(3, 4) / np.sqrt(4)
    np.testing.assert_allclose(p["W1"], W1)
    np.testing.assert_allclose(p["W2"], W2)
    assert p["b2"].shape == (3, 1) and not p["b2"].any()
    # the scaled init keeps the weights' spread near 1 / sqrt(n_in) on a wide layer
    wide = deep.initialize_parameters_deep([10000, 20])["W1"]
    assert wide.std() == pytest.approx(0.01, rel=0.05)


def test_predict_prints_accuracy(capsys):
    X, _, params = _tiny(6, (4, 3, 1), m=10)
    AL, _ = deep.L_model_forward(X, params)
    y = (AL > 0.5).astype(int)
    y[0, :3] = 1 - y[0, :3]
    p = deep.predict(X, y, params)
    assert p.shape == (1, 10)
    assert set(np.unique(p)) <= {0.0, 1.0}
    assert "Accuracy: 0.7000" in capsys.readouterr().out


def test_friendly_errors():
    X, Y, params = _tiny(7, (4, 3, 1), m=5)
    AL, caches = deep.L_model_forward(X, params)
    with pytest.raises(ValueError, match="same number of examples"):
        deep.compute_cost(AL, Y[:, :4])
    with pytest.raises(ValueError, match="1-D"):
        deep.compute_cost(AL, Y.ravel())
    with pytest.raises(ValueError, match="same number of examples"):
        deep.L_model_backward(AL, np.ones((1, 3)), caches)
    with pytest.raises(ValueError, match="one column per example"):
        deep.L_model_forward(np.zeros((2, 4, 4)), params)
    with pytest.raises(ValueError, match="W has shape"):
        deep.L_model_forward(X.T, params)
    with pytest.raises(ValueError, match="relu' or 'sigmoid"):
        deep.linear_activation_forward(X, params["W1"], params["b1"], "tanh")
    with pytest.raises(ValueError, match="W1, b1"):
        deep.L_model_forward(X, {"W1": params["W1"]})
    with pytest.raises(ValueError, match="y must be"):
        deep.predict(X, np.zeros((1, 4)), params)
    with pytest.raises(ValueError, match="grads has no"):
        deep.update_parameters(params, {}, 0.1)
