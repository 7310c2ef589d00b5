"""Hand signs 0-5: an open, seeded replacement for ``train/test_signs.h5`` (SIGNS).

Introduced in notebook 09 (TensorFlow introduction), reused in notebook 12
(residual networks).

Each 64x64 photo shows one hand holding up 0 to 5 fingers; the label is the
number of raised fingers. The same count is shown in several ways (one
finger: the index or the thumb; two: index-middle, thumb-index or
index-little; three: index-middle-ring or thumb-index-middle; ...), by right
and left hands of eight skin tones and varied sizes and finger spreads, turned
(by up to 25 degrees, mostly a few), a little off centre, sometimes in a
sleeve, in front of a wall (sometimes above a desk) with some clutter, lit
from a random side with a cast shadow, a random exposure and colour cast, and
sensor noise. Like the original photos, the hand fills most of the frame.

The difficulty is tuned (the knobs below) for the course's models, trained on
the default ``load_signs()`` (1080 images) and measured on 600 fresh ones:

- notebook 09's network 12288 -> 25 -> 12 -> 6 (Adam, learning rate 1e-4,
  minibatches of 32, 100 epochs, inputs ``X / 255``) reaches 72-77 % test
  accuracy (median 74 % over four initialisations; the original: about 72 %);
  logistic regression on the pixels reaches 73 %;
- a small CNN (three 3x3 convolutions of 16, 32, 64 filters with max pooling,
  a dense layer of 64) reaches 90 % after 20 epochs, so a ResNet goes further.

What makes the pixels hard is pose (rotation, shift, scale) and the variety
of hands and backgrounds; a fixed-position linear read-out of the fingers
only works for the typical pose.

Drawing is vectorised over a chunk of images (see :mod:`._draw`); chunks are
drawn on threads, each from its own seed, so the result does not depend on
the machine or on the number of cores.

If the original files ``train_signs.h5`` and ``test_signs.h5`` are in
:data:`course_utils.config.DATA_DIR`, :func:`load_signs` reads them instead.
"""

from __future__ import annotations

import numpy as np

from ._cache import cached
from ._common import balanced_labels, check_count, check_seed, child, find_original, load_original, run_chunks
from ._draw import (
    F32,
    SKIN_TONES,
    Frame,
    add_noise,
    capsule,
    ellipse,
    grow,
    paint,
    rect,
    shade,
    shifted,
    some,
    to_uint8,
    union,
)

__all__ = ["load_signs", "make_sign_images", "preview_signs", "CLASSES", "IMAGE_SIZE"]

IMAGE_SIZE = 64
CLASSES = np.array([0, 1, 2, 3, 4, 5])
ORIGINAL_FILES = ("train_signs.h5", "test_signs.h5")
GENERATOR_VERSION = 1  # bump when the drawings change, so cached copies are not reused

_CHUNK = 128  # images drawn together

# Difficulty knobs.
ROTATION = np.deg2rad(6.0)   # the hand turns by this much (standard deviation) ...
MAX_ROTATION = np.deg2rad(25.0)  # ... and never more than this either way
PALM_WIDTH = (20.0, 24.0)     # palm width in pixels (the hand's scale)
SHIFT = 1.5                   # how far (pixels, standard deviation) the hand moves from its usual place
MAX_SHIFT = 8.0
CLUTTER = 3                   # background objects and strokes, each there with chance CLUTTER_P
CLUTTER_P = 0.15
LEFT_HAND_P = 0.2             # chance of a left hand (thumb on the other side)
DESK_P = 0.1                  # chance of a desk edge across the bottom of the photo
SLEEVE_P = 0.3                # chance of a sleeve over the forearm
LIGHT = (0.0, 0.3)            # strength of the light's gradient across the photo
EXPOSURE = (0.75, 1.1)
NOISE = 0.03                  # sensor noise (standard deviation, in [0, 1] units)

# Which fingers are up for each count (thumb, index, middle, ring, little), and how often.
FINGER_SETS = {
    0: [((0, 0, 0, 0, 0), 1.0)],
    1: [((0, 1, 0, 0, 0), 0.85), ((1, 0, 0, 0, 0), 0.15)],
    2: [((0, 1, 1, 0, 0), 0.8), ((1, 1, 0, 0, 0), 0.15), ((0, 1, 0, 0, 1), 0.05)],
    3: [((0, 1, 1, 1, 0), 0.7), ((1, 1, 1, 0, 0), 0.3)],
    4: [((0, 1, 1, 1, 1), 0.9), ((1, 1, 1, 1, 0), 0.1)],
    5: [((1, 1, 1, 1, 1), 1.0)],
}

# --------------------------------------------------------------------------
# Colours (RGB in [0, 1])
# --------------------------------------------------------------------------

SKIN = SKIN_TONES
WALLS = np.array([
    [0.95, 0.95, 0.93], [0.88, 0.88, 0.86], [0.80, 0.84, 0.88], [0.92, 0.88, 0.78],
    [0.84, 0.90, 0.82], [0.92, 0.84, 0.84],
], dtype=F32)
THINGS = np.array([
    [0.55, 0.35, 0.20], [0.75, 0.60, 0.40], [0.20, 0.45, 0.20], [0.85, 0.85, 0.82],
    [0.50, 0.50, 0.52], [0.15, 0.15, 0.17], [0.65, 0.15, 0.15], [0.20, 0.30, 0.60],
    [0.85, 0.75, 0.30], [0.60, 0.45, 0.55], [0.90, 0.60, 0.45],
], dtype=F32)


def _u(rng, lo, hi, B) -> np.ndarray:
    return rng.uniform(lo, hi, B).astype(F32)


def _clipped_normal(rng, sd, limit, B) -> np.ndarray:
    return np.clip(rng.normal(0.0, sd, B), -limit, limit).astype(F32)


def _pick(rng, palette, B, jitter=0.05) -> np.ndarray:
    c = palette[rng.integers(0, len(palette), B)] + rng.uniform(-jitter, jitter, (B, 3)).astype(F32)
    return np.clip(c, 0.0, 1.0)


# --------------------------------------------------------------------------
# Background: a wall, maybe a desk edge, and clutter
# --------------------------------------------------------------------------

def background(rng, B) -> np.ndarray:
    """A fresh canvas (B, 3, 64, 64): a wall, sometimes a desk in front of it, and clutter."""
    S = IMAGE_SIZE
    top, bottom = _pick(rng, WALLS, B), _pick(rng, THINGS, B)
    horizon = np.where(rng.random(B) < DESK_P, _u(rng, 36, 62, B), 200.0).astype(F32)  # a desk edge, or none
    gy = (np.arange(S, dtype=F32) + 0.5).reshape(1, 1, S, 1)
    below = np.clip(gy - horizon.reshape(-1, 1, 1, 1) + 0.5, 0.0, 1.0)
    canvas = top[:, :, None, None] * (1 - below) + bottom[:, :, None, None] * below
    canvas = np.repeat(canvas, S, axis=3)
    for _ in range(CLUTTER):
        clutter(rng, canvas)
    return canvas


def clutter(rng, canvas) -> None:
    """A box, a blob or a stroke in a random place, in some of the pictures (with chance CLUTTER_P)."""
    B, S = len(canvas), IMAGE_SIZE
    kind = np.where(rng.random(B) < CLUTTER_P, rng.integers(0, 3, B), -1)   # -1: nothing
    x, y = _u(rng, -4, 68, B), _u(rng, -4, 68, B)
    w, h = _u(rng, 4, 22, B), _u(rng, 4, 22, B)
    angle = _u(rng, 0, 2 * np.pi, B)
    thickness = _u(rng, 1, 3.5, B)
    colour = _pick(rng, THINGS, B)
    paint(canvas, some(S, kind == 0, lambda i: rect(S, x[i], y[i], x[i] + w[i], y[i] + h[i])), colour)
    paint(canvas, some(S, kind == 1, lambda i: ellipse(S, x[i], y[i], w[i] / 2, h[i] / 2, angle[i])), colour)
    paint(canvas, some(S, kind == 2, lambda i: capsule(S, x[i], y[i], x[i] + 2 * w[i] * np.cos(angle[i]),
                                                       y[i] + 2 * w[i] * np.sin(angle[i]), thickness[i])), colour)


# --------------------------------------------------------------------------
# The hand (local units: the palm is about 1 wide, its centre at the origin,
# fingers pointing up (-y), the thumb on the +x side)
# --------------------------------------------------------------------------

FINGER_X = (-0.32, -0.107, 0.107, 0.32)         # index, middle, ring, little
FINGER_LENGTH = (0.95, 1.05, 0.98, 0.76)
FINGER_SPREAD = (-0.20, -0.06, 0.07, 0.22)      # radians, for a hand with fingers spread
FINGER_WIDTH = 0.18
KNUCKLE_Y = -0.48


def draw_hand(canvas, rng, fingers: np.ndarray):
    """Draw one hand per image; ``fingers`` (B, 5) says which are up. Returns the silhouette."""
    B, S = len(canvas), IMAGE_SIZE
    palm_px = _u(rng, *PALM_WIDTH, B)
    angle = _clipped_normal(rng, ROTATION, MAX_ROTATION, B)
    flip = np.where(rng.random(B) < LEFT_HAND_P, -1.0, 1.0).astype(F32)
    tx = 32 + _clipped_normal(rng, SHIFT, MAX_SHIFT, B)
    ty = 42 + _clipped_normal(rng, SHIFT, MAX_SHIFT, B) * 0.6 + (palm_px - 22) * 0.9
    f = Frame(S, tx, ty, palm_px, angle, flip)

    skin = _pick(rng, SKIN, B, jitter=0.04)
    edge = skin * _u(rng, 0.5, 0.65, B)[:, None]
    length = _u(rng, 0.9, 1.1, B)
    spread = _u(rng, 1.0, 1.7, B)
    width = FINGER_WIDTH * _u(rng, 0.9, 1.1, B)

    palm = union(f.ellipse(0, 0.02, 0.5, 0.58),
                 f.polygon([(-0.44, KNUCKLE_Y), (0.44, KNUCKLE_Y), (0.44, 0.3), (-0.44, 0.3)]),
                 f.ellipse(0.27, 0.22, 0.24, 0.34, -0.35))
    arm = f.capsule(0.0, 0.4, 0.05, 3.5, _u(rng, 0.72, 0.85, B))

    # fingers: up (long, spread) or curled over the palm (a knuckle and a folded stub)
    parts = []
    for i in range(4):
        up = fingers[:, i + 1]
        x0 = FINGER_X[i]
        a = FINGER_SPREAD[i] * spread + _u(rng, -0.05, 0.05, B)
        L = FINGER_LENGTH[i] * length * _u(rng, 0.95, 1.05, B)
        tip_x = np.where(up > 0, x0 + L * np.sin(a), x0 * 0.95)
        tip_y = np.where(up > 0, KNUCKLE_Y - L * np.cos(a), KNUCKLE_Y - 0.12)
        parts.append(f.capsule(x0, KNUCKLE_Y + 0.12, tip_x, tip_y, width))
    # the folded fingertips, lying over the palm below the knuckles
    folded = [some(S, fingers[:, j + 1] == 0, lambda i, j=j: f.take(i).capsule(
        FINGER_X[j] * 0.95, KNUCKLE_Y - 0.02, FINGER_X[j] * 0.9, KNUCKLE_Y + 0.32, width[i] * 1.05)) for j in range(4)]
    thumb_up = fingers[:, 0].astype(F32)
    ta = _u(rng, 0.45, 0.95, B)                        # angle of a raised thumb from the horizontal
    tl = 0.62 * length
    t1x = np.where(thumb_up > 0, 0.4 + 0.5 * tl * np.cos(ta + 0.25), 0.15)
    t1y = np.where(thumb_up > 0, 0.18 - 0.5 * tl * np.sin(ta + 0.25), 0.02)
    t2x = np.where(thumb_up > 0, t1x + 0.55 * tl * np.cos(ta), -0.12)
    t2y = np.where(thumb_up > 0, t1y - 0.55 * tl * np.sin(ta), -0.08)
    thumb = union(f.capsule(0.38, 0.26, t1x, t1y, width * 1.25), f.capsule(t1x, t1y, t2x, t2y, width * 1.1))

    silhouette = union(palm, arm, thumb, *parts)

    # the hand's shadow on the background
    dy, dx = rng.integers(1, 5), rng.integers(-4, 5)
    shade(canvas, shifted(silhouette, int(dy), int(dx)), _u(rng, 0.55, 0.8, B))

    # the forearm, perhaps in a sleeve
    paint(canvas, grow(arm), edge)
    paint(canvas, arm, skin)
    cuff = _u(rng, 0.9, 1.6, B)
    sleeve = some(S, rng.random(B) < SLEEVE_P, lambda i: f.take(i).capsule(0.0, cuff[i], 0.06, 3.6, 1.05))
    paint(canvas, sleeve, _pick(rng, THINGS, B))

    hand = union(palm, *parts)             # outlined as one: the outline shows where fingers part
    paint(canvas, grow(hand), edge)
    paint(canvas, hand, skin)
    for stub in folded:
        paint(canvas, grow(stub), edge)
        paint(canvas, stub, skin * 0.97)
    paint(canvas, grow(thumb), edge)
    paint(canvas, thumb, skin)
    return silhouette


# --------------------------------------------------------------------------
# Photography
# --------------------------------------------------------------------------

def finish(rng, canvas) -> np.ndarray:
    """Light from one side, random exposure and colour cast, noise, then uint8."""
    B, S = len(canvas), IMAGE_SIZE
    a = _u(rng, 0, 2 * np.pi, B)
    strength = _u(rng, *LIGHT, B)
    g = (np.arange(S, dtype=F32) + 0.5 - S / 2) / (S / 2)
    gain = 1.0 + strength.reshape(-1, 1, 1, 1) * (np.cos(a).reshape(-1, 1, 1, 1) * g.reshape(1, 1, 1, S)
                                                  + np.sin(a).reshape(-1, 1, 1, 1) * g.reshape(1, 1, S, 1))
    exposure = rng.uniform(*EXPOSURE, (B, 1, 1, 1)).astype(F32)
    tint = rng.uniform(0.94, 1.06, (B, 3, 1, 1)).astype(F32)
    canvas *= gain * (exposure * tint)
    add_noise(canvas, np.full(B, NOISE, F32), rng.random((B, 2), dtype=F32))
    return to_uint8(canvas)


def render(labels: np.ndarray, seed_seq: np.random.SeedSequence) -> np.ndarray:
    """Draw one photo per label (the number of raised fingers): (len(labels), 64, 64, 3) uint8.

    A pure function of its arguments, so chunks can be drawn in any order.
    """
    rng = np.random.default_rng(seed_seq)
    B = len(labels)
    fingers = np.zeros((B, 5), dtype=np.int64)
    for k, options in FINGER_SETS.items():
        idx = np.flatnonzero(labels == k)
        sets = np.array([s for s, _ in options])
        p = np.array([w for _, w in options])
        fingers[idx] = sets[rng.choice(len(options), len(idx), p=p / p.sum())]
    canvas = background(rng, B)
    draw_hand(canvas, rng, fingers)
    return finish(rng, canvas)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

def _generate(n: int, seq: np.random.SeedSequence):
    labels = balanced_labels(np.random.default_rng(child(seq, 0)), n, len(CLASSES))
    draw_seq = child(seq, 1)
    images = run_chunks(n, _CHUNK, lambda c, a, b: render(labels[a:b], child(draw_seq, c)),
                        (IMAGE_SIZE, IMAGE_SIZE, 3))
    return images, labels


def make_sign_images(n: int, seed: int = 1):
    """Draw ``n`` 64x64 photos of a hand showing 0 to 5 fingers.

    Introduced in notebook 09 (the raw generator behind :func:`load_signs`).

    Returns ``(images, labels)``: ``images`` is uint8 shaped (n, 64, 64, 3),
    ``labels`` int64 shaped (n,) with values 0-5 (the number of raised
    fingers), each class as often as ``n`` allows, in random order. The same
    ``(n, seed)`` gives byte-identical arrays on any machine.
    """
    n = check_count("n", n)
    seed = check_seed(seed)
    return _generate(n, np.random.SeedSequence(seed))


def load_signs(n_train: int = 1080, n_test: int = 120, seed: int = 1, use_cache: bool = True):
    """Load the hand-signs dataset in the original SIGNS layout.

    Introduced in notebook 09 (TensorFlow introduction) and reused in
    notebook 12 (residual networks).

    Returns ``X_train_orig`` (n_train, 64, 64, 3) uint8, ``Y_train_orig``
    (1, n_train) int64, ``X_test_orig`` (n_test, 64, 64, 3) uint8,
    ``Y_test_orig`` (1, n_test) int64 and ``classes`` = ``np.array([0, 1, 2, 3, 4, 5])``.

    The images are drawn by :func:`make_sign_images` (balanced classes); the
    training and test sets come from separate seed streams, so changing
    ``n_test`` leaves the training set as it is. Results are cached under
    ``data/cache/``.

    If ``train_signs.h5`` and ``test_signs.h5`` are both in
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
        train_x, train_y = _generate(n_train, train_seq)
        test_x, test_y = _generate(n_test, test_seq)
        return {"train_x": train_x, "train_y": train_y.reshape(1, -1),
                "test_x": test_x, "test_y": test_y.reshape(1, -1)}

    params = {"n_train": n_train, "n_test": n_test, "seed": seed, "generator": GENERATOR_VERSION}
    d = cached("signs", params, build, use_cache)
    return d["train_x"], d["train_y"], d["test_x"], d["test_y"], CLASSES.copy()


def preview_signs(n: int = 24, seed: int = 1):
    """Show the first ``n`` training images of ``load_signs(seed=seed)``, titled with their labels.

    Introduced in notebook 09. Returns the Matplotlib figure.
    """
    from ..plots import show_image_grid

    n = check_count("n", n)
    seed = check_seed(seed)
    train_x, train_y, *_ = load_signs(n_train=max(n, 1080), seed=seed)
    return show_image_grid(train_x[:n], [f"y = {y}" for y in train_y[0, :n]], ncols=8, max_images=n)
