"""Faces: an open, seeded replacement for the Happy House set (``train/test_happy.h5``).

Introduced in notebook 11 (Keras: the Happy House, smiling or not) and reused
in notebook 14 (face recognition, many photos of the same person).

A portrait is drawn from two sets of parameters:

- :class:`Identity`: who the person is. Face shape and proportions, skin
  tone, hair style and colour, eyes, eyebrows, nose, mouth, ears, glasses,
  beard. Fixed for a person.
- :class:`Nuisance`: how this photo was taken. Head pose (turn, tilt,
  position, distance), expression (how much the person smiles, how open the
  mouth is), lighting (direction, strength, exposure), background, shirt,
  sensor noise. Changes from photo to photo.

:func:`draw_face` draws one portrait and :func:`draw_faces` many at once;
:func:`make_identity_images` draws many photos of one person (notebook 14);
:func:`load_happy_dataset` gives the Happy House layout: 64x64 portraits
labelled 1 (smiling) or 0 (not smiling). A smile is a mouth whose corners
rise, usually open on the upper teeth, with raised cheeks, creases beside the
mouth and narrowed eyes; the other faces are neutral, frowning or talking
(an open mouth, corners level or down).

The difficulty is tuned (the knobs below) for notebook 11: trained on the
default 600 images and measured on 600 fresh ones, the HappyModel (7x7
convolution with 32 filters, batch normalisation, ReLU, max pooling, one
sigmoid unit; Adam, minibatches of 16) reaches 94-95 % test accuracy after 10
epochs (four initialisations; with batch normalisation an unlucky run can end
near 89 %), while logistic regression on the pixels reaches about 84 % and the
best single "bright/dark box at the mouth" rule 78 %. Like the original, the portraits are roughly aligned; they
still move (by up to 2.5 pixels), turn, tilt and change in size, which is what
keeps a fixed pixel rule from working: raise SHIFT to make them harder.

Drawing is vectorised over chunks of faces (see :mod:`._draw`); chunks are
drawn on threads, each from its own seed, so the result does not depend on
the machine or on the number of cores.

If the original files ``train_happy.h5`` and ``test_happy.h5`` are in
:data:`course_utils.config.DATA_DIR`, :func:`load_happy_dataset` reads them instead.
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from ._cache import cached
from ._common import (
    check_count,
    check_fraction,
    check_seed,
    check_size,
    child,
    find_original,
    load_original,
    run_chunks,
    split_labels,
)
from ._draw import (
    F32,
    SKIN_TONES,
    Frame,
    Patch,
    add_noise,
    col,
    ellipse,
    expand,
    grow,
    hashed_uniform,
    intersect,
    paint,
    rect,
    shade,
    some,
    subtract,
    to_uint8,
    union,
)

__all__ = [
    "Identity", "Nuisance", "random_identity", "random_nuisance", "draw_face", "draw_faces",
    "make_face_images", "make_identity_images", "load_happy_dataset", "preview_faces",
    "CLASSES", "IMAGE_SIZE", "FACE_SHAPES", "HAIR_STYLES", "GLASSES", "BEARDS", "BACKGROUNDS",
]

IMAGE_SIZE = 64
CLASSES = np.array([0, 1])
ORIGINAL_FILES = ("train_happy.h5", "test_happy.h5")
GENERATOR_VERSION = 1  # bump when the drawings change, so cached copies are not reused

_CHUNK = 128  # faces drawn together

FACE_SHAPES = ("oval", "round", "square", "heart")
HAIR_STYLES = ("bald", "short", "long", "bob", "curly", "bun")
GLASSES = ("none", "round", "square", "sunglasses")
BEARDS = ("none", "stubble", "moustache", "goatee", "full")
BACKGROUNDS = ("plain", "room", "outdoor", "bokeh")

# Difficulty knobs (see random_nuisance).
SMILE_THRESHOLD = 0.3          # a face smiles (label 1) when Nuisance.smile is above this
SMILING = (0.6, 1.0)           # range of Nuisance.smile for smiling faces ...
NOT_SMILING = (-0.7, 0.15)     # ... and for the others
OPEN_SMILE_P = 0.9             # chance that a smile shows the teeth
OPEN_OTHER_P = 0.25            # chance that a face that does not smile has its mouth open (talking)
YAW = 0.15                     # head turn (left/right), at most
TILT = np.deg2rad(6.0)         # head tilt, at most
SHIFT = 2.5                    # how far the face moves from the centre (pixels of a 64x64 image), at most
SCALE = (0.93, 1.07)           # distance to the camera
LIGHT = (0.0, 0.5)             # strength of the side light
EXPOSURE = (0.7, 1.15)
NOISE = (0.01, 0.04)           # sensor noise (standard deviation), per photo

FACE_PX = 16.5  # half the width of an average face, in pixels of a 64x64 image (the local unit)

# --------------------------------------------------------------------------
# Palettes (RGB in [0, 1])
# --------------------------------------------------------------------------

HAIR = np.array([
    [0.07, 0.06, 0.06], [0.20, 0.13, 0.08], [0.38, 0.24, 0.14], [0.55, 0.25, 0.12],
    [0.82, 0.66, 0.40], [0.92, 0.82, 0.58], [0.58, 0.57, 0.56], [0.88, 0.88, 0.86],
], dtype=F32)
HAIR_P = np.array([0.25, 0.2, 0.15, 0.07, 0.12, 0.06, 0.1, 0.05])
IRIS = np.array([
    [0.30, 0.18, 0.10], [0.15, 0.09, 0.05], [0.45, 0.38, 0.18], [0.30, 0.50, 0.30],
    [0.30, 0.50, 0.75], [0.50, 0.55, 0.60],
], dtype=F32)
FRAMES = np.array([[0.08, 0.08, 0.08], [0.45, 0.28, 0.15], [0.70, 0.60, 0.35], [0.60, 0.60, 0.65],
                   [0.60, 0.12, 0.12], [0.15, 0.20, 0.45]], dtype=F32)
BACKDROPS = np.array([
    [0.92, 0.90, 0.85], [0.75, 0.80, 0.85], [0.85, 0.75, 0.60], [0.55, 0.62, 0.55],
    [0.40, 0.45, 0.55], [0.70, 0.55, 0.50], [0.30, 0.30, 0.32], [0.88, 0.80, 0.70],
    [0.60, 0.70, 0.80], [0.50, 0.40, 0.30],
], dtype=F32)
SHIRTS = np.array([
    [0.85, 0.85, 0.85], [0.15, 0.15, 0.18], [0.20, 0.30, 0.60], [0.60, 0.15, 0.15],
    [0.20, 0.45, 0.25], [0.85, 0.70, 0.30], [0.50, 0.50, 0.52], [0.55, 0.40, 0.60],
    [0.90, 0.55, 0.40], [0.30, 0.55, 0.65],
], dtype=F32)


# --------------------------------------------------------------------------
# The parameters
# --------------------------------------------------------------------------

Colour = tuple  # (r, g, b), each in [0, 1]

_COLOUR_FIELDS = {"skin", "hair_colour", "eye_colour", "lip_colour", "glasses_colour", "background_colour",
                  "shirt_colour"}
_INT_FIELDS = {"face_shape", "hair_style", "glasses", "beard", "background", "seed"}


@dataclass(frozen=True)
class Identity:
    """Who is in the photo: what stays the same from one photo of a person to the next.

    Lengths are in units of half the face's width; categorical features are
    indices into :data:`FACE_SHAPES`, :data:`HAIR_STYLES`, :data:`GLASSES` and
    :data:`BEARDS`. Colours are ``(r, g, b)`` in [0, 1].
    """

    face_shape: int = 0            # FACE_SHAPES: oval, round, square, heart
    face_width: float = 0.95       # the face's half width (1: average)
    face_length: float = 1.3       # from the eyes' line to the chin
    skin: Colour = (0.82, 0.61, 0.45)
    hair_style: int = 1            # HAIR_STYLES: bald, short, long, bob, curly, bun
    hair_colour: Colour = (0.2, 0.13, 0.08)
    hairline: float = -0.72        # how far the hair comes down the forehead (less negative: lower)
    parting: float = 0.0           # the hairline's slant (a side parting), -1 to 1
    eye_width: float = 0.2
    eye_height: float = 0.1
    eye_spacing: float = 0.4       # from the face's middle to each eye
    eye_colour: Colour = (0.3, 0.18, 0.1)
    brow_thickness: float = 0.08
    brow_tilt: float = 0.05        # radians; positive: the outer ends drop
    nose_length: float = 0.4
    nose_width: float = 0.16
    mouth_width: float = 0.38      # half the mouth's width
    lip_colour: Colour = (0.7, 0.38, 0.35)
    ear_size: float = 0.22
    glasses: int = 0               # GLASSES: none, round, square, sunglasses
    glasses_colour: Colour = (0.08, 0.08, 0.08)
    beard: int = 0                 # BEARDS: none, stubble, moustache, goatee, full

    def __post_init__(self):
        _validate(self, {"face_shape": FACE_SHAPES, "hair_style": HAIR_STYLES, "glasses": GLASSES,
                         "beard": BEARDS})


@dataclass(frozen=True)
class Nuisance:
    """How the photo was taken: what changes from one photo of a person to the next.

    ``smile`` runs from -1 (a frown) through 0 (neutral) to 1 (a broad smile);
    the Happy House label is ``smile > SMILE_THRESHOLD``. ``seed`` fixes the
    small random details (where things stand in the background, the noise).
    """

    yaw: float = 0.0               # head turn, -1 to 1 (0: facing the camera)
    tilt: float = 0.0              # head tilt (radians, clockwise)
    shift_x: float = 0.0           # pixels (of a 64x64 image) right of centre
    shift_y: float = 0.0           # pixels below centre
    scale: float = 1.0             # apparent size (distance to the camera)
    smile: float = 0.0
    mouth_open: float = 0.0        # 0 (closed) to 1 (wide open)
    light_angle: float = 0.0       # where the light comes from (radians; 0: the right, pi/2: below)
    light_strength: float = 0.2    # 0 (flat) to 1 (strong side light)
    exposure: float = 1.0
    background: int = 0            # BACKGROUNDS: plain, room, outdoor, bokeh
    background_colour: Colour = (0.75, 0.8, 0.85)
    shirt_colour: Colour = (0.2, 0.3, 0.6)
    noise: float = 0.02            # sensor noise (standard deviation, in [0, 1] units)
    seed: int = 0                  # the small random details

    def __post_init__(self):
        _validate(self, {"background": BACKGROUNDS})
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral) or self.seed < 0:
            raise ValueError(f"Nuisance.seed must be a non-negative integer; got {self.seed!r}")

    @property
    def smiling(self) -> bool:
        return self.smile > SMILE_THRESHOLD


def _validate(params, categories: dict) -> None:
    name = type(params).__name__
    for field in dataclasses.fields(params):
        value = getattr(params, field.name)
        if field.name in categories:
            options = categories[field.name]
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < len(options):
                raise ValueError(f"{name}.{field.name} must be an index 0-{len(options) - 1} into "
                                 f"{options}; got {value!r}")
        elif field.name in _COLOUR_FIELDS:
            c = np.asarray(value, dtype=float) if _numeric_seq(value) else None
            if c is None or c.shape != (3,) or not np.all((0 <= c) & (c <= 1)):
                raise ValueError(f"{name}.{field.name} must be an (r, g, b) colour with values in [0, 1]; "
                                 f"got {value!r}")
        elif field.name != "seed":
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise ValueError(f"{name}.{field.name} must be a number; got {value!r}")


def _numeric_seq(value) -> bool:
    try:
        return all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value)
    except TypeError:
        return False


def _stack(items) -> dict:
    """A list of Identity (or Nuisance) -> one array per field: (B,), or (B, 3) for colours."""
    out = {}
    for field in dataclasses.fields(items[0]):
        values = [getattr(it, field.name) for it in items]
        dtype = np.int64 if field.name in _INT_FIELDS else F32
        out[field.name] = np.array(values, dtype=dtype)
    return out


def _unstack(cls, batch: dict, i: int):
    """The i-th entry of a batch of parameters, as an Identity or a Nuisance of plain Python values."""
    kwargs = {}
    for field in dataclasses.fields(cls):
        v = batch[field.name][i]
        if field.name in _COLOUR_FIELDS:
            kwargs[field.name] = tuple(round(float(x), 4) for x in v)
        elif field.name in _INT_FIELDS:
            kwargs[field.name] = int(v)
        else:
            kwargs[field.name] = round(float(v), 4)
    return cls(**kwargs)


# --------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------

def _u(rng, lo, hi, B) -> np.ndarray:
    return rng.uniform(lo, hi, B).astype(F32)


def _pick(rng, palette, B, jitter=0.04, p=None) -> np.ndarray:
    c = palette[rng.choice(len(palette), B, p=p)] + rng.uniform(-jitter, jitter, (B, 3)).astype(F32)
    return np.clip(c, 0.0, 1.0)


def _sample_identities(rng, B) -> dict:
    """B random people, as one array per Identity field."""
    skin = _pick(rng, SKIN_TONES, B, jitter=0.03)
    hair_style = rng.choice(len(HAIR_STYLES), B, p=[0.08, 0.34, 0.2, 0.14, 0.14, 0.1])
    hair = _pick(rng, HAIR, B, p=HAIR_P / HAIR_P.sum())
    beard = np.where(rng.random(B) < 0.3, rng.integers(1, len(BEARDS), B), 0)
    lips = np.clip(skin * np.array([0.85, 0.6, 0.6], F32) + np.array([0.08, 0.0, 0.0], F32)
                   + rng.uniform(-0.04, 0.04, (B, 1)).astype(F32), 0, 1)
    return {
        "face_shape": rng.integers(0, len(FACE_SHAPES), B),
        "face_width": _u(rng, 0.86, 1.02, B),
        "face_length": _u(rng, 1.18, 1.42, B),
        "skin": skin,
        "hair_style": hair_style,
        "hair_colour": hair,
        "hairline": _u(rng, -0.85, -0.5, B),
        "parting": _u(rng, -1, 1, B),
        "eye_width": _u(rng, 0.16, 0.24, B),
        "eye_height": _u(rng, 0.08, 0.13, B),
        "eye_spacing": _u(rng, 0.35, 0.45, B),
        "eye_colour": _pick(rng, IRIS, B, jitter=0.03),
        "brow_thickness": _u(rng, 0.05, 0.12, B),
        "brow_tilt": _u(rng, -0.15, 0.25, B),
        "nose_length": _u(rng, 0.32, 0.5, B),
        "nose_width": _u(rng, 0.12, 0.22, B),
        "mouth_width": _u(rng, 0.3, 0.42, B),
        "lip_colour": lips,
        "ear_size": _u(rng, 0.18, 0.27, B),
        "glasses": np.where(rng.random(B) < 0.3, rng.integers(1, len(GLASSES), B), 0),
        "glasses_colour": _pick(rng, FRAMES, B),
        "beard": beard,
    }


def _sample_nuisances(rng, smiling: np.ndarray) -> dict:
    """One random photo setting per entry of ``smiling`` (bool), as one array per Nuisance field."""
    B = len(smiling)
    smile = np.where(smiling, _u(rng, *SMILING, B), _u(rng, *NOT_SMILING, B))
    # smiles are often open (teeth); the others sometimes talk (an open mouth)
    opened = rng.random(B) < np.where(smiling, OPEN_SMILE_P, OPEN_OTHER_P)
    return {
        "yaw": _u(rng, -YAW, YAW, B),
        "tilt": _u(rng, -TILT, TILT, B),
        "shift_x": _u(rng, -SHIFT, SHIFT, B),
        "shift_y": _u(rng, -SHIFT, SHIFT, B),
        "scale": _u(rng, *SCALE, B),
        "smile": smile.astype(F32),
        "mouth_open": np.where(opened, _u(rng, 0.3, 1.0, B), 0.0).astype(F32),
        "light_angle": _u(rng, 0, 2 * np.pi, B),
        "light_strength": _u(rng, *LIGHT, B),
        "exposure": _u(rng, *EXPOSURE, B),
        "background": rng.integers(0, len(BACKGROUNDS), B),
        "background_colour": _pick(rng, BACKDROPS, B, jitter=0.06),
        "shirt_colour": _pick(rng, SHIRTS, B, jitter=0.06),
        "noise": _u(rng, *NOISE, B),
        "seed": rng.integers(0, 2**31, B),
    }


def _rng(rng):
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ValueError(f"rng must be a numpy Generator (np.random.default_rng(seed)) or a seed; got {rng!r}")


def random_identity(rng) -> Identity:
    """A random person. ``rng`` is a ``np.random.Generator`` or an integer seed.

    Introduced in notebook 14 (face recognition): draw several photos of this
    person with :func:`make_identity_images`.
    """
    return _unstack(Identity, _sample_identities(_rng(rng), 1), 0)


def random_nuisance(rng, smiling: bool | None = None) -> Nuisance:
    """A random photo setting: pose, expression, lighting, background, noise.

    ``smiling`` True or False chooses the expression; None chooses it at random.
    """
    rng = _rng(rng)
    if smiling is None:
        smiling = bool(rng.random() < 0.5)
    elif not isinstance(smiling, (bool, np.bool_)):
        raise ValueError(f"smiling must be True, False or None; got {smiling!r}")
    return _unstack(Nuisance, _sample_nuisances(rng, np.array([bool(smiling)])), 0)


# --------------------------------------------------------------------------
# Drawing (local units: half the face's width; the origin between the eyes'
# line and the nose, y down)
# --------------------------------------------------------------------------

EYE_Y = -0.18


def _is(values, k) -> np.ndarray:
    """(B, 1, 1) of 1.0 where ``values == k``: multiplies a mask to show it only there."""
    return col(np.asarray(values) == k)


def _background(canvas, size, nu, details):
    """Plain, a room (a window or door frame, a picture), outdoors (sky, ground, trees) or bokeh."""
    B = len(canvas)
    kind, colour = nu["background"], nu["background_colour"]
    k = size / IMAGE_SIZE
    outdoor = (kind == 2)[:, None]

    # a wall (or the sky over the ground outdoors), lit a little unevenly from top to bottom
    sky = np.clip(np.array([0.55, 0.72, 0.92], F32) + (colour - 0.6) * 0.3, 0, 1)
    ground = np.clip(np.array([0.35, 0.55, 0.25], F32) * (0.7 + 0.6 * details[:, 11:12]), 0, 1)
    top = np.where(outdoor, sky, colour)
    bottom = np.where(outdoor, ground, colour)
    horizon = np.where(outdoor[:, 0], (30 + details[:, 10] * 20) * k, 2 * size).astype(F32)
    gy = (np.arange(size, dtype=F32) + 0.5).reshape(1, 1, size, 1)
    below = np.clip(gy - horizon.reshape(-1, 1, 1, 1) + 0.5, 0.0, 1.0)
    slope = (details[:, 0] - 0.5).reshape(-1, 1, 1, 1) * 0.5
    column = (top[:, :, None, None] * (1.0 - below) + bottom[:, :, None, None] * below) * (1.0 + slope * (gy / size - 0.5))
    canvas[:] = column

    # a room: a window or door frame and a picture on the wall
    def room(i):
        d = details[i]
        x0, y0 = d[:, 1] * 48 * k, d[:, 2] * 10 * k
        w = (10 + d[:, 3] * 14) * k
        frame = rect(size, x0, y0, x0 + w, 70 * k)
        glass = rect(size, x0 + 2 * k, y0 + 2 * k, x0 + w - 2 * k, 40 * k)
        px = d[:, 4] * 54 * k
        picture = rect(size, px, 4 * k, px + (6 + 8 * d[:, 5]) * k, (12 + 8 * d[:, 6]) * k)
        return frame, glass, picture

    rooms = np.flatnonzero(kind == 1)
    if len(rooms):
        frame, glass, picture = (expand(m, rooms, B) for m in room(rooms))
        paint(canvas, frame, np.clip(colour * 0.7 + 0.2, 0, 1))
        paint(canvas, glass, np.broadcast_to(np.array([0.75, 0.85, 0.95], F32), (B, 3)))
        paint(canvas, picture, np.clip(details[:, 7:10] * 0.8, 0, 1))

    # outdoors: two trees on the horizon
    trees = some(size, kind == 2, lambda i: union(*(
        ellipse(size, details[i, 12 + j] * 64 * k, horizon[i] - 8 * k, (6 + 6 * details[i, 14 + j]) * k,
                (8 + 6 * details[i, 14 + j]) * k) for j in range(2))))
    paint(canvas, trees, ground * 0.7)

    # bokeh: soft bright discs
    discs = some(size, kind == 3, lambda i: union(*(
        ellipse(size, details[i, 16 + j] * 64 * k, details[i, 21 + j] * 64 * k,
                (3 + 5 * details[i, 26 + j % 4]) * k, (3 + 5 * details[i, 26 + j % 4]) * k) for j in range(5))))
    paint(canvas, discs * 0.5, np.clip(colour + 0.35, 0, 1))


def _hair_masks(f: Frame, idt, fw, yaw):
    """The hair behind the head (long, bob, curly, bun) and the hair on top of it."""
    size = f.size
    style = idt["hair_style"]
    hx = -yaw * 0.12                                     # the back of the head shows on the far side
    line = idt["hairline"]

    def cap(i):
        fi = f.take(i)
        cap = fi.ellipse(hx[i], -0.2, fw[i] + 0.09, 1.15)
        return intersect(cap, fi.halfplane(hx[i], line[i], cap.window, angle=np.pi + 0.25 * idt["parting"][i]))

    def curls(i):
        fi = f.take(i)
        return union(*(fi.ellipse(hx[i] + x * fw[i], line[i] + 0.02 - 0.1 * abs(x) ** 2, 0.2, 0.16)
                       for x in (-0.8, -0.4, 0.0, 0.4, 0.8)))

    def sides(i):
        fi = f.take(i)
        return union(*(fi.capsule(hx[i] + sx * (fw[i] - 0.05), -0.55, hx[i] + sx * (fw[i] - 0.02), 0.9, 0.28)
                       for sx in (-1, 1)))

    def rim(i):  # bald: a rim of short hair above the ears
        fi = f.take(i)
        return union(*(fi.capsule(sx * (fw[i] - 0.06), -0.62, sx * (fw[i] - 0.04), -0.2, 0.13) for sx in (-1, 1)))

    back = union(
        some(size, style == 2, lambda i: f.take(i).capsule(hx[i], -0.4, hx[i], 1.25, 2.0 * fw[i] + 0.45)),  # long
        some(size, style == 3, lambda i: f.take(i).capsule(hx[i], -0.4, hx[i], 0.45, 2.0 * fw[i] + 0.4)),   # bob
        some(size, style == 4, lambda i: f.take(i).ellipse(hx[i], -0.35, fw[i] + 0.45, 1.25)),              # curly
        some(size, style == 5, lambda i: f.take(i).ellipse(hx[i], -1.3, 0.42, 0.36)),                       # bun
    )
    top = union(some(size, style != 0, cap), some(size, style == 4, curls),
                some(size, (style == 2) | (style == 3), sides), some(size, style == 0, rim) * 0.6)
    return back, top


def draw_faces(identities, nuisances, size: int = IMAGE_SIZE) -> np.ndarray:
    """Draw a batch of portraits at once: (B, size, size, 3) uint8.

    Introduced in notebook 14 (many photos of many people, fast).
    ``identities`` and ``nuisances`` are lists of :class:`Identity` and
    :class:`Nuisance` of the same length B (image i shows identities[i] as
    nuisances[i] says), or the same parameters as one array per field.
    Image i is what ``draw_face(identities[i], nuisances[i], size)`` draws.
    """
    if not isinstance(identities, dict):
        identities, nuisances = _batch_arguments(identities, nuisances)
        size = check_size(size)
    idt, nu = identities, nuisances
    B = len(nu["seed"])
    k = size / IMAGE_SIZE
    details = hashed_uniform(nu["seed"], 34)   # the small random details, from each photo's seed
    canvas = np.empty((B, 3, size, size), F32)
    _background(canvas, size, nu, details)

    yaw, smile, opened = nu["yaw"], nu["smile"], nu["mouth_open"]
    happy = np.maximum(smile, 0.0)
    s = FACE_PX * k * nu["scale"]
    f = Frame(size, size / 2 + nu["shift_x"] * k, size * 0.53 + nu["shift_y"] * k, s, nu["tilt"])

    skin = idt["skin"]
    fw, fl = idt["face_width"], idt["face_length"]
    shape = idt["face_shape"]
    hair = idt["hair_colour"]

    # shoulders and neck
    paint(canvas, f.ellipse(0, fl + 1.75, 2.3, 1.1), nu["shirt_colour"])
    neck = f.capsule(0, fl - 0.4, 0, fl + 0.9, 0.95 * fw)
    paint(canvas, neck, skin * 0.8)

    back_hair, cap = _hair_masks(f, idt, fw, yaw)
    paint(canvas, back_hair, hair * 0.85)

    # ears (the one on the side the head turns to slips behind the face)
    ear = idt["ear_size"]
    ears = union(*(f.ellipse(sx * (fw - 0.02) - yaw * 0.2 - sx * 0.15 * np.maximum(sx * yaw, 0), -0.02,
                             ear * 0.55, ear) for sx in (-1, 1)))
    paint(canvas, ears, skin * 0.9)

    # the face: a cranium and a jaw whose width and cut give the face shape
    fx = yaw * 0.06
    jaw_width = np.select([shape == 1, shape == 2, shape == 3], [0.98, 0.95, 0.68], 0.8).astype(F32) * fw
    cranium = f.ellipse(fx, -0.2, fw, 1.1)
    jaw = f.ellipse(fx, 0.15, jaw_width, fl - 0.15)
    square = some(size, shape == 2, lambda i: f.take(i).polygon([
        (fx[i] - fw[i] * 0.97, -0.1), (fx[i] + fw[i] * 0.97, -0.1),
        (fx[i] + jaw_width[i] * 0.75, fl[i] - 0.05), (fx[i] - jaw_width[i] * 0.75, fl[i] - 0.05)]))
    face = union(cranium, jaw, square)
    paint(canvas, grow(face), skin * 0.75)
    paint(canvas, face, skin)

    # feature positions: nearer features move more when the head turns
    ex = idt["eye_spacing"]
    nose_y = EYE_Y + idt["nose_length"]
    mouth_y = np.minimum(nose_y + 0.3, fl - 0.32)

    # beard (under the mouth, which is drawn over it)
    beard = idt["beard"]

    def stubble(i):
        lower = f.take(i).halfplane(0, nose_y[i] - 0.05, face.window)
        lower.a *= face.a[i]
        return lower

    def full(i):
        cut = f.take(i).ellipse(fx[i] + yaw[i] * 0.2, nose_y[i] - 0.45, fw[i] * 0.82, 0.78)
        return subtract(Patch(face.a[i], face.y0, face.x0, size), cut)

    def goatee(i):
        fi = f.take(i)
        chin = union(fi.ellipse(fx[i] + yaw[i] * 0.25, fl[i] - 0.12, 0.24, 0.2),
                     fi.ellipse(fx[i] + yaw[i] * 0.3, mouth_y[i] + 0.17, 0.12, 0.1))
        return intersect(chin, Patch(face.a[i], face.y0, face.x0, size))

    paint(canvas, some(size, beard == 1, stubble) * 0.3, hair * 0.8)
    paint(canvas, some(size, beard == 4, full), hair)
    paint(canvas, some(size, beard == 3, goatee), hair)
    moustache = some(size, beard >= 2, lambda i: f.take(i).arc(
        yaw[i] * 0.3, mouth_y[i] - 0.13, idt["mouth_width"][i] * 0.9, -0.06, 0.12))
    paint(canvas, moustache, hair * 0.9)

    # hair on top of the head
    paint(canvas, cap, hair)

    # cheeks lift and crease when smiling
    cheeks = union(*(f.ellipse(sx * 0.5 + yaw * 0.25, 0.18, 0.25, 0.2) for sx in (-1, 1)))
    shade(canvas, cheeks * col(happy * 0.5), np.broadcast_to(np.array([1.12, 1.0, 1.0], F32), (B, 3)))
    folds = []
    for sx in (-1, 1):
        x0, y0 = yaw * 0.5 + sx * (idt["nose_width"] + 0.1), EYE_Y + idt["nose_length"] - 0.02
        x1, y1 = yaw * 0.32 + sx * (idt["mouth_width"] * (1 + 0.3 * happy) + 0.08), mouth_y - 0.05 * happy
        half = 0.5 * np.hypot(x1 - x0, y1 - y0)
        folds.append(f.arc((x0 + x1) / 2, (y0 + y1) / 2, half, -0.04 * sx, 0.06, np.arctan2(y1 - y0, x1 - x0)))
    folds = union(*folds)
    shade(canvas, folds * col(happy * 0.9), 0.7)

    # eyes: an almond of white, the iris and pupil, a dark upper lid; smiles narrow them
    squint = 1.0 - 0.45 * happy
    for sx in (-1, 1):
        near = 1.0 - 0.45 * np.maximum(-sx * yaw, 0)     # the far eye looks narrower
        ew = idt["eye_width"] * near
        eh = idt["eye_height"] * squint
        x = sx * ex + yaw * 0.28
        eye = f.lens(x, EYE_Y, ew, -eh, eh * 0.75)
        paint(canvas, grow(eye), skin * 0.7)
        paint(canvas, eye, np.broadcast_to(np.array([0.93, 0.92, 0.9], F32), (B, 3)))
        iris = intersect(f.ellipse(x + yaw * 0.08, EYE_Y - 0.01, ew * 0.5, ew * 0.5), eye)
        paint(canvas, iris, idt["eye_colour"])
        pupil = intersect(f.ellipse(x + yaw * 0.08, EYE_Y - 0.01, ew * 0.22, ew * 0.22), eye)
        paint(canvas, pupil, np.broadcast_to(np.array([0.03, 0.03, 0.03], F32), (B, 3)))
        paint(canvas, f.arc(x, EYE_Y - eh * 0.75, ew * 1.05, -eh * 0.25, 0.07), hair * 0.3 + 0.05)
        brow_colour = np.where(idt["hair_style"][:, None] == 0, np.array([0.25, 0.18, 0.12], F32), hair * 0.8)
        brow = f.arc(x + 0.02 * sx, EYE_Y - 0.24 - 0.05 * happy, ew * 1.3, -0.05, idt["brow_thickness"],
                     sx * idt["brow_tilt"])
        paint(canvas, brow, brow_colour)

    # nose: a shaded side, a tip and nostrils
    nx = yaw * 0.5
    nw = idt["nose_width"]
    side = f.capsule(nx - 0.06 * np.sign(yaw + 1e-3), EYE_Y + 0.12, nx - nw * 0.6, nose_y - 0.06, 0.07)
    shade(canvas, side, 0.82)
    shade(canvas, f.ellipse(nx, nose_y - 0.05, nw, 0.1), 0.9)
    nostrils = union(*(f.ellipse(nx + sx * nw * 0.5, nose_y, nw * 0.28, 0.05) for sx in (-1, 1)))
    shade(canvas, nostrils, 0.5)

    # mouth: corners rise with the smile; open smiles show teeth, other open mouths are dark
    mx = yaw * 0.32
    hw = idt["mouth_width"] * (1.0 + 0.3 * happy) * (1.0 - 0.3 * np.abs(yaw))
    sag = 0.2 * smile                                     # > 0: the middle is below the corners
    corners = mouth_y - sag * 0.6
    lips = idt["lip_colour"]
    open_smile = (opened > 0) & (smile > 0.3)
    open_other = (opened > 0) & (smile <= 0.3)
    dark = np.broadcast_to(np.array([0.3, 0.08, 0.08], F32), (B, 3))
    # closed: two lips with a dark line between
    lips_mask = some(size, opened <= 0, lambda i: union(
        f.take(i).lens(mx[i], corners[i], hw[i], sag[i] - 0.07, sag[i]),
        f.take(i).lens(mx[i], corners[i], hw[i], sag[i], sag[i] + 0.09 - 0.02 * happy[i])))
    paint(canvas, lips_mask, lips)
    line = some(size, opened <= 0, lambda i: f.take(i).arc(mx[i], corners[i], hw[i], sag[i], 0.065))
    paint(canvas, line, lips * 0.35)
    # an open smile: a D-shaped mouth, upper teeth
    top = sag * 0.25 - 0.03
    bottom = sag + 0.14 + 0.18 * opened
    mouth = some(size, open_smile, lambda i: f.take(i).lens(mx[i], corners[i], hw[i], top[i], bottom[i]))
    paint(canvas, grow(mouth), lips)
    paint(canvas, mouth, dark)
    teeth = some(size, open_smile, lambda i: f.take(i).lens(
        mx[i], corners[i], hw[i] * 0.9, top[i] + 0.01, top[i] + (bottom[i] - top[i]) * 0.5))
    paint(canvas, teeth, np.broadcast_to(np.array([0.95, 0.93, 0.88], F32), (B, 3)))
    # other open mouths: an oval (talking, surprised), corners level or down
    oval = some(size, open_other, lambda i: f.take(i).ellipse(
        mx[i], mouth_y[i] + 0.02, hw[i] * (0.5 + 0.2 * opened[i]), 0.06 + 0.12 * opened[i]))
    paint(canvas, grow(oval), lips)
    paint(canvas, oval, dark * 0.85)

    # glasses
    kind = idt["glasses"]
    frames = idt["glasses_colour"]

    def glasses(i):
        fi = f.take(i)
        lenses = []
        for sx in (-1, 1):
            x = sx * ex[i] + yaw[i] * 0.3
            w = (idt["eye_width"][i] + 0.1) * (1.0 - 0.35 * np.maximum(-sx * yaw[i], 0))
            lenses.append((x, w))
        rims = union(*(fi.ring(x, EYE_Y, w, 0.2, 0.06) for x, w in lenses))
        boxes = union(*(subtract(fi.polygon([(x - w, EYE_Y - 0.17), (x + w, EYE_Y - 0.17), (x + w, EYE_Y + 0.15),
                                             (x - w, EYE_Y + 0.15)]),
                                 fi.polygon([(x - w + 0.06, EYE_Y - 0.11), (x + w - 0.06, EYE_Y - 0.11),
                                             (x + w - 0.06, EYE_Y + 0.09), (x - w + 0.06, EYE_Y + 0.09)]))
                        for x, w in lenses))
        dark = union(*(fi.ellipse(x, EYE_Y + 0.01, w, 0.19) for x, w in lenses))
        bridge = fi.arc(yaw[i] * 0.3, EYE_Y - 0.05, ex[i] - lenses[1][1] + 0.02, -0.04, 0.05)
        temples = union(*(fi.capsule(sx * ex[i] + yaw[i] * 0.3 + sx * lenses[(sx + 1) // 2][1], EYE_Y - 0.06,
                                     sx * (fw[i] - 0.02) - yaw[i] * 0.2, EYE_Y - 0.02, 0.05) for sx in (-1, 1)))
        g = kind[i]
        rows = col(g == 1) + col(g == 3)
        return (dark * col(g == 3), union(rims * rows, boxes * col(g == 2), bridge, temples))

    worn = np.flatnonzero(kind > 0)
    if len(worn):
        lenses, rims = (expand(m, worn, B) for m in glasses(worn))
        paint(canvas, lenses, np.broadcast_to(np.array([0.06, 0.07, 0.08], F32), (B, 3)))
        paint(canvas, rims, frames)

    # lighting: a side light on the head, less on the background
    _light(canvas, size, nu, (face, cap, back_hair, neck))
    add_noise(canvas, nu["noise"], details[:, 32:34])
    return to_uint8(canvas)


def _batch_arguments(identities, nuisances):
    identities, nuisances = list(identities), list(nuisances)
    if not identities or len(identities) != len(nuisances):
        raise ValueError(f"draw_faces needs as many identities as nuisances (at least one); "
                         f"got {len(identities)} and {len(nuisances)}")
    for name, items, cls in (("identities", identities, Identity), ("nuisances", nuisances, Nuisance)):
        bad = next((x for x in items if not isinstance(x, cls)), None)
        if bad is not None:
            raise ValueError(f"{name} must hold {cls.__name__} objects; got a {type(bad).__name__}")
    return _stack(identities), _stack(nuisances)


def _light(canvas, size, nu, head) -> None:
    """Light and expose each photo: the side the light comes from is brighter, the other darker.

    The light falls fully on the head (the masks in ``head``) and less on the background.
    """
    weight = np.full((len(canvas), size, size), 0.35, F32)
    for part in head:
        if part.a.size:
            view = weight[:, part.rows, part.cols]
            np.maximum(view, 0.35 + 0.65 * part.a, out=view)
    g = (np.arange(size, dtype=F32) + 0.5 - size / 2) / (size / 2)
    a, strength = nu["light_angle"], nu["light_strength"]
    ramp = np.cos(a).reshape(-1, 1, 1) * g.reshape(1, 1, size) + np.sin(a).reshape(-1, 1, 1) * g.reshape(1, size, 1)
    ramp *= strength.reshape(-1, 1, 1)
    weight *= ramp
    weight += 1.0
    weight *= nu["exposure"].reshape(-1, 1, 1)
    canvas *= weight[:, None]


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

def draw_face(identity: Identity, nuisance: Nuisance, size: int = IMAGE_SIZE) -> np.ndarray:
    """Draw one portrait of ``identity`` photographed as ``nuisance``: (size, size, 3) uint8.

    Introduced in notebook 11; notebook 14 draws 96x96 faces (``size=96``).
    The same arguments always give the same image.
    """
    if not isinstance(identity, Identity):
        raise ValueError(f"identity must be an Identity (e.g. random_identity(seed)); got {type(identity).__name__}")
    if not isinstance(nuisance, Nuisance):
        raise ValueError(f"nuisance must be a Nuisance (e.g. random_nuisance(seed)); got {type(nuisance).__name__}")
    size = check_size(size)
    return draw_faces(_stack([identity]), _stack([nuisance]), size)[0]


def _generate(n: int, seq: np.random.SeedSequence, smiling_fraction: float, size: int):
    labels = split_labels(np.random.default_rng(child(seq, 0)), n, smiling_fraction)
    draw_seq = child(seq, 1)

    def draw(c, start, stop):
        rng = np.random.default_rng(child(draw_seq, c))
        people = _sample_identities(rng, stop - start)
        photos = _sample_nuisances(rng, labels[start:stop] == 1)
        return draw_faces(people, photos, size)

    return run_chunks(n, _CHUNK, draw, (size, size, 3)), labels


def make_face_images(n: int, seed: int = 1, smiling_fraction: float = 0.5, size: int = IMAGE_SIZE):
    """Draw ``n`` portraits of random people, smiling (label 1) or not (label 0).

    Introduced in notebook 11 (the raw generator behind :func:`load_happy_dataset`).

    Returns ``(images, labels)``: ``images`` uint8 (n, size, size, 3) and
    ``labels`` int64 (n,) with ``round(smiling_fraction * n)`` smiles in random
    order. The same arguments give byte-identical arrays on any machine.
    """
    n = check_count("n", n)
    seed = check_seed(seed)
    smiling_fraction = check_fraction("smiling_fraction", smiling_fraction)
    size = check_size(size)
    return _generate(n, np.random.SeedSequence(seed), smiling_fraction, size)


def make_identity_images(identity: Identity, n: int, seed: int = 1, size: int = IMAGE_SIZE,
                         smiling: bool | None = None) -> np.ndarray:
    """Draw ``n`` photos of the same person: varied pose, expression, lighting, background and noise.

    Introduced in notebook 14 (face recognition). ``smiling`` None mixes
    smiling and other expressions; True or False fixes it. Returns uint8
    (n, size, size, 3); the same arguments give the same images.
    """
    if not isinstance(identity, Identity):
        raise ValueError(f"identity must be an Identity (e.g. random_identity(seed)); got {type(identity).__name__}")
    n = check_count("n", n)
    seed = check_seed(seed)
    size = check_size(size)
    if smiling is not None and not isinstance(smiling, (bool, np.bool_)):
        raise ValueError(f"smiling must be True, False or None; got {smiling!r}")
    person = _stack([identity])
    seq = np.random.SeedSequence(seed)

    def draw(c, start, stop):
        rng = np.random.default_rng(child(seq, c))
        B = stop - start
        smiles = rng.random(B) < 0.5 if smiling is None else np.full(B, bool(smiling))
        people = {k: np.repeat(v, B, axis=0) for k, v in person.items()}
        return draw_faces(people, _sample_nuisances(rng, smiles), size)

    return run_chunks(n, _CHUNK, draw, (size, size, 3))


def load_happy_dataset(n_train: int = 600, n_test: int = 150, seed: int = 1, use_cache: bool = True):
    """Load the Happy House dataset (smiling or not) in the original layout.

    Introduced in notebook 11 (Keras: the Happy House).

    Returns ``X_train_orig`` (n_train, 64, 64, 3) uint8, ``Y_train_orig``
    (1, n_train) int64, ``X_test_orig`` (n_test, 64, 64, 3) uint8,
    ``Y_test_orig`` (1, n_test) int64 and ``classes`` = ``np.array([0, 1])``.
    Half the faces smile (label 1). The training and test sets come from
    separate seed streams and show different people. Results are cached under
    ``data/cache/``.

    If ``train_happy.h5`` and ``test_happy.h5`` are both in
    ``config.DATA_DIR`` (``COURSE_DATA_DIR``), they are read instead and
    ``n_train``, ``n_test`` and ``seed`` are ignored.
    """
    n_train = check_count("n_train", n_train)
    n_test = check_count("n_test", n_test)
    seed = check_seed(seed)
    original = find_original(ORIGINAL_FILES)
    if original is not None:
        return load_original(*original)

    train_seq, test_seq = np.random.SeedSequence(seed).spawn(2)

    def build():
        train_x, train_y = _generate(n_train, train_seq, 0.5, IMAGE_SIZE)
        test_x, test_y = _generate(n_test, test_seq, 0.5, IMAGE_SIZE)
        return {"train_x": train_x, "train_y": train_y.reshape(1, -1),
                "test_x": test_x, "test_y": test_y.reshape(1, -1)}

    params = {"n_train": n_train, "n_test": n_test, "seed": seed, "generator": GENERATOR_VERSION}
    d = cached("happy", params, build, use_cache)
    return d["train_x"], d["train_y"], d["test_x"], d["test_y"], CLASSES.copy()


def preview_faces(n: int = 24, seed: int = 1):
    """Show the first ``n`` training images of ``load_happy_dataset(seed=seed)``, titled "smiling" or "not smiling".

    Introduced in notebook 11. Returns the Matplotlib figure.
    """
    from ..plots import show_image_grid

    n = check_count("n", n)
    seed = check_seed(seed)
    train_x, train_y, *_ = load_happy_dataset(n_train=max(n, 600), seed=seed)
    names = ["smiling" if y == 1 else "not smiling" for y in train_y[0, :n]]
    return show_image_grid(train_x[:n], names, ncols=8, max_images=n)
