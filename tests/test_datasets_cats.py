"""Tests for course_utils.datasets.cats: the open cat vs non-cat dataset."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import config
from course_utils.datasets import cats
from course_utils.datasets.cats import load_cat_dataset, make_cat_images, preview_cat_dataset


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty data directory (no original h5 files), with its own cache."""
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return tmp_path


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------

def test_layout_matches_the_original(data_dir):
    train_x, train_y, test_x, test_y, classes = load_cat_dataset(n_train=12, n_test=7, use_cache=False)
    assert train_x.shape == (12, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (7, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 12) and train_y.dtype == np.int64
    assert test_y.shape == (1, 7) and test_y.dtype == np.int64
    assert set(np.unique(train_y)) <= {0, 1} and set(np.unique(test_y)) <= {0, 1}
    assert classes.dtype == np.dtype("S7")
    assert classes.tolist() == [b"non-cat", b"cat"]
    assert classes[train_y[0, 0]].decode() in ("cat", "non-cat")


def test_the_course_preprocessing_gives_the_expected_matrix(data_dir):
    train_x, *_ = load_cat_dataset(n_train=5, n_test=2, use_cache=False)
    X = train_x.reshape(train_x.shape[0], -1).T / 255.0
    assert X.shape == (12288, 5)
    assert 0.0 <= X.min() and X.max() <= 1.0


def test_images_are_pictures_not_constants():
    images, _ = make_cat_images(6, seed=0)
    for image in images:
        assert image.std() > 5               # something is drawn
        assert image.min() < 100 and image.max() > 60
    assert not np.array_equal(images[0], images[1])


def test_make_cat_images_puts_the_requested_number_of_cats():
    _, labels = make_cat_images(40, seed=2, cat_fraction=0.25)
    assert labels.shape == (40,) and labels.dtype == np.int64
    assert labels.sum() == 10
    assert make_cat_images(8, seed=2, cat_fraction=0.0)[1].sum() == 0
    assert make_cat_images(8, seed=2, cat_fraction=1.0)[1].sum() == 8
    # cats are not all at the front: the order is shuffled
    assert not np.array_equal(labels, np.sort(labels)[::-1])


# --------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------

def test_same_seed_same_bytes():
    a_x, a_y = make_cat_images(10, seed=7)
    b_x, b_y = make_cat_images(10, seed=7)
    assert a_x.tobytes() == b_x.tobytes()
    assert np.array_equal(a_y, b_y)


def test_different_seeds_differ():
    a_x, _ = make_cat_images(10, seed=7)
    b_x, _ = make_cat_images(10, seed=8)
    assert not np.array_equal(a_x, b_x)


def test_loader_is_deterministic_and_seeded(data_dir):
    first = load_cat_dataset(n_train=10, n_test=4, seed=3, use_cache=False)
    again = load_cat_dataset(n_train=10, n_test=4, seed=3, use_cache=False)
    other = load_cat_dataset(n_train=10, n_test=4, seed=4, use_cache=False)
    for a, b in zip(first, again):
        assert np.array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_changing_n_test_leaves_the_training_set_alone(data_dir):
    train_a, train_ya, test_a, _, _ = load_cat_dataset(n_train=15, n_test=4, seed=1, use_cache=False)
    train_b, train_yb, test_b, _, _ = load_cat_dataset(n_train=15, n_test=9, seed=1, use_cache=False)
    assert np.array_equal(train_a, train_b) and np.array_equal(train_ya, train_yb)
    assert test_a.shape[0] == 4 and test_b.shape[0] == 9


def test_train_and_test_sets_are_different_images(data_dir):
    train_x, _, test_x, _, _ = load_cat_dataset(n_train=20, n_test=20, seed=1, use_cache=False)
    flat_train = {img.tobytes() for img in train_x}
    assert not any(img.tobytes() in flat_train for img in test_x)


def test_cache_round_trip(data_dir):
    first = load_cat_dataset(n_train=6, n_test=3, seed=5, use_cache=True)
    files = list((data_dir / "cache").glob("cats-*.npz"))
    assert len(files) == 1
    cached = load_cat_dataset(n_train=6, n_test=3, seed=5, use_cache=True)
    for a, b in zip(first, cached):
        assert np.array_equal(a, b) and a.dtype == b.dtype
    load_cat_dataset(n_train=6, n_test=3, seed=6, use_cache=True)
    assert len(list((data_dir / "cache").glob("cats-*.npz"))) == 2


# --------------------------------------------------------------------------
# Class balance and difficulty
# --------------------------------------------------------------------------

def test_class_balance_like_the_course(data_dir):
    _, train_y, _, test_y, _ = load_cat_dataset(n_train=209, n_test=50, seed=1, use_cache=False)
    assert 0.3 <= train_y.mean() <= 0.4     # about a third cats, as in the original
    assert 0.45 <= test_y.mean() <= 0.55    # balanced: chance level is 50 %


def _mean_colour_features(images):
    x = images.reshape(len(images), -1, 3).astype(np.float64) / 255.0
    mean, std = x.mean(1), x.std(1)
    return np.hstack([np.ones((len(images), 1)), mean, std, mean ** 2])


def test_mean_colour_alone_does_not_tell_cats_apart():
    train_x, train_y = make_cat_images(400, seed=11)
    test_x, test_y = make_cat_images(300, seed=12)
    # least-squares linear classifier on colour statistics (mean, spread)
    F, Ft = _mean_colour_features(train_x), _mean_colour_features(test_x)
    w, *_ = np.linalg.lstsq(F, 2.0 * train_y - 1.0, rcond=None)
    accuracy = np.mean((Ft @ w > 0) == (test_y == 1))
    assert accuracy < 0.75, f"colour statistics alone classify {accuracy:.0%} of test images"
    # nearest class-mean colour does no better
    centre = [train_x[train_y == c].reshape(-1, 3).mean(0) for c in (0, 1)]
    means = test_x.reshape(len(test_x), -1, 3).mean(1)
    pred = np.argmin([np.linalg.norm(means - c, axis=1) for c in centre], axis=0)
    assert np.mean(pred == test_y) < 0.75


# --------------------------------------------------------------------------
# The original files
# --------------------------------------------------------------------------

def _write_h5(path, prefix, x, y, classes=None):
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as f:
        f.create_dataset(f"{prefix}_set_x", data=x)
        f.create_dataset(f"{prefix}_set_y", data=y)
        f.create_dataset("list_classes", data=classes if classes is not None else cats.CLASSES)


def test_original_h5_files_take_precedence(data_dir):
    rng = np.random.default_rng(0)
    train_x = rng.integers(0, 256, (4, 64, 64, 3), dtype=np.uint8)
    test_x = rng.integers(0, 256, (3, 64, 64, 3), dtype=np.uint8)
    train_y, test_y = np.array([0, 1, 1, 0]), np.array([1, 0, 1])
    _write_h5(data_dir / "train_catvnoncat.h5", "train", train_x, train_y)
    _write_h5(data_dir / "test_catvnoncat.h5", "test", test_x, test_y)

    got = load_cat_dataset(n_train=100, n_test=100, seed=9)  # sizes and seed are ignored
    assert np.array_equal(got[0], train_x)
    assert got[1].shape == (1, 4) and np.array_equal(got[1][0], train_y)
    assert np.array_equal(got[2], test_x)
    assert got[3].shape == (1, 3) and np.array_equal(got[3][0], test_y)
    assert got[4].tolist() == [b"non-cat", b"cat"]
    assert not (data_dir / "cache").exists()  # nothing generated


def test_original_files_found_through_course_data_dir(tmp_path, monkeypatch):
    x = np.zeros((2, 64, 64, 3), np.uint8)
    _write_h5(tmp_path / "train_catvnoncat.h5", "train", x, np.array([0, 1]))
    _write_h5(tmp_path / "test_catvnoncat.h5", "test", x[:1], np.array([1]))
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    # what config computes at import time from COURSE_DATA_DIR (no module reload needed)
    monkeypatch.setattr(config, "DATA_DIR", config._data_dir())
    monkeypatch.setattr(config, "CACHE_DIR", config.DATA_DIR / "cache")
    assert config.DATA_DIR == tmp_path.resolve()
    train_x, train_y, test_x, test_y, _ = load_cat_dataset()
    assert train_x.shape == (2, 64, 64, 3) and test_y.tolist() == [[1]]


@pytest.mark.parametrize("present, missing", [("train_catvnoncat.h5", "test_catvnoncat.h5"),
                                              ("test_catvnoncat.h5", "train_catvnoncat.h5")])
def test_one_original_file_without_its_partner_is_an_error(data_dir, present, missing):
    prefix = present.split("_")[0]
    _write_h5(data_dir / present, prefix, np.zeros((1, 64, 64, 3), np.uint8), np.array([1]))
    with pytest.raises(FileNotFoundError, match=missing):
        load_cat_dataset()


# --------------------------------------------------------------------------
# Friendly errors
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"n_train": 0}, {"n_train": -5}, {"n_train": 2.5}, {"n_train": "209"}, {"n_train": True},
    {"n_test": 0}, {"n_test": None},
    {"seed": 1.5}, {"seed": "1"}, {"seed": -1}, {"seed": None},
])
def test_bad_loader_arguments_raise_value_error(data_dir, kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        load_cat_dataset(use_cache=False, **kwargs)


@pytest.mark.parametrize("kwargs, word", [
    ({"n": 0, "seed": 1}, "n"), ({"n": 3.0, "seed": 1}, "n"), ({"n": 3, "seed": 0.5}, "seed"),
    ({"n": 3, "seed": 1, "cat_fraction": 1.5}, "cat_fraction"),
    ({"n": 3, "seed": 1, "cat_fraction": "half"}, "cat_fraction"),
])
def test_bad_generator_arguments_raise_value_error(kwargs, word):
    with pytest.raises(ValueError, match=word):
        make_cat_images(**kwargs)


def test_numpy_integers_are_accepted(data_dir):
    x, _, _, _, _ = load_cat_dataset(n_train=np.int64(3), n_test=np.int32(2), seed=np.int64(1), use_cache=False)
    assert x.shape[0] == 3


# --------------------------------------------------------------------------
# Preview
# --------------------------------------------------------------------------

def test_preview_shows_labelled_training_images(data_dir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = preview_cat_dataset(n=6, seed=1)
    try:
        images = [ax for ax in fig.axes if ax.images]
        assert len(images) == 6
        assert {ax.get_title() for ax in images} <= {"cat", "non-cat"}
        train_x, train_y, *_ = load_cat_dataset(seed=1)
        assert [ax.get_title() for ax in images] == [cats.CLASSES[y].decode() for y in train_y[0, :6]]
        assert np.array_equal(images[0].images[0].get_array(), train_x[0])
    finally:
        plt.close(fig)
    with pytest.raises(ValueError):
        preview_cat_dataset(n=0)


def test_kinds_and_lightings_come_in_fixed_proportions():
    rng = np.random.default_rng(0)
    for n in (1, 7, 10, 33):
        got = cats._stratified(rng, n, (0.4, 0.2, 0.4))
        assert len(got) == n
        assert np.all(np.abs(np.bincount(got, minlength=3) - n * np.array([0.4, 0.2, 0.4])) < 1)
    labels, kinds, light = cats._plan(100, np.random.default_rng(1), 0.5)
    assert labels.sum() == 50
    assert set(kinds[labels == 1]) <= set(range(len(cats.CAT_KINDS)))
    assert set(kinds[labels == 0]) <= set(range(len(cats.CAT_KINDS), len(cats.KINDS)))
    for label in (0, 1):
        counts = np.bincount(light[labels == label], minlength=3)
        expected = 50 * np.array([1 - cats.BACKLIT_P - cats.FLASH_P, cats.BACKLIT_P, cats.FLASH_P])
        assert np.all(np.abs(counts - expected) < 1)
