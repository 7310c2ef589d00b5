"""Diagrams of recurrent cells and plots of what happens inside them over time.

Introduced in notebook 16 (RNN step by step). Every diagram is drawn with
Matplotlib patches on one axis, so that it is made by the notebook itself:

- :func:`draw_unrolled_rnn`: a recurrent network unrolled over ``T_x`` steps,
  the same cell (the same parameters) at every step;
- :func:`draw_rnn_cell`: one step of a basic RNN, ``tanh`` then ``softmax``;
- :func:`draw_lstm_cell`: one LSTM step with its three sigmoid gates, the
  ``tanh`` candidate, the element-wise products and the sum on the cell state.

And two plots of a sequence:

- :func:`plot_gate_activations`: one row per series (inputs, gates, states)
  against the time step, with optional marks at chosen steps;
- :func:`plot_gradient_norms`: how large the gradient reaching each step is,
  on a log scale (vanishing gradients).

Each function returns the axis (diagrams, gradient norms) or the figure
(gate activations) it drew on.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

__all__ = ["draw_unrolled_rnn", "draw_rnn_cell", "draw_lstm_cell", "plot_gate_activations", "plot_gradient_norms"]

#: Colours: sigmoid gates, tanh layers, affine blocks, element-wise operations, gradients.
COLORS = {"sigmoid": "#F58518", "tanh": "#54A24B", "affine": "#4C78A8", "op": "#E45756", "cell": "#F2F2F2",
          "state": "#B279A2"}


def _axis(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _t(symbol: str, step: str = "t") -> str:
    r"""Mathtext for ``symbol<step>``, e.g. ``$a^{\langle t-1 \rangle}$``."""
    return rf"${symbol}^{{\langle {step} \rangle}}$"


class _Canvas:
    """Small drawing vocabulary on one axis: boxes, circles with an operator, arrows, labels."""

    def __init__(self, ax):
        self.ax = ax

    def box(self, x, y, w, h, text, color, filled=True, fontsize=10, name=None):
        from matplotlib.patches import FancyBboxPatch

        patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                               facecolor=color if filled else "white", edgecolor=color, linewidth=1.8, zorder=3)
        patch.set_gid(name or text)
        self.ax.add_patch(patch)
        self.ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4,
                     color="white" if filled else color, fontweight="bold")
        return patch

    def op(self, x, y, symbol, r=0.26, name=None):
        """A circle holding an element-wise operation: ``symbol`` is "×" or "+"."""
        from matplotlib.patches import Circle

        patch = Circle((x, y), r, facecolor="white", edgecolor=COLORS["op"], linewidth=1.8, zorder=3)
        patch.set_gid(name or f"op {symbol}")
        self.ax.add_patch(patch)
        self.ax.text(x, y, symbol, ha="center", va="center", fontsize=13, color=COLORS["op"], zorder=4,
                     fontweight="bold")
        return patch

    def arrow(self, start, end, color="black", lw=1.5, style="-|>", connection=None, head=True):
        props = dict(arrowstyle=style if head else "-", color=color, lw=lw, shrinkA=0, shrinkB=0)
        if connection:
            props["connectionstyle"] = connection
        return self.ax.annotate("", xy=end, xytext=start, arrowprops=props, zorder=2)

    def line(self, xs, ys, color="black", lw=1.5):
        return self.ax.plot(xs, ys, color=color, lw=lw, zorder=2, solid_capstyle="round")[0]

    def text(self, x, y, text, ha="center", va="center", fontsize=11, color="black", **kw):
        return self.ax.text(x, y, text, ha=ha, va=va, fontsize=fontsize, color=color, zorder=5, **kw)

    def finish(self, xlim, ylim, title):
        self.ax.set_xlim(*xlim)
        self.ax.set_ylim(*ylim)
        self.ax.set_aspect("equal")
        self.ax.axis("off")
        if title:
            self.ax.set_title(title, fontsize=11)
        return self.ax


# --------------------------------------------------------------------------- #
# Diagrams
# --------------------------------------------------------------------------- #

def draw_unrolled_rnn(T_x: int = 4, cell: str = "RNN", ax=None, title: str | None = None):
    """A recurrent network unrolled over ``T_x`` steps (1 to 8): x<t> below each cell, yhat<t> above.

    ``cell`` is "RNN" (the state a<t> passes from step to step) or "LSTM"
    (the cell state c<t> passes too). Steps are numbered 1..T_x as in the
    text; in the code, step t is ``x[:, :, t - 1]``.
    """
    if isinstance(T_x, bool) or not isinstance(T_x, (int, np.integer)) or not 1 <= T_x <= 8:
        raise ValueError(f"T_x must be an integer from 1 to 8; got {T_x!r}")
    if cell not in ("RNN", "LSTM"):
        raise ValueError(f'cell must be "RNN" or "LSTM"; got {cell!r}')
    ax = _axis(ax, (2.2 * T_x + 2.6, 4.2))
    d = _Canvas(ax)
    step, w, h = 2.2, 1.3, 1.1
    xs = [1.9 + step * k for k in range(T_x)]
    color = COLORS["affine"] if cell == "RNN" else COLORS["state"]
    ya, yc = 0.0, 0.3  # where a<t> and c<t> travel, relative to the cell's centre
    for k, x in enumerate(xs):
        t = str(k + 1)
        d.box(x, 0, w, h, f"{cell}\ncell", color, name=f"cell {t}")
        d.arrow((x, -1.6), (x, -h / 2))
        d.text(x, -1.9, _t("x", t))
        d.arrow((x, h / 2), (x, 1.6))
        d.text(x, 1.95, _t(r"\hat{y}", t))
    # states between the cells
    shift = (-yc, yc) if cell == "LSTM" else (ya,)
    names = ("a", "c") if cell == "LSTM" else ("a",)
    for name, dy in zip(names, shift):
        d.arrow((xs[0] - w / 2 - 1.0, dy), (xs[0] - w / 2, dy))
        d.text(xs[0] - w / 2 - 1.05, dy + 0.22, _t(name, "0"), ha="left", fontsize=10)
        for k in range(T_x - 1):
            d.arrow((xs[k] + w / 2, dy), (xs[k + 1] - w / 2, dy))
            d.text((xs[k] + xs[k + 1]) / 2, dy + 0.22, _t(name, str(k + 1)), fontsize=10)
        d.arrow((xs[-1] + w / 2, dy), (xs[-1] + w / 2 + 0.9, dy))
        d.text(xs[-1] + w / 2 + 0.5, dy + 0.22, _t(name, str(T_x)), fontsize=10)
    keys = "Wax, Waa, Wya, ba, by" if cell == "RNN" else "Wf, Wi, Wc, Wo, Wy and biases"
    d.text((xs[0] + xs[-1]) / 2, -2.55, f"the same cell, with the same parameters ({keys}), at every time step",
           fontsize=9, color="dimgray")
    return d.finish((xs[0] - w / 2 - 1.2, xs[-1] + w / 2 + 1.1), (-2.85, 2.3),
                    title or f"An {cell} unrolled over T_x = {T_x} time steps")


def draw_rnn_cell(ax=None, title: str | None = None):
    """One step of a basic RNN: a<t> = tanh(Waa a<t-1> + Wax x<t> + ba), yhat<t> = softmax(Wya a<t> + by)."""
    ax = _axis(ax, (8.6, 4.6))
    d = _Canvas(ax)
    from matplotlib.patches import FancyBboxPatch

    body = FancyBboxPatch((0.7, -0.2), 8.2, 4.1, boxstyle="round,pad=0.05,rounding_size=0.3",
                          facecolor=COLORS["cell"], edgecolor="gray", linewidth=1.2, zorder=1)
    body.set_gid("cell body")
    ax.add_patch(body)
    y, x_aff, w_aff, x_tanh, x_y = 1.2, 3.1, 3.7, 6.0, 7.1
    d.box(x_aff, y, w_aff, 0.9, r"$W_{aa}\,a^{\langle t-1 \rangle} + W_{ax}\,x^{\langle t \rangle} + b_a$",
          COLORS["affine"], fontsize=10, name="affine")
    d.box(x_tanh, y, 0.9, 0.7, "tanh", COLORS["tanh"], name="tanh")
    d.box(x_y, 3.0, 3.0, 0.75, r"softmax$(W_{ya}\,a^{\langle t \rangle} + b_y)$", COLORS["affine"], fontsize=10,
          name="softmax")
    d.arrow((-0.4, y), (x_aff - w_aff / 2, y))
    d.text(-0.45, y + 0.35, _t("a", "t-1"), ha="left")
    d.arrow((x_aff, -1.1), (x_aff, y - 0.45))
    d.text(x_aff, -1.35, _t("x", "t"))
    d.arrow((x_aff + w_aff / 2, y), (x_tanh - 0.45, y))
    d.arrow((x_tanh + 0.45, y), (10.2, y))
    d.text(10.15, y + 0.35, _t("a", "t"), ha="right")
    d.line([x_y, x_y], [y, 3.0 - 0.375])
    ax.plot([x_y], [y], "o", color="black", ms=4, zorder=3)
    d.arrow((x_y, 3.0 + 0.375), (x_y, 4.6))
    d.text(x_y, 4.9, _t(r"\hat{y}", "t"))
    d.text(7.6, 0.45, r"$a^{\langle t \rangle}$ goes to the next step" + "\nand to the prediction", fontsize=8,
           color="dimgray")
    return d.finish((-0.6, 10.4), (-1.6, 5.2), title or "A basic RNN cell")


def draw_lstm_cell(ax=None, title: str | None = None):
    """One LSTM step: forget, update (input) and output gates, the tanh candidate, products and sum.

    The cell state c runs along the top; the gates read ``[a<t-1>; x<t>]``
    from the line along the bottom; a<t> leaves to the right (next step) and
    up (the prediction yhat<t>).
    """
    ax = _axis(ax, (10.5, 6.6))
    d = _Canvas(ax)
    from matplotlib.patches import FancyBboxPatch

    body = FancyBboxPatch((1.0, 0.35), 8.3, 5.0, boxstyle="round,pad=0.05,rounding_size=0.3",
                          facecolor=COLORS["cell"], edgecolor="gray", linewidth=1.2, zorder=1)
    body.set_gid("cell body")
    ax.add_patch(body)
    y_c, y_gate, y_in = 4.6, 2.35, 1.0          # cell-state line, gate row, concatenated input line
    gw, gh = 0.8, 0.6
    x_f, x_i, x_cc, x_o = 2.7, 4.1, 5.5, 6.9     # forget, update, candidate, output
    x_sum, x_tc = 4.8, 8.2                       # the + on the cell line, tanh(c<t>)
    # cell-state line: c<t-1> -> x f -> + -> c<t>
    d.text(-0.35, y_c + 0.35, _t("c", "t-1"), ha="left")
    d.line([-0.35, x_f - 0.26], [y_c, y_c], lw=2.2)
    d.op(x_f, y_c, "×", name="forget product")
    d.line([x_f + 0.26, x_sum - 0.26], [y_c, y_c], lw=2.2)
    d.op(x_sum, y_c, "+", name="cell sum")
    d.arrow((x_sum + 0.26, y_c), (10.7, y_c), lw=2.2)
    d.text(10.65, y_c + 0.35, _t("c", "t"), ha="right")
    # input line: a<t-1> from the left, x<t> from below, joined as [a<t-1>; x<t>]
    d.text(-0.35, y_in + 0.35, _t("a", "t-1"), ha="left")
    d.line([-0.35, x_o], [y_in, y_in])
    d.line([1.7, 1.7], [-0.6, y_in])
    d.text(1.7, -0.85, _t("x", "t"))
    ax.plot([1.7], [y_in], "o", color="black", ms=4, zorder=3)
    d.text(2.1, y_in - 0.32, r"$[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$", ha="left", fontsize=9,
           color="dimgray")
    # the four layers reading the input line
    layers = [(x_f, r"$\sigma$", "sigmoid", "forget gate"), (x_i, r"$\sigma$", "sigmoid", "update gate"),
              (x_cc, "tanh", "tanh", "candidate"), (x_o, r"$\sigma$", "sigmoid", "output gate")]
    for x, label, kind, name in layers:
        ax.plot([x], [y_in], "o", color="black", ms=4, zorder=3)
        d.arrow((x, y_in), (x, y_gate - gh / 2))
        d.box(x, y_gate, gw, gh, label, COLORS[kind], fontsize=12 if kind == "sigmoid" else 10, name=name)
        d.text(x + 0.1, y_gate - gh / 2 - 0.16, name, ha="left", va="top", fontsize=7.5, color=COLORS[kind])
    # forget gate -> x on the cell line
    d.arrow((x_f, y_gate + gh / 2), (x_f, y_c - 0.26))
    d.text(x_f + 0.1, (y_gate + y_c) / 2, _t("f", "t"), ha="left")
    # update gate and candidate -> x -> + on the cell line
    y_mul = 3.55
    d.op(x_sum, y_mul, "×", name="update product")
    d.arrow((x_i, y_gate + gh / 2), (x_sum - 0.26, y_mul), connection="angle,angleA=180,angleB=90,rad=0")
    d.text(x_i - 0.1, y_gate + gh / 2 + 0.35, _t("i", "t"), ha="right")
    d.arrow((x_cc, y_gate + gh / 2), (x_sum + 0.26, y_mul), connection="angle,angleA=0,angleB=90,rad=0")
    d.text(x_cc + 0.1, y_gate + gh / 2 + 0.35, _t(r"\tilde{c}", "t"), ha="left")
    d.arrow((x_sum, y_mul + 0.26), (x_sum, y_c - 0.26))
    # output: tanh(c<t>) times o<t> -> a<t>
    ax.plot([x_tc], [y_c], "o", color="black", ms=4, zorder=3)
    d.arrow((x_tc, y_c), (x_tc, 3.55 + 0.3))
    d.box(x_tc, 3.55, gw, gh, "tanh", COLORS["tanh"], filled=False, fontsize=10, name="tanh of c")
    d.op(x_tc, y_gate, "×", name="output product")
    d.arrow((x_tc, 3.55 - 0.3), (x_tc, y_gate + 0.26))
    d.arrow((x_o + gw / 2, y_gate), (x_tc - 0.26, y_gate))
    d.text((x_o + x_tc) / 2 + 0.05, y_gate + 0.3, _t("o", "t"))
    # a<t>: to the next step (right) and to the prediction (up, over the cell line)
    d.line([x_tc, x_tc], [y_gate - 0.26, y_in])
    d.arrow((x_tc, y_in), (10.7, y_in))
    d.text(10.65, y_in + 0.35, _t("a", "t"), ha="right")
    x_y = 9.0
    ax.plot([x_y], [y_in], "o", color="black", ms=4, zorder=3)
    d.line([x_y, x_y], [y_in, y_c + 0.55])
    d.box(x_y, y_c + 0.95, 1.7, 0.6, "softmax", COLORS["affine"], fontsize=9, name="softmax")
    d.arrow((x_y, y_c + 1.25), (x_y, 6.5))
    d.text(x_y + 0.15, 6.45, _t(r"\hat{y}", "t"), ha="left")
    d.text(4.8, -1.25, r"$\sigma$, tanh: a layer $W\,[a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b$ then the "
           r"activation;   $\times$, $+$: element-wise product and sum", fontsize=8.5, color="dimgray")
    return d.finish((-0.6, 10.9), (-1.5, 6.8), title or "An LSTM cell")


# --------------------------------------------------------------------------- #
# Plots over time
# --------------------------------------------------------------------------- #

def plot_gate_activations(series: Mapping[str, object], marks: Sequence[int] = (), title: str | None = None,
                          mark_label: str = "", height: float = 1.25, width: float = 9.0):
    """One row per ``{label: values}`` against the time step; return the figure.

    ``values`` is a 1-D array of length T, or a 2-D array (k, T) drawn as k
    lines (e.g. every unit of a gate). Rows whose values all lie in [0, 1]
    (the gates) get the y-range 0..1 and a dotted line at 0.5. ``marks``
    draws a vertical line at those time steps on every row (labelled
    ``mark_label`` on the first).
    """
    import matplotlib.pyplot as plt

    if not isinstance(series, Mapping) or not series:
        raise ValueError("plot_gate_activations needs a non-empty dict {label: values over time}")
    rows = {}
    for label, values in series.items():
        arr = np.asarray(values, dtype=float)
        if arr.ndim == 1:
            arr = arr[np.newaxis]
        if arr.ndim != 2 or arr.shape[1] == 0:
            raise ValueError(f"series {label!r} must be 1-D (T,) or 2-D (k, T); got shape {np.shape(values)}")
        rows[str(label)] = arr
    lengths = {arr.shape[1] for arr in rows.values()}
    if len(lengths) != 1:
        raise ValueError(f"all series must have the same number of time steps; got {sorted(lengths)}")
    T = lengths.pop()
    fig, axes = plt.subplots(len(rows), 1, figsize=(width, height * len(rows) + 0.5), sharex=True, squeeze=False)
    t = np.arange(T)
    for i, (ax, (label, arr)) in enumerate(zip(axes[:, 0], rows.items())):
        for line in arr:
            ax.plot(t, line, marker="o", ms=2.5, lw=1.3)
        if arr.min() >= 0 and arr.max() <= 1:
            ax.set_ylim(-0.05, 1.05)
            ax.axhline(0.5, color="gray", lw=0.6, ls=":")
        else:
            ax.axhline(0.0, color="gray", lw=0.6)
        for k, step in enumerate(marks):
            ax.axvline(step, color="#E45756", lw=1.0, ls="--", alpha=0.7,
                       label=mark_label if (i == 0 and k == 0 and mark_label) else None)
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
        ax.grid(alpha=0.2)
    if mark_label and len(marks):
        axes[0, 0].legend(loc="upper right", fontsize=8)
    axes[-1, 0].set_xlabel("time step t")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_gradient_norms(norms: Mapping[str, object], ax=None, title: str | None = None,
                        ylabel: str = "gradient norm"):
    """Plot each ``{label: values}`` (one value per time step, positive) on a log scale; return the axis."""
    if not isinstance(norms, Mapping) or not norms:
        raise ValueError("plot_gradient_norms needs a non-empty dict {label: norms over time}")
    ax = _axis(ax, (7.5, 3.8))
    for label, values in norms.items():
        arr = np.asarray(values, dtype=float)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"norms {label!r} must be a non-empty 1-D array; got shape {arr.shape}")
        shown = np.where(arr > 0, arr, np.nan)  # log scale: a zero is left out
        ax.semilogy(np.arange(arr.size), shown, marker="o", ms=3, lw=1.5, label=str(label))
    ax.set_xlabel("time step t")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    return ax
