"""Pictures of Keras models and of their training: a layer diagram and learning curves.

Introduced in notebook 11 (Keras: the Happy House). :func:`plot_model` draws
a model's layers as boxes with Matplotlib, the picture ``keras.utils.plot_model``
would draw, without its pydot and Graphviz (a system binary) dependencies.
:func:`plot_history` draws the loss and metric curves of ``model.fit``.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

__all__ = ["model_graph", "plot_model", "plot_history"]

#: Box colours by kind of layer.
COLOURS = {
    "input": "#BBBBBB", "conv": "#4C78A8", "norm": "#EECA3B", "activation": "#F58518", "pool": "#54A24B",
    "dense": "#B279A2", "reshape": "#9D755D", "merge": "#E45756", "other": "#72B7B2",
}


def _family(kind: str) -> str:
    k = kind.lower()
    if k == "inputlayer":
        return "input"
    if "conv" in k:
        return "conv"
    if "normalization" in k:
        return "norm"
    if k in {"relu", "activation", "leakyrelu", "softmax", "elu", "prelu"}:
        return "activation"
    if "pool" in k:
        return "pool"
    if k == "dense":
        return "dense"
    if k in {"flatten", "reshape", "zeropadding2d", "cropping2d", "dropout"}:
        return "reshape"
    if k in {"add", "concatenate", "multiply", "average", "subtract"}:
        return "merge"
    return "other"


def _shape(tensor):
    return tuple(None if d is None else int(d) for d in tensor.shape)


def model_graph(model) -> tuple[list[dict], list[tuple[int, int]]]:
    """The nodes (one per layer, the input first) and edges (parent index, child index) of ``model``.

    A node is ``{"kind", "name", "output", "params"}``. A Sequential model is a
    chain; a functional model's edges come from each layer's inbound nodes,
    so skip connections (notebook 12) show.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"plot_model needs a Keras model; got {type(model).__name__}")
    layers = list(model.layers)
    nodes, edges = [], []
    if isinstance(model, keras.Sequential) or not any(type(layer).__name__ == "InputLayer" for layer in layers):
        for t in model.inputs:
            nodes.append({"kind": "InputLayer", "name": "input", "output": _shape(t), "params": 0})
        for layer in layers:
            nodes.append({"kind": type(layer).__name__, "name": layer.name, "output": _shape(layer.output),
                          "params": int(layer.count_params())})
            edges.append((len(nodes) - 2, len(nodes) - 1))
        return nodes, edges
    index = {id(layer): i for i, layer in enumerate(layers)}
    for i, layer in enumerate(layers):
        try:
            output = _shape(layer.output)
        except (AttributeError, ValueError):
            output = None
        nodes.append({"kind": type(layer).__name__, "name": layer.name, "output": output,
                      "params": int(layer.count_params())})
        parents = []
        for node in getattr(layer, "_inbound_nodes", []):
            for tensor in getattr(node, "input_tensors", []):
                history = getattr(tensor, "_keras_history", None)
                op = getattr(history, "operation", None)
                if op is not None and id(op) in index and index[id(op)] not in parents:
                    parents.append(index[id(op)])
        edges += [(p, i) for p in parents]
    return nodes, edges


def _layout(nodes, edges):
    """Depth (longest path from the input) and lane (column) of each node.

    A node stays in the lane of its first parent unless a sibling took it; a
    new branch opens a new lane, so the main path of a residual block is one
    straight column and its shortcut another.
    """
    parents: dict[int, list[int]] = {i: [] for i in range(len(nodes))}
    for p, c in edges:
        parents[c].append(p)
    depth, lane = [0] * len(nodes), [0] * len(nodes)
    taken: set[tuple[int, int]] = set()  # (parent, lane) already continued by a child
    next_lane = 1
    for i in range(len(nodes)):  # model.layers is in topological order
        if parents[i]:
            depth[i] = 1 + max(depth[p] for p in parents[i])
            first = parents[i][0]
            if (first, lane[first]) not in taken:
                lane[i] = lane[first]
            else:
                lane[i], next_lane = next_lane, next_lane + 1
            for p in parents[i]:
                taken.add((p, lane[i]))
        elif i > 0:
            lane[i], next_lane = next_lane, next_lane + 1
    return depth, lane


def plot_model(model, ax=None, title: str | None = None, box_width: float = 4.4):
    """Draw the layers of ``model`` top to bottom: class, name, output shape and parameters in each box.

    Layers at the same depth (branches of a functional model) stand side by
    side; an edge that skips layers is drawn as a curve. Meant for models of
    tens of layers (a whole ResNet-50 is very tall: draw its blocks). Returns
    the axis.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    nodes, edges = model_graph(model)
    depth, lane = _layout(nodes, edges)
    width, height, step_y, step_x = box_width, 0.78, 1.2, box_width + 1.0
    lanes = sorted(set(lane))
    centre = (lanes[0] + lanes[-1]) / 2
    pos = {i: ((lane[i] - centre) * step_x, -depth[i] * step_y) for i in range(len(nodes))}
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.5, 1.1 * len(lanes) * step_x), 0.8 * (max(depth) + 1.8)))
    for i, node in enumerate(nodes):
        x, y = pos[i]
        colour = COLOURS[_family(node["kind"])]
        ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                    boxstyle="round,pad=0.02,rounding_size=0.12", facecolor=colour,
                                    edgecolor="black", linewidth=0.8, alpha=0.9))
        head = node["kind"] if node["kind"] == "InputLayer" else f"{node['kind']}  ({node['name']})"
        params = f"{node['params']:,} params" if node["params"] else "no parameters"
        ax.text(x, y + 0.14, head, ha="center", va="center", fontsize=10, fontweight="bold")
        ax.text(x, y - 0.17, f"{node['output']}   {params}", ha="center", va="center", fontsize=9)
    arrow = dict(arrowstyle="-|>", color="black", lw=1.0, shrinkA=1, shrinkB=1)
    for parent, child in edges:
        (x1, y1), (x2, y2) = pos[parent], pos[child]
        if depth[child] - depth[parent] == 1:
            ax.annotate("", xy=(x2, y2 + height / 2), xytext=(x1, y1 - height / 2), arrowprops=arrow)
        elif abs(x1 - x2) < 1e-9:  # a skip connection along the same lane: a bracket on the right
            side = x1 + width / 2
            ax.annotate("", xy=(side, y2), xytext=(side, y1),
                        arrowprops=dict(arrow, connectionstyle="bar,armA=18,armB=18,fraction=0"))
        else:  # from another lane: down that lane, then across into the side of the box
            ax.annotate("", xy=(x2 + np.sign(x1 - x2) * width / 2, y2), xytext=(x1, y1 - height / 2),
                        arrowprops=dict(arrow, connectionstyle="angle,angleA=-90,angleB=0,rad=0"))
    xs = [p[0] for p in pos.values()]
    ax.set_xlim(min(xs) - width / 2 - 0.8, max(xs) + width / 2 + 0.8)
    ax.set_ylim(-max(depth) * step_y - height, height)
    ax.axis("off")
    total = sum(n["params"] for n in nodes)
    ax.set_title(title or f"{model.name}: {len(nodes) - sum(n['kind'] == 'InputLayer' for n in nodes)} layers, "
                          f"{total:,} parameters", fontsize=11)
    return ax


def plot_history(history, metrics: Sequence[str] = ("loss", "accuracy"), axes=None, title: str | None = None,
                 validation_label: str = "validation"):
    """Learning curves of ``model.fit``: one panel per metric, training and validation per epoch.

    ``history`` is the ``History`` returned by ``fit`` or its ``.history``
    dict. The validation curve (``val_<metric>``) is drawn when present and
    labelled ``validation_label`` (e.g. "test" when the test set served as
    validation data). Returns the axes.
    """
    import matplotlib.pyplot as plt

    logs: Mapping = getattr(history, "history", history)
    metrics = [m for m in metrics if m in logs]
    if not metrics:
        raise ValueError(f"the history has none of the metrics asked for; it has {sorted(logs)}")
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(5.2 * len(metrics), 3.6), squeeze=False)
        axes = axes[0]
    for ax, metric in zip(axes, metrics):
        values = np.asarray(logs[metric], dtype=float)
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, marker="o", markersize=3, label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, np.asarray(logs[f"val_{metric}"], dtype=float), marker="o", markersize=3,
                    label=validation_label)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
        if len(epochs) <= 12:
            ax.set_xticks(epochs)
    if title:
        axes[0].figure.suptitle(title)
    axes[0].figure.tight_layout()
    return axes
