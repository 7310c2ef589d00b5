"""Images for neural style transfer: content photos that ship with Python packages, and generated paintings.

Introduced in notebook 15 (neural style transfer).

**Content photos** (:func:`load_content`) come from the sample images installed with scikit-image
(``skimage.data``: the astronaut Eileen Collins, Chelsea the cat, a cup of coffee, a rocket) and
scikit-learn (``load_sample_image``: a Chinese temple, a flower); nothing is downloaded. They are
cropped to a square around their centre and resized.

**Style images** are paintings drawn by seeded procedures (:data:`STYLES`), each returning a
``(size, size, 3)`` uint8 image; the same ``seed`` and ``size`` give the same pixels on any machine:

- ``stained_glass`` — Voronoi cells of saturated glass, lead lines between them;
- ``brush_strokes`` — short curved strokes that follow a swirling flow field, in the manner of a
  starry night;
- ``concentric_circles`` — a grid of squares, each filled with concentric rings (a study of colour);
- ``mosaic`` — small square tesserae with grout lines, following a few large colour waves.

:func:`load_style` draws one by name, :func:`show_styles` previews them side by side.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["CONTENTS", "STYLES", "load_content", "load_style", "stained_glass", "brush_strokes",
           "concentric_circles", "mosaic", "show_styles", "to_float"]

#: Content photos: name -> (package, loader argument).
CONTENTS = {
    "astronaut": ("skimage", "astronaut"),
    "cat": ("skimage", "chelsea"),
    "coffee": ("skimage", "coffee"),
    "rocket": ("skimage", "rocket"),
    "temple": ("sklearn", "china.jpg"),
    "flower": ("sklearn", "flower.jpg"),
}

#: Palettes of the generated paintings (RGB, 0-255).
PALETTES = {
    "glass": [(196, 30, 58), (0, 71, 171), (255, 191, 0), (0, 128, 96), (110, 40, 150), (230, 110, 20),
              (30, 150, 200), (170, 200, 40)],
    "night": [(14, 30, 84), (28, 63, 140), (60, 110, 190), (120, 170, 220), (235, 200, 60), (250, 230, 140),
              (20, 45, 60), (90, 140, 120)],
    "bauhaus": [(220, 40, 40), (245, 190, 30), (30, 80, 170), (20, 20, 20), (240, 235, 220), (60, 150, 90),
                (230, 120, 160), (120, 60, 30)],
    "tiles": [(180, 60, 30), (220, 160, 60), (40, 90, 120), (240, 230, 200), (90, 130, 60), (30, 30, 40)],
}


def _square(image: np.ndarray, size: int) -> np.ndarray:
    """The largest centred square of ``image``, resized to ``size`` x ``size`` (uint8 RGB)."""
    from PIL import Image

    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = np.ascontiguousarray(image[top:top + side, left:left + side, :3])
    return np.asarray(Image.fromarray(crop).resize((size, size), Image.LANCZOS), dtype=np.uint8)


def load_content(name: str = "cat", size: int = 300) -> np.ndarray:
    """A content photo as a ``(size, size, 3)`` uint8 array (centre square, resized); see :data:`CONTENTS`."""
    if name not in CONTENTS:
        raise KeyError(f"unknown content photo {name!r}; choose one of {', '.join(CONTENTS)}")
    package, key = CONTENTS[name]
    if package == "skimage":
        import skimage.data

        image = getattr(skimage.data, key)()
    else:
        from sklearn.datasets import load_sample_image

        image = load_sample_image(key)
    return _square(np.asarray(image), size)


# --------------------------------------------------------------------------- #
# Generated paintings
# --------------------------------------------------------------------------- #

def _finish(canvas, size: int, rng, grain: float = 6.0) -> np.ndarray:
    """Downsample a 2x canvas (anti-aliasing) and add a faint paper grain."""
    from PIL import Image

    small = np.asarray(canvas.resize((size, size), Image.LANCZOS), dtype=np.float32)
    small = small + rng.normal(scale=grain, size=(size, size, 1)).astype(np.float32)
    return np.clip(np.rint(small), 0, 255).astype(np.uint8)


def stained_glass(size: int = 300, seed: int = 0, cells: int = 70, lead: float = 0.012) -> np.ndarray:
    """Voronoi cells of coloured glass with dark lead lines and a light falling from the upper left."""
    rng = np.random.default_rng(seed)
    palette = np.array(PALETTES["glass"], dtype=np.float32)
    points = rng.uniform(0, 1, size=(cells, 2))
    colours = palette[rng.integers(0, len(palette), cells)] * rng.uniform(0.75, 1.1, size=(cells, 1))
    n = 2 * size
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) / n
    from scipy.spatial import cKDTree

    dist, idx = cKDTree(points).query(np.stack([xx.ravel(), yy.ravel()], axis=1), k=2)
    part = dist.reshape(n, n, 2).astype(np.float32)
    nearest = idx[:, 0].reshape(n, n)
    image = colours[nearest]
    shade = 0.8 + 0.35 * (1 - (xx + yy) / 2)                       # light from the upper left
    texture = 1 + 0.08 * np.sin(40 * xx + 13 * np.sin(9 * yy)) * np.cos(35 * yy)
    image = image * (shade * texture)[..., None]
    edge = np.clip((part[..., 1] - part[..., 0] - lead) / lead, 0, 1)   # 0 on the lead lines
    image = image * edge[..., None] + 25 * (1 - edge[..., None])
    from PIL import Image

    canvas = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))
    return _finish(canvas, size, rng, grain=4.0)


def _flow_angle(x, y, waves):
    """The angle of a smooth swirling flow field at points (x, y) in [0, 1]."""
    angle = np.zeros_like(x)
    for a, fx, fy, phase in waves:
        angle = angle + a * np.sin(fx * x + phase) * np.cos(fy * y - phase)
    return angle


def brush_strokes(size: int = 300, seed: int = 0, strokes: int = 2600, length: int = 9) -> np.ndarray:
    """Short thick curved strokes that follow a swirling flow field, like an impressionist sky."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    palette = np.array(PALETTES["night"], dtype=np.float32)
    n = 2 * size
    canvas = Image.new("RGB", (n, n), tuple(int(c) for c in palette[0]))
    draw = ImageDraw.Draw(canvas)
    waves = [(rng.uniform(1.5, 3.0), rng.uniform(4, 9), rng.uniform(4, 9), rng.uniform(0, 2 * np.pi))
             for _ in range(3)]
    centres = rng.uniform(0.15, 0.85, size=(3, 2))                 # a few swirling "stars"
    step = 0.006
    width = max(2, int(round(n * 0.012)))
    for _ in range(strokes):
        x, y = rng.uniform(0, 1, size=2)
        # colour: bright near the stars, deep blues elsewhere
        near = np.min(np.hypot(centres[:, 0] - x, centres[:, 1] - y))
        k = rng.integers(4, 6) if near < 0.1 else rng.integers(0, 4) if y < 0.7 else rng.integers(6, 8)
        colour = np.clip(palette[k] * rng.uniform(0.85, 1.15), 0, 255)
        points = [(x * n, y * n)]
        for _ in range(length):
            angle = _flow_angle(np.array(x), np.array(y), waves)
            for cx, cy in centres:                                    # swirl around each star
                dx, dy = x - cx, y - cy
                r2 = dx * dx + dy * dy
                if r2 < 0.03:
                    angle = np.arctan2(dx, -dy)
            x, y = x + step * np.cos(angle), y + step * np.sin(angle)
            points.append((float(x) * n, float(y) * n))
        draw.line(points, fill=tuple(int(c) for c in colour), width=width, joint="curve")
    return _finish(canvas, size, rng, grain=5.0)


def concentric_circles(size: int = 300, seed: int = 0, grid: int = 4) -> np.ndarray:
    """A grid of coloured squares, each holding concentric rings of other colours."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    palette = [tuple(c) for c in PALETTES["bauhaus"]]
    n = 2 * size
    canvas = Image.new("RGB", (n, n), palette[4])
    draw = ImageDraw.Draw(canvas)
    cell = n / grid
    for i in range(grid):
        for j in range(grid):
            x0, y0 = j * cell, i * cell
            draw.rectangle([x0, y0, x0 + cell, y0 + cell], fill=palette[rng.integers(len(palette))])
            cx, cy = x0 + cell / 2 + rng.uniform(-0.06, 0.06) * cell, y0 + cell / 2 + rng.uniform(-0.06, 0.06) * cell
            rings = rng.integers(3, 6)
            for k in range(rings):
                r = cell * 0.42 * (1 - k / rings) * rng.uniform(0.92, 1.05)
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=palette[rng.integers(len(palette))])
    return _finish(canvas, size, rng, grain=7.0)


def mosaic(size: int = 300, seed: int = 0, tile: int = 10) -> np.ndarray:
    """Small square tesserae, slightly jittered, with grout lines; colours follow a few large waves."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    palette = np.array(PALETTES["tiles"], dtype=np.float32)
    n = 2 * size
    t = 2 * tile
    canvas = Image.new("RGB", (n, n), (70, 65, 60))
    draw = ImageDraw.Draw(canvas)
    f = rng.uniform(3, 7, size=(3, 2))
    ph = rng.uniform(0, 2 * np.pi, size=3)
    for i in range(n // t + 1):
        for j in range(n // t + 1):
            u, v = j * t / n, i * t / n
            w = [np.sin(f[k, 0] * u + ph[k]) + np.cos(f[k, 1] * v - ph[k]) for k in range(3)]
            k = int(abs(np.floor(2 * w[0] + w[1] + 0.7 * w[2]))) % len(palette)
            colour = np.clip(palette[k] * rng.uniform(0.8, 1.15) + rng.normal(scale=8, size=3), 0, 255)
            gap = 0.13 * t
            jx, jy = rng.uniform(-0.08, 0.08, size=2) * t
            draw.rectangle([j * t + gap + jx, i * t + gap + jy, (j + 1) * t - gap + jx, (i + 1) * t - gap + jy],
                           fill=tuple(int(c) for c in colour))
    return _finish(canvas, size, rng, grain=5.0)


#: name -> generator(size, seed) of the procedural paintings.
STYLES: dict[str, Callable[..., np.ndarray]] = {
    "stained_glass": stained_glass,
    "brush_strokes": brush_strokes,
    "concentric_circles": concentric_circles,
    "mosaic": mosaic,
}


def load_style(name: str = "stained_glass", size: int = 300, seed: int = 0) -> np.ndarray:
    """A generated painting as a ``(size, size, 3)`` uint8 array; see :data:`STYLES`."""
    if name not in STYLES:
        raise KeyError(f"unknown style {name!r}; choose one of {', '.join(STYLES)}")
    return STYLES[name](size=size, seed=seed)


def to_float(image) -> np.ndarray:
    """A uint8 image (h, w, 3) as a float32 batch (1, h, w, 3) with values in [0, 1]."""
    return (np.asarray(image, dtype=np.float32) / 255.0)[None]


def show_styles(size: int = 160, seed: int = 0, names=None):
    """Preview the generated paintings side by side; returns the figure."""
    import matplotlib.pyplot as plt

    names = list(names or STYLES)
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 2.8))
    for ax, name in zip(np.atleast_1d(axes), names):
        ax.imshow(load_style(name, size, seed))
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.axis("off")
    fig.tight_layout()
    return fig
