"""Tests for course_utils.datasets.faces: the open Happy House faces and the face drawer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from course_utils import config
from course_utils.datasets import faces
from course_utils.datasets.faces import (
    Identity,
    Nuisance,
    draw_face,
    load_happy_dataset,
    make_face_images,
    make_identity_images,
    preview_faces,
    random_identity,
    random_nuisance,
)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty data directory (no original h5 files), with its own cache."""
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return tmp_path


# --------------------------------------------------------------------------
# The Happy House layout
# --------------------------------------------------------------------------

def test_layout_matches_the_original(data_dir):
    X_train, Y_train, X_test, Y_test, classes = load_happy_dataset(n_train=12, n_test=7, use_cache=False)
    assert X_train.shape == (12, 64, 64, 3) and X_train.dtype == np.uint8
    assert X_test.shape == (7, 64, 64, 3) and X_test.dtype == np.uint8
    assert Y_train.shape == (1, 12) and Y_train.dtype == np.int64
    assert Y_test.shape == (1, 7) and Y_test.dtype == np.int64
    assert classes.tolist() == [0, 1]
    # the course's preprocessing
    assert (X_train / 255.0).max() <= 1.0 and Y_train.T.shape == (12, 1)


def test_default_sizes_are_the_originals(data_dir, monkeypatch):
    seen = []
    monkeypatch.setattr(faces, "_generate", lambda n, seq, fraction, size: seen.append((n, fraction, size)) or (
        np.zeros((n, size, size, 3), np.uint8), np.arange(n) % 2))
    load_happy_dataset(use_cache=False)
    assert seen == [(600, 0.5, 64), (150, 0.5, 64)]


def test_half_the_faces_smile():
    _, labels = make_face_images(40, seed=2)
    assert labels.shape == (40,) and labels.dtype == np.int64
    assert labels.sum() == 20
    assert not np.array_equal(labels, np.sort(labels))
    assert make_face_images(6, seed=2, smiling_fraction=0.0)[1].sum() == 0
    assert make_face_images(6, seed=2, smiling_fraction=1.0)[1].sum() == 6


def test_images_are_pictures_not_constants():
    images, _ = make_face_images(6, seed=0)
    for image in images:
        assert image.std() > 10
    assert not np.array_equal(images[0], images[1])


def test_labels_follow_the_smile():
    """The label is the drawn expression: a smile above the threshold, and only then."""
    rng = np.random.default_rng(0)
    for smiling in (True, False):
        for _ in range(20):
            nuisance = random_nuisance(rng, smiling=smiling)
            assert nuisance.smiling is smiling
            assert (nuisance.smile > faces.SMILE_THRESHOLD) is smiling


def test_the_mouth_is_what_changes_with_the_smile():
    """Same person, same photo, smile or not: the pixels that change are the mouth's (and the eyes')."""
    person = random_identity(3)
    photo = dataclasses.replace(random_nuisance(4, smiling=False), noise=0.0, yaw=0.0, tilt=0.0,
                                shift_x=0.0, shift_y=0.0, scale=1.0, mouth_open=0.0, light_strength=0.0)
    neutral = draw_face(person, photo).astype(int)
    smiling = draw_face(person, dataclasses.replace(photo, smile=1.0, mouth_open=0.8)).astype(int)
    changed = np.abs(smiling - neutral).sum(axis=2) > 30
    rows, cols = np.nonzero(changed)
    assert changed.sum() > 20
    assert rows.min() > 20 and 14 < cols.min() and cols.max() < 50   # nothing above the brows or beside the face
    assert np.mean(rows > 38) > 0.5                                 # mostly below the nose: the mouth


# --------------------------------------------------------------------------
# The face drawer: identity and nuisance
# --------------------------------------------------------------------------

def test_draw_face_is_a_pure_function():
    person, photo = random_identity(1), random_nuisance(2)
    a = draw_face(person, photo)
    assert a.shape == (64, 64, 3) and a.dtype == np.uint8
    assert a.tobytes() == draw_face(person, photo).tobytes()
    assert draw_face(Identity(), Nuisance()).shape == (64, 64, 3)  # the defaults draw a face


def test_size_argument():
    person, photo = random_identity(1), random_nuisance(2)
    big = draw_face(person, photo, size=96)
    assert big.shape == (96, 96, 3) and big.dtype == np.uint8
    # the same picture at another resolution: close to the 64x64 one once shrunk
    small = draw_face(dataclasses.replace(person), dataclasses.replace(photo, noise=0.0)).astype(float)
    big = draw_face(person, dataclasses.replace(photo, noise=0.0), size=96).astype(float)
    idx = (np.arange(64) * 1.5 + 0.75).astype(int)
    assert np.abs(big[idx][:, idx] - small).mean() < 20
    images = make_identity_images(person, 3, seed=1, size=96)
    assert images.shape == (3, 96, 96, 3)
    x, y = make_face_images(3, seed=1, size=80)
    assert x.shape == (3, 80, 80, 3) and y.shape == (3,)


def test_random_parameters_are_seeded():
    assert random_identity(5) == random_identity(5)
    assert random_identity(5) != random_identity(6)
    assert random_nuisance(5) == random_nuisance(np.random.default_rng(5))
    assert random_nuisance(5) != random_nuisance(6)
    assert isinstance(random_identity(np.random.default_rng(1)), Identity)


def test_identity_images_share_the_person_and_vary_the_photo():
    person = random_identity(11)
    images = make_identity_images(person, 6, seed=3)
    assert images.shape == (6, 64, 64, 3) and images.dtype == np.uint8
    assert len({img.tobytes() for img in images}) == 6                  # six different photos ...
    assert images.tobytes() == make_identity_images(person, 6, seed=3).tobytes()  # ... reproducible
    assert images.tobytes() != make_identity_images(person, 6, seed=4).tobytes()
    # another person photographed the same way (same seed, hence the same nuisances) looks different
    other = make_identity_images(random_identity(12), 6, seed=3)
    assert np.abs(other.astype(int) - images.astype(int)).mean() > 5


def test_one_identity_changes_only_who_is_drawn():
    """Same nuisance, two people: different pictures; same person, two nuisances: different pictures."""
    a, b = random_identity(1), random_identity(2)
    n1, n2 = random_nuisance(1), random_nuisance(2)
    assert not np.array_equal(draw_face(a, n1), draw_face(b, n1))
    assert not np.array_equal(draw_face(a, n1), draw_face(a, n2))
    # changing a single identity feature changes the picture
    assert not np.array_equal(draw_face(a, n1), draw_face(dataclasses.replace(a, glasses=(a.glasses + 1) % 4), n1))


def test_identity_images_smiling_argument():
    person = random_identity(4)
    assert make_identity_images(person, 2, seed=1, smiling=True).shape == (2, 64, 64, 3)
    with pytest.raises(ValueError, match="smiling"):
        make_identity_images(person, 2, smiling="yes")


def test_draw_faces_draws_many_people_at_once():
    people = [random_identity(i) for i in range(3)]
    photos = [random_nuisance(10 + i) for i in range(3)]
    batch = faces.draw_faces(people, photos, size=72)
    assert batch.shape == (3, 72, 72, 3) and batch.dtype == np.uint8
    for i in range(3):
        assert np.array_equal(batch[i], draw_face(people[i], photos[i], size=72))
    with pytest.raises(ValueError, match="as many"):
        faces.draw_faces(people, photos[:2])
    with pytest.raises(ValueError, match="Nuisance"):
        faces.draw_faces(people, [1, 2, 3])


def test_batch_drawing_matches_one_at_a_time():
    """A face drawn in a batch is the face draw_face draws from the same parameters."""
    rng = np.random.default_rng(0)
    people = faces._sample_identities(rng, 3)
    photos = faces._sample_nuisances(rng, np.array([True, False, True]))
    batch = faces.draw_faces(people, photos)
    for i in range(3):
        one = draw_face(faces._unstack(Identity, people, i), faces._unstack(Nuisance, photos, i))
        # _unstack rounds parameters to 4 decimals: allow a rounding step here and there
        assert np.abs(one.astype(int) - batch[i].astype(int)).max() <= 3


# --------------------------------------------------------------------------
# Determinism and caching
# --------------------------------------------------------------------------

def test_same_seed_same_bytes():
    a_x, a_y = make_face_images(10, seed=7)
    b_x, b_y = make_face_images(10, seed=7)
    assert a_x.tobytes() == b_x.tobytes() and np.array_equal(a_y, b_y)


def test_different_seeds_differ():
    assert not np.array_equal(make_face_images(10, seed=7)[0], make_face_images(10, seed=8)[0])


def test_images_do_not_depend_on_how_the_work_is_split(monkeypatch):
    many, _ = make_face_images(70, seed=2)  # two chunks
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    one, _ = make_face_images(70, seed=2)
    assert many.tobytes() == one.tobytes()


def test_loader_is_deterministic_and_seeded(data_dir):
    first = load_happy_dataset(n_train=10, n_test=4, seed=3, use_cache=False)
    again = load_happy_dataset(n_train=10, n_test=4, seed=3, use_cache=False)
    other = load_happy_dataset(n_train=10, n_test=4, seed=4, use_cache=False)
    for a, b in zip(first, again):
        assert np.array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    # the test set is drawn from its own seed stream
    a = load_happy_dataset(n_train=10, n_test=6, seed=3, use_cache=False)
    assert np.array_equal(a[0], first[0]) and a[2].shape[0] == 6


def test_cache_round_trip(data_dir, monkeypatch):
    first = load_happy_dataset(n_train=6, n_test=3, seed=5, use_cache=True)
    assert len(list((data_dir / "cache").glob("happy-*.npz"))) == 1
    again = load_happy_dataset(n_train=6, n_test=3, seed=5, use_cache=True)
    for a, b in zip(first, again):
        assert np.array_equal(a, b) and a.dtype == b.dtype
    monkeypatch.setattr(faces, "GENERATOR_VERSION", faces.GENERATOR_VERSION + 1)  # a new drawing: a new file
    load_happy_dataset(n_train=6, n_test=3, seed=5, use_cache=True)
    assert len(list((data_dir / "cache").glob("happy-*.npz"))) == 2


# --------------------------------------------------------------------------
# Difficulty: no trivial pixel rule
# --------------------------------------------------------------------------

def test_overall_colour_does_not_tell_smiles_apart():
    x, y = make_face_images(200, seed=21)
    means = x.reshape(len(x), -1, 3).mean(axis=1)
    F = np.hstack([np.ones((len(x), 1)), means, means ** 2])
    w, *_ = np.linalg.lstsq(F, 2.0 * y - 1.0, rcond=None)
    xt, yt = make_face_images(200, seed=22)
    mt = xt.reshape(len(xt), -1, 3).mean(axis=1)
    accuracy = np.mean((np.hstack([np.ones((len(xt), 1)), mt, mt ** 2]) @ w > 0) == (yt == 1))
    assert accuracy < 0.65, f"mean colour alone classifies {accuracy:.0%} of the faces"


def test_no_single_box_at_the_mouth_tells_smiles_apart():
    """Teeth are bright, but faces move: a bright box at a fixed place is not enough."""
    x, y = make_face_images(300, seed=23)
    grey = x.astype(float).mean(axis=3)
    best = 0.0
    for r0 in (38, 40, 42, 44):
        for c0 in (24, 28, 32):
            box = grey[:, r0:r0 + 6, c0:c0 + 8]
            for feature in (box.mean(axis=(1, 2)), box.max(axis=(1, 2)), box.std(axis=(1, 2))):
                for t in np.quantile(feature, np.linspace(0.1, 0.9, 17)):   # the best threshold, chosen on these images
                    best = max(best, np.mean((feature > t) == y), np.mean((feature <= t) == y))
    assert 0.6 < best < 0.85, f"a fixed box at the mouth classifies {best:.0%} of the faces"


# --------------------------------------------------------------------------
# The original files
# --------------------------------------------------------------------------

def _write_h5(path, prefix, x, y):
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as f:
        f.create_dataset(f"{prefix}_set_x", data=x)
        f.create_dataset(f"{prefix}_set_y", data=y)
        f.create_dataset("list_classes", data=np.array([0, 1]))


def test_original_h5_files_take_precedence(data_dir):
    rng = np.random.default_rng(0)
    X_train = rng.integers(0, 256, (4, 64, 64, 3), dtype=np.uint8)
    X_test = rng.integers(0, 256, (2, 64, 64, 3), dtype=np.uint8)
    _write_h5(data_dir / "train_happy.h5", "train", X_train, np.array([0, 1, 1, 0]))
    _write_h5(data_dir / "test_happy.h5", "test", X_test, np.array([1, 0]))
    got = load_happy_dataset(n_train=100, seed=9)
    assert np.array_equal(got[0], X_train) and got[1].tolist() == [[0, 1, 1, 0]]
    assert np.array_equal(got[2], X_test) and got[3].tolist() == [[1, 0]]
    assert got[4].tolist() == [0, 1]
    assert not (data_dir / "cache").exists()


def test_one_original_file_without_its_partner_is_an_error(data_dir):
    _write_h5(data_dir / "train_happy.h5", "train", np.zeros((1, 64, 64, 3), np.uint8), np.array([1]))
    with pytest.raises(FileNotFoundError, match="test_happy.h5"):
        load_happy_dataset()


# --------------------------------------------------------------------------
# Friendly errors
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"n_train": 0}, {"n_train": 2.5}, {"n_train": "600"}, {"n_train": True},
    {"n_test": -1}, {"n_test": None}, {"seed": 1.5}, {"seed": -1},
])
def test_bad_loader_arguments_raise_value_error(data_dir, kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        load_happy_dataset(use_cache=False, **kwargs)


@pytest.mark.parametrize("kwargs, word", [
    ({"n": 0}, "n"), ({"n": 2, "seed": "1"}, "seed"), ({"n": 2, "smiling_fraction": 2}, "smiling_fraction"),
    ({"n": 2, "size": 10}, "size"), ({"n": 2, "size": 64.0}, "size"),
])
def test_bad_generator_arguments_raise_value_error(kwargs, word):
    with pytest.raises(ValueError, match=word):
        make_face_images(**kwargs)


@pytest.mark.parametrize("make, word", [
    (lambda: Identity(hair_style=9), "hair_style"),
    (lambda: Identity(glasses=-1), "glasses"),
    (lambda: Identity(beard=1.5), "beard"),
    (lambda: Identity(skin=(1.2, 0.5, 0.5)), "skin"),
    (lambda: Identity(hair_colour="brown"), "hair_colour"),
    (lambda: Identity(face_width="wide"), "face_width"),
    (lambda: Nuisance(background=4), "background"),
    (lambda: Nuisance(smile=float("nan")), "smile"),
    (lambda: Nuisance(seed=-3), "seed"),
    (lambda: draw_face("alice", Nuisance()), "identity"),
    (lambda: draw_face(Identity(), None), "nuisance"),
    (lambda: draw_face(Identity(), Nuisance(), size=1000), "size"),
    (lambda: make_identity_images(Identity(), 0), "n"),
    (lambda: random_identity("seed"), "rng"),
    (lambda: random_nuisance(1, smiling="no"), "smiling"),
])
def test_bad_parameters_raise_value_error(make, word):
    with pytest.raises(ValueError, match=word):
        make()


# --------------------------------------------------------------------------
# Preview
# --------------------------------------------------------------------------

def test_preview_shows_labelled_training_images(data_dir):
    import matplotlib.pyplot as plt

    fig = preview_faces(n=5, seed=1)
    try:
        shown = [ax for ax in fig.axes if ax.images]
        assert len(shown) == 5
        X_train, Y_train, *_ = load_happy_dataset(seed=1)
        assert [ax.get_title() for ax in shown] == ["smiling" if y else "not smiling" for y in Y_train[0, :5]]
        assert np.array_equal(shown[0].images[0].get_array(), X_train[0])
    finally:
        plt.close(fig)
    with pytest.raises(ValueError):
        preview_faces(n=-1)
