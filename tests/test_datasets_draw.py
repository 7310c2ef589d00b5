"""Tests for course_utils.datasets._draw: the batched drawing primitives behind signs and faces."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.datasets import _draw as d

S = 64


def _area(mask: d.Patch) -> np.ndarray:
    return mask.a.sum(axis=(1, 2))


def test_shapes_have_the_area_of_their_formula():
    r = np.array([5.0, 9.0])
    assert np.allclose(_area(d.ellipse(S, 32, 32, r, r)), np.pi * r ** 2, rtol=0.03)
    assert np.allclose(_area(d.ellipse(S, 32, 32, 12.0, 4.0, 0.7)), np.pi * 48, rtol=0.03)
    # a capsule is a rectangle and two half discs
    assert np.allclose(_area(d.capsule(S, 10, 20, 40, 30, 6.0)), 6 * np.hypot(30, 10) + np.pi * 9, rtol=0.03)
    assert np.allclose(_area(d.rect(S, 10, 10, 30, 20)), 200, rtol=0.01)
    assert np.allclose(_area(d.polygon(S, [(10, 10), (30, 10), (10, 30)])), 200, rtol=0.03)
    assert np.allclose(_area(d.ring(S, 32, 32, 10.0, 10.0, 2.0)), np.pi * (11 ** 2 - 9 ** 2), rtol=0.05)
    # a lens between the parabolas of sag -a and b: (a + b) * (4/3) * half-width
    assert np.allclose(_area(d.lens(S, 32, 32, 9.0, -3.0, 4.0)), 7 * 4 / 3 * 9, rtol=0.05)
    assert np.allclose(_area(d.arc(S, 32, 32, 10.0, 5.0, 2.0)), 2 * 20, rtol=0.1)


def test_masks_are_soft_coverage_in_0_1_and_clipped_to_the_image():
    m = d.ellipse(S, [0.0, 63.0], [0.0, 40.0], 10.0, 10.0)
    assert m.a.min() >= 0 and m.a.max() <= 1
    full = m.full()
    assert full.shape == (2, S, S)
    assert 0 < full[0].sum() < np.pi * 100 / 2        # a disc at the corner: a quarter inside
    edge = np.unique(np.round(d.ellipse(S, 32.3, 32.7, 8.0, 8.0).a, 3))
    assert len(edge) > 3                              # anti-aliased: partial coverage on the outline


def test_each_image_of_a_batch_gets_its_own_shape():
    both = d.ellipse(S, [16.0, 48.0], [16.0, 48.0], [4.0, 8.0], [4.0, 8.0])
    one = d.ellipse(S, 48.0, 48.0, 8.0, 8.0)
    assert np.allclose(both.full()[1], one.full()[0])


def test_frame_moves_scales_turns_and_mirrors():
    f = d.Frame(S, tx=[32.0, 32.0], ty=[32.0, 32.0], s=10.0, angle=[0.0, np.pi / 2], flip=[1.0, -1.0])
    x, y = f.point(1.0, 0.0)
    assert np.allclose(x, [42.0, 32.0]) and np.allclose(y, [32.0, 22.0])
    assert np.allclose(_area(f.ellipse(0, 0, 1.0, 0.5)), np.pi * 10 * 5, rtol=0.03)
    sub = f.take(np.array([1]))
    assert np.allclose(sub.point(1.0, 0.0)[1], [22.0])


def test_union_intersect_subtract_follow_set_rules():
    a, b = d.rect(S, 10, 10, 30, 30), d.rect(S, 20, 20, 40, 40)
    assert np.isclose(_area(d.union(a, b))[0], 400 + 400 - 100, rtol=0.01)
    assert np.isclose(_area(d.intersect(a, b))[0], 100, rtol=0.02)
    assert np.isclose(_area(d.subtract(a, b))[0], 300, rtol=0.02)
    assert d.union(a, d.empty(1, S)) is a


def test_some_draws_only_where_asked():
    where = np.array([True, False, True])
    x = np.array([10.0, 30.0, 50.0])
    got = d.some(S, where, lambda i: d.ellipse(S, x[i], 32.0, 5.0, 5.0)).full()
    every = d.ellipse(S, x, 32.0, 5.0, 5.0).full()
    assert np.allclose(got[[0, 2]], every[[0, 2]]) and not got[1].any()
    assert d.some(S, np.zeros(3, bool), lambda i: 1 / 0).a.size == 0     # nothing drawn at all


def test_paint_blends_by_coverage_and_only_where_the_mask_is():
    canvas = np.zeros((2, 3, S, S), np.float32)
    mask = d.rect(S, 10, 10, 20, 20) * d.col([1.0, 0.5])
    d.paint(canvas, mask, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32))
    assert np.isclose(canvas[0, 0, 15, 15], 1.0) and np.isclose(canvas[1, 1, 15, 15], 0.5)
    assert canvas[:, :, 30:, :].sum() == 0
    d.shade(canvas, mask, 0.5)
    assert np.isclose(canvas[0, 0, 15, 15], 0.5)


def test_grow_dilates_by_one_pixel_even_at_the_window_edge():
    m = d.rect(S, 10, 10, 20, 20)
    g = d.grow(m)
    assert g.full()[0, 9, 15] == 1.0 and g.full()[0, 20, 15] == 1.0 and g.full()[0, 8, 15] == 0.0


def test_hashed_uniform_is_a_pure_uniform_function_of_the_key():
    u = d.hashed_uniform(np.arange(20000), 3)
    assert u.shape == (20000, 3) and u.dtype == np.float32
    assert 0 <= u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.std() - np.sqrt(1 / 12)) < 0.01
    assert np.array_equal(d.hashed_uniform([7, 123], 3)[1], u[123])
    assert abs(np.corrcoef(u[:, 0], u[:, 1])[0, 1]) < 0.03


def test_noise_has_the_requested_spread():
    canvas = np.zeros((2, 3, S, S), np.float32)
    d.add_noise(canvas, np.array([0.0, 0.02]), np.array([[0.1, 0.2], [0.9, 0.8]]))
    assert canvas[0].std() == 0 and canvas[1].std() == pytest.approx(0.02, rel=0.05)
