"""course_utils.yolo_viz: the frame the detector reads, the grid/anchor picture and the class map."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from course_utils import yolo_viz  # noqa: E402


def test_frame_for_model_averages_blocks_and_reads_files(tmp_path):
    frame = np.zeros((8, 12, 3), np.uint8)
    frame[:4, :6] = 200                                       # the top-left quarter is bright
    shown, x = yolo_viz.frame_for_model(frame, (2, 3))
    assert shown is frame or np.array_equal(shown, frame)
    assert x.shape == (1, 2, 3, 3) and x.dtype == np.float32
    # block averages: the model pixel (0, 0) covers 4x4 bright pixels, (0, 1) half of them
    np.testing.assert_allclose(x[0, :, :, 0], [[200 / 255, 100 / 255, 0], [0, 0, 0]], atol=1 / 255)
    path = tmp_path / "frame.png"
    Image.fromarray(frame).save(path)
    shown2, x2 = yolo_viz.frame_for_model(str(path), (2, 3))
    np.testing.assert_array_equal(shown2, frame)
    np.testing.assert_array_equal(x2, x)
    floats, _ = yolo_viz.frame_for_model(frame / 255.0, (8, 12))
    np.testing.assert_array_equal(floats, frame)
    with pytest.raises(FileNotFoundError, match="no image file"):
        yolo_viz.frame_for_model(tmp_path / "missing.png", (2, 3))
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        yolo_viz.frame_for_model(np.zeros((8, 12)), (2, 3))


def test_grid_and_anchors_are_drawn_to_scale():
    fig, ax = plt.subplots()
    frame = np.zeros((60, 120, 3), np.uint8)
    yolo_viz.show_grid_and_anchors(ax, frame, (3, 4), [[1.0, 1.0], [2.0, 0.5]], cell=(1, 2))
    rects = [p for p in ax.patches if not p.get_fill()]
    assert [(r.get_width(), r.get_height()) for r in rects] == [(30.0, 20.0), (60.0, 10.0)]
    centre = rects[1].get_x() + rects[1].get_width() / 2, rects[1].get_y() + rects[1].get_height() / 2
    assert centre == (75.0, 30.0)                            # the middle of row 1, column 2
    assert len(ax.lines) == 2 + 3                            # inner grid lines
    plt.close(fig)


def test_class_map_colours_the_best_class_by_its_score():
    fig, ax = plt.subplots()
    conf = np.zeros((1, 2, 2, 2, 1))
    probs = np.full((1, 2, 2, 2, 3), 1 / 3)
    conf[0, 0, 1, 1] = 1.0
    probs[0, 0, 1, 1] = [0.0, 0.0, 1.0]                      # a sure class-2 object in row 0, column 1
    yolo_viz.show_class_map(ax, np.zeros((20, 20, 3), np.uint8), conf, probs, ["a", "b", "c"])
    overlay = ax.images[1].get_array()
    assert overlay.shape == (2, 2, 4)
    np.testing.assert_allclose(overlay[0, 1, :3], matplotlib.colors.to_rgb(yolo_viz.CLASS_COLOURS[2]))
    assert overlay[0, 1, 3] == pytest.approx(0.75) and overlay[1, 0, 3] == 0.0
    assert [h.get_label() for h in yolo_viz.class_legend(["a", "b"])] == ["a", "b"]
    plt.close(fig)
