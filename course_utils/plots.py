"""Plots shared by the notebooks: cost curves, decision boundaries, image grids.

Introduced in notebook 01 (cost curves, image grids), notebook 02 (decision
boundaries) and notebook 04 (mislabeled images). Every function draws on a
Matplotlib axis (a new figure when ``ax`` is None) and returns the axis.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _axis(ax, figsize=(6, 4)):
    if ax is not None:
        return ax
    _, ax = _plt().subplots(figsize=figsize)
    return ax


def plot_costs(costs, every: int = 100, learning_rate=None, label=None, ax=None, title=None):
    """Plot a cost curve recorded every ``every`` iterations.

    ``costs`` is a sequence of floats, or a mapping ``{label: costs}`` to draw
    several curves on one axis (e.g. one per learning rate).
    """
    ax = _axis(ax)
    curves = costs if isinstance(costs, Mapping) else {label: costs}
    for name, values in curves.items():
        values = np.ravel(np.asarray(values, dtype=float))
        ax.plot(np.arange(len(values)) * every, values, label=None if name is None else str(name))
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    if title is None and learning_rate is not None:
        title = f"learning rate = {learning_rate}"
    if title:
        ax.set_title(title)
    if any(name is not None for name in curves):
        ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X, y, ax=None, title=None,
                           resolution: int = 200, margin: float = 0.5):
    """Shade the regions a classifier assigns to each class, and scatter the data.

    ``predict`` maps an array of points shaped (2, n) to labels shaped (1, n)
    or (n,). ``X`` is (2, m) and ``y`` is (1, m), the course's layout.
    """
    X = np.asarray(X)
    y = np.ravel(np.asarray(y))
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X must be shaped (2, m) (one column per point); got {X.shape}")
    if y.shape[0] != X.shape[1]:
        raise ValueError(f"y has {y.shape[0]} labels but X has {X.shape[1]} points")
    ax = _axis(ax, figsize=(5, 4))
    x_min, x_max = X[0].min() - margin, X[0].max() + margin
    y_min, y_max = X[1].min() - margin, X[1].max() + margin
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.vstack([xx.ravel(), yy.ravel()])
    zz = np.asarray(predict(grid)).reshape(xx.shape).astype(float)
    binary = np.isin(zz, (0, 1)).all() and np.isin(y, (0, 1)).all()
    # Fixed colours for 0/1 labels, so a classifier that predicts one class everywhere
    # is drawn in that class's colour rather than a neutral mid-range one.
    shade = {"levels": [-0.5, 0.5, 1.5], "vmin": 0, "vmax": 1} if binary else {}
    ax.contourf(xx, yy, zz, cmap="Spectral", alpha=0.8, **shade)
    ax.scatter(X[0], X[1], c=y, cmap="Spectral", s=14, edgecolors="k", linewidths=0.4,
               **({"vmin": 0, "vmax": 1} if binary else {}))
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def show_image_grid(images, labels: Sequence | None = None, ncols: int = 8, size: float = 1.4,
                    title: str | None = None, max_images: int = 32):
    """Show up to ``max_images`` images (m, h, w[, 3]) in a grid, each with an optional label."""
    plt = _plt()
    images = np.asarray(images)[:max_images]
    n = len(images)
    if n == 0:
        raise ValueError("show_image_grid got no images to show")
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if title else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=None if images[i].ndim == 3 else "gray")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_mislabeled(images, y_true, y_pred, classes, max_images: int = 10, ncols: int = 5, size: float = 1.8):
    """Show images whose prediction differs from the label ("pred / true" above each).

    ``images`` is (m, h, w, 3); ``y_true`` and ``y_pred`` are (1, m) or (m,);
    ``classes`` maps a label to its name (bytes or str).
    """
    y_true = np.ravel(np.asarray(y_true)).astype(int)
    y_pred = np.ravel(np.asarray(y_pred)).astype(int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}")
    wrong = np.flatnonzero(y_true != y_pred)
    if wrong.size == 0:
        print("No mislabeled images: every prediction is right.")
        return None

    def name(c):
        c = classes[c]
        return c.decode() if isinstance(c, bytes) else str(c)

    labels = [f"pred {name(y_pred[i])}\ntrue {name(y_true[i])}" for i in wrong[:max_images]]
    return show_image_grid(np.asarray(images)[wrong[:max_images]], labels, ncols=ncols, size=size,
                           title=f"{wrong.size} mislabeled of {y_true.size}")


def plot_model_flow(num_layers: int = 3, ax=None, title: str | None = None):
    """Draw an L-layer network as blocks: forward on top, backward below, caches between.

    Introduced in notebook 03. ``[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID``
    on the top row (arrows left to right), the matching backward blocks on the
    bottom row (arrows right to left), a dashed "cache" arrow from each forward
    block to its backward twin, and the gradients dW, db each linear backward
    block hands to the parameter update.
    """
    if num_layers < 1:
        raise ValueError(f"num_layers must be at least 1; got {num_layers}")
    plt = _plt()
    from matplotlib.patches import FancyBboxPatch

    blocks = []  # (kind, layer)
    for layer in range(1, num_layers + 1):
        blocks.append(("LINEAR", layer))
        blocks.append(("RELU" if layer < num_layers else "SIGMOID", layer))
    width, height, step = 1.15, 0.62, 1.75
    y_fwd, y_bwd = 2.6, 0.55
    x0 = 1.6
    if ax is None:
        _, ax = plt.subplots(figsize=(1.75 * len(blocks) + 3.6, 4.6))
    colors = {"LINEAR": "#4C78A8", "RELU": "#F58518", "SIGMOID": "#54A24B"}

    def layer_name(layer):
        return "L" if layer == num_layers and num_layers > 2 else str(layer)

    def box(x, y, text, color, light):
        face = color if not light else "white"
        ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                    boxstyle="round,pad=0.04,rounding_size=0.08",
                                    facecolor=face, edgecolor=color, linewidth=2))
        ax.text(x, y, text, ha="center", va="center", fontsize=9, fontweight="bold",
                color="white" if not light else color)

    def arrow(x1, y1, x2, y2, label=None, color="black", style="-", dy=0.16):
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1),
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=1.4, linestyle=style,
                                    shrinkA=0, shrinkB=0))
        if label:
            ax.text((x1 + x2) / 2, (y1 + y2) / 2 + dy, label, ha="center", va="bottom" if dy > 0 else "top",
                    fontsize=9, color=color)

    xs = [x0 + step * i for i in range(len(blocks))]
    # forward row
    ax.text(x0 - step + 0.35, y_fwd, "$X = A^{[0]}$", ha="center", va="center", fontsize=10)
    arrow(x0 - step + 0.85, y_fwd, xs[0] - width / 2, y_fwd)
    for i, (kind, layer) in enumerate(blocks):
        name = layer_name(layer)
        box(xs[i], y_fwd, kind, colors[kind], light=False)
        box(xs[i], y_bwd, f"{kind}\nbackward", colors[kind], light=True)
        if i + 1 < len(blocks):
            label = f"$Z^{{[{name}]}}$" if kind == "LINEAR" else f"$A^{{[{name}]}}$"
            arrow(xs[i] + width / 2, y_fwd, xs[i + 1] - width / 2, y_fwd, label)
            back = f"$dZ^{{[{name}]}}$" if kind == "LINEAR" else f"$dA^{{[{name}]}}$"
            arrow(xs[i + 1] - width / 2, y_bwd, xs[i] + width / 2, y_bwd, back, color="#B22222", dy=-0.16)
        # cache: forward block -> backward block
        cache = r"$(A^{[%s]}, W^{[%s]}, b^{[%s]})$" % (
            "L-1" if name == "L" else str(layer - 1), name, name) if kind == "LINEAR" else f"$Z^{{[{name}]}}$"
        arrow(xs[i], y_fwd - height / 2, xs[i], y_bwd + height / 2, None, color="gray", style="--")
        ax.text(xs[i] + 0.06, (y_fwd + y_bwd) / 2, "cache\n" + cache, ha="left", va="center", fontsize=7.5,
                color="dimgray")
        if kind == "LINEAR":
            ax.text(xs[i], y_bwd - height / 2 - 0.12, f"$dW^{{[{name}]}}, db^{{[{name}]}}$", ha="center",
                    va="top", fontsize=9, color="#B22222")
    # brackets naming the layers
    for layer in range(1, num_layers + 1):
        i = 2 * (layer - 1)
        left, right = xs[i] - width / 2, xs[i + 1] + width / 2
        top = y_fwd + height / 2 + 0.42
        ax.plot([left, left, right, right], [top - 0.1, top, top, top - 0.1], color="black", lw=1)
        act = "RELU" if layer < num_layers else "SIGMOID"
        ax.text((left + right) / 2, top + 0.05, f"layer {layer_name(layer)}  (LINEAR → {act})", ha="center",
                va="bottom", fontsize=9)
    # cost at the end
    xc = xs[-1] + step
    ax.text(xc, y_fwd, r"$\hat{Y} = A^{[L]}$" + "\n" + r"cost $J(A^{[L]}, Y)$", ha="center", va="center",
            fontsize=10, bbox=dict(boxstyle="round", facecolor="#EEEEEE", edgecolor="gray"))
    arrow(xs[-1] + width / 2, y_fwd, xc - 0.75, y_fwd, f"$A^{{[{layer_name(num_layers)}]}}$")
    ax.annotate("", xy=(xs[-1] + width / 2, y_bwd), xytext=(xc, y_fwd - 0.45),
                arrowprops=dict(arrowstyle="-|>", color="#B22222", lw=1.4, connectionstyle="angle,angleA=-90,angleB=180"))
    ax.text(xc + 0.08, (y_fwd + y_bwd) / 2 - 0.25, r"$dA^{[L]} = \partial J / \partial A^{[L]}$", ha="left",
            va="center", fontsize=9, color="#B22222")
    ax.text(x0 - step + 0.35, y_bwd, "$dA^{[0]}$\n(unused)", ha="center", va="center", fontsize=9, color="#B22222")
    arrow(xs[0] - width / 2, y_bwd, x0 - step + 0.8, y_bwd, color="#B22222")
    ax.text((xs[0] + xc) / 2, y_bwd - 0.9, "top row: forward pass (black arrows)    bottom row: backward pass "
            "(red arrows)    dashed: the cache each forward step keeps for its backward step", ha="center",
            va="center", fontsize=8.5, color="dimgray")
    ax.set_xlim(x0 - step - 0.45, xc + 1.5)
    ax.set_ylim(y_bwd - 1.1, y_fwd + 1.25)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"An L-layer network (L = {num_layers}): forward pass, caches and backward pass")
    return ax


def plot_decision_boundary_grid(predicts: Mapping[str, Callable[[np.ndarray], np.ndarray]], X, y,
                                ncols: int = 4, size: float = 3.2, suptitle: str | None = None,
                                resolution: int = 150):
    """One decision-boundary panel per classifier, in a grid, each titled by its key.

    Introduced in notebook 02 (the hidden-layer-size sweep). ``predicts`` maps
    a title (e.g. ``"4 units: 90.5 %"``) to a function from points (2, n) to
    labels; ``X`` (2, m) and ``y`` (1, m) are drawn on every panel. Unused
    panels are hidden. Returns the figure.
    """
    plt = _plt()
    predicts = dict(predicts)
    if not predicts:
        raise ValueError("plot_decision_boundary_grid got no classifiers to draw")
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1; got {ncols}")
    ncols = min(ncols, len(predicts))
    nrows = int(np.ceil(len(predicts) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if suptitle else 0)),
                             squeeze=False)
    for ax in axes.flat[len(predicts):]:
        ax.axis("off")
    for ax, (title, predict) in zip(axes.flat, predicts.items()):
        plot_decision_boundary(predict, X, y, ax=ax, title=title, resolution=resolution)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_difference_errors(epsilons, errors: Mapping[str, Sequence[float]],
                           guides: Mapping[str, tuple] | None = None, mark: float | None = None,
                           threshold: float | None = None, ax=None, title: str | None = None,
                           ylabel: str = "error"):
    """Log-log plot of the error of finite differences against the step ε.

    Introduced in notebook 07 (gradient checking). ``errors`` maps a label
    (e.g. ``"two-sided"``) to one error per entry of ``epsilons``; zeros are
    left out (a log scale has no 0). ``guides`` maps a label (e.g.
    ``"∝ ε²"``) to ``(eps, values)``, drawn as a thin dashed line (a fitted
    slope) and labelled at its middle; ``mark`` draws a vertical line at one
    step (the default ε), ``threshold`` a horizontal one (the pass mark of a
    gradient check).
    """
    eps = np.asarray(epsilons, dtype=float).ravel()
    if eps.size == 0 or not np.all(np.isfinite(eps)) or np.any(eps <= 0):
        raise ValueError("epsilons must be positive finite numbers (they are drawn on a log scale)")
    if not errors:
        raise ValueError("plot_difference_errors got no error curves to draw")
    ax = _axis(ax, figsize=(7, 4.5))
    for label, values in errors.items():
        values = np.asarray(values, dtype=float).ravel()
        if values.shape != eps.shape:
            raise ValueError(f"the curve {label!r} has {values.size} values for {eps.size} epsilons")
        ax.plot(eps, np.where(values > 0, values, np.nan), marker="o", markersize=3, label=str(label))
    for label, (g_eps, g_values) in (guides or {}).items():
        g_eps, g_values = np.asarray(g_eps, dtype=float).ravel(), np.asarray(g_values, dtype=float).ravel()
        if g_eps.size == 0 or g_eps.shape != g_values.shape:
            raise ValueError(f"the guide {label!r} needs as many values as epsilons (and at least one)")
        ax.plot(g_eps, g_values, "k--", lw=1, alpha=0.7)
        middle = g_eps.size // 2
        ax.annotate(str(label), (g_eps[middle], g_values[middle]), textcoords="offset points", xytext=(6, -6),
                    fontsize=9, ha="left", va="top")
    if mark is not None:
        ax.axvline(mark, color="gray", lw=1, ls=":")
        ax.annotate(f"ε = {mark:g}", (mark, 1), xycoords=("data", "axes fraction"), textcoords="offset points",
                    xytext=(3, -12), fontsize=9, color="gray")
    if threshold is not None:
        ax.axhline(threshold, color="firebrick", lw=1, ls=":")
        ax.annotate(f"{threshold:g}", (0, threshold), xycoords=("axes fraction", "data"),
                    textcoords="offset points", xytext=(3, 3), fontsize=9, color="firebrick")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step ε")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower left", fontsize=9)
    if title:
        ax.set_title(title)
    return ax
