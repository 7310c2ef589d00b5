"""The moons training set of notebook 08 and the He initialization it trains from."""

import numpy as np
import pytest

from course_utils.datasets.planar import load_moons_dataset
from course_utils.nn.three_layer import initialize_parameters_he


def test_layout_dtype_and_balance():
    X, Y = load_moons_dataset()
    assert X.shape == (2, 300) and Y.shape == (1, 300)
    assert X.dtype == np.float64 and Y.dtype == np.int64
    assert set(np.unique(Y)) == {0, 1} and int(Y.sum()) == 150
    assert X.flags["C_CONTIGUOUS"]


def test_same_seed_same_data_other_seed_other_data():
    X1, Y1 = load_moons_dataset(n=50, seed=7)
    X2, Y2 = load_moons_dataset(n=50, seed=7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    X3, _ = load_moons_dataset(n=50, seed=8)
    assert not np.allclose(X1, X3)


def test_the_default_is_the_original_assignments_data():
    from sklearn.datasets import make_moons

    X, Y = load_moons_dataset()
    state = np.random.get_state()
    try:
        np.random.seed(3)  # how the original assignment drew its 300 points
        X_orig, y_orig = make_moons(n_samples=300, noise=0.2)
    finally:
        np.random.set_state(state)
    np.testing.assert_array_equal(X, X_orig.T)
    np.testing.assert_array_equal(Y.ravel(), y_orig)


def test_noise_is_the_spread_around_the_moons():
    X0, Y0 = load_moons_dataset(n=400, noise=0.0, seed=1)
    X1, _ = load_moons_dataset(n=400, noise=0.3, seed=1)
    # without noise every point is on a unit half-circle: class 0 centred at (0, 0), class 1 at (1, 0.5)
    y = Y0.ravel()
    r = np.hypot(X0[0] - y, X0[1] - 0.5 * y)
    np.testing.assert_allclose(r, 1.0, atol=1e-9)
    assert np.std(X1 - X0) == pytest.approx(0.3, rel=0.1)


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 1}, "n must be at least 2"),
    ({"n": 30.5}, "n must be an integer"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": "three"}, "seed must be a non-negative integer"),
    ({"noise": -0.1}, "noise must be a number >= 0"),
])
def test_friendly_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_moons_dataset(**kwargs)


def test_he_initialization():
    params = initialize_parameters_he([2, 5, 2, 1])
    assert {k: v.shape for k, v in params.items()} == {"W1": (5, 2), "b1": (5, 1), "W2": (2, 5), "b2": (2, 1),
                                                       "W3": (1, 2), "b3": (1, 1)}
    state = np.random.RandomState(3)
    np.testing.assert_array_equal(params["W1"], state.randn(5, 2) * np.sqrt(2 / 2))
    np.testing.assert_array_equal(params["W2"], state.randn(2, 5) * np.sqrt(2 / 5))
    assert not any(params[f"b{k}"].any() for k in (1, 2, 3))
    np.testing.assert_array_equal(initialize_parameters_he([2, 5, 2, 1], seed=4)["W3"], _third_layer(4))
    with pytest.raises(ValueError, match="four positive sizes"):
        initialize_parameters_he([2, 5, 1])
    with pytest.raises(ValueError, match="four positive sizes"):
        initialize_parameters_he([2, 0, 2, 1])


def _third_layer(seed):
    state = np.random.RandomState(seed)
    state.randn(5, 2)
    state.randn(2, 5)
    return state.randn(1, 2) * np.sqrt(2 / 2)
