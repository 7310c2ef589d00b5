"""Public checks of notebook 14, face recognition (the triplet loss, verification, recognition).

``triplet_loss`` is called on small NumPy triplets (a list ``[anchor,
positive, negative]`` of (m, d) float32 arrays), whose losses include
negative ones (so a missing ``max(..., 0)`` shows) and where m != d (so a
reduction over the wrong axis shows). TensorFlow outputs are turned into
NumPy arrays before the comparison.

``verify`` and ``who_is_it`` get 96x96 faces as arrays (``img_to_encoding``
takes a path or an array) and a :class:`StandInModel`: a tiny stand-in for
the embedding network that knows the check's faces and returns designed
embeddings, so each distance is known exactly and sits clearly on one side of
the 0.7 threshold (or just next to it, to catch ``>`` for ``<``). What the
learner's function prints is not shown during a check.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io

import numpy as np

from .core import Case
from .suite import Suite

suite = Suite("14_face_recognition")

THRESHOLD = 0.7
EMBEDDING_SIZE = 128


# --------------------------------------------------------------------------- #
# A stand-in for the embedding network
# --------------------------------------------------------------------------- #

class StandInModel:
    """Maps each of a few known faces to a given unit embedding (1, 128); any other input is an error.

    Called like a Keras model, ``model(x, training=False)`` with x (m, 96, 96, 3) in [0, 1]
    (what :func:`course_utils.models.facenet.img_to_encoding` does); ``predict`` works too.
    """

    def __init__(self, faces, embeddings):
        self.table = {self._key(np.asarray(f, dtype=np.float32) / 255.0): np.asarray(e, np.float32)
                      for f, e in zip(faces, embeddings)}

    @staticmethod
    def _key(x) -> str:
        return hashlib.sha1(np.ascontiguousarray(np.asarray(x, dtype=np.float32)).tobytes()).hexdigest()

    def __call__(self, x, training=False):
        x = np.asarray(x, dtype=np.float32)
        if x.ndim == 3:
            x = x[None]
        out = []
        for image in x:
            key = self._key(image)
            if key not in self.table:
                raise ValueError("this stand-in model only knows the check's faces: pass the image you were given "
                                 "to img_to_encoding(image_path, model)")
            out.append(self.table[key])
        return np.stack(out)

    predict = __call__

    def __eq__(self, other):
        return isinstance(other, StandInModel) and self.table.keys() == other.table.keys()

    __hash__ = None


def _unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def _at_distance(anchor, d, rng):
    """A unit vector at Euclidean distance d from the unit vector ``anchor``."""
    u = rng.normal(size=anchor.shape)
    u = _unit(u - (u @ anchor) * anchor)
    theta = 2 * np.arcsin(d / 2)
    return np.cos(theta) * anchor + np.sin(theta) * u


@functools.lru_cache(maxsize=1)
def _scene():
    """The check's faces, stand-in model and database: residents R0..R3 and photos at known distances."""
    from ..datasets.faces import draw_faces
    from ..datasets.identities import passport_nuisance, sample_identities

    rng = np.random.default_rng(1401)
    people = sample_identities(8, seed=1401)
    names = ["Ada", "Bao", "Cyd", "Dev"]
    centres = {}
    for name in names:
        centres[name] = _unit(rng.normal(size=EMBEDDING_SIZE))
    # photos: (who really, which database entry it is measured against, distance to that entry)
    photos = [("Ada", "Ada", 0.31), ("Bao", "Bao", 0.66), ("Cyd", "Cyd", 0.74), ("stranger", "Dev", 1.05),
              ("Dev", "Dev", 0.52), ("stranger2", "Bao", 0.83), ("Cyd", "Cyd", 0.12)]
    faces_db = draw_faces(people[:4], [passport_nuisance(i) for i in range(4)], 96)
    sitters = [people[names.index(w)] if w in names else people[4 + len(w) % 3] for w, _, _ in photos]
    from ..datasets.faces import random_nuisance

    settings = [random_nuisance(np.random.default_rng(1410 + i)) for i in range(len(photos))]
    faces = draw_faces(sitters, settings, 96)
    embeddings = [_at_distance(centres[ref], d, rng) for _who, ref, d in photos]
    for e, (_who, ref, d) in zip(embeddings, photos):  # every other resident is much farther away
        assert all(np.linalg.norm(e - centres[n]) > d + 0.3 for n in names if n != ref)
    model = StandInModel(list(faces) + list(faces_db), embeddings + [centres[n] for n in names])
    database = {n: centres[n].astype(np.float32)[None] for n in names}
    return faces, model, database, photos


def _photo(i):
    faces, model, database, photos = _scene()
    return faces[i], model, database


@suite.cases("triplet_loss")
def _():
    rng = np.random.default_rng(1402)

    def triplet(m, d, spread):
        a = rng.normal(size=(m, d))
        p = a + rng.normal(scale=spread[0], size=(m, d))
        n = a + rng.normal(scale=spread[1], size=(m, d))
        return [x.astype(np.float32) for x in (a, p, n)]

    return [Case("3 triplets of 4-d embeddings, alpha = 0.2", (None, triplet(3, 4, (0.3, 0.35)))),
            Case("5 triplets of 2-d embeddings, alpha = 0.2", (None, triplet(5, 2, (0.4, 0.4)))),
            Case("the same 5 triplets, alpha = 0.5", (None, triplet(5, 2, (0.4, 0.4))), {"alpha": 0.5}),
            Case("4 triplets of 6-d embeddings, every loss negative", (None, triplet(4, 6, (0.01, 3.0))))]


@suite.cases("verify")
def _():
    cases = []
    for i, label in [(0, "Ada at the door, claiming to be Ada (distance well below 0.7)"),
                     (1, "Bao at the door, claiming to be Bao (distance just below 0.7)"),
                     (2, "Cyd under a harsh light, claiming to be Cyd (distance just above 0.7)"),
                     (3, "a stranger claiming to be Dev")]:
        image, model, database = _photo(i)
        who = _scene()[3][i][1]
        cases.append(Case(label, (image, who, database, model)))
    return cases


@suite.cases("who_is_it")
def _():
    cases = []
    for i, label in [(4, "Dev at the door"), (0, "Ada at the door"), (5, "a stranger (nearest: Bao, at 0.83)")]:
        image, model, database = _photo(i)
        cases.append(Case(label, (image, database, model)))
    image, model, database = _photo(6)
    cases.append(Case("Cyd at the door, with a database of Cyd alone", (image, {"Cyd": database["Cyd"]}, model)))
    return cases


# --------------------------------------------------------------------------- #
# Checks
# --------------------------------------------------------------------------- #

def _to_numpy(value):
    if type(value).__module__.startswith("tensorflow") and hasattr(value, "numpy"):
        return np.asarray(value.numpy())
    if isinstance(value, tuple):
        return tuple(_to_numpy(v) for v in value)
    return value


def _scalar_loss(value):
    value = _to_numpy(value)
    if isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(value, bool):
        return np.asarray(value, dtype=np.float32)
    return value


def _quiet(fn, convert):
    """``fn`` with its prints swallowed and its result converted."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        with contextlib.redirect_stdout(io.StringIO()):
            return convert(fn(*args, **kwargs))
    return call


def _dist_identity(value):
    value = _to_numpy(value)
    if isinstance(value, tuple) and len(value) == 2:
        d, other = value
        if isinstance(d, np.ndarray) and d.size == 1:
            d = d.reshape(()).item()
        if isinstance(d, (np.floating, np.integer)):
            d = float(d)
        if isinstance(other, np.ndarray) and other.shape == () and other.dtype == bool:
            other = bool(other)
        if isinstance(other, np.bool_):
            other = bool(other)
        return (d, other)
    return value


def _hint_triplet(fn, text):
    if "wrong shape" in text or "should be a number" in text:
        return ("return one number: the SUM over the examples of max(||a - p||² - ||a - n||² + alpha, 0); "
                "the squared distances are sums over the LAST axis (axis=-1).")
    if "raised an error" in text:
        return None
    try:
        cases = suite.case_makers["triplet_loss"]()
        a, p, n = (np.asarray(x, dtype=np.float64) for x in cases[0].args[1])
        got = float(np.asarray(_quiet(fn, _scalar_loss)(None, cases[0].args[1])))
    except Exception:
        return None
    pos, neg = np.sum((a - p) ** 2, axis=-1), np.sum((a - n) ** 2, axis=-1)
    pos0, neg0 = np.sum((a - p) ** 2, axis=0), np.sum((a - n) ** 2, axis=0)
    guesses = [
        (np.sum(pos - neg + 0.2), "take max(..., 0) of each example's loss before adding them up: a triplet "
                                  "that is already well separated costs 0, not a negative amount."),
        (max(np.sum(pos - neg + 0.2), 0.0), "apply max(..., 0) to each example's loss, then sum: one max over the "
                                            "total lets easy triplets cancel hard ones."),
        (np.sum(np.maximum(pos0 - neg0 + 0.2, 0)), "sum the squared differences over the LAST axis (axis=-1), "
                                                   "one distance per example; axis=0 sums over the examples."),
        (np.sum(np.maximum(np.sqrt(pos) - np.sqrt(neg) + 0.2, 0)), "use the SQUARED distances "
                                                                   "||a - p||², with no square root."),
        (np.mean(np.maximum(pos - neg + 0.2, 0)), "return the SUM over the examples, not the mean."),
        (np.sum(np.maximum(neg - pos + 0.2, 0)), "the loss is ||a - p||² - ||a - n||² + alpha: positive distance "
                                                 "first."),
    ]
    for value, hint in guesses:
        if np.isclose(got, value, rtol=1e-4, atol=1e-5):
            return hint
    return None


def _hint_verify(fn, text):
    if "should be a tuple" in text or "should have 2 items" in text:
        return "return the pair (dist, door_open)."
    if "[1]" in text and ("is True; expected False" in text or "is False; expected True" in text):
        return "open the door when the distance is BELOW the threshold: door_open = dist < 0.7."
    if "[0]" in text:
        return ("dist is the Euclidean distance np.linalg.norm(encoding - database[identity]) between the "
                "photo's encoding (img_to_encoding(image_path, model)) and the claimed identity's.")
    return None


def _hint_who(fn, text):
    if "should be a tuple" in text or "should have 2 items" in text:
        return "return the pair (min_dist, identity)."
    if "[1]" in text:
        return ("keep the name of the SMALLEST distance: start with min_dist = 100 and update both min_dist and "
                "identity whenever a database entry is closer.")
    if "[0]" in text:
        return "min_dist is the smallest Euclidean distance np.linalg.norm(encoding - db_enc) over the database."
    return None


def _with_hint(name, convert, hint, **tolerances):
    return suite.check_with_hint(name, hint, wrap=lambda fn: _quiet(fn, convert), **tolerances)


check_triplet_loss = _with_hint("triplet_loss", _scalar_loss, _hint_triplet, atol=1e-5, rtol=1e-5)
check_verify = _with_hint("verify", _dist_identity, _hint_verify, atol=1e-5, rtol=1e-5)
check_who_is_it = _with_hint("who_is_it", _dist_identity, _hint_who, atol=1e-5, rtol=1e-5)

__all__ = ["check_triplet_loss", "check_verify", "check_who_is_it", "StandInModel"]
