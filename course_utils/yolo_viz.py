"""Pictures of what a YOLO detector does: its grid and anchors, its per-cell class map, a frame for the model.

Introduced in notebook 13 (car detection with YOLO).

- :func:`frame_for_model`: a dash-cam frame (an array or an image file) -> the uint8 frame to draw on
  and the float32 batch ``(1, H, W, 3)`` in [0, 1] the detector reads (area-averaged resize);
- :func:`show_grid_and_anchors`: the frame with the detector's grid of cells and the anchor boxes
  drawn, to scale, around one cell;
- :func:`show_class_map`: each cell tinted with the colour of its most likely class, as strongly as
  that class's best score (confidence x probability) over the cell's anchors;
- :func:`class_legend`: the legend patches of those colours.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["frame_for_model", "show_grid_and_anchors", "show_class_map", "class_legend", "CLASS_COLOURS"]

#: Matplotlib colours of the classes, in the order of ``course_utils.datasets.scenes.CLASSES``.
CLASS_COLOURS = ("tab:red", "tab:orange", "tab:purple", "tab:cyan", "tab:green")


def frame_for_model(image, input_shape):
    """``(frame, x)``: ``frame`` uint8 (H0, W0, 3) for display, ``x`` float32 (1, H, W, 3) in [0, 1] for the model.

    ``image`` is an array (uint8, or floats in [0, 1]) or the path of an image file (read with Pillow,
    converted to RGB); ``input_shape`` the model's (height, width). The resize averages the pixels
    each model pixel covers (Pillow's ``BOX`` filter), as a camera would at that resolution.
    """
    from PIL import Image

    if isinstance(image, (str, Path)):
        path = Path(image)
        if not path.exists():
            raise FileNotFoundError(f"no image file at {path}")
        frame = np.asarray(Image.open(path).convert("RGB"))
    else:
        frame = np.asarray(image)
        if frame.ndim != 3 or frame.shape[-1] != 3:
            raise ValueError(f"expected an (H, W, 3) colour image; got an array of shape {frame.shape}")
        if frame.dtype != np.uint8:
            frame = np.clip(np.round(np.asarray(frame, np.float64) * 255.0), 0, 255).astype(np.uint8)
    height, width = (int(v) for v in input_shape)
    if frame.shape[:2] == (height, width):
        small = frame
    else:
        small = np.asarray(Image.fromarray(frame).resize((width, height), Image.BOX))
    return frame, (small.astype(np.float32) / 255.0)[None]


def show_grid_and_anchors(ax, frame, grid, anchors, cell=None, colour="yellow"):
    """Draw ``frame`` with a ``grid`` (rows, columns) of cells and the ``anchors`` (A, 2) (in cells) around ``cell``.

    ``cell`` (row, column) defaults to the middle of the grid. Returns the axis.
    """
    from matplotlib.patches import Rectangle

    frame = np.asarray(frame)
    H, W = frame.shape[:2]
    rows, cols = (int(v) for v in grid)
    row, col = cell if cell is not None else (rows // 2, cols // 2)
    ch, cw = H / rows, W / cols
    ax.imshow(frame)
    for r in range(1, rows):
        ax.axhline(r * ch - 0.5, color="white", lw=0.5, alpha=0.6)
    for c in range(1, cols):
        ax.axvline(c * cw - 0.5, color="white", lw=0.5, alpha=0.6)
    ax.add_patch(Rectangle((col * cw - 0.5, row * ch - 0.5), cw, ch, fill=True, color=colour, alpha=0.45))
    cx, cy = (col + 0.5) * cw, (row + 0.5) * ch
    styles = ("-", "--", "-.", ":", (0, (5, 1)))
    for k, (aw, ah) in enumerate(np.asarray(anchors, np.float64).reshape(-1, 2)):
        w, h = aw * cw, ah * ch
        ax.add_patch(Rectangle((cx - w / 2, cy - h / 2), w, h, fill=False, edgecolor=colour, lw=1.6,
                               linestyle=styles[k % len(styles)], label=f"anchor {k}: {aw:.2f} x {ah:.2f} cells"))
    ax.set_xlim(-0.5, W - 0.5)
    ax.set_ylim(H - 0.5, -0.5)
    ax.set_axis_off()
    return ax


def show_class_map(ax, frame, box_confidence, box_class_probs, class_names, colours=CLASS_COLOURS):
    """Tint each grid cell of ``frame`` with its best class's colour, opacity = that class's best score.

    ``box_confidence`` (rows, cols, A, 1) and ``box_class_probs`` (rows, cols, A, C) of one image
    (a leading batch axis of 1 is dropped). Returns the axis.
    """
    from matplotlib.colors import to_rgb

    conf = np.asarray(box_confidence, np.float64)
    probs = np.asarray(box_class_probs, np.float64)
    if conf.ndim == 5:
        conf, probs = conf[0], probs[0]
    scores = conf * probs                                   # (rows, cols, A, C)
    best = scores.max(axis=2)                               # best anchor, per class: (rows, cols, C)
    cls = best.argmax(axis=-1)
    strength = best.max(axis=-1)
    palette = np.array([to_rgb(c) for c in colours])
    overlay = np.zeros(cls.shape + (4,))
    overlay[..., :3] = palette[cls % len(palette)]
    overlay[..., 3] = np.clip(strength, 0, 1) * 0.75
    frame = np.asarray(frame)
    H, W = frame.shape[:2]
    ax.imshow(frame)
    ax.imshow(overlay, extent=(-0.5, W - 0.5, H - 0.5, -0.5), interpolation="nearest")
    ax.set_axis_off()
    return ax


def class_legend(class_names, colours=CLASS_COLOURS):
    """Legend handles for the class colours (``ax.legend(handles=class_legend(names))``)."""
    from matplotlib.patches import Patch

    return [Patch(color=colours[i % len(colours)], label=name) for i, name in enumerate(class_names)]
