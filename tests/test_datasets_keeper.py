"""The goalkeeper dataset of notebook 06 (regularization)."""

import re

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

from course_utils.datasets.keeper import DEFAULT_SEED, FIELD, boundary, load_2D_dataset, plot_keeper_dataset


def _assert_layout(X, Y, m):
    assert X.shape == (2, m) and X.dtype == np.float64
    assert Y.shape == (1, m) and Y.dtype == np.int64
    assert set(np.unique(Y)) == {0, 1}
    assert np.isfinite(X).all()


def test_default_shapes_and_dtypes():
    train_X, train_Y, test_X, test_Y = load_2D_dataset()
    _assert_layout(train_X, train_Y, 211)
    _assert_layout(test_X, test_Y, 200)


def test_custom_sizes():
    train_X, train_Y, test_X, test_Y = load_2D_dataset(n_train=50, n_test=30, seed=2)
    _assert_layout(train_X, train_Y, 50)
    _assert_layout(test_X, test_Y, 30)


def test_points_lie_on_the_field():
    train_X, _, test_X, _ = load_2D_dataset()
    for X in (train_X, test_X):
        for row, (low, high) in enumerate(FIELD):
            assert X[row].min() >= low and X[row].max() <= high


def test_deterministic_per_seed_and_seed_dependent():
    a, b, c = load_2D_dataset(), load_2D_dataset(seed=DEFAULT_SEED), load_2D_dataset(seed=DEFAULT_SEED + 1)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.allclose(a[0], c[0]) and not np.allclose(a[2], c[2])


def test_train_and_test_are_independent_draws():
    train_X, _, test_X, test_Y = load_2D_dataset()
    _, _, test_X2, test_Y2 = load_2D_dataset(n_train=40)  # the test set does not depend on n_train
    np.testing.assert_array_equal(test_X, test_X2)
    np.testing.assert_array_equal(test_Y, test_Y2)
    train_X3, _, _, _ = load_2D_dataset(n_test=10)
    np.testing.assert_array_equal(train_X, train_X3)
    assert not np.allclose(train_X[:, :200], test_X)


def test_labels_follow_the_line_with_some_noise():
    """Most headers are won on the right side of the line, not all: the noise the lesson needs."""
    X, Y, _, _ = load_2D_dataset(n_train=5000, n_test=2, seed=7)
    above = (X[1] > boundary(X[0])).astype(int)
    agreement = float(np.mean(above == Y[0]))
    assert 0.88 < agreement < 0.97, agreement
    far = np.abs(X[1] - boundary(X[0])) > 0.2  # far from the line only the 4 % surprises remain
    surprises = float(np.mean(above[far] != Y[0, far]))
    assert 0.02 < surprises < 0.06, surprises
    assert 0.35 < Y.mean() < 0.65


@pytest.mark.parametrize("kwargs, message", [
    ({"n_train": 1}, "n_train must be at least 2"),
    ({"n_test": 0}, "n_test must be at least 2"),
    ({"n_train": 2.5}, "n_train must be an integer"),
    ({"n_test": True}, "n_test must be an integer"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": "a"}, "seed must be a non-negative integer"),
])
def test_friendly_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_2D_dataset(**kwargs)


def test_plot_option_draws_the_training_set():
    arrays = load_2D_dataset(plot=True)
    ax = plt.gcf().axes[0]
    assert "211" in ax.get_title()
    for x, y in zip(arrays, load_2D_dataset()):
        np.testing.assert_array_equal(x, y)


def test_plot_keeper_dataset():
    X, Y, _, _ = load_2D_dataset(n_train=30, n_test=2)
    ax = plot_keeper_dataset(X, Y, title="t", show_line=True)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"our player won ({int(Y.sum())})", f"opponent won ({int((Y == 0).sum())})",
                      "the generator's line"]
    assert ax.get_title() == "t" and len(ax.lines) == 1
    with pytest.raises(ValueError, match=r"X must be shaped \(2, m\)"):
        plot_keeper_dataset(X.T, Y)
    with pytest.raises(ValueError, match="Y has 29 labels but X has 30 points"):
        plot_keeper_dataset(X, Y[:, :29])


def test_committed_notebook_shows_the_lesson():
    """The full-mode outputs of notebook 06: overfitting without regularization, >= 2 points gained by each."""
    from course_utils.checks.solutions import notebook_path

    nb = nbformat.read(notebook_path("06_regularization"), as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    rows = dict(re.findall(r"^(no regularization|L2, lambd = 0\.7|dropout, keep_prob = 0\.86)\s+"
                           r"([\d.]+ %\s+[\d.]+ %)$", text, flags=re.M))
    assert len(rows) == 3, "the notebook's results table is missing: run `python -m course_utils execute`"
    scores = {name: [float(v) for v in re.findall(r"[\d.]+", value)] for name, value in rows.items()}
    train0, test0 = scores["no regularization"]
    for name in ("L2, lambd = 0.7", "dropout, keep_prob = 0.86"):
        train, test = scores[name]
        assert train0 > train, f"{name}: the unregularized network should fit the training set more closely"
        assert test >= test0 + 2, f"{name}: test accuracy {test} is not 2 points above {test0}"
