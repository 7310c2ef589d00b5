"""Tests for course_utils.datasets.scenes: the driving scenes of notebook 13 (YOLO)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import config
from course_utils.datasets import scenes
from course_utils.datasets.scenes import (
    CLASSES,
    DISPLAY_SHAPE,
    load_scenes,
    make_scene,
    make_scenes,
    object_mask,
    render_scene,
    scene_boxes,
)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return tmp_path


@pytest.fixture(scope="module")
def some_scenes():
    return make_scenes(12, seed=5)


# --------------------------------------------------------------------------
# Layout and determinism
# --------------------------------------------------------------------------

def test_layout(data_dir):
    images, boxes = load_scenes(5, seed=2, size=64, use_cache=False)
    assert images.shape == (5, 64, 64, 3) and images.dtype == np.uint8
    assert isinstance(boxes, list) and len(boxes) == 5
    for b in boxes:
        assert b.dtype == np.float32 and b.ndim == 2 and b.shape[1] == 5
        assert set(b[:, 0].tolist()) <= set(range(len(CLASSES)))
        assert np.array_equal(b[:, 0], np.round(b[:, 0]))
    assert CLASSES == ("car", "bus", "truck", "pedestrian", "traffic light")


def test_non_square_sizes(data_dir):
    images, boxes = load_scenes(2, seed=2, size=(90, 160), use_cache=False)
    assert images.shape == (2, 90, 160, 3)
    for b in boxes:
        assert np.all(b[:, 3] <= 160) and np.all(b[:, 4] <= 90)


def test_same_seed_same_scenes_and_cache_round_trip(data_dir):
    a_img, a_box = load_scenes(3, seed=7, size=48)
    assert list((data_dir / "cache").glob("scenes-*.npz"))
    b_img, b_box = load_scenes(3, seed=7, size=48)                  # from the cache
    c_img, c_box = load_scenes(3, seed=7, size=48, use_cache=False)  # drawn again
    for img, box in ((b_img, b_box), (c_img, c_box)):
        assert np.array_equal(a_img, img)
        assert all(np.array_equal(x, y) for x, y in zip(a_box, box))
    d_img, _ = load_scenes(3, seed=8, size=48, use_cache=False)
    assert not np.array_equal(a_img, d_img)


def test_scene_i_does_not_depend_on_n(data_dir):
    a_img, a_box = load_scenes(2, seed=3, size=48, use_cache=False)
    b_img, b_box = load_scenes(4, seed=3, size=48, use_cache=False)
    assert np.array_equal(a_img, b_img[:2])
    assert all(np.array_equal(x, y) for x, y in zip(a_box, b_box[:2]))


def test_bad_arguments_are_friendly():
    with pytest.raises(ValueError, match="n must be a positive integer"):
        load_scenes(0)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        load_scenes(2, seed=-1)
    with pytest.raises(ValueError, match="shape must be"):
        load_scenes(2, size=(10, "x"))
    with pytest.raises(ValueError, match="shape must be"):
        render_scene(make_scene(0), 8)


def test_the_set_has_every_class_and_varied_scenes(some_scenes):
    counts = np.zeros(len(CLASSES), int)
    for s in some_scenes:
        for c in scene_boxes(s)[:, 0]:
            counts[int(c)] += 1
    assert counts[0] > counts[1:].max()            # cars are the most common class
    more = make_scenes(60, seed=1)
    counts = np.bincount(np.concatenate([scene_boxes(s)[:, 0] for s in more]).astype(int), minlength=5)
    assert np.all(counts >= 5), counts
    assert {s.time_of_day for s in more} == {"day", "overcast", "dusk"}
    means = [render_scene(s, 32).mean() for s in more[:20]]
    assert np.std(means) > 5                        # lighting varies from scene to scene


# --------------------------------------------------------------------------
# Boxes
# --------------------------------------------------------------------------

def test_boxes_are_inside_the_image_and_not_empty(some_scenes):
    for s in some_scenes:
        for H, W in ((256, 256), DISPLAY_SHAPE, (100, 300)):
            b = scene_boxes(s, (H, W))
            assert np.all(b[:, 1] >= 0) and np.all(b[:, 2] >= 0)
            assert np.all(b[:, 3] <= W) and np.all(b[:, 4] <= H)
            assert np.all(b[:, 3] > b[:, 1]) and np.all(b[:, 4] > b[:, 2])


def test_display_boxes_are_the_model_boxes_scaled(some_scenes):
    for s in some_scenes:
        small = scene_boxes(s, 256).astype(np.float64)
        big = scene_boxes(s, DISPLAY_SHAPE).astype(np.float64)
        assert np.array_equal(small[:, 0], big[:, 0])
        scale = np.array([720 / 256, 1280 / 256])
        np.testing.assert_allclose(big[:, [1, 3]], small[:, [1, 3]] * scale[1], rtol=1e-6, atol=1e-3)
        np.testing.assert_allclose(big[:, [2, 4]], small[:, [2, 4]] * scale[0], rtol=1e-6, atol=1e-3)


def test_boxes_match_each_objects_drawn_silhouette(some_scenes):
    """Drawn alone at 720x1280, each labelled object's pixels span its box (within 1.5 pixels: PIL also fills edge pixels)."""
    H, W = DISPLAY_SHAPE
    checked = 0
    for s in some_scenes[:6]:
        boxes = scene_boxes(s, DISPLAY_SHAPE)
        labelled = [i for i, o in enumerate(s.objects) if o.labelled]
        assert len(labelled) == len(boxes)
        for i, box in zip(labelled, boxes):
            mask = object_mask(s, i, DISPLAY_SHAPE)
            rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
            got = np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], float)
            assert box[0] == s.objects[i].cls
            np.testing.assert_allclose(got, box[1:], atol=1.5, err_msg=f"object {i} ({s.objects[i].name})")
            checked += 1
    assert checked > 20


def test_pixels_inside_a_visible_box_show_the_object(some_scenes):
    """Rendering the scene with and without an object changes the pixels inside its box."""
    s = some_scenes[0]
    image = render_scene(s, DISPLAY_SHAPE).astype(np.float32)
    for i, o in enumerate(s.objects):
        if not o.labelled or o.visible < 0.8:
            continue
        without = scenes.Scene(**{**s.__dict__, "polygons": [p for p in s.polygons if p.obj != i]})
        other = render_scene(without, DISPLAY_SHAPE).astype(np.float32)
        x1, y1, x2, y2 = (int(round(v)) for v in scene_boxes(s, DISPLAY_SHAPE)[
            [j for j, q in enumerate(s.objects) if q.labelled].index(i)][1:])
        inside = np.abs(image[y1:y2, x1:x2] - other[y1:y2, x1:x2]).max(axis=-1) > 12
        assert inside.mean() > 0.4, (o.name, inside.mean())
        outside = np.abs(image - other).max(axis=-1) > 12
        outside[y1:y2, x1:x2] = False
        assert outside.mean() < 0.002                      # nothing of it outside its box (shadows excepted)


def test_occlusion_rule(some_scenes):
    """Labelled objects are visible enough and big enough; a hidden object behind a near one is not labelled."""
    for s in some_scenes:
        for o in s.objects:
            w, h = o.box[2] - o.box[0], o.box[3] - o.box[1]
            assert o.labelled == (o.visible >= scenes.MIN_VISIBLE and w >= scenes.MIN_BOX[0]
                                  and h >= scenes.MIN_BOX[1])
            assert 0.0 <= o.visible <= 1.0
    hidden = [o for s in make_scenes(40, seed=9) for o in s.objects if not o.labelled]
    assert hidden, "40 scenes should hide at least one object"


def test_visible_fraction_counts_what_nearer_objects_cover():
    """An object with all its pixels painted over by a nearer one is not labelled."""
    s = make_scene(123)
    i = next(i for i, o in enumerate(s.objects) if o.labelled and o.visible > 0.9)
    cover = scenes.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], (0, 0, 0), obj=len(s.objects))
    s.polygons.append(cover)                                # a nearer object covering the whole frame
    s.objects.append(scenes.SceneObject(cls=0, depth=0.5))
    scenes._label(s)
    assert s.objects[i].visible == 0.0 and not s.objects[i].labelled
    assert s.objects[-1].labelled and s.objects[-1].visible == 1.0


def test_perspective_nearer_objects_are_bigger_and_lower():
    """Objects on the road stand below the horizon, and the lower their foot (nearer), the bigger they are."""
    feet, heights, classes, ratios = [], [], [], []
    for s in make_scenes(60, seed=4):
        for o in s.objects:
            if o.visible > 0.99 and o.box[3] < 0.999 and o.cls != scenes.TRAFFIC_LIGHT:   # whole, foot in frame
                assert o.box[3] > s.horizon
                feet.append(o.box[3])
                heights.append(o.box[3] - o.box[1])
                classes.append(o.cls)
                if o.cls == scenes.PEDESTRIAN:          # flat figures: height / (foot - horizon) = H / camera height
                    ratios.append(heights[-1] / (o.box[3] - s.horizon))
    feet, heights, classes = map(np.asarray, (feet, heights, classes))
    for c in (scenes.CAR, scenes.PEDESTRIAN):
        sel = classes == c
        assert sel.sum() > 20
        r = np.corrcoef(feet[sel], heights[sel])[0, 1]
        assert r > 0.8, (CLASSES[c], r)
    assert 1.05 / 1.55 - 0.01 < min(ratios) and max(ratios) < 1.92 / 1.25 + 0.01


def test_render_is_deterministic_and_scene_depends_on_seed():
    a, b = make_scene(11), make_scene(11)
    assert np.array_equal(render_scene(a, 64), render_scene(b, 64))
    assert not np.array_equal(render_scene(a, 64), render_scene(make_scene(12), 64))


def test_preview_draws_ground_truth(data_dir):
    import matplotlib

    matplotlib.use("Agg")
    fig = scenes.preview_scenes(2, seed=0, size=(90, 160))
    ax = fig.axes[0]
    assert len(ax.patches) == len(scene_boxes(make_scenes(1, 0)[0], (90, 160)))
    assert ax.images[0].get_array().shape == (90, 160, 3)
