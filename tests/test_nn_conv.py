"""The vectorized convolution of notebook 10 (course_utils.nn.conv) against an independent loop oracle."""

import numpy as np
import pytest

from course_utils.nn.conv import conv_forward_im2col, im2col


def loop_conv(A, W, b, stride, pad):
    """The definition, one output number at a time."""
    f, _, _, n_C = W.shape
    A_pad = np.pad(A, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    n_H = (A.shape[1] + 2 * pad - f) // stride + 1
    n_W = (A.shape[2] + 2 * pad - f) // stride + 1
    Z = np.zeros((A.shape[0], n_H, n_W, n_C))
    for i in range(A.shape[0]):
        for h in range(n_H):
            for w in range(n_W):
                window = A_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(window * W[..., c]) + b[0, 0, 0, c]
    return Z


SHAPES = [((2, 6, 8, 3), 3, 4, 1, 1), ((1, 7, 5, 2), 5, 3, 2, 3), ((3, 5, 5, 1), 2, 2, 0, 2),
          ((2, 9, 4, 3), 1, 5, 0, 1), ((1, 4, 4, 2), 4, 1, 3, 3)]


@pytest.mark.parametrize("A_shape, f, n_C, pad, stride", SHAPES)
def test_matches_the_loop_definition(A_shape, f, n_C, pad, stride):
    rng = np.random.default_rng(7)
    A, W, b = rng.normal(size=A_shape), rng.normal(size=(f, f, A_shape[3], n_C)), rng.normal(size=(1, 1, 1, n_C))
    hparameters = {"stride": stride, "pad": pad}
    Z, cache = conv_forward_im2col(A, W, b, hparameters)
    expected = loop_conv(A, W, b, stride, pad)
    assert Z.shape == expected.shape and Z.dtype == np.float64
    np.testing.assert_allclose(Z, expected, rtol=1e-12, atol=1e-12)
    assert cache[0] is A and cache[1] is W and cache[2] is b and cache[3] is hparameters


def test_im2col_rows_are_the_windows():
    A = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(im2col(A, 2), [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]])
    rng = np.random.default_rng(3)
    A = rng.normal(size=(2, 5, 6, 3))
    cols = im2col(A, 3, stride=2, pad=1)
    n_H, n_W = (5 + 2 - 3) // 2 + 1, (6 + 2 - 3) // 2 + 1
    assert cols.shape == (2 * n_H * n_W, 27) and cols.flags.c_contiguous
    A_pad = np.pad(A, ((0, 0), (1, 1), (1, 1), (0, 0)))
    i, h, w = 1, 2, 1
    np.testing.assert_array_equal(cols[(i * n_H + h) * n_W + w], A_pad[i, 4:7, 2:5, :].ravel())


def test_integer_images_and_determinism():
    rng = np.random.default_rng(5)
    A = rng.integers(0, 256, size=(2, 6, 6, 3), dtype=np.uint8)
    W, b = rng.normal(size=(3, 3, 3, 2)), np.zeros((1, 1, 1, 2))
    Z1, _ = conv_forward_im2col(A, W, b, {"stride": 1, "pad": 1})
    Z2, _ = conv_forward_im2col(A.astype(float), W, b, {"stride": 1, "pad": 1})
    assert np.array_equal(Z1, Z2)
    assert np.array_equal(im2col(A, 3, 1, 1), im2col(A, 3, 1, 1))
    assert A.dtype == np.uint8  # the input is not converted in place


@pytest.mark.parametrize("call, message", [
    (lambda: im2col(np.zeros((4, 4, 3)), 2), "4 axes"),
    (lambda: im2col(np.zeros((1, 4, 4, 3)), 0), "f must be at least 1"),
    (lambda: im2col(np.zeros((1, 4, 4, 3)), 2, stride=0), "stride must be at least 1"),
    (lambda: im2col(np.zeros((1, 4, 4, 3)), 2, pad=-1), "pad must be at least 0"),
    (lambda: im2col(np.zeros((1, 4, 4, 3)), 2, stride=1.5), "stride must be an integer"),
    (lambda: im2col(np.zeros((1, 2, 4, 3)), 5, pad=1), "does not fit"),
    (lambda: im2col(np.array([[[["a"]]]]), 1), "numbers"),
    (lambda: conv_forward_im2col(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 2, 4)), np.zeros((1, 1, 1, 4)),
                                 {"stride": 1, "pad": 0}), "expects 2 input channels"),
    (lambda: conv_forward_im2col(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 3, 4)), np.zeros((4,)),
                                 {"stride": 1, "pad": 0}), "b must have shape (1, 1, 1, 4)"),
    (lambda: conv_forward_im2col(np.zeros((1, 4, 4, 3)), np.zeros((3, 2, 3, 4)), np.zeros((1, 1, 1, 4)),
                                 {"stride": 1, "pad": 0}), "W must have shape (f, f, n_C_prev, n_C)"),
    (lambda: conv_forward_im2col(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 3, 4)), np.zeros((1, 1, 1, 4)),
                                 {"stride": 1}), "'stride' and 'pad'"),
])
def test_friendly_errors(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()
