"""Identities: many photos of many people, and the Happy House's residents (notebook 14).

Introduced in notebook 14 (face recognition). Built on the face generator of
notebook 11 (:mod:`course_utils.datasets.faces`): a person is an
:class:`~course_utils.datasets.faces.Identity` (face shape, skin, hair,
eyes, glasses, beard ...) and each photo of them a fresh
:class:`~course_utils.datasets.faces.Nuisance` (pose, expression, lighting,
background, shirt, noise). Nothing here changes how a face is drawn.

- :func:`make_population` draws ``images_per_identity`` photos of each of
  ``n_identities`` random people: the training set of the embedding network
  (``python -m course_utils.pretrain facenet``) and, from another seed
  stream, disjoint held-out people to measure it.
- :func:`load_face_population` is the cached loader of the two splits.
- :func:`happy_house` gives the dozen named residents, their database photos
  (a frontal "passport" photo each) and "camera" photos of residents and of
  strangers taken under new conditions; :func:`save_happy_house` writes them
  as PNG files under ``data/cache/`` (the original exercise passed image paths).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import config
from ._cache import cached
from ._common import check_count, check_seed, check_size, child, run_chunks
from .faces import (
    GENERATOR_VERSION,
    Identity,
    Nuisance,
    _sample_identities,
    _sample_nuisances,
    _unstack,
    draw_faces,
)

__all__ = [
    "IMAGE_SIZE", "RESIDENTS", "SPLITS", "sample_identities", "make_population", "load_face_population",
    "passport_nuisance", "HappyHouse", "happy_house", "save_happy_house",
]

IMAGE_SIZE = 96                 # the embedding network's input (the original FaceNet's 96x96)
POPULATION_VERSION = 1          # bump when the populations or the Happy House change
_CHUNK = 128

#: The Happy House's residents, one database photo each.
RESIDENTS = ("Amara", "Bruno", "Chiara", "Dmitri", "Esi", "Farid", "Greta", "Hiro", "Ines", "Jonas",
             "Kalani", "Leila")

#: Seed streams of :func:`load_face_population` and :func:`happy_house`, children of one seed.
SPLITS = {"train": 0, "heldout": 1}
_RESIDENT_STREAM, _STRANGER_STREAM, _CAMERA_STREAM = 2, 3, 4

_DEFAULTS = {"train": (2000, 8), "heldout": (200, 6)}


def sample_identities(n: int, seed: int = 0) -> list[Identity]:
    """``n`` random people from one seed (a list of :class:`Identity`)."""
    n = check_count("n", n)
    batch = _sample_identities(np.random.default_rng(check_seed(seed)), n)
    return [_unstack(Identity, batch, i) for i in range(n)]


def _population(seq: np.random.SeedSequence, n_identities: int, per: int, size: int):
    people = _sample_identities(np.random.default_rng(child(seq, 0)), n_identities)
    labels = np.repeat(np.arange(n_identities, dtype=np.int64), per)
    photo_seq = child(seq, 1)

    def draw(c, start, stop):
        rng = np.random.default_rng(child(photo_seq, c))
        who = labels[start:stop]
        smiles = rng.random(stop - start) < 0.5
        return draw_faces({k: v[who] for k, v in people.items()}, _sample_nuisances(rng, smiles), size)

    images = run_chunks(len(labels), _CHUNK, draw, (size, size, 3))
    return images, labels


def make_population(n_identities: int, images_per_identity: int, seed: int = 0, size: int = IMAGE_SIZE):
    """Draw ``images_per_identity`` photos of each of ``n_identities`` random people.

    Returns ``(images, labels)``: uint8 (n_identities * images_per_identity,
    size, size, 3), person by person, and int64 labels 0 .. n_identities - 1.
    Each photo has its own pose, expression, lighting, background, shirt and
    noise; the same arguments give byte-identical arrays on any machine.
    """
    n_identities = check_count("n_identities", n_identities)
    per = check_count("images_per_identity", images_per_identity)
    seed = check_seed(seed)
    size = check_size(size)
    return _population(np.random.SeedSequence(seed), n_identities, per, size)


def load_face_population(split: str = "heldout", n_identities: int | None = None,
                         images_per_identity: int | None = None, seed: int = 14, use_cache: bool = True):
    """The people of one split: ``"train"`` (2,000 people x 8 photos by default) or ``"heldout"``
    (200 x 6), drawn from separate seed streams so no person is in both.

    Returns ``(images, labels)`` as :func:`make_population`; cached under ``data/cache/``.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}; got {split!r}")
    default_n, default_per = _DEFAULTS[split]
    n = check_count("n_identities", default_n if n_identities is None else n_identities)
    per = check_count("images_per_identity", default_per if images_per_identity is None else images_per_identity)
    seed = check_seed(seed)
    seq = child(np.random.SeedSequence(seed), SPLITS[split])

    def build():
        images, labels = _population(seq, n, per, IMAGE_SIZE)
        return {"images": images, "labels": labels}

    params = {"split": split, "n": n, "per": per, "seed": seed, "generator": GENERATOR_VERSION,
              "population": POPULATION_VERSION}
    d = cached("faces-population", params, build, use_cache)
    return d["images"], d["labels"]


def passport_nuisance(seed: int = 0) -> Nuisance:
    """The database photo's setting: facing the camera, centred, neutral, evenly lit, a plain backdrop."""
    return Nuisance(yaw=0.0, tilt=0.0, shift_x=0.0, shift_y=0.0, scale=1.0, smile=0.1, mouth_open=0.0,
                    light_angle=0.0, light_strength=0.05, exposure=1.0, background=0,
                    background_colour=(0.85, 0.86, 0.88), shirt_colour=(0.5, 0.5, 0.52), noise=0.01,
                    seed=check_seed(seed))


@dataclass
class HappyHouse:
    """The residents and the photos of the Happy House (see :func:`happy_house`).

    ``database_images[name]`` is a resident's passport photo; ``camera_images``
    (n, size, size, 3) are photos taken at the door, ``camera_names[i]`` who is
    in photo i (a resident's name, or ``None`` for a stranger) and ``camera_settings[i]``
    how it was taken (a :class:`Nuisance`).
    """

    residents: dict
    database_images: dict
    camera_images: np.ndarray
    camera_names: list
    strangers: list = field(default_factory=list)
    camera_settings: list = field(default_factory=list)


def happy_house(n_camera: int = 2, n_strangers: int = 6, seed: int = 14, size: int = IMAGE_SIZE) -> HappyHouse:
    """The Happy House: :data:`RESIDENTS` (a random person each), one passport photo per resident
    for the database, and ``n_camera`` door-camera photos of every resident plus one of each of
    ``n_strangers`` strangers, under new conditions (pose, smile, light, background).

    Deterministic for a given ``seed``.
    """
    n_camera = check_count("n_camera", n_camera)
    n_strangers = check_count("n_strangers", n_strangers)
    seq = np.random.SeedSequence(check_seed(seed))
    size = check_size(size)
    people = _sample_identities(np.random.default_rng(child(seq, _RESIDENT_STREAM)), len(RESIDENTS))
    others = _sample_identities(np.random.default_rng(child(seq, _STRANGER_STREAM)), n_strangers)
    residents = {name: _unstack(Identity, people, i) for i, name in enumerate(RESIDENTS)}
    strangers = [_unstack(Identity, others, i) for i in range(n_strangers)]

    passports = [passport_nuisance(i) for i in range(len(RESIDENTS))]
    database = draw_faces(list(residents.values()), passports, size)
    database_images = {name: database[i] for i, name in enumerate(RESIDENTS)}

    who = [name for name in RESIDENTS for _ in range(n_camera)] + [None] * n_strangers
    sitters = [residents[name] for name in RESIDENTS for _ in range(n_camera)] + strangers
    rng = np.random.default_rng(child(seq, _CAMERA_STREAM))
    photos = _sample_nuisances(rng, rng.random(len(who)) < 0.5)
    settings = [_unstack(Nuisance, photos, i) for i in range(len(who))]
    camera = draw_faces(sitters, settings, size)
    return HappyHouse(residents, database_images, camera, who, strangers, settings)


def _write_png(path: Path, image: np.ndarray) -> None:
    from PIL import Image

    tmp = path.with_suffix(".tmp.png")
    Image.fromarray(image).save(tmp)
    tmp.replace(path)


def save_happy_house(directory=None, house: HappyHouse | None = None) -> dict:
    """Write the Happy House's photos as PNG files and return where they are.

    ``directory`` defaults to ``data/cache/happy_house-v<N>/``. Returns
    ``{"database": {name: path}, "camera": [(path, name or None), ...]}``;
    camera photos are named ``camera/<name>_<k>.png`` and ``camera/stranger_<k>.png``.
    Files already there with the same content are left alone.
    """
    house = happy_house() if house is None else house
    root = Path(directory) if directory is not None else (
        config.CACHE_DIR / f"happy_house-v{POPULATION_VERSION}-g{GENERATOR_VERSION}")
    (root / "database").mkdir(parents=True, exist_ok=True)
    (root / "camera").mkdir(parents=True, exist_ok=True)
    out = {"database": {}, "camera": []}
    for name, image in house.database_images.items():
        path = root / "database" / f"{name.lower()}.png"
        _save_if_changed(path, image)
        out["database"][name] = str(path)
    counts: dict = {}
    for image, name in zip(house.camera_images, house.camera_names):
        stem = "stranger" if name is None else name.lower()
        counts[stem] = counts.get(stem, 0) + 1
        path = root / "camera" / f"{stem}_{counts[stem]}.png"
        _save_if_changed(path, image)
        out["camera"].append((str(path), name))
    return out


def _save_if_changed(path: Path, image: np.ndarray) -> None:
    if path.exists():
        try:
            from PIL import Image

            with Image.open(path) as old:
                if np.array_equal(np.asarray(old.convert("RGB")), image):
                    return
        except Exception:
            pass
    _write_png(path, image)
