"""Pictures of what convolution and pooling do to an image.

Introduced in notebook 10 (convolutional model step by step): a padded cat,
the maps hand-made filters produce from it, max against average pooling.

:func:`show_panels` draws titled panels side by side, each either an RGB
image or one 2-D map: a map with negative values (an edge detector's
response) in a red-white-blue colour scale centred on 0, any other map in
grey (a filter's kernel is a small map too). :func:`outline` draws a dashed
rectangle on a panel, e.g. around the original image inside a padded one.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

__all__ = ["show_panels", "outline"]


def _as_picture(name: str, value) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"panel {name!r} must hold numbers; got dtype {arr.dtype}")
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] == 3)):
        raise ValueError(f"panel {name!r} must be a 2-D map (h, w) or an RGB image (h, w, 3); got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"panel {name!r} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"panel {name!r} contains NaN or infinite values")
    return arr


def _rgb(arr: np.ndarray) -> np.ndarray:
    if arr.dtype.kind in "biu":
        return np.clip(arr, 0, 255).astype(np.uint8)
    return np.clip(arr, 0.0, 1.0)


def show_panels(panels: Mapping[str, object], ncols: int | None = None, size: float = 2.4,
                title: str | None = None, same_scale: bool = False, same_range: bool = False,
                colorbar: bool = True):
    """Draw each ``{title: array}`` of ``panels`` on its own axis; return the figure.

    An (h, w, 3) array is an RGB image (uint8 0..255, or floats clipped to
    0..1). An (h, w) array is a map: with negative values it is drawn in a
    diverging scale symmetric about 0 (``RdBu_r``: red positive, blue
    negative), otherwise in grey from 0 (black) to its maximum; ``colorbar``
    adds a scale beside maps. Pixels are drawn as blocks (no smoothing), so a
    pooled image looks as coarse as it is. With ``same_scale`` every panel
    uses the pixel size of the largest one (a smaller array then looks
    smaller, centred), which shows how padding or striding changes the size.
    With ``same_range`` every map uses one colour range, that of all the maps
    together, so that their values can be compared by eye.
    """
    import matplotlib.pyplot as plt

    if not isinstance(panels, Mapping) or not panels:
        raise ValueError("show_panels needs a non-empty dict {title: array}")
    pictures = {str(k): _as_picture(str(k), v) for k, v in panels.items()}
    n = len(pictures)
    ncols = n if ncols is None else int(ncols)
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1; got {ncols}")
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.35 if title else 0)),
                             squeeze=False)
    big_h = max(p.shape[0] for p in pictures.values())
    big_w = max(p.shape[1] for p in pictures.values())
    maps = [p.astype(float) for p in pictures.values() if p.ndim == 2]
    shared_low = min(float(m.min()) for m in maps) if maps else 0.0
    shared_high = max(float(np.max(np.abs(m))) for m in maps) if maps else 1.0
    for ax in axes.flat[n:]:
        ax.axis("off")
    for ax, (name, arr) in zip(axes.flat, pictures.items()):
        if arr.ndim == 3:
            ax.imshow(_rgb(arr), interpolation="nearest")
        else:
            values = arr.astype(float)
            signed = (shared_low if same_range else values.min()) < 0
            if signed:
                limit = (shared_high if same_range else float(np.max(np.abs(values)))) or 1.0
                shown = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
            else:
                top = (shared_high if same_range else float(values.max())) or 1.0
                shown = ax.imshow(values, cmap="gray", vmin=0, vmax=top, interpolation="nearest")
            if colorbar:
                fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.03)
        if same_scale:
            h, w = arr.shape[:2]
            ax.set_xlim(-0.5 - (big_w - w) / 2, w - 0.5 + (big_w - w) / 2)
            ax.set_ylim(h - 0.5 + (big_h - h) / 2, -0.5 - (big_h - h) / 2)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(name, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def outline(ax, top: int, left: int, height: int, width: int, color: str = "gold", label: str | None = None):
    """Draw a dashed rectangle around pixels ``top .. top + height - 1`` x ``left .. left + width - 1`` of ``ax``."""
    import matplotlib.patches as patches

    if height < 1 or width < 1:
        raise ValueError(f"the rectangle needs a positive height and width; got {height} x {width}")
    rect = patches.Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=color,
                             linestyle="--", linewidth=1.5)
    ax.add_patch(rect)
    if label:
        ax.annotate(label, (left - 0.5, top - 0.5), textcoords="offset points", xytext=(2, 3), color=color,
                    fontsize=8)
    return rect
