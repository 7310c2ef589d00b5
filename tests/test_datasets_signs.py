"""Tests for course_utils.datasets.signs: the open hand-signs (SIGNS) dataset."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import config
from course_utils.datasets import signs
from course_utils.datasets.signs import load_signs, make_sign_images, preview_signs


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
    X_train, Y_train, X_test, Y_test, classes = load_signs(n_train=12, n_test=7, use_cache=False)
    assert X_train.shape == (12, 64, 64, 3) and X_train.dtype == np.uint8
    assert X_test.shape == (7, 64, 64, 3) and X_test.dtype == np.uint8
    assert Y_train.shape == (1, 12) and Y_train.dtype == np.int64
    assert Y_test.shape == (1, 7) and Y_test.dtype == np.int64
    assert classes.tolist() == [0, 1, 2, 3, 4, 5]
    assert set(np.unique(Y_train)) <= set(range(6)) and set(np.unique(Y_test)) <= set(range(6))


def test_the_course_preprocessing_gives_the_expected_matrix(data_dir):
    X_train, Y_train, *_ = load_signs(n_train=6, n_test=2, use_cache=False)
    X = X_train.reshape(X_train.shape[0], -1).T / 255.0
    assert X.shape == (12288, 6)
    Y = np.eye(6)[Y_train.reshape(-1)].T        # the course's convert_to_one_hot
    assert Y.shape == (6, 6) and np.all(Y.sum(axis=0) == 1)


def test_classes_are_balanced():
    _, labels = make_sign_images(61, seed=3)
    assert labels.shape == (61,) and labels.dtype == np.int64
    counts = np.bincount(labels, minlength=6)
    assert counts.sum() == 61 and counts.max() - counts.min() <= 1
    # shuffled, not sorted
    assert not np.array_equal(labels, np.sort(labels))


def test_default_sizes_are_the_originals(data_dir, monkeypatch):
    seen = []
    monkeypatch.setattr(signs, "_generate", lambda n, seq: seen.append(n) or (
        np.zeros((n, 64, 64, 3), np.uint8), np.arange(n) % 6))
    X_train, Y_train, X_test, Y_test, _ = load_signs(use_cache=False)
    assert seen == [1080, 120]
    assert Y_train.shape == (1, 1080) and Y_test.shape == (1, 120)


def test_images_are_pictures_not_constants():
    images, _ = make_sign_images(6, seed=0)
    for image in images:
        assert image.std() > 10
    assert not np.array_equal(images[0], images[1])


def test_more_fingers_cover_more_of_the_picture():
    """The drawings follow the label: on a plain wall, a flat hand (5) covers more than a fist (0)."""
    rng = np.random.default_rng(0)
    B = 32
    area = {}
    for count, fingers in ((0, (0, 0, 0, 0, 0)), (5, (1, 1, 1, 1, 1))):
        canvas = np.zeros((B, 3, 64, 64), np.float32)
        area[count] = signs.draw_hand(canvas, rng, np.tile(fingers, (B, 1))).a.sum(axis=(1, 2))
    assert np.median(area[5]) > 1.3 * np.median(area[0])


# --------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------

def test_same_seed_same_bytes():
    a_x, a_y = make_sign_images(10, seed=7)
    b_x, b_y = make_sign_images(10, seed=7)
    assert a_x.tobytes() == b_x.tobytes()
    assert np.array_equal(a_y, b_y)


def test_different_seeds_differ():
    a_x, _ = make_sign_images(10, seed=7)
    b_x, _ = make_sign_images(10, seed=8)
    assert not np.array_equal(a_x, b_x)


def test_images_do_not_depend_on_how_the_work_is_split(monkeypatch):
    """Chunks are drawn on threads; one thread (one core) gives the same bytes."""
    many, _ = make_sign_images(70, seed=2)  # two chunks
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    one, _ = make_sign_images(70, seed=2)
    assert many.tobytes() == one.tobytes()


def test_loader_is_deterministic_and_seeded(data_dir):
    first = load_signs(n_train=10, n_test=4, seed=3, use_cache=False)
    again = load_signs(n_train=10, n_test=4, seed=3, use_cache=False)
    other = load_signs(n_train=10, n_test=4, seed=4, use_cache=False)
    for a, b in zip(first, again):
        assert np.array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_changing_n_test_leaves_the_training_set_alone(data_dir):
    a = load_signs(n_train=15, n_test=4, seed=1, use_cache=False)
    b = load_signs(n_train=15, n_test=9, seed=1, use_cache=False)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert a[2].shape[0] == 4 and b[2].shape[0] == 9


def test_train_and_test_sets_are_different_images(data_dir):
    X_train, _, X_test, _, _ = load_signs(n_train=20, n_test=20, seed=1, use_cache=False)
    seen = {img.tobytes() for img in X_train}
    assert not any(img.tobytes() in seen for img in X_test)


def test_cache_round_trip(data_dir):
    first = load_signs(n_train=6, n_test=3, seed=5, use_cache=True)
    assert len(list((data_dir / "cache").glob("signs-*.npz"))) == 1
    again = load_signs(n_train=6, n_test=3, seed=5, use_cache=True)
    for a, b in zip(first, again):
        assert np.array_equal(a, b) and a.dtype == b.dtype
    load_signs(n_train=6, n_test=3, seed=6, use_cache=True)
    assert len(list((data_dir / "cache").glob("signs-*.npz"))) == 2


def test_cache_key_names_the_generator_version(data_dir, monkeypatch):
    load_signs(n_train=3, n_test=2, seed=5)
    monkeypatch.setattr(signs, "GENERATOR_VERSION", signs.GENERATOR_VERSION + 1)
    load_signs(n_train=3, n_test=2, seed=5)
    assert len(list((data_dir / "cache").glob("signs-*.npz"))) == 2


# --------------------------------------------------------------------------
# The original files
# --------------------------------------------------------------------------

def _write_h5(path, prefix, x, y):
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as f:
        f.create_dataset(f"{prefix}_set_x", data=x)
        f.create_dataset(f"{prefix}_set_y", data=y)
        f.create_dataset("list_classes", data=np.arange(6))


def test_original_h5_files_take_precedence(data_dir):
    rng = np.random.default_rng(0)
    X_train = rng.integers(0, 256, (4, 64, 64, 3), dtype=np.uint8)
    X_test = rng.integers(0, 256, (3, 64, 64, 3), dtype=np.uint8)
    Y_train, Y_test = np.array([0, 5, 2, 3]), np.array([1, 4, 0])
    _write_h5(data_dir / "train_signs.h5", "train", X_train, Y_train)
    _write_h5(data_dir / "test_signs.h5", "test", X_test, Y_test)

    got = load_signs(n_train=100, n_test=100, seed=9)  # sizes and seed are ignored
    assert np.array_equal(got[0], X_train)
    assert got[1].shape == (1, 4) and np.array_equal(got[1][0], Y_train)
    assert np.array_equal(got[2], X_test)
    assert got[3].shape == (1, 3) and np.array_equal(got[3][0], Y_test)
    assert got[4].tolist() == [0, 1, 2, 3, 4, 5]
    assert not (data_dir / "cache").exists()  # nothing generated


@pytest.mark.parametrize("present, missing", [("train_signs.h5", "test_signs.h5"),
                                              ("test_signs.h5", "train_signs.h5")])
def test_one_original_file_without_its_partner_is_an_error(data_dir, present, missing):
    prefix = present.split("_")[0]
    _write_h5(data_dir / present, prefix, np.zeros((1, 64, 64, 3), np.uint8), np.array([1]))
    with pytest.raises(FileNotFoundError, match=missing):
        load_signs()


# --------------------------------------------------------------------------
# Friendly errors
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"n_train": 0}, {"n_train": -5}, {"n_train": 2.5}, {"n_train": "1080"}, {"n_train": True},
    {"n_test": 0}, {"n_test": None},
    {"seed": 1.5}, {"seed": "1"}, {"seed": -1}, {"seed": None},
])
def test_bad_loader_arguments_raise_value_error(data_dir, kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        load_signs(use_cache=False, **kwargs)


@pytest.mark.parametrize("kwargs, word", [
    ({"n": 0}, "n"), ({"n": 3.0}, "n"), ({"n": 3, "seed": 0.5}, "seed"), ({"n": 3, "seed": -2}, "seed"),
])
def test_bad_generator_arguments_raise_value_error(kwargs, word):
    with pytest.raises(ValueError, match=word):
        make_sign_images(**kwargs)


def test_numpy_integers_are_accepted(data_dir):
    X, *_ = load_signs(n_train=np.int64(3), n_test=np.int32(2), seed=np.int64(1), use_cache=False)
    assert X.shape[0] == 3


# --------------------------------------------------------------------------
# Preview
# --------------------------------------------------------------------------

def test_preview_shows_labelled_training_images(data_dir):
    import matplotlib.pyplot as plt

    fig = preview_signs(n=6, seed=1)
    try:
        shown = [ax for ax in fig.axes if ax.images]
        assert len(shown) == 6
        X_train, Y_train, *_ = load_signs(seed=1)
        assert [ax.get_title() for ax in shown] == [f"y = {y}" for y in Y_train[0, :6]]
        assert np.array_equal(shown[0].images[0].get_array(), X_train[0])
    finally:
        plt.close(fig)
    with pytest.raises(ValueError):
        preview_signs(n=0)
