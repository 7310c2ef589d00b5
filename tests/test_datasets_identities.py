"""Tests for course_utils.datasets.identities: many photos of many people, and the Happy House (notebook 14)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import config
from course_utils.datasets import identities
from course_utils.datasets.faces import Identity, Nuisance, draw_face
from course_utils.datasets.identities import (
    RESIDENTS,
    happy_house,
    load_face_population,
    make_population,
    passport_nuisance,
    sample_identities,
    save_happy_house,
)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return tmp_path


@pytest.fixture(scope="module")
def house():
    return happy_house()


def test_population_layout_and_labels():
    images, labels = make_population(5, 3, seed=2, size=48)
    assert images.shape == (15, 48, 48, 3) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]


def test_population_is_deterministic_and_seeded():
    a, la = make_population(4, 2, seed=7, size=48)
    b, lb = make_population(4, 2, seed=7, size=48)
    c, _ = make_population(4, 2, seed=8, size=48)
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert not np.array_equal(a, c)


def test_photos_of_one_person_differ_in_pixels():
    images, labels = make_population(6, 4, seed=3, size=48)
    for person in range(6):
        photos = images[labels == person].astype(int)
        for i in range(4):
            for j in range(i + 1, 4):
                assert np.abs(photos[i] - photos[j]).mean() > 2, f"person {person}: photos {i} and {j} look alike"


def test_identities_are_seeded():
    a, b, c = sample_identities(3, seed=1), sample_identities(3, seed=1), sample_identities(3, seed=2)
    assert a == b and a != c and all(isinstance(p, Identity) for p in a)
    assert len(set(a)) == 3


def test_loader_splits_are_disjoint_streams_and_cached(data_dir):
    train_x, train_y = load_face_population("train", 3, 2)
    test_x, test_y = load_face_population("heldout", 3, 2)
    assert train_x.shape == test_x.shape == (6, 96, 96, 3)
    assert not any(np.array_equal(x, y) for x in train_x for y in test_x)
    assert len(list((data_dir / "cache").glob("faces-population-*.npz"))) == 2
    again_x, again_y = load_face_population("train", 3, 2)
    assert np.array_equal(again_x, train_x) and np.array_equal(again_y, train_y)
    fresh_x, _ = load_face_population("train", 3, 2, use_cache=False)
    assert np.array_equal(fresh_x, train_x)


@pytest.mark.parametrize("kwargs", [{"split": "test"}, {"n_identities": 0}, {"images_per_identity": 1.5},
                                    {"seed": -1}])
def test_bad_loader_arguments(kwargs, data_dir):
    with pytest.raises(ValueError):
        load_face_population(**kwargs)


def test_happy_house_residents_and_photos(house):
    assert list(house.residents) == list(RESIDENTS) and len(RESIDENTS) == 12
    assert len(set(house.residents.values())) == 12
    assert list(house.database_images) == list(RESIDENTS)
    assert house.camera_images.shape == (12 * 2 + 6, 96, 96, 3)
    assert house.camera_names.count(None) == 6 and house.camera_names.count("Amara") == 2
    assert len(house.strangers) == 6 and not set(house.strangers) & set(house.residents.values())


def test_happy_house_is_deterministic(house):
    again = happy_house()
    assert np.array_equal(again.camera_images, house.camera_images)
    assert all(np.array_equal(again.database_images[n], house.database_images[n]) for n in RESIDENTS)
    other = happy_house(seed=15)
    assert not np.array_equal(other.camera_images, house.camera_images)


def test_two_photos_of_a_resident_share_the_identity_but_not_the_pixels(house):
    name = "Bruno"
    k = house.camera_names.index(name)
    identity = house.residents[name]
    database = draw_face(identity, passport_nuisance(RESIDENTS.index(name)), 96)
    camera = draw_face(identity, house.camera_settings[k], 96)
    assert np.array_equal(database, house.database_images[name])
    assert np.array_equal(camera, house.camera_images[k])
    assert isinstance(house.camera_settings[k], Nuisance)
    assert np.abs(database.astype(int) - camera.astype(int)).mean() > 5


def test_passport_photo_faces_the_camera():
    p = passport_nuisance(3)
    assert p.yaw == 0 and p.tilt == 0 and p.background == 0 and p.seed == 3


def test_save_happy_house_writes_pngs_that_read_back(house, data_dir):
    from PIL import Image

    paths = save_happy_house(house=house)
    assert sorted(paths["database"]) == sorted(RESIDENTS)
    assert len(paths["camera"]) == len(house.camera_names)
    for (path, who), image in zip(paths["camera"], house.camera_images):
        assert (who is None) == ("stranger" in path)
        with Image.open(path) as im:
            assert np.array_equal(np.asarray(im.convert("RGB")), image)
    with Image.open(paths["database"]["Leila"]) as im:
        assert np.array_equal(np.asarray(im), house.database_images["Leila"])
    assert str(data_dir) in paths["database"]["Leila"]
    # a second call leaves the files alone
    before = {p: identities.Path(p).stat().st_mtime_ns for p in paths["database"].values()}
    save_happy_house(house=house)
    assert before == {p: identities.Path(p).stat().st_mtime_ns for p in paths["database"].values()}
