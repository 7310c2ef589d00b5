"""The noisy-circles training and test sets of notebook 05 (initialization)."""

import numpy as np
import pytest

from course_utils.datasets import planar
from course_utils.datasets.planar import load_circles_dataset, make_noisy_circles


def _assert_layout(X, Y, m):
    assert X.shape == (2, m) and X.dtype == np.float64 and np.isfinite(X).all()
    assert Y.shape == (1, m) and Y.dtype == np.int64
    assert set(np.unique(Y)) == {0, 1}


def test_default_shapes_dtypes_and_balance():
    train_X, train_Y, test_X, test_Y = load_circles_dataset()
    _assert_layout(train_X, train_Y, 300)
    _assert_layout(test_X, test_Y, 100)
    assert int(train_Y.sum()) == 150 and int(test_Y.sum()) == 50


def test_other_sizes():
    train_X, train_Y, test_X, test_Y = load_circles_dataset(n_train=31, n_test=7)
    _assert_layout(train_X, train_Y, 31)
    _assert_layout(test_X, test_Y, 7)


def test_deterministic_per_seed_and_seed_dependent():
    a = load_circles_dataset(seed=1)
    b = load_circles_dataset(seed=1)
    c = load_circles_dataset(seed=2)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.allclose(a[0], c[0]) and not np.allclose(a[2], c[2])


def test_test_set_is_not_a_copy_of_the_training_set():
    train_X, _, test_X, _ = load_circles_dataset(n_train=100, n_test=100)
    assert not np.allclose(train_X, test_X)
    # no test point coincides with a training point
    distances = np.linalg.norm(train_X[:, :, None] - test_X[:, None, :], axis=0)
    assert distances.min() > 1e-9


def test_points_lie_on_two_circles_with_the_given_factor():
    train_X, train_Y, test_X, test_Y = load_circles_dataset(noise=0.0, factor=0.6)
    for X, Y in ((train_X, train_Y), (test_X, test_Y)):
        r = np.hypot(X[0], X[1])
        np.testing.assert_allclose(r[Y[0] == 0], 1.0, atol=1e-9)  # outer circle: class 0
        np.testing.assert_allclose(r[Y[0] == 1], 0.6, atol=1e-9)  # inner circle: class 1


def test_noise_spreads_the_radii():
    train_X, train_Y, _, _ = load_circles_dataset(noise=0.05, factor=0.8)
    r = np.hypot(train_X[0], train_X[1])
    outer, inner = r[train_Y[0] == 0], r[train_Y[0] == 1]
    assert 0.02 < outer.std() < 0.08 and 0.02 < inner.std() < 0.08
    assert outer.mean() == pytest.approx(1.0, abs=0.02) and inner.mean() == pytest.approx(0.8, abs=0.02)


def test_uses_the_circles_generator_of_notebook_02():
    train_X, train_Y, _, _ = load_circles_dataset(n_train=50, noise=0.1, factor=0.5, seed=4)
    train_seed = int(np.random.SeedSequence(4).generate_state(2)[0])
    X, Y = make_noisy_circles(50, noise=0.1, factor=0.5, seed=train_seed)
    np.testing.assert_array_equal(train_X, X)
    np.testing.assert_array_equal(train_Y, Y)


def test_is_exported():
    assert "load_circles_dataset" in planar.__all__


@pytest.mark.parametrize("kwargs, message", [
    ({"n_train": 1}, "n_train must be at least 2"),
    ({"n_train": 30.5}, "n_train must be an integer"),
    ({"n_test": 0}, "n_test must be at least 2"),
    ({"n_test": True}, "n_test must be an integer"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": "1"}, "seed must be a non-negative integer"),
    ({"noise": -0.1}, "noise must be a number >= 0"),
    ({"factor": 1.0}, "factor .* must be between 0 and 1"),
    ({"factor": 0}, "factor .* must be between 0 and 1"),
])
def test_friendly_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_circles_dataset(**kwargs)
