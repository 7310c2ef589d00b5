"""Cat vs non-cat: an open, seeded replacement for ``train/test_catvnoncat.h5``.

Introduced in notebook 01 (logistic regression with a neural-network mindset)
and reused in notebook 04 (deep neural network application).

Every image is drawn with NumPy: no download, no file. Cats sit, lie or fill
the frame as a face close-up, in varied fur colours and patterns (tabby
stripes, white or dark patches), with ears, eyes, nose, whiskers and tail,
over rooms and gardens cluttered with furniture and brush strokes. The
non-cats (dogs, birds, houses, trees, cars, abstract strokes) are drawn with
the same shapes and the same colours, so colour alone does not tell them
apart. Each photo is lit in one of three ways: normally, against the light
(dark subject, bright background) or with a flash (bright subject, dark
background).

The difficulty is tuned (the knobs below) so that the course's lessons show
with the default ``load_cat_dataset()``, preprocessed as in the course
(``X = train_x.reshape(m, -1).T / 255.``):

- notebook 01: logistic regression (zero init, 2000 iterations, learning
  rate 0.005) fits the training set (99.5 %) but reaches only 68 % on the
  test set (the original: 99 % / 70 %); learning rates 0.01, 0.001 and
  0.0001 show a fast-but-bumpy, a slow and a far-too-slow cost curve;
- notebook 04: a 4-layer network [12288, 20, 7, 5, 1] beats a 2-layer one
  [12288, 7, 1] on the test set (80 % vs 74 %; the original: 80 % vs 72 %).
  The lighting is what makes depth pay: the same pixels are dark in one cat
  and bright in another, which a linear model (or the nearly linear 2-layer
  network) cannot undo. Over many seeds and large test sets the gap averages
  about 10 points; on 50 test images it varies from seed to seed.

Drawing is vectorised over a batch of images of one kind ("lying cat", "car",
...): each shape is a soft mask computed from coordinate grids over the small
window of the image that holds it (a :class:`Patch`), and composited onto a
channel-first float canvas ``(B, 3, 64, 64)`` in [0, 1]. Batches are drawn on
threads, each from its own seed, so the result does not depend on the machine
or on the number of cores.

If the original files ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` are in
:data:`course_utils.config.DATA_DIR`, :func:`load_cat_dataset` reads them
instead.
"""

from __future__ import annotations

import numbers
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import config
from ._cache import cached

__all__ = ["load_cat_dataset", "make_cat_images", "preview_cat_dataset", "CLASSES", "IMAGE_SIZE"]

IMAGE_SIZE = 64
CLASSES = np.array([b"non-cat", b"cat"], dtype="S7")
ORIGINAL_FILES = ("train_catvnoncat.h5", "test_catvnoncat.h5")
GENERATOR_VERSION = 2  # bump when the drawings change, so cached copies are not reused

# Class balance: about a third cats in training (as in the original), half in
# the test set, so that chance is 50 % and a test accuracy of 60-85 % means something.
TRAIN_CAT_FRACTION = 0.35
TEST_CAT_FRACTION = 0.5

CAT_KINDS = ("sitting cat", "lying cat", "cat face")
CAT_KIND_P = (0.4, 0.2, 0.4)
NONCAT_KINDS = ("dog", "dog face", "bird", "house", "tree", "car", "strokes")
NONCAT_KIND_P = (0.2, 0.15, 0.15, 0.12, 0.12, 0.11, 0.15)

_CHUNK = 64  # images drawn together (the batch of one drawing program)

# Difficulty knobs, tuned so that the lessons show (see the module docstring).
POSE_SPREAD = 0.2        # how far subjects move and grow around their usual place (1 = widely)
FURNITURE = 3            # boxes that may stand on the floor behind the subject ...
FURNITURE_P = 0.7        # ... each there with this chance
SCRIBBLES = 3            # random brush strokes over the background ...
SCRIBBLES_P = 0.6        # ... each there with this chance
BACKLIT_P = 0.25         # chance of a photo against the light: dark subject, bright background
FLASH_P = 0.5            # chance of a flash photo: bright subject, dark background
BACKLIT_SUBJECT = (0.1, 0.3)     # how dark a backlit subject gets (factor on its colours)
FLASH_BACKGROUND = (0.15, 0.35)  # how dark the background of a flash photo gets
EXPOSURE = (0.4, 1.2)    # range of the random exposure of the whole photo
NOISE = 0.025            # sensor noise (standard deviation, in [0, 1] units)

# --------------------------------------------------------------------------
# Colours (RGB in [0, 1])
# --------------------------------------------------------------------------

FUR = np.array([
    [0.08, 0.08, 0.09],  # black
    [0.30, 0.30, 0.32],  # dark grey
    [0.55, 0.55, 0.57],  # grey
    [0.92, 0.91, 0.88],  # white
    [0.85, 0.50, 0.20],  # ginger
    [0.93, 0.80, 0.60],  # cream
    [0.45, 0.30, 0.18],  # brown
    [0.62, 0.50, 0.35],  # tabby brown
    [0.85, 0.65, 0.32],  # golden
], dtype=np.float32)

CLUTTER = np.array([
    [0.55, 0.35, 0.20], [0.40, 0.25, 0.12], [0.75, 0.60, 0.40],  # woods
    [0.20, 0.45, 0.20], [0.35, 0.60, 0.25], [0.10, 0.30, 0.12],  # greens
    [0.85, 0.85, 0.82], [0.50, 0.50, 0.52], [0.20, 0.20, 0.22],  # greys
    [0.60, 0.15, 0.15], [0.20, 0.30, 0.60], [0.85, 0.75, 0.30],  # red, blue, yellow
    [0.60, 0.45, 0.55], [0.90, 0.60, 0.45],                      # mauve, peach
], dtype=np.float32)

WALLS = np.array([
    [0.90, 0.85, 0.75], [0.80, 0.80, 0.78], [0.70, 0.80, 0.85], [0.85, 0.75, 0.60],
    [0.60, 0.65, 0.55], [0.95, 0.92, 0.85], [0.55, 0.50, 0.48],
], dtype=np.float32)
FLOORS = np.array([
    [0.55, 0.38, 0.22], [0.70, 0.55, 0.38], [0.40, 0.28, 0.18], [0.60, 0.60, 0.58],
    [0.50, 0.20, 0.20], [0.30, 0.35, 0.45],
], dtype=np.float32)
SKIES = np.array([[0.55, 0.75, 0.95], [0.70, 0.82, 0.92], [0.80, 0.82, 0.85], [0.45, 0.60, 0.85]],
                 dtype=np.float32)
GRASS = np.array([[0.30, 0.55, 0.20], [0.45, 0.60, 0.25], [0.25, 0.42, 0.18], [0.60, 0.55, 0.35]],
                 dtype=np.float32)
EYES = np.array([[0.55, 0.75, 0.20], [0.90, 0.75, 0.15], [0.85, 0.55, 0.15], [0.35, 0.60, 0.85]],
                dtype=np.float32)
PINK = np.array([0.90, 0.55, 0.60], dtype=np.float32)
DARK = np.array([0.05, 0.04, 0.04], dtype=np.float32)

# --------------------------------------------------------------------------
# Batched soft masks over windows of the image
# --------------------------------------------------------------------------

S = IMAGE_SIZE
_AXIS = np.arange(S, dtype=np.float32) + 0.5
_GX = _AXIS.reshape(1, 1, S)  # x of pixel centres, growing along columns
_GY = _AXIS.reshape(1, S, 1)  # y of pixel centres, growing down the rows


class Patch:
    """Values over a window of the image, for a batch of B images.

    ``a`` is (B, h, w) for a mask (coverage in [0, 1]) or (B, 3, h, w) for a
    colour field, covering rows ``y0:y0+h`` and columns ``x0:x0+w``. Shapes
    only compute and paint the window that holds them in some image of the
    batch, which is what makes the generator fast.
    """

    __slots__ = ("a", "y0", "x0")

    def __init__(self, a: np.ndarray, y0: int = 0, x0: int = 0):
        self.a, self.y0, self.x0 = a, y0, x0

    @property
    def rows(self) -> slice:
        return slice(self.y0, self.y0 + self.a.shape[-2])

    @property
    def cols(self) -> slice:
        return slice(self.x0, self.x0 + self.a.shape[-1])

    def __mul__(self, k) -> "Patch":
        return Patch(self.a * k, self.y0, self.x0)

    def crop(self, other: "Patch") -> np.ndarray:
        """This patch's values over ``other``'s window (which must lie inside this one)."""
        y, x = other.y0 - self.y0, other.x0 - self.x0
        return self.a[..., y:y + other.a.shape[-2], x:x + other.a.shape[-1]]

    def full(self) -> np.ndarray:
        """The whole image's (B, S, S) mask."""
        out = np.zeros(self.a.shape[:-2] + (S, S), np.float32)
        out[..., self.rows, self.cols] = self.a
        return out


def _col(a) -> np.ndarray:
    """(B,) parameters -> (B, 1, 1), ready to broadcast against a grid."""
    return np.asarray(a, dtype=np.float32).reshape(-1, 1, 1)


def _window(xmin, xmax, ymin, ymax):
    """The pixel window (y0, y1, x0, x1) covering every image's box, clipped to the image."""
    x0 = int(np.clip(np.floor(np.min(xmin)), 0, S))
    x1 = int(np.clip(np.ceil(np.max(xmax)), x0, S))
    y0 = int(np.clip(np.floor(np.min(ymin)), 0, S))
    y1 = int(np.clip(np.ceil(np.max(ymax)), y0, S))
    return y0, y1, x0, x1


def _grid(window):
    """Pixel-centre coordinates of a window: x (1, 1, w) and y (1, h, 1)."""
    y0, y1, x0, x1 = window
    return _GX[:, :, x0:x1], _GY[:, y0:y1, :]


def ellipse(cx, cy, rx, ry, angle=0.0, window=None) -> Patch:
    """Filled ellipse of radii ``rx``, ``ry`` rotated by ``angle`` (radians), soft edged."""
    cx, cy, rx, ry = np.broadcast_arrays(*(np.asarray(a, np.float32) for a in (cx, cy, rx, ry)))
    angle = np.broadcast_to(np.asarray(angle, np.float32), cx.shape)
    k = np.maximum(np.minimum(rx, ry), 1.5) * 0.5       # edge sharpness: about one pixel
    if window is None:
        reach = np.maximum(rx, ry) * np.sqrt(1 + 0.5 / k) + 0.5
        window = _window(cx - reach, cx + reach, cy - reach, cy + reach)
    gx, gy = _grid(window)
    c, s = np.cos(angle), np.sin(angle)
    dx, dy = gx - _col(cx), gy - _col(cy)                # (B,1,w) and (B,h,1)
    u = dx * _col(c / rx) + dy * _col(s / rx)            # (B,h,w), along the first axis
    v = dy * _col(c / ry) - dx * _col(s / ry)
    u *= u
    v *= v
    u += v                                               # q = 1 on the outline
    np.subtract(1.0, u, out=u)
    u *= _col(k)
    u += 0.5
    return Patch(np.clip(u, 0.0, 1.0, out=u), window[0], window[2])


def stroke(x0, y0, x1, y1, width) -> Patch:
    """A straight brush stroke ``width`` pixels wide from (x0, y0) to (x1, y1)."""
    x0, y0, x1, y1, width = np.broadcast_arrays(*(np.asarray(a, np.float32) for a in (x0, y0, x1, y1, width)))
    half_length = np.hypot(x1 - x0, y1 - y0) * 0.5 + width * 0.5
    return ellipse((x0 + x1) * 0.5, (y0 + y1) * 0.5, half_length, width * 0.5, np.arctan2(y1 - y0, x1 - x0))


def rect(x0, y0, x1, y1) -> Patch:
    """Axis-aligned filled rectangle: a product of two 1-D ramps (cheap)."""
    window = _window(np.asarray(x0) - 0.5, np.asarray(x1) + 0.5, np.asarray(y0) - 0.5, np.asarray(y1) + 0.5)
    gx, gy = _grid(window)
    mx = np.clip(np.minimum(gx - _col(x0), _col(x1) - gx) + 0.5, 0.0, 1.0)
    my = np.clip(np.minimum(gy - _col(y0), _col(y1) - gy) + 0.5, 0.0, 1.0)
    return Patch(mx * my, window[0], window[2])


def polygon(points) -> Patch:
    """Convex polygon through ``points`` [(x, y), ...], in either winding order."""
    xs = [np.asarray(p[0], np.float32) for p in points]
    ys = [np.asarray(p[1], np.float32) for p in points]
    margin = 2.0  # the soft edge, and a little more at sharp corners
    window = _window(np.minimum.reduce(xs) - margin, np.maximum.reduce(xs) + margin,
                     np.minimum.reduce(ys) - margin, np.maximum.reduce(ys) + margin)
    gx, gy = _grid(window)
    n = len(points)
    area = sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))
    sign = np.where(area >= 0, 1.0, -1.0).astype(np.float32)
    inside = None
    for i in range(n):
        j = (i + 1) % n
        ex, ey = xs[j] - xs[i], ys[j] - ys[i]
        norm = np.maximum(np.hypot(ex, ey), 1e-3) * sign
        # signed distance to the edge's line, positive inside
        d = (gx - _col(xs[i])) * _col(-ey / norm) + (gy - _col(ys[i])) * _col(ex / norm)
        inside = d if inside is None else np.minimum(inside, d, out=inside)
    inside += 0.5
    return Patch(np.clip(inside, 0.0, 1.0, out=inside), window[0], window[2])


def union(*masks: Patch) -> Patch:
    """The pixel-wise maximum of several masks."""
    y0, x0 = min(m.y0 for m in masks), min(m.x0 for m in masks)
    y1, x1 = max(m.rows.stop for m in masks), max(m.cols.stop for m in masks)
    out = Patch(np.zeros((len(masks[0].a), y1 - y0, x1 - x0), np.float32), y0, x0)
    for m in masks:
        view = out.crop(m)
        np.maximum(view, m.a, out=view)
    return out


def paint(canvas: np.ndarray, mask: Patch, colour) -> None:
    """Composite ``colour`` ((B, 3), or a colour-field Patch) onto ``canvas`` through ``mask``.

    Canvases are channel-first while drawing, (B, 3, S, S), so that every
    operation runs over whole image planes rather than RGB triplets.
    """
    view = canvas[:, :, mask.rows, mask.cols]
    colour = colour.crop(mask) if isinstance(colour, Patch) else colour[:, :, None, None]
    diff = colour - view
    diff *= mask.a[:, None]
    view += diff


# --------------------------------------------------------------------------
# A drawing frame: local coordinates (unit = the head's radius) -> pixels
# --------------------------------------------------------------------------

class Frame:
    """Places a figure drawn in local units at (tx, ty), scaled by s, maybe mirrored."""

    def __init__(self, tx, ty, s, flip):
        self.tx, self.ty, self.s, self.flip = tx, ty, s, flip

    def x(self, x):
        return self.tx + self.flip * self.s * x

    def y(self, y):
        return self.ty + self.s * y

    def ellipse(self, x, y, rx, ry, angle=0.0) -> Patch:
        return ellipse(self.x(x), self.y(y), self.s * rx, self.s * ry, self.flip * angle)

    def stroke(self, x0, y0, x1, y1, width) -> Patch:
        return stroke(self.x(x0), self.y(y0), self.x(x1), self.y(y1), self.s * width)

    def polygon(self, points) -> Patch:
        return polygon([(self.x(x), self.y(y)) for x, y in points])


def _spread(lo, hi):
    """Shrink the range [lo, hi] around its middle by POSE_SPREAD."""
    mid, half = (lo + hi) / 2, (hi - lo) / 2 * POSE_SPREAD
    return mid - half, mid + half


def _frame(rng, B, scale, x_range, y_range) -> Frame:
    """A random placement per image: size, position (both narrowed by POSE_SPREAD), mirror."""
    s = _u(rng, *_spread(*scale), B)
    tx = _u(rng, *_spread(*x_range), B)
    ty = _u(rng, *_spread(*y_range), B)
    flip = rng.choice(np.array([-1.0, 1.0], np.float32), B)
    return Frame(tx, ty, s, flip)


def _u(rng, lo, hi, B) -> np.ndarray:
    """B uniform draws in [lo, hi) as float32."""
    return rng.uniform(lo, hi, B).astype(np.float32)


def _maybe(rng, p, B) -> np.ndarray:
    """(B, 1, 1) of 1.0 (with chance p) or 0.0: multiplies a mask to show it or not."""
    return _col(rng.random(B) < p)


def _pick(rng, palette, B, jitter=0.06) -> np.ndarray:
    """A random colour per image from ``palette``, slightly varied: (B, 3)."""
    c = palette[rng.integers(0, len(palette), B)]
    c = c + rng.uniform(-jitter, jitter, (B, 3)).astype(np.float32)
    return np.clip(c, 0.0, 1.0)


def _solid(colour, B) -> np.ndarray:
    """The same colour for every image: (B, 3)."""
    return np.broadcast_to(np.asarray(colour, np.float32), (B, 3))


# --------------------------------------------------------------------------
# Fur: a base colour with stripes and/or patches (cats and dogs alike)
# --------------------------------------------------------------------------

def fur_field(rng, B, where: Patch) -> Patch:
    """Fur colours over ``where``'s window, (B, 3, h, w): tabby stripes, white or dark patches, or plain."""
    window = (where.rows.start, where.rows.stop, where.cols.start, where.cols.stop)
    gx, gy = _grid(window)
    base = _pick(rng, FUR, B)
    angle, freq, phase = _u(rng, 0, np.pi, B), _u(rng, 0.5, 1.1, B), _u(rng, 0, 2 * np.pi, B)
    depth = np.where(rng.random(B) < 0.45, _u(rng, 0.35, 0.7, B), 0.0)
    t = gx * _col(np.cos(angle) * freq) + gy * _col(np.sin(angle) * freq) + _col(phase)
    stripes = np.clip(np.sin(t) * 2.5 - 0.5, 0.0, 1.0)
    stripes *= _col(depth)
    field = Patch(base[:, :, None, None] * (1.0 - stripes[:, None]), window[0], window[2])
    blotches = union(*(ellipse(_u(rng, 8, 56, B), _u(rng, 8, 56, B), _u(rng, 4, 14, B), _u(rng, 4, 12, B),
                               _u(rng, 0, np.pi, B), window=window) for _ in range(2)))
    blotches = blotches.a * _maybe(rng, 0.35, B)
    blotch_colour = np.where(rng.random((B, 1)) < 0.7, 0.93, 0.1).astype(np.float32) * np.ones((1, 3), np.float32)
    field.a += blotches[:, None] * (blotch_colour[:, :, None, None] - field.a)
    return field


# --------------------------------------------------------------------------
# Backgrounds: rooms and gardens, with furniture and random strokes
# --------------------------------------------------------------------------

def background(rng, B) -> np.ndarray:
    """A fresh canvas (B, 3, S, S): wall over floor or sky over grass, plus clutter."""
    outdoor = rng.random((B, 1)) < 0.4
    top = np.where(outdoor, _pick(rng, SKIES, B), _pick(rng, WALLS, B))
    bottom = np.where(outdoor, _pick(rng, GRASS, B), _pick(rng, FLOORS, B))
    horizon = _u(rng, 28, 58, B)
    shade = _u(rng, -0.25, 0.25, B)
    below = np.clip(_GY - _col(horizon) + 0.5, 0.0, 1.0)[:, None]   # (B, 1, S, 1)
    column = top[:, :, None, None] * (1 - below) + bottom[:, :, None, None] * below
    column *= 1.0 + _col(shade)[:, None] * (_GY / S - 0.5)           # light falls off downwards
    canvas = np.repeat(column, S, axis=3)
    furniture(rng, canvas, horizon)
    scribbles(rng, canvas, SCRIBBLES, SCRIBBLES_P)
    return canvas


def furniture(rng, canvas, horizon) -> None:
    """Boxes standing on the floor (sofas, tables, hedges), a window or picture, a cushion or bush."""
    B = len(canvas)
    for _ in range(FURNITURE):
        w, h = _u(rng, 6, 30, B), _u(rng, 5, 30, B)
        x0 = _u(rng, -10, 60, B)
        base = horizon + _u(rng, -2, 8, B)
        paint(canvas, rect(x0, base - h, x0 + w, base) * _maybe(rng, FURNITURE_P, B), _pick(rng, CLUTTER, B))
    x, y = _u(rng, 0, 56, B), _u(rng, 0, 18, B)
    window = rect(x, y, x + _u(rng, 6, 18, B), y + _u(rng, 6, 14, B))
    paint(canvas, window * _maybe(rng, 0.5, B), np.clip(_pick(rng, WALLS, B, jitter=0.1) * 1.08, 0, 1))
    cushion = ellipse(_u(rng, 0, 64, B), _u(rng, 30, 64, B), _u(rng, 4, 12, B), _u(rng, 3, 7, B),
                      _u(rng, -0.5, 0.5, B))
    paint(canvas, cushion * _maybe(rng, 0.5, B), _pick(rng, CLUTTER, B))


def scribbles(rng, canvas, n, p=1.0) -> list:
    """Up to ``n`` random brush strokes per image (each there with chance p); returns their masks."""
    B = len(canvas)
    palette = np.concatenate([FUR, CLUTTER])
    masks = []
    for _ in range(n):
        x0, y0 = _u(rng, 0, 64, B), _u(rng, 0, 64, B)
        length, angle = _u(rng, 5, 30, B), _u(rng, 0, 2 * np.pi, B)
        m = stroke(x0, y0, x0 + length * np.cos(angle), y0 + length * np.sin(angle), _u(rng, 1, 4, B))
        m = m * _maybe(rng, p, B)
        paint(canvas, m, _pick(rng, palette, B))
        masks.append(m)
    return masks


# --------------------------------------------------------------------------
# Cats (local units: the head is a circle of radius 1 at the origin).
# Every draw_* function paints onto the canvas and returns the subject's
# silhouette (B, S, S), which the lighting step needs.
# --------------------------------------------------------------------------

def cat_head(f: Frame, rng, B):
    """Head and two pointed ears; returns (fur mask, inner-ear mask)."""
    head = f.ellipse(0, 0, _u(rng, 1.0, 1.15, B), _u(rng, 0.85, 1.0, B))
    tip = _u(rng, 1.45, 1.8, B)
    spread = _u(rng, 0.75, 1.0, B)
    ears = [f.polygon([(sx * 0.95, -0.2), (sx * 0.2, -0.8), (sx * spread, -tip)]) for sx in (-1, 1)]
    inner = [f.polygon([(sx * 0.75, -0.45), (sx * 0.38, -0.75), (sx * spread * 0.92, -tip * 0.82)])
             for sx in (-1, 1)]
    return union(head, *ears), union(*inner)


def cat_eyes(canvas, f: Frame, rng, B) -> None:
    """Almond eyes, green to amber or blue, with slit pupils."""
    opening = _u(rng, 0.1, 0.2, B)
    eyes = union(*(f.ellipse(sx * 0.42, -0.1, 0.24, opening, sx * 0.2) for sx in (-1, 1)))
    paint(canvas, eyes, _pick(rng, EYES, B))
    pupils = union(*(f.ellipse(sx * 0.42, -0.1, 0.05, opening * 0.95) for sx in (-1, 1)))
    paint(canvas, pupils, _solid(DARK, B))


def cat_muzzle(canvas, f: Frame, rng, B) -> None:
    """A pink triangular nose, a small mouth and three whiskers on each side."""
    paint(canvas, f.polygon([(-0.13, 0.25), (0.13, 0.25), (0, 0.4)]), _solid(PINK, B))
    mouth = union(f.stroke(0, 0.4, -0.15, 0.55, 0.05), f.stroke(0, 0.4, 0.15, 0.55, 0.05))
    paint(canvas, mouth, _solid(DARK + 0.2, B))
    whiskers = union(*(f.stroke(sx * 0.25, 0.4, sx * 1.55, 0.4 + dy, 0.045)
                       for sx in (-1, 1) for dy in (-0.25, 0.0, 0.22)))
    light = rng.random((B, 1)) < 0.7
    paint(canvas, whiskers, np.where(light, 0.95, 0.15) * np.ones((1, 3), np.float32))


def cat_tail(f: Frame, x0, y0, rng, B):
    """A tail in two segments, curling up at the end."""
    x1, y1 = x0 + _u(rng, 0.8, 1.3, B), y0 + _u(rng, -0.2, 0.3, B)
    x2, y2 = x1 + _u(rng, 0.2, 0.7, B), y1 - _u(rng, 0.5, 1.3, B)
    return union(f.stroke(x0, y0, x1, y1, 0.3), f.stroke(x1, y1, x2, y2, 0.26))


def cat_with(canvas, f: Frame, rng, B, *parts) -> Patch:
    """Paint a cat's head plus ``parts`` in one fur, then its face; return the silhouette."""
    head, inner_ears = cat_head(f, rng, B)
    silhouette = union(head, *parts)
    paint(canvas, silhouette, fur_field(rng, B, silhouette))
    paint(canvas, inner_ears, _solid(PINK * 0.9, B))
    cat_eyes(canvas, f, rng, B)
    cat_muzzle(canvas, f, rng, B)
    return silhouette


def draw_sitting_cat(canvas, rng):
    """A cat sitting upright, facing us, tail curled at its side."""
    B = len(canvas)
    f = _frame(rng, B, (5.5, 9.0), (20, 44), (14, 24))
    body = f.ellipse(0.1, 2.0, _u(rng, 0.95, 1.25, B), _u(rng, 1.3, 1.6, B))
    haunch = f.ellipse(0.55, 2.8, 0.85, 0.7)
    legs = union(f.ellipse(-0.35, 2.9, 0.2, 0.8), f.ellipse(0.15, 2.9, 0.2, 0.8))
    return cat_with(canvas, f, rng, B, body, haunch, legs, cat_tail(f, 1.0, 3.3, rng, B))


def draw_lying_cat(canvas, rng):
    """A cat lying down, its body stretched out behind its head."""
    B = len(canvas)
    f = _frame(rng, B, (4.5, 7.5), (12, 30), (20, 42))
    f.tx = np.where(f.flip < 0, IMAGE_SIZE - f.tx, f.tx).astype(np.float32)  # body stays in frame
    body = f.ellipse(_u(rng, 1.9, 2.2, B), 1.0, _u(rng, 1.8, 2.3, B), _u(rng, 0.7, 0.95, B))
    paws = union(f.ellipse(-0.1, 1.6, 0.6, 0.2), f.ellipse(0.4, 1.75, 0.6, 0.2))
    return cat_with(canvas, f, rng, B, body, paws, cat_tail(f, 3.9, 1.3, rng, B))


def draw_cat_face(canvas, rng):
    """A close-up of a cat's face, shoulders below."""
    B = len(canvas)
    f = _frame(rng, B, (13, 20), (24, 40), (28, 40))
    return cat_with(canvas, f, rng, B, f.ellipse(0, 2.0, 1.7, 1.0))


# --------------------------------------------------------------------------
# Non-cats, drawn with the same shapes and colours
# --------------------------------------------------------------------------

def dog_head(f: Frame, rng, B):
    """A dog's round head with its muzzle, and two floppy ears: two masks."""
    head = f.ellipse(0, 0, _u(rng, 0.9, 1.1, B), _u(rng, 0.9, 1.1, B))
    droop = _u(rng, 0.4, 1.0, B)
    ears = union(*(f.ellipse(sx * 0.95, 0.35, 0.35, droop + 0.3, sx * 0.35) for sx in (-1, 1)))
    muzzle = f.ellipse(0, 0.55, _u(rng, 0.45, 0.65, B), 0.42)
    return union(head, muzzle), ears


def dog_face(canvas, f: Frame, rng, B) -> None:
    """Round dark eyes, a big black nose, and (sometimes) a pink tongue."""
    eyes = union(*(f.ellipse(sx * 0.4, -0.2, 0.13, 0.13) for sx in (-1, 1)))
    paint(canvas, eyes, _solid(DARK + 0.1, B))
    paint(canvas, f.ellipse(0, 0.35, 0.2, 0.14), _solid(DARK, B))
    paint(canvas, f.ellipse(0, 0.95, 0.15, 0.2) * _maybe(rng, 0.5, B), _solid(PINK, B))


def dog_with(canvas, f: Frame, rng, B, *parts) -> Patch:
    """Paint a dog's head plus ``parts`` in one fur (ears darker), then its face; return the silhouette."""
    head, ears = dog_head(f, rng, B)
    silhouette = union(head, ears, *parts)
    fur = fur_field(rng, B, silhouette)
    paint(canvas, union(head, *parts), fur)
    paint(canvas, ears, fur * 0.7)
    dog_face(canvas, f, rng, B)
    return silhouette


def draw_dog(canvas, rng):
    """A dog standing side-on: long body on four legs, head up front, tail up."""
    B = len(canvas)
    f = _frame(rng, B, (4.5, 7.5), (14, 30), (16, 32))
    f.tx = np.where(f.flip < 0, IMAGE_SIZE - f.tx, f.tx).astype(np.float32)
    body = f.ellipse(2.0, 1.6, _u(rng, 1.5, 2.0, B), _u(rng, 0.7, 0.95, B))
    legs = union(*(f.stroke(x, 1.9, x + dx, 3.4, 0.35)
                   for x, dx in ((0.8, -0.1), (1.3, 0.1), (2.7, -0.1), (3.2, 0.1))))
    tail = f.stroke(3.6, 1.2, 4.4, _u(rng, -0.2, 0.8, B), 0.25)
    neck = f.stroke(0.3, 0.5, 1.2, 1.4, 0.8)
    return dog_with(canvas, f, rng, B, body, legs, tail, neck)


def draw_dog_face(canvas, rng):
    """A close-up of a dog's face, shoulders below."""
    B = len(canvas)
    f = _frame(rng, B, (13, 20), (24, 40), (26, 38))
    return dog_with(canvas, f, rng, B, f.ellipse(0, 2.0, 1.7, 1.0))


def draw_bird(canvas, rng):
    """A perched bird: round body, head, beak, wing, tail and thin legs."""
    B = len(canvas)
    f = _frame(rng, B, (5, 10), (18, 46), (14, 34))
    colour = _pick(rng, np.concatenate([FUR, CLUTTER]), B)
    legs = union(f.stroke(0.6, 2.4, 0.5, 3.3, 0.12), f.stroke(1.1, 2.4, 1.1, 3.3, 0.12))
    paint(canvas, legs, _solid(DARK + 0.3, B))
    body = union(f.ellipse(0.9, 1.4, 1.6, 1.1, 0.4), f.ellipse(0, 0, 0.8, 0.8),
                 f.polygon([(2.0, 2.0), (3.6, 2.6), (3.3, 3.2)]))
    paint(canvas, body, colour)
    paint(canvas, f.ellipse(1.3, 1.3, 1.1, 0.55, 0.5), colour * 0.65)  # wing
    beak = f.polygon([(-0.6, -0.2), (-0.6, 0.25), (-1.4, 0.05)])
    paint(canvas, beak, _pick(rng, EYES, B))
    paint(canvas, f.ellipse(-0.3, -0.15, 0.14, 0.14), _solid(DARK, B))
    return union(body, beak, legs)


def draw_house(canvas, rng):
    """A house: walls, a pointed roof, a door and two windows."""
    B = len(canvas)
    x0, w = _u(rng, 2, 30, B), _u(rng, 20, 34, B)
    base, h = _u(rng, 48, 64, B), _u(rng, 14, 26, B)
    top = base - h
    walls = rect(x0, top, x0 + w, base)
    paint(canvas, walls, _pick(rng, np.concatenate([WALLS, FUR]), B))
    peak = x0 + w * _u(rng, 0.3, 0.7, B)
    roof = polygon([(x0 - 3, top + 0.5), (x0 + w + 3, top + 0.5), (peak, top - _u(rng, 8, 18, B))])
    paint(canvas, roof, _pick(rng, CLUTTER, B))
    door = x0 + w * _u(rng, 0.2, 0.6, B)
    paint(canvas, rect(door, base - h * 0.55, door + w * 0.2, base), _pick(rng, FLOORS, B))
    windows = union(*(rect(x0 + w * a, top + h * 0.2, x0 + w * a + 5, top + h * 0.2 + 5) for a in (0.1, 0.7)))
    paint(canvas, windows, _pick(rng, SKIES, B))
    return union(walls, roof)


def draw_tree(canvas, rng):
    """A tree: a trunk and a crown of overlapping round clumps."""
    B = len(canvas)
    cx, base = _u(rng, 14, 50, B), _u(rng, 50, 66, B)
    half = _u(rng, 1.5, 3.5, B)
    trunk = rect(cx - half, base - 30, cx + half, base)
    paint(canvas, trunk, _pick(rng, FLOORS, B))
    leaves = _pick(rng, np.concatenate([GRASS, CLUTTER[3:6], FUR[4:5]]), B)
    crown = union(*(ellipse(cx + _u(rng, -12, 12, B), base - _u(rng, 28, 44, B), _u(rng, 7, 14, B),
                            _u(rng, 6, 12, B)) for _ in range(3)))
    paint(canvas, crown, leaves)
    return union(trunk, crown)


def draw_car(canvas, rng):
    """A car side-on: body, cabin, windows and two dark wheels."""
    B = len(canvas)
    x0, w = _u(rng, 0, 22, B), _u(rng, 32, 44, B)
    base = _u(rng, 40, 60, B)
    colour = _pick(rng, np.concatenate([CLUTTER, FUR]), B)
    cabin = polygon([(x0 + w * 0.2, base - 11), (x0 + w * 0.8, base - 11),
                     (x0 + w * 0.68, base - 20), (x0 + w * 0.3, base - 20)])
    body = union(rect(x0, base - 12, x0 + w, base - 3), cabin)
    paint(canvas, body, colour)
    paint(canvas, rect(x0 + w * 0.33, base - 18, x0 + w * 0.65, base - 12.5), _pick(rng, SKIES, B) * 0.8)
    wheels = union(*(ellipse(x0 + w * a, base - 3, 4.5, 4.5) for a in (0.22, 0.78)))
    paint(canvas, wheels, _solid(DARK + 0.1, B))
    return union(body, wheels)


def draw_strokes(canvas, rng):
    """Abstract art: fur-coloured blobs, a triangle and brush strokes."""
    B = len(canvas)
    palette = np.concatenate([FUR, CLUTTER])
    shapes = [ellipse(_u(rng, 10, 54, B), _u(rng, 10, 54, B), _u(rng, 4, 16, B), _u(rng, 4, 12, B),
                      _u(rng, 0, np.pi, B)) for _ in range(2)]
    shapes.append(polygon([(_u(rng, 5, 59, B), _u(rng, 5, 59, B)) for _ in range(3)]))
    for shape in shapes:
        paint(canvas, shape, _pick(rng, palette, B))
    return union(*shapes, *scribbles(rng, canvas, 3))


DRAW = {
    "sitting cat": draw_sitting_cat,
    "lying cat": draw_lying_cat,
    "cat face": draw_cat_face,
    "dog": draw_dog,
    "dog face": draw_dog_face,
    "bird": draw_bird,
    "house": draw_house,
    "tree": draw_tree,
    "car": draw_car,
    "strokes": draw_strokes,
}
KINDS = CAT_KINDS + NONCAT_KINDS


# --------------------------------------------------------------------------
# Photography: lighting, exposure, sensor noise, 8-bit quantisation
# --------------------------------------------------------------------------

NORMAL, BACKLIT, FLASH = 0, 1, 2  # the three lightings


def relight(rng, canvas, subject: Patch, light: np.ndarray) -> None:
    """Light each photo as ``light`` says: NORMAL, BACKLIT (against the light) or FLASH.

    Against the light the subject is a dark silhouette on a bright background;
    with a flash it is bright on a dark background. The same pixels are then
    dark in one cat and bright in another, which a linear model cannot undo
    but a deeper network can learn to (notebook 04's lesson).
    """
    B = len(canvas)
    backlit, flash = light == BACKLIT, light == FLASH
    subject_gain = np.select([backlit, flash], [_u(rng, *BACKLIT_SUBJECT, B), _u(rng, 1.1, 1.3, B)], 1.0)
    background_gain = np.select([backlit, flash], [_u(rng, 1.1, 1.3, B), _u(rng, *FLASH_BACKGROUND, B)], 1.0)
    glare = np.where(backlit, 0.1, 0.0)
    s = subject.full()[:, None]
    gain = _col(background_gain)[:, None] + s * _col(subject_gain - background_gain)[:, None]
    canvas *= gain
    canvas += (1.0 - s) * _col(glare)[:, None]


def finish(rng, canvas) -> np.ndarray:
    """Random exposure and colour cast, a little noise, then uint8."""
    B = len(canvas)
    exposure = rng.uniform(*EXPOSURE, (B, 1, 1, 1)).astype(np.float32)
    tint = rng.uniform(0.93, 1.07, (B, 3, 1, 1)).astype(np.float32)
    canvas *= exposure * tint
    noise = rng.random(canvas.shape, dtype=np.float32)  # uniform: 3x faster than normal
    noise -= 0.5
    noise *= np.float32(NOISE * np.sqrt(12.0))              # standard deviation NOISE
    canvas += noise
    canvas *= 255.0
    canvas += 0.5
    np.clip(canvas, 0, 255, out=canvas)
    return canvas.astype(np.uint8).transpose(0, 2, 3, 1)  # channel-last, as the course expects


def render(kind: str, light: np.ndarray, seed_seq: np.random.SeedSequence) -> np.ndarray:
    """Draw one photo of ``kind`` per entry of ``light``: (len(light), S, S, 3) uint8.

    A pure function of its arguments, so batches can be drawn in any order.
    """
    rng = np.random.default_rng(seed_seq)
    canvas = background(rng, len(light))
    subject = DRAW[kind](canvas, rng)
    relight(rng, canvas, subject, light)
    return finish(rng, canvas)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

def _child(seq: np.random.SeedSequence, i: int) -> np.random.SeedSequence:
    """The i-th child of ``seq`` (what ``seq.spawn`` gives, without mutating it)."""
    return np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (i,))


def _check_count(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer; got {n!r}")
    if n <= 0:
        raise ValueError(f"{name} must be a positive integer; got {n}")
    return int(n)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    return int(seed)


def _check_fraction(cat_fraction) -> float:
    if not isinstance(cat_fraction, numbers.Real) or not 0.0 <= cat_fraction <= 1.0:
        raise ValueError(f"cat_fraction must be a number between 0 and 1; got {cat_fraction!r}")
    return float(cat_fraction)


def _stratified(rng, n: int, p) -> np.ndarray:
    """``n`` category numbers in the proportions ``p`` (as near as whole counts allow), shuffled."""
    p = np.asarray(p, dtype=np.float64)
    counts = np.floor(p * n).astype(int)
    remainders = p * n - counts
    counts[np.argsort(-remainders, kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(p)), counts))


def _plan(n: int, rng, cat_fraction: float):
    """Decide each image's label, kind and lighting, in fixed proportions per class.

    Fixed proportions (rather than independent draws) keep a small test set's
    mix of poses and lightings, hence its accuracies, close to the average.
    """
    labels = np.zeros(n, dtype=np.int64)
    labels[rng.permutation(n)[: int(round(cat_fraction * n))]] = 1
    kinds, light = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    light_p = (1 - BACKLIT_P - FLASH_P, BACKLIT_P, FLASH_P)
    for label, offset, kind_p in ((1, 0, CAT_KIND_P), (0, len(CAT_KINDS), NONCAT_KIND_P)):
        idx = np.flatnonzero(labels == label)
        kinds[idx] = offset + _stratified(rng, len(idx), kind_p)
        light[idx] = _stratified(rng, len(idx), light_p)
    return labels, kinds, light


def _generate(n: int, seq: np.random.SeedSequence, cat_fraction: float):
    """Labels and images for ``n`` images from one seed sequence."""
    labels, kinds, light = _plan(n, np.random.default_rng(_child(seq, 0)), cat_fraction)
    # One task per (kind, chunk), each with its own seed: the result does not
    # depend on the order the tasks run in, so they can run on threads.
    tasks = []
    for k, kind in enumerate(KINDS):
        idx = np.flatnonzero(kinds == k)
        for c, start in enumerate(range(0, len(idx), _CHUNK)):
            tasks.append((kind, idx[start:start + _CHUNK], _child(_child(seq, 1 + k), c)))
    images = np.empty((n, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)

    def run(task):
        kind, where, child = task
        images[where] = render(kind, light[where], child)

    workers = min(len(tasks), os.cpu_count() or 1)
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, tasks))
    else:
        for task in tasks:
            run(task)
    return images, labels


def make_cat_images(n: int, seed: int = 1, cat_fraction: float = 0.5):
    """Draw ``n`` labelled 64x64 images: cats (label 1) and non-cats (label 0).

    Introduced in notebook 01 (the raw generator behind :func:`load_cat_dataset`).

    Returns ``(images, labels)``: ``images`` is uint8 shaped (n, 64, 64, 3) and
    ``labels`` is int64 shaped (n,), with ``round(cat_fraction * n)`` cats in
    random order. The same ``(n, seed, cat_fraction)`` gives byte-identical
    arrays on any machine.
    """
    n = _check_count("n", n)
    seed = _check_seed(seed)
    cat_fraction = _check_fraction(cat_fraction)
    return _generate(n, np.random.SeedSequence(seed), cat_fraction)


def _original_paths():
    return [config.DATA_DIR / name for name in ORIGINAL_FILES]


def _load_original(train_path, test_path):
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a dependency of the course
        raise ImportError(f"Reading the original {train_path.name} needs h5py: pip install h5py") from e

    with h5py.File(train_path, "r") as f:
        train_x = np.array(f["train_set_x"][:])
        train_y = np.array(f["train_set_y"][:]).reshape(1, -1)
    with h5py.File(test_path, "r") as f:
        test_x = np.array(f["test_set_x"][:])
        test_y = np.array(f["test_set_y"][:]).reshape(1, -1)
        classes = np.array(f["list_classes"][:])
    return train_x, train_y, test_x, test_y, classes


def load_cat_dataset(n_train: int = 209, n_test: int = 50, seed: int = 1, use_cache: bool = True):
    """Load the cat vs non-cat dataset in the original layout.

    Introduced in notebook 01 (logistic regression) and reused in notebook 04
    (deep neural network application).

    Returns ``train_x`` (n_train, 64, 64, 3) uint8, ``train_y`` (1, n_train)
    int64, ``test_x`` (n_test, 64, 64, 3) uint8, ``test_y`` (1, n_test) int64,
    and ``classes`` = ``np.array([b'non-cat', b'cat'])``.

    The images are drawn by :func:`make_cat_images` (about 35 % cats in the
    training set, 50 % in the test set); the training and test sets come from
    separate seed streams, so changing ``n_test`` leaves the training set as
    it is. Results are cached under ``data/cache/``.

    If ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` are both in
    ``config.DATA_DIR`` (``COURSE_DATA_DIR``), they are read instead and
    ``n_train``, ``n_test`` and ``seed`` are ignored.
    """
    n_train = _check_count("n_train", n_train)
    n_test = _check_count("n_test", n_test)
    seed = _check_seed(seed)
    paths = _original_paths()
    present = [p.exists() for p in paths]
    if all(present):
        return _load_original(*paths)
    if any(present):
        have, missing = (paths[0], paths[1]) if present[0] else (paths[1], paths[0])
        raise FileNotFoundError(
            f"Found {have.name} but not {missing.name} in {missing.parent}: put both original "
            f"files there, or remove {have.name} to use the generated dataset.")

    train_seq, test_seq = np.random.SeedSequence(seed).spawn(2)

    def build():
        train_x, train_y = _generate(n_train, train_seq, TRAIN_CAT_FRACTION)
        test_x, test_y = _generate(n_test, test_seq, TEST_CAT_FRACTION)
        return {"train_x": train_x, "train_y": train_y.reshape(1, -1),
                "test_x": test_x, "test_y": test_y.reshape(1, -1)}

    params = {"n_train": n_train, "n_test": n_test, "seed": seed, "generator": GENERATOR_VERSION}
    d = cached("cats", params, build, use_cache)
    return d["train_x"], d["train_y"], d["test_x"], d["test_y"], CLASSES.copy()


def preview_cat_dataset(n: int = 24, seed: int = 1):
    """Show the first ``n`` training images of ``load_cat_dataset(seed=seed)``, labelled.

    Introduced in notebook 01. Returns the Matplotlib figure.
    """
    from ..plots import show_image_grid

    n = _check_count("n", n)
    seed = _check_seed(seed)
    train_x, train_y, _, _, classes = load_cat_dataset(n_train=max(n, 209), seed=seed)
    names = [classes[y].decode() for y in train_y[0, :n]]
    return show_image_grid(train_x[:n], names, ncols=8, max_images=n)
