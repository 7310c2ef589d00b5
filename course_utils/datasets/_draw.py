"""Batched, soft-edged NumPy drawing: the primitives behind the image datasets.

Introduced with the hand-signs (notebook 09) and faces (notebooks 11 and 14)
generators, which draw a batch of B different pictures at once: every shape
takes one parameter per image (arrays of shape (B,)) and returns a soft mask
(coverage in [0, 1], anti-aliased over about one pixel) for each image.

Masks only cover the window of the image that holds the shape in some image
of the batch (a :class:`Patch`), which is what makes drawing fast. Canvases
are float32, channel-first ``(B, 3, size, size)`` in [0, 1] while drawing, so
that every operation runs over whole image planes; :func:`to_uint8` turns
them into the course's ``(B, size, size, 3)`` uint8 layout.

Coordinates are pixels: x grows along columns, y down the rows, and pixel
(row i, column j) has its centre at (j + 0.5, i + 0.5). A :class:`Frame`
places a figure drawn in its own local units (e.g. "the palm is 1 wide")
anywhere in the image: shifted, scaled, rotated and maybe mirrored.

``course_utils/datasets/cats.py`` has its own (64x64-only) copies of the
first few primitives, kept there so that the cat images stay byte-identical.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "Patch", "Frame", "col", "ellipse", "ring", "capsule", "rect", "polygon", "arc", "lens", "halfplane",
    "union", "intersect", "subtract", "shifted", "grow", "some", "expand", "empty", "hashed_uniform",
    "noise_tiles", "add_noise", "paint", "shade", "to_uint8", "SKIN_TONES",
]

F32 = np.float32

#: Skin tones from very light to very dark (RGB in [0, 1]), shared by the hands and the faces.
SKIN_TONES = np.array([
    [0.98, 0.84, 0.74], [0.94, 0.76, 0.64], [0.89, 0.70, 0.56], [0.82, 0.61, 0.45],
    [0.72, 0.52, 0.37], [0.60, 0.42, 0.29], [0.47, 0.32, 0.22], [0.36, 0.24, 0.17],
], dtype=F32)


def col(a) -> np.ndarray:
    """(B,) parameters -> (B, 1, 1) float32, ready to broadcast against a (B, h, w) grid."""
    return np.asarray(a, dtype=F32).reshape(-1, 1, 1)


class Patch:
    """Values over a window of the image, for a batch of B images.

    ``a`` is (B, h, w) for a mask or (B, 3, h, w) for a colour field, covering
    rows ``y0:y0+h`` and columns ``x0:x0+w`` of a ``size`` x ``size`` image.
    """

    __slots__ = ("a", "y0", "x0", "size")

    def __init__(self, a: np.ndarray, y0: int, x0: int, size: int):
        self.a, self.y0, self.x0, self.size = a, y0, x0, size

    @property
    def rows(self) -> slice:
        return slice(self.y0, self.y0 + self.a.shape[-2])

    @property
    def cols(self) -> slice:
        return slice(self.x0, self.x0 + self.a.shape[-1])

    @property
    def window(self):
        return self.y0, self.y0 + self.a.shape[-2], self.x0, self.x0 + self.a.shape[-1]

    def __mul__(self, k) -> "Patch":
        """Scale the values: by a number, or per image by a (B, 1, 1) array (e.g. to hide a shape)."""
        return Patch(self.a * k, self.y0, self.x0, self.size)

    def crop(self, other: "Patch") -> np.ndarray:
        """This patch's values over ``other``'s window (which must lie inside this one)."""
        y, x = other.y0 - self.y0, other.x0 - self.x0
        return self.a[..., y:y + other.a.shape[-2], x:x + other.a.shape[-1]]

    def full(self) -> np.ndarray:
        """The values over the whole image: (B, size, size) (or (B, 3, size, size))."""
        out = np.zeros(self.a.shape[:-2] + (self.size, self.size), F32)
        out[..., self.rows, self.cols] = self.a
        return out


def _window(size: int, xmin, xmax, ymin, ymax):
    """The pixel window (y0, y1, x0, x1) covering every image's box, clipped to the image."""
    x0 = min(max(math.floor(float(np.min(xmin))), 0), size)
    x1 = min(max(math.ceil(float(np.max(xmax))), x0), size)
    y0 = min(max(math.floor(float(np.min(ymin))), 0), size)
    y1 = min(max(math.ceil(float(np.max(ymax))), y0), size)
    return y0, y1, x0, x1


def _grid(window):
    """Pixel-centre coordinates over a window: x (1, 1, w) and y (1, h, 1)."""
    y0, y1, x0, x1 = window
    gx = (np.arange(x0, x1, dtype=F32) + F32(0.5)).reshape(1, 1, -1)
    gy = (np.arange(y0, y1, dtype=F32) + F32(0.5)).reshape(1, -1, 1)
    return gx, gy


def _arrays(*values):
    return np.broadcast_arrays(*(np.asarray(v, F32) for v in values))


def _soft(d: np.ndarray) -> np.ndarray:
    """Signed distance (pixels, positive inside) -> coverage in [0, 1], in place."""
    d += F32(0.5)
    return np.clip(d, 0.0, 1.0, out=d)


# --------------------------------------------------------------------------
# Shapes (pixel coordinates; one value per image)
# --------------------------------------------------------------------------

def _ellipse_q(cx, cy, rx, ry, angle, window):
    gx, gy = _grid(window)
    c, s = np.cos(angle), np.sin(angle)
    dx, dy = gx - col(cx), gy - col(cy)                  # (B,1,w) and (B,h,1)
    u = dx * col(c / rx) + dy * col(s / rx)              # (B,h,w), along the first axis
    v = dy * col(c / ry) - dx * col(s / ry)
    u *= u
    v *= v
    u += v                                               # q = 1 on the outline
    return u


def ellipse(size, cx, cy, rx, ry, angle=0.0, window=None) -> Patch:
    """Filled ellipse of radii ``rx``, ``ry`` turned by ``angle`` (radians, clockwise on screen)."""
    cx, cy, rx, ry, angle = _arrays(cx, cy, rx, ry, angle)
    rx, ry = np.maximum(rx, 0.05), np.maximum(ry, 0.05)
    if window is None:
        reach = np.maximum(rx, ry) + 1.0
        window = _window(size, cx - reach, cx + reach, cy - reach, cy + reach)
    q = _ellipse_q(cx, cy, rx, ry, angle, window)
    # 1 - q is about 2 d / r near the outline (d: distance inside): scale it to pixels
    np.subtract(1.0, q, out=q)
    q *= col(np.maximum(np.minimum(rx, ry), 0.75) * 0.5)
    return Patch(_soft(q), window[0], window[2], size)


def ring(size, cx, cy, rx, ry, width, angle=0.0) -> Patch:
    """The outline of an ellipse, ``width`` pixels thick (centred on the outline)."""
    cx, cy, rx, ry, width, angle = _arrays(cx, cy, rx, ry, width, angle)
    reach = np.maximum(rx, ry) + width + 1.0
    window = _window(size, cx - reach, cx + reach, cy - reach, cy + reach)
    outer = ellipse(size, cx, cy, rx + width / 2, ry + width / 2, angle, window)
    inner = ellipse(size, cx, cy, np.maximum(rx - width / 2, 0.05), np.maximum(ry - width / 2, 0.05), angle, window)
    outer.a -= inner.a
    return outer


def capsule(size, x0, y0, x1, y1, width) -> Patch:
    """A stroke with round ends, ``width`` pixels wide, from (x0, y0) to (x1, y1)."""
    x0, y0, x1, y1, width = _arrays(x0, y0, x1, y1, width)
    r = width * 0.5
    window = _window(size, np.minimum(x0, x1) - r - 1, np.maximum(x0, x1) + r + 1,
                     np.minimum(y0, y1) - r - 1, np.maximum(y0, y1) + r + 1)
    gx, gy = _grid(window)
    ex, ey = x1 - x0, y1 - y0
    inv = 1.0 / np.maximum(ex * ex + ey * ey, 1e-6)
    px, py = gx - col(x0), gy - col(y0)                  # (B,1,w), (B,h,1)
    t = px * col(ex * inv) + py * col(ey * inv)          # (B,h,w): where along the segment
    np.clip(t, 0.0, 1.0, out=t)
    dx = px - t * col(ex)
    dy = py - t * col(ey)
    dx *= dx
    dy *= dy
    dx += dy
    d = np.sqrt(dx, out=dx)
    np.subtract(col(r), d, out=d)
    return Patch(_soft(d), window[0], window[2], size)


def rect(size, x0, y0, x1, y1) -> Patch:
    """Axis-aligned filled rectangle from (x0, y0) to (x1, y1)."""
    x0, y0, x1, y1 = _arrays(x0, y0, x1, y1)
    window = _window(size, x0 - 0.5, x1 + 0.5, y0 - 0.5, y1 + 0.5)
    gx, gy = _grid(window)
    mx = np.clip(np.minimum(gx - col(x0), col(x1) - gx) + 0.5, 0.0, 1.0)
    my = np.clip(np.minimum(gy - col(y0), col(y1) - gy) + 0.5, 0.0, 1.0)
    return Patch(mx * my, window[0], window[2], size)


def polygon(size, points) -> Patch:
    """Convex polygon through ``points`` [(x, y), ...], in either winding order."""
    xs = [np.asarray(p[0], F32) for p in points]
    ys = [np.asarray(p[1], F32) for p in points]
    window = _window(size, np.minimum.reduce(xs) - 2, np.maximum.reduce(xs) + 2,
                     np.minimum.reduce(ys) - 2, np.maximum.reduce(ys) + 2)
    gx, gy = _grid(window)
    n = len(points)
    area = sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))
    sign = np.where(area >= 0, 1.0, -1.0).astype(F32)
    inside = None
    for i in range(n):
        j = (i + 1) % n
        ex, ey = xs[j] - xs[i], ys[j] - ys[i]
        norm = np.maximum(np.hypot(ex, ey), 1e-3) * sign
        d = (gx - col(xs[i])) * col(-ey / norm) + (gy - col(ys[i])) * col(ex / norm)
        inside = d if inside is None else np.minimum(inside, d, out=inside)
    return Patch(_soft(inside), window[0], window[2], size)


def _curve_frame(size, cx, cy, half_width, reach, angle):
    """Window and (u, v) coordinates along / across a curve centred at (cx, cy)."""
    window = _window(size, cx - reach, cx + reach, cy - reach, cy + reach)
    gx, gy = _grid(window)
    c, s = np.cos(angle), np.sin(angle)
    dx, dy = gx - col(cx), gy - col(cy)
    u = dx * col(c) + dy * col(s)
    v = dy * col(c) - dx * col(s)
    t = u * col(1.0 / np.maximum(half_width, 0.1))
    t *= t
    np.subtract(1.0, t, out=t)                           # 1 - (u / half_width)^2
    return window, u, v, t


def arc(size, cx, cy, half_width, sag, thickness, angle=0.0) -> Patch:
    """A curved line (a parabola) ``thickness`` pixels thick.

    Its ends are at ``(cx -/+ half_width, cy)`` (before turning by ``angle``)
    and its middle at ``(cx, cy + sag)``: a positive sag bows down (a smile),
    a negative one bows up (a frown, an eyebrow).
    """
    cx, cy, half_width, sag, thickness, angle = _arrays(cx, cy, half_width, sag, thickness, angle)
    reach = half_width + np.abs(sag) + thickness + 1.0
    window, u, v, t = _curve_frame(size, cx, cy, half_width, reach, angle)
    t *= col(sag)
    v -= t
    d = np.abs(v, out=v)
    np.subtract(col(thickness * 0.5), d, out=d)
    ends = np.abs(u, out=u)
    np.subtract(col(half_width), ends, out=ends)
    np.minimum(d, ends, out=d)
    return Patch(_soft(d), window[0], window[2], size)


def lens(size, cx, cy, half_width, top, bottom, angle=0.0) -> Patch:
    """The region between two parabolas through the same ends (an open mouth, an eye).

    Both curves run from ``(cx -/+ half_width, cy)``; their middles are at
    ``cy + top`` and ``cy + bottom`` (``bottom > top``: y grows downwards).
    """
    cx, cy, half_width, top, bottom, angle = _arrays(cx, cy, half_width, top, bottom, angle)
    reach = half_width + np.maximum(np.abs(top), np.abs(bottom)) + 1.0
    window, u, v, t = _curve_frame(size, cx, cy, half_width, reach, angle)
    below_top = v - t * col(top)
    above_bottom = t * col(bottom)
    above_bottom -= v
    np.minimum(below_top, above_bottom, out=below_top)
    ends = np.abs(u, out=u)
    np.subtract(col(half_width), ends, out=ends)
    np.minimum(below_top, ends, out=below_top)
    return Patch(_soft(below_top), window[0], window[2], size)


def halfplane(size, x, y, angle, window) -> Patch:
    """Over ``window``: the side of the line through (x, y) at ``angle`` that lies below it at angle 0.

    Turn by pi for the side above. Used to cut a shape along a line (a hairline, a beard's edge).
    """
    x, y, angle = _arrays(x, y, angle)
    gx, gy = _grid(window)
    d = (gy - col(y)) * col(np.cos(angle)) - (gx - col(x)) * col(np.sin(angle))
    return Patch(_soft(d), window[0], window[2], size)


# --------------------------------------------------------------------------
# Combining masks
# --------------------------------------------------------------------------

def empty(B: int, size: int) -> Patch:
    """A mask that covers nothing (in a batch of B images)."""
    return Patch(np.zeros((B, 0, 0), F32), 0, 0, size)


def expand(mask: Patch, idx, B: int) -> Patch:
    """A mask drawn for some images only (``idx``) -> the same mask over the batch of B, empty elsewhere."""
    a = np.zeros((B,) + mask.a.shape[1:], F32)
    a[idx] = mask.a
    return Patch(a, mask.y0, mask.x0, mask.size)


def some(size: int, where, draw) -> Patch:
    """``draw(idx)`` for the images where ``where`` (B,) is true, nothing elsewhere.

    Shapes that only some images have (glasses, a beard, clutter) are drawn
    for those images only, which saves most of their cost.
    """
    where = np.asarray(where, bool)
    idx = np.flatnonzero(where)
    if len(idx) == 0:
        return empty(len(where), size)
    mask = draw(idx)
    return mask if len(idx) == len(where) else expand(mask, idx, len(where))


def union(*masks: Patch) -> Patch:
    """The pixel-wise maximum of several masks (masks that cover nothing are skipped)."""
    masks = [m for m in masks if m.a.size] or masks[:1]
    if len(masks) == 1:
        return masks[0]
    y0, x0 = min(m.y0 for m in masks), min(m.x0 for m in masks)
    y1, x1 = max(m.rows.stop for m in masks), max(m.cols.stop for m in masks)
    out = Patch(np.zeros((len(masks[0].a), y1 - y0, x1 - x0), F32), y0, x0, masks[0].size)
    for m in masks:
        view = out.crop(m)
        np.maximum(view, m.a, out=view)
    return out


def _overlap(a: Patch, b: Patch):
    y0, x0 = max(a.y0, b.y0), max(a.x0, b.x0)
    y1, x1 = max(min(a.rows.stop, b.rows.stop), y0), max(min(a.cols.stop, b.cols.stop), x0)
    return y0, y1, x0, x1


def intersect(a: Patch, b: Patch) -> Patch:
    """Where both masks are (the product of their coverages), over the windows' overlap."""
    y0, y1, x0, x1 = _overlap(a, b)
    out = Patch(np.zeros((len(a.a), y1 - y0, x1 - x0), F32), y0, x0, a.size)
    out.a[...] = a.crop(out)
    out.a *= b.crop(out)
    return out


def subtract(a: Patch, b: Patch) -> Patch:
    """``a`` with ``b`` cut out of it."""
    out = Patch(a.a.copy(), a.y0, a.x0, a.size)
    y0, y1, x0, x1 = _overlap(a, b)
    if y1 > y0 and x1 > x0:
        part = Patch(np.zeros((len(a.a), y1 - y0, x1 - x0), F32), y0, x0, a.size)
        view = out.crop(part)
        view *= 1.0 - b.crop(part)
    return out


def shifted(m: Patch, dy: int, dx: int) -> Patch:
    """The same mask moved by whole pixels (e.g. a cast shadow), clipped to the image."""
    y0, x0 = m.y0 + dy, m.x0 + dx
    h, w = m.a.shape[-2:]
    top, left = max(0, -y0), max(0, -x0)
    bottom, right = max(0, y0 + h - m.size), max(0, x0 + w - m.size)
    a = m.a[..., top:h - bottom, left:w - right]
    return Patch(a, max(y0, 0), max(x0, 0), m.size)


# --------------------------------------------------------------------------
# Painting
# --------------------------------------------------------------------------

def _active(mask: Patch):
    """Which images the mask covers at all: None for all of them, else their indices."""
    if mask.a.size == 0:
        return np.zeros(0, dtype=np.intp)
    covered = mask.a.reshape(len(mask.a), -1).max(axis=1) > 0
    return None if covered.all() else np.flatnonzero(covered)


def paint(canvas: np.ndarray, mask: Patch, colour) -> None:
    """Composite ``colour`` ((B, 3), or a colour-field Patch) onto ``canvas`` (B, 3, S, S) through ``mask``.

    Only the images the mask covers are touched (shapes that appear in some
    images only, such as glasses or clutter, are then cheap).
    """
    idx = _active(mask)
    if idx is not None and len(idx) == 0:
        return
    colour = colour.crop(mask) if isinstance(colour, Patch) else np.asarray(colour, F32)[:, :, None, None]
    if idx is None:
        view = canvas[:, :, mask.rows, mask.cols]
        diff = colour - view
        diff *= mask.a[:, None]
        view += diff
        return
    view = canvas[idx, :, mask.rows, mask.cols]               # a copy: write it back
    if colour.shape[0] > 1:
        colour = colour[idx]
    view += (colour - view) * mask.a[idx, None]
    canvas[idx, :, mask.rows, mask.cols] = view


def shade(canvas: np.ndarray, mask: Patch, gain) -> None:
    """Multiply the canvas by ``gain`` (a number, (B,) or (B, 3)) where ``mask`` is: shadows and highlights."""
    idx = _active(mask)
    if idx is not None and len(idx) == 0:
        return
    gain = np.asarray(gain, F32)
    gain = gain.reshape(-1, 1) if gain.ndim < 2 else gain          # a number, (B,) or (B, 3)
    gain = gain[:, :, None, None] - 1.0
    if idx is None:
        view = canvas[:, :, mask.rows, mask.cols]
        view *= 1.0 + gain * mask.a[:, None]
        return
    if gain.shape[0] > 1:
        gain = gain[idx]
    view = canvas[idx, :, mask.rows, mask.cols]
    view *= 1.0 + gain * mask.a[idx, None]
    canvas[idx, :, mask.rows, mask.cols] = view


def grow(mask: Patch) -> Patch:
    """The mask dilated by one pixel (e.g. a dark outline painted under a shape)."""
    y0, y1, x0, x1 = mask.window
    y0, x0 = max(y0 - 1, 0), max(x0 - 1, 0)
    y1, x1 = min(y1 + 1, mask.size), min(x1 + 1, mask.size)
    out = Patch(np.zeros((len(mask.a), y1 - y0, x1 - x0), F32), y0, x0, mask.size)
    out.crop(mask)[...] = mask.a
    a = out.a.copy()
    np.maximum(out.a[:, 1:], a[:, :-1], out=out.a[:, 1:])
    np.maximum(out.a[:, :-1], a[:, 1:], out=out.a[:, :-1])
    np.maximum(out.a[:, :, 1:], a[:, :, :-1], out=out.a[:, :, 1:])
    np.maximum(out.a[:, :, :-1], a[:, :, 1:], out=out.a[:, :, :-1])
    return out


def to_uint8(canvas: np.ndarray) -> np.ndarray:
    """A float canvas (B, 3, S, S) in [0, 1] -> uint8 images (B, S, S, 3), rounded (modifies canvas)."""
    canvas *= 255.0
    canvas += 0.5
    np.clip(canvas, 0, 255, out=canvas)
    return canvas.astype(np.uint8).transpose(0, 2, 3, 1)


def hashed_uniform(keys, n: int) -> np.ndarray:
    """``n`` uniform numbers in [0, 1) per key, a pure function of the key: (len(keys), n) float32.

    A vectorised hash (splitmix64) rather than one random generator per key:
    the small random details of many pictures at once, each reproducible from
    its own key alone.
    """
    x = np.asarray(keys, dtype=np.uint64).reshape(-1, 1) * np.uint64(n) + np.arange(n, dtype=np.uint64)
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return ((x >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24))


_NOISE_TILES = 64
_noise_banks: dict = {}


def noise_tiles(size: int) -> np.ndarray:
    """A fixed bank of sensor-noise images (tiles, 3, size, size): uniform, mean 0, standard deviation 1.

    Drawing fresh noise for every picture costs more than drawing the picture;
    pictures pick a tile (and maybe mirror it) instead.
    """
    bank = _noise_banks.get(size)
    if bank is None:
        rng = np.random.default_rng(20240 + size)
        bank = rng.random((_NOISE_TILES, 3, size, size), dtype=F32)
        bank -= 0.5
        bank *= F32(np.sqrt(12.0))
        _noise_banks[size] = bank
    return bank


def add_noise(canvas: np.ndarray, sd, picks) -> None:
    """Add noise of standard deviation ``sd`` (B,) to each canvas; ``picks`` (B, 2) in [0, 1) choose the tile."""
    bank = noise_tiles(canvas.shape[-1])
    tile = np.minimum((picks[:, 0] * len(bank)).astype(np.intp), len(bank) - 1)
    noise = bank[tile]
    mirror = np.flatnonzero(picks[:, 1] < 0.5)
    noise[mirror] = noise[mirror][..., ::-1]
    noise *= np.asarray(sd, F32).reshape(-1, 1, 1, 1)
    canvas += noise


# --------------------------------------------------------------------------
# A drawing frame: local units -> pixels
# --------------------------------------------------------------------------

class Frame:
    """Places a figure drawn in local units at (tx, ty): scaled by ``s``, turned by ``angle``, mirrored by ``flip``.

    A local point (x, y) lands at ``(tx, ty) + s * R(angle) (flip * x, y)``;
    every argument is a number or one value per image. ``size`` is the
    image's width in pixels.
    """

    def __init__(self, size, tx, ty, s, angle=0.0, flip=1.0):
        self.size = size
        self.tx, self.ty, self.s, self.angle, self.flip = _arrays(tx, ty, s, angle, flip)
        self.c, self.sn = np.cos(self.angle), np.sin(self.angle)

    def take(self, idx) -> "Frame":
        """The frames of some images only (``idx``)."""
        return Frame(self.size, self.tx[idx], self.ty[idx], self.s[idx], self.angle[idx], self.flip[idx])

    def point(self, x, y):
        x = self.flip * np.asarray(x, F32)
        y = np.asarray(y, F32)
        return (self.tx + self.s * (self.c * x - self.sn * y),
                self.ty + self.s * (self.sn * x + self.c * y))

    def turn(self, a):
        """A local angle -> an angle on the image."""
        return self.angle + self.flip * np.asarray(a, F32)

    def ellipse(self, x, y, rx, ry, angle=0.0) -> Patch:
        px, py = self.point(x, y)
        return ellipse(self.size, px, py, self.s * rx, self.s * ry, self.turn(angle))

    def ring(self, x, y, rx, ry, width, angle=0.0) -> Patch:
        px, py = self.point(x, y)
        return ring(self.size, px, py, self.s * rx, self.s * ry, self.s * width, self.turn(angle))

    def capsule(self, x0, y0, x1, y1, width) -> Patch:
        ax, ay = self.point(x0, y0)
        bx, by = self.point(x1, y1)
        return capsule(self.size, ax, ay, bx, by, self.s * width)

    def polygon(self, points) -> Patch:
        return polygon(self.size, [self.point(x, y) for x, y in points])

    def arc(self, x, y, half_width, sag, thickness, angle=0.0) -> Patch:
        px, py = self.point(x, y)
        return arc(self.size, px, py, self.s * half_width, self.s * sag, self.s * thickness, self.turn(angle))

    def halfplane(self, x, y, window, angle=0.0) -> Patch:
        """Over ``window`` (pixels): the local side below the line through (x, y) at ``angle`` (pi: above)."""
        px, py = self.point(x, y)
        return halfplane(self.size, px, py, self.turn(angle), window)

    def lens(self, x, y, half_width, top, bottom, angle=0.0) -> Patch:
        px, py = self.point(x, y)
        return lens(self.size, px, py, self.s * half_width, self.s * top, self.s * bottom, self.turn(angle))
