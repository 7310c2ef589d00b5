"""A convolution layer's forward pass as one matrix product ("im2col").

Introduced in notebook 10 (convolutional model step by step), whose "going
further" section compares it with the learner's loop version. Layout and
arguments are those of the notebook's ``conv_forward``: channels last,

- ``A_prev`` of shape (m, n_H_prev, n_W_prev, n_C_prev),
- ``W`` of shape (f, f, n_C_prev, n_C), ``b`` of shape (1, 1, 1, n_C),
- ``hparameters = {"stride": s, "pad": p}``,

and the output has n_H = floor((n_H_prev + 2p - f) / s) + 1 rows (n_W alike).

:func:`im2col` copies every f x f x n_C_prev window of the zero-padded input
into one row of a matrix, in the order of ``W.reshape(-1, n_C)``'s rows
(window row, window column, channel). The convolution is then a single
product ``cols @ W.reshape(-1, n_C) + b``, which NumPy hands to an optimised
BLAS routine instead of calling Python once per output number. ``cols`` is
built without a Python loop: a sliding-window view of the padded batch shows
every window as its own small array without copying anything, and one
``reshape`` copies the windows, in order, into the matrix.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["im2col", "conv_forward_im2col"]


def _int_at_least(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be at least {low}; got {value}")
    return int(value)


def _batch(A_prev) -> np.ndarray:
    A_prev = np.asarray(A_prev)
    if A_prev.ndim != 4:
        raise ValueError(f"A_prev must have 4 axes (m, n_H_prev, n_W_prev, n_C_prev); got shape {A_prev.shape}")
    if A_prev.dtype.kind not in "biuf":
        raise ValueError(f"A_prev must hold numbers; got dtype {A_prev.dtype}")
    return A_prev.astype(float, copy=False)


def _output_size(n_prev: int, f: int, pad: int, stride: int, axis: str) -> int:
    if n_prev + 2 * pad < f:
        raise ValueError(f"the {f}x{f} window does not fit in the padded input: {axis} is {n_prev} + 2*{pad}")
    return (n_prev + 2 * pad - f) // stride + 1


def im2col(A_prev, f: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """The f x f windows of ``A_prev`` (zero-padded by ``pad``, every ``stride`` pixels) as rows of a matrix.

    Returns ``cols`` of shape (m * n_H * n_W, f * f * n_C_prev), float64:
    row ``(i * n_H + h) * n_W + w`` is the window of example ``i`` whose top
    left corner is at row ``h * stride``, column ``w * stride`` of the padded
    input, flattened in (window row, window column, channel) order.
    """
    A_prev = _batch(A_prev)
    f = _int_at_least("f", f, 1)
    stride = _int_at_least("stride", stride, 1)
    pad = _int_at_least("pad", pad, 0)
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    n_H = _output_size(n_H_prev, f, pad, stride, "the height")
    n_W = _output_size(n_W_prev, f, pad, stride, "the width")
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    # A view (no copy) in which windows[i, h, w] is the (n_C_prev, f, f) window at row h * stride,
    # column w * stride; moving the channel axis last gives W's (row, column, channel) order.
    windows = np.lib.stride_tricks.sliding_window_view(A_pad, (f, f), axis=(1, 2))[:, ::stride, ::stride]
    windows = windows[:, :n_H, :n_W].transpose(0, 1, 2, 4, 5, 3)
    return windows.reshape(m * n_H * n_W, f * f * n_C_prev)  # the one copy


def conv_forward_im2col(A_prev, W, b, hparameters: dict):
    """The forward pass of a convolution layer, vectorized: same arguments and results as ``conv_forward``.

    Returns ``(Z, cache)``: ``Z`` of shape (m, n_H, n_W, n_C) and
    ``cache = (A_prev, W, b, hparameters)``.
    """
    A = _batch(A_prev)
    W_arr, b_arr = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    if W_arr.ndim != 4 or W_arr.shape[0] != W_arr.shape[1]:
        raise ValueError(f"W must have shape (f, f, n_C_prev, n_C); got {W_arr.shape}")
    f, _, n_C_prev, n_C = W_arr.shape
    if n_C_prev != A.shape[3]:
        raise ValueError(f"W expects {n_C_prev} input channels but A_prev has {A.shape[3]} (its last axis)")
    if b_arr.shape != (1, 1, 1, n_C):
        raise ValueError(f"b must have shape (1, 1, 1, {n_C}), one bias per filter; got {b_arr.shape}")
    if not isinstance(hparameters, dict) or not {"stride", "pad"} <= set(hparameters):
        raise ValueError(f"hparameters must be a dict with 'stride' and 'pad'; got {hparameters!r}")
    stride, pad = hparameters["stride"], hparameters["pad"]
    cols = im2col(A, f, stride, pad)
    m = A.shape[0]
    n_H = _output_size(A.shape[1], f, pad, stride, "the height")
    n_W = _output_size(A.shape[2], f, pad, stride, "the width")
    Z = cols @ W_arr.reshape(f * f * n_C_prev, n_C) + b_arr.reshape(1, n_C)
    return Z.reshape(m, n_H, n_W, n_C), (A_prev, W, b, hparameters)
