"""The planar datasets of notebook 02 (the flower and four scikit-learn classics)."""

import numpy as np
import pytest

from course_utils.datasets import planar
from course_utils.datasets.planar import (
    EXTRA_DATASETS,
    load_extra_datasets,
    load_planar_dataset,
    make_blobs_binary,
    make_gaussian_quantiles_binary,
    make_noisy_circles,
    make_noisy_moons,
    plot_planar_dataset,
    preview_planar_datasets,
)


def _assert_layout(X, Y, m):
    assert X.shape == (2, m) and X.dtype == np.float64
    assert Y.shape == (1, m) and Y.dtype == np.int64
    assert set(np.unique(Y)) <= {0, 1}
    assert np.isfinite(X).all()


def test_flower_shapes_dtypes_and_balance():
    X, Y = load_planar_dataset()
    _assert_layout(X, Y, 400)
    assert int(Y.sum()) == 200
    X, Y = load_planar_dataset(m=101, seed=3)
    _assert_layout(X, Y, 101)
    assert int((Y == 0).sum()) == 51 and int(Y.sum()) == 50


def test_flower_is_deterministic_and_seed_dependent():
    X1, Y1 = load_planar_dataset(seed=1)
    X2, Y2 = load_planar_dataset(seed=1)
    X3, _ = load_planar_dataset(seed=2)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.allclose(X1, X3)


def test_flower_points_lie_on_the_rose_without_noise():
    X, Y = load_planar_dataset(m=200, noise=0.0, petal_length=3.0)
    r = np.hypot(X[0], X[1])
    t = np.arctan2(X[1], X[0])
    # on r = a sin(4t) (negative r reflected through the origin): r == a |sin(4t)|
    np.testing.assert_allclose(r, 3.0 * np.abs(np.sin(4 * t)), atol=1e-9)
    assert r.max() == pytest.approx(3.0, abs=0.01)


def test_flower_classes_own_whole_petals_with_opposite_petals_opposite():
    X, Y = load_planar_dataset(m=800, noise=0.0)
    far = np.hypot(X[0], X[1]) > 2.0  # away from the centre, where petals meet
    sector = (np.arctan2(X[1], X[0]) % (2 * np.pi) // (np.pi / 4)).astype(int)
    owner = {}
    for s in range(8):
        labels = np.unique(Y[0, far & (sector == s)])
        assert labels.size == 1, f"petal {s} mixes both classes"
        owner[s] = int(labels[0])
    assert all(owner[s] != owner[(s + 4) % 8] for s in range(8))
    assert sum(owner.values()) == 4


def test_a_linear_model_fails_on_the_flower():
    from sklearn.linear_model import LogisticRegression

    for seed in (1, 2):
        X, Y = load_planar_dataset(seed=seed)
        acc = LogisticRegression().fit(X.T, Y.ravel()).score(X.T, Y.ravel())
        assert acc <= 0.55, f"seed {seed}: logistic regression reaches {acc:.3f}"


def test_a_small_tanh_network_succeeds_on_the_flower():
    """The lesson of notebook 02 needs the flower to be learnable by 4 tanh units."""
    X, Y = load_planar_dataset()
    rng = np.random.default_rng(0)
    W1, b1 = rng.normal(size=(4, 2)) * 0.01, np.zeros((4, 1))
    W2, b2 = rng.normal(size=(1, 4)) * 0.01, np.zeros((1, 1))
    m = X.shape[1]
    for _ in range(3000):
        A1 = np.tanh(W1 @ X + b1)
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - Y
        dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
        W2, b2 = W2 - 1.2 * dZ2 @ A1.T / m, b2 - 1.2 * dZ2.mean(axis=1, keepdims=True)
        W1, b1 = W1 - 1.2 * dZ1 @ X.T / m, b1 - 1.2 * dZ1.mean(axis=1, keepdims=True)
    assert np.mean((A2 > 0.5) == Y) >= 0.88


def test_extra_datasets_layout_names_and_determinism():
    data = load_extra_datasets(n=120, seed=4)
    assert tuple(data) == EXTRA_DATASETS
    for name, (X, Y) in data.items():
        _assert_layout(X, Y, 120)
        assert 0 < Y.sum() < 120, name
    again = load_extra_datasets(n=120, seed=4)
    other = load_extra_datasets(n=120, seed=5)
    for name in EXTRA_DATASETS:
        np.testing.assert_array_equal(data[name][0], again[name][0])
        assert not np.allclose(data[name][0], other[name][0]), name


def test_generators_match_their_parameters():
    X, Y = make_noisy_circles(300, noise=0.0, factor=0.5, seed=1)
    r = np.hypot(X[0], X[1])
    np.testing.assert_allclose(r[Y[0] == 1], 0.5)
    np.testing.assert_allclose(r[Y[0] == 0], 1.0)
    _assert_layout(*make_noisy_moons(300, noise=0.2, seed=3), 300)
    X, Y = make_blobs_binary(60, centers=4, spread=0.0, seed=2)
    assert len({tuple(p) for p in X.T.round(9)}) == 4  # four points, one per centre
    X, Y = make_gaussian_quantiles_binary(400, cov=0.5, seed=1)
    r = np.hypot(X[0], X[1])
    assert r[Y[0] == 0].max() <= r[Y[0] == 1].min()
    assert int(Y.sum()) == 200


@pytest.mark.parametrize("call, message", [
    (lambda: load_planar_dataset(m=1), "at least 2"),
    (lambda: load_planar_dataset(m=10.5), "integer"),
    (lambda: load_planar_dataset(m=True), "integer"),
    (lambda: load_planar_dataset(seed=-1), "non-negative"),
    (lambda: load_planar_dataset(seed="a"), "non-negative"),
    (lambda: load_planar_dataset(noise=-0.1), "noise"),
    (lambda: load_planar_dataset(petal_length=0), "petal_length"),
    (lambda: load_extra_datasets(n=0), "at least 2"),
    (lambda: make_noisy_circles(factor=1.5), "between 0 and 1"),
    (lambda: make_noisy_moons(noise=float("nan")), "noise"),
    (lambda: make_blobs_binary(centers=1), "centers"),
    (lambda: make_gaussian_quantiles_binary(cov=0), "cov"),
])
def test_bad_arguments_give_friendly_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_previews_draw_the_points():
    X, Y = load_planar_dataset(m=40)
    ax = plot_planar_dataset(X, Y, title="flower")
    assert ax.get_title() == "flower"
    assert sum(len(c.get_offsets()) for c in ax.collections) == 40
    assert len(ax.get_legend().get_texts()) == 2
    fig = preview_planar_datasets(n=30)
    assert [a.get_title() for a in fig.axes] == ["flower", "noisy circles", "noisy moons", "blobs",
                                                 "gaussian quantiles"]
    with pytest.raises(ValueError, match=r"\(2, m\)"):
        plot_planar_dataset(X.T, Y)
    with pytest.raises(ValueError, match="labels"):
        plot_planar_dataset(X, Y[:, :5])


def test_module_exports():
    for name in planar.__all__:
        assert hasattr(planar, name)
