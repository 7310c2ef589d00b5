"""Tests for course_utils.models.yolo: anchors, yolo_head, boxes, targets, the YOLOv2 loss, Darknet weights."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_utils.models import yolo

tf = pytest.importorskip("tensorflow")


# --------------------------------------------------------------------------
# yolo_head and boxes (values worked out by hand)
# --------------------------------------------------------------------------

def test_yolo_head_on_a_hand_computed_case():
    # a 2x2 grid, one anchor of 1 x 2 cells, 2 classes
    feats = np.zeros((1, 2, 2, 1, 7), np.float32)
    feats[0, 1, 0, 0] = [0.0, math.log(3.0), math.log(2.0), 0.0, 0.0, math.log(3.0), 0.0]
    xy, wh, conf, probs = yolo.yolo_head(feats, [[1.0, 2.0]], 2)
    assert xy.shape == (1, 2, 2, 1, 2) and wh.shape == (1, 2, 2, 1, 2)
    assert conf.shape == (1, 2, 2, 1, 1) and probs.shape == (1, 2, 2, 1, 2)
    # row 1, column 0: sigmoid(0) = 0.5, sigmoid(log 3) = 0.75 -> x = (0.5 + 0) / 2, y = (0.75 + 1) / 2
    np.testing.assert_allclose(xy[0, 1, 0, 0], [0.25, 0.875], atol=1e-6)
    np.testing.assert_allclose(wh[0, 1, 0, 0], [2 * 1.0 / 2, 1 * 2.0 / 2], atol=1e-6)   # exp(t) * anchor / S
    np.testing.assert_allclose(conf[0, 1, 0, 0], [0.5], atol=1e-6)
    np.testing.assert_allclose(probs[0, 1, 0, 0], [0.75, 0.25], atol=1e-6)
    # row 0, column 1 (all zeros): x comes from the column, y from the row
    np.testing.assert_allclose(xy[0, 0, 1, 0], [0.75, 0.25], atol=1e-6)
    np.testing.assert_allclose(wh[0, 0, 1, 0], [0.5, 1.0], atol=1e-6)
    np.testing.assert_allclose(probs[0, 0, 1, 0], [0.5, 0.5], atol=1e-6)


def test_yolo_head_accepts_darknet_channels_and_rectangular_grids():
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(2, 3, 4, 2, 8)).astype(np.float32)      # 3 rows, 4 columns, 2 anchors, 3 classes
    anchors = [[1.0, 1.5], [2.0, 0.5]]
    five = yolo.yolo_head(feats, anchors, 3)
    four = yolo.yolo_head(feats.reshape(2, 3, 4, 16), anchors, 3)
    for a, b in zip(five, four):
        np.testing.assert_allclose(a, b, atol=1e-6)
    xy, wh = five[0].numpy(), five[1].numpy()
    sig = 1 / (1 + np.exp(-feats[..., :2]))
    np.testing.assert_allclose(xy[0, 2, 3, 1], [(sig[0, 2, 3, 1, 0] + 3) / 4, (sig[0, 2, 3, 1, 1] + 2) / 3], atol=1e-6)
    np.testing.assert_allclose(wh[1, 0, 0, 0], np.exp(feats[1, 0, 0, 0, 2:4]) * [1.0 / 4, 1.5 / 3], rtol=1e-5)
    np.testing.assert_allclose(five[3].numpy().sum(-1), 1.0, atol=1e-6)
    with pytest.raises(ValueError, match="5 \\+ 4 classes"):
        yolo.yolo_head(feats, anchors, 4)


def test_corners_and_scaling():
    corners = yolo.yolo_boxes_to_corners([[0.5, 0.5]], [[0.2, 0.4]]).numpy()
    np.testing.assert_allclose(corners, [[0.3, 0.4, 0.7, 0.6]], atol=1e-6)            # (y1, x1, y2, x2)
    np.testing.assert_allclose(yolo.scale_boxes(corners, (720, 1280)).numpy(), [[216, 512, 504, 768]], atol=1e-3)


def test_draw_boxes_draws_on_a_copy():
    image = np.zeros((60, 80, 3), np.uint8)
    out = yolo.draw_boxes(image, [[20, 20, 50, 70]], [0], scores=[0.9], class_names=["car"], line_width=1)
    assert out.shape == image.shape and out.dtype == np.uint8 and image.max() == 0
    assert tuple(out[49, 45]) == yolo._PALETTE[0]                       # bottom edge (y2 - 1), inside the columns
    assert tuple(out[35, 69]) == yolo._PALETTE[0]                       # right edge
    assert out[35, 45].max() == 0                                       # inside the box: untouched
    assert out[10, 25].max() > 0 and out[55, 45].max() == 0             # the label above it, nothing below


# --------------------------------------------------------------------------
# Anchors
# --------------------------------------------------------------------------

def test_kmeans_finds_the_shapes_of_three_clusters():
    rng = np.random.default_rng(3)
    truth = np.array([[1.0, 1.0], [4.0, 2.0], [2.0, 6.0]])
    wh = np.concatenate([c * rng.uniform(0.95, 1.05, (200, 2)) for c in truth])
    anchors, mean_iou = yolo.kmeans_anchors(wh, k=3, seed=0)
    assert anchors.shape == (3, 2) and anchors.dtype == np.float32
    order = np.argsort(truth.prod(1))
    np.testing.assert_allclose(anchors, truth[order], rtol=0.03)
    assert mean_iou > 0.9
    again, _ = yolo.kmeans_anchors(wh, k=3, seed=0)
    assert np.array_equal(anchors, again)
    # the IoU distance beats the anchors of another data set
    _, worse = yolo.kmeans_anchors(wh, k=1, seed=0)
    assert worse < mean_iou
    with pytest.raises(ValueError, match="at least k = 5"):
        yolo.kmeans_anchors(wh[:3], k=5)


def test_anchor_iou_by_hand():
    np.testing.assert_allclose(yolo.anchor_iou([[2, 2]], [[1, 1], [2, 2], [4, 1]]), [[0.25, 1.0, 2 / 6]])


# --------------------------------------------------------------------------
# Targets and the loss
# --------------------------------------------------------------------------

def test_preprocess_true_boxes_by_hand():
    anchors = [[1.0, 1.0], [2.0, 1.0]]
    boxes = np.array([[2, 0, 0, 64, 32],        # x 0.25, y 0.25, w 0.5, h 0.5 of a 64x128 image
                      [1, 0, 0, 64, 32],        # the same place and shape: dropped
                      [0, 10, 10, 10, 20]],     # no width: ignored
                     np.float32)
    y_true, dropped = yolo.preprocess_true_boxes(boxes, anchors, (64, 128), 4)
    assert y_true.shape == (4, 4, 2, 6) and dropped == 1
    # 2 x 2 cells: IoU 1/4 with the 1x1 anchor, 2/4 with the 2x1 one; the centre is in row 1, column 1
    np.testing.assert_allclose(y_true[1, 1, 1], [0.25, 0.25, 0.5, 0.5, 1, 2])
    assert np.count_nonzero(y_true[..., 4]) == 1
    y, tb = yolo.preprocess_batch([boxes[:1], boxes[:0]], anchors, (64, 128), 4, max_boxes=3)
    assert y.shape == (2, 4, 4, 2, 6) and tb.shape == (2, 3, 4)
    np.testing.assert_allclose(tb[0, 0], [0.25, 0.25, 0.5, 0.5])
    assert not tb[0, 1:].any() and not tb[1].any() and not y[1].any()


def _one_box_target(num_anchors, anchor_index):
    y_true = np.zeros((1, 1, 1, num_anchors, 6), np.float32)
    y_true[0, 0, 0, anchor_index] = [0.5, 0.25, 0.5, 0.5, 1.0, 1.0]     # x, y, w, h, object, class 1
    return y_true


def test_loss_on_a_hand_computed_case():
    """One cell, one anchor (the whole image), two classes, all raw outputs 0.

    Prediction: centre (0.5, 0.5), size (1, 1), confidence 0.5, classes (0.5, 0.5).
    Truth: centre (0.5, 0.25), size (0.5, 0.5), class 1.
    coord = (2 - 0.25) * [(0.5 - 0.5)^2 + (0.5 - 0.25)^2 + 2 * (0 - log 0.5)^2]
    object = 5 * (IoU 0.25 - 0.5)^2; class = 0.5^2 + 0.5^2; no object: none.
    """
    y_pred = np.zeros((1, 1, 1, 1, 7), np.float32)
    loss, parts = yolo.yolo_loss(_one_box_target(1, 0), y_pred, [[1.0, 1.0]], 2, return_parts=True)
    coord = 1.75 * (0.0625 + 2 * math.log(0.5) ** 2)
    assert parts["coord"].numpy() == pytest.approx(coord, rel=1e-5)
    assert parts["object"].numpy() == pytest.approx(5 * 0.0625, rel=1e-5)
    assert parts["no_object"].numpy() == pytest.approx(0.0, abs=1e-7)
    assert parts["class"].numpy() == pytest.approx(0.5, rel=1e-5)
    assert loss.numpy() == pytest.approx(coord + 0.3125 + 0.5, rel=1e-5)
    # without rescoring the object target is 1
    _, parts = yolo.yolo_loss(_one_box_target(1, 0), y_pred, [[1.0, 1.0]], 2, rescore=False, return_parts=True)
    assert parts["object"].numpy() == pytest.approx(5 * 0.25, rel=1e-5)
    # the weights multiply their terms
    _, parts = yolo.yolo_loss(_one_box_target(1, 0), y_pred, [[1.0, 1.0]], 2, weights={"coord": 2.0, "class": 0.0},
                              return_parts=True)
    assert parts["coord"].numpy() == pytest.approx(2 * coord, rel=1e-5) and parts["class"].numpy() == 0


def test_loss_no_object_term_and_the_ignore_rule():
    """Two anchors: (1, 1) cells is not responsible, (0.5, 0.5) is (shape IoU 1).

    Responsible: predicted box (0.5, 0.5, 0.5, 0.5) vs true (0.5, 0.25, 0.5, 0.5): IoU 0.125 / 0.375 = 1/3,
    coord = 1.75 * 0.25^2 (the sizes match: log 1 = 0), object = 5 * (1/3 - 1/2)^2.
    The other anchor's box (0.5, 0.5, 1, 1) has IoU 0.25 with the truth: no-object 0.5^2 unless ignored.
    """
    anchors = [[1.0, 1.0], [0.5, 0.5]]
    y_true = _one_box_target(2, 1)
    assert yolo.preprocess_true_boxes([[1, 0, 0, 8, 4]], anchors, (8, 16), 1)[0][0, 0, 1, 4] == 1  # the same anchor
    y_pred = np.zeros((1, 1, 1, 2, 7), np.float32)
    true_boxes = np.array([[[0.5, 0.25, 0.5, 0.5]]], np.float32)
    loss, parts = yolo.yolo_loss(y_true, y_pred, anchors, 2, true_boxes=true_boxes, return_parts=True)
    assert parts["coord"].numpy() == pytest.approx(1.75 * 0.0625, rel=1e-5)
    assert parts["object"].numpy() == pytest.approx(5 / 36, rel=1e-5)
    assert parts["no_object"].numpy() == pytest.approx(0.25, rel=1e-5)
    assert loss.numpy() == pytest.approx(1.75 * 0.0625 + 5 / 36 + 0.25 + 0.5, rel=1e-5)
    _, parts = yolo.yolo_loss(y_true, y_pred, anchors, 2, true_boxes=true_boxes, ignore_thresh=0.2,
                              return_parts=True)
    assert parts["no_object"].numpy() == pytest.approx(0.0, abs=1e-7)                 # IoU 0.25 > 0.2: ignored


def test_loss_is_finite_on_empty_images_and_averages_over_images():
    rng = np.random.default_rng(1)
    y_pred = tf.Variable(rng.normal(size=(2, 3, 3, 2, 7)).astype(np.float32))
    y_true = np.zeros((2, 3, 3, 2, 6), np.float32)
    with tf.GradientTape() as tape:
        loss = yolo.yolo_loss(y_true, y_pred, [[1, 1], [2, 2]], 2)
    grad = tape.gradient(loss, y_pred).numpy()
    conf = 1 / (1 + np.exp(-y_pred.numpy()[..., 4]))
    assert loss.numpy() == pytest.approx((conf ** 2).sum() / 2, rel=1e-5)
    assert np.all(np.isfinite(grad))
    assert np.count_nonzero(grad[..., [0, 1, 2, 3, 5, 6]]) == 0                      # only confidences move


def test_loss_gradient_pulls_towards_the_truth():
    y_pred = tf.Variable(np.zeros((1, 1, 1, 1, 7), np.float32))
    with tf.GradientTape() as tape:
        loss = yolo.yolo_loss(_one_box_target(1, 0), y_pred, [[1.0, 1.0]], 2)
    g = tape.gradient(loss, y_pred).numpy()[0, 0, 0, 0]
    assert g[1] > 0 and g[0] == pytest.approx(0, abs=1e-7)      # descent moves the centre up (y 0.5 -> 0.25) only
    assert g[2] > 0 and g[3] > 0                                # sizes shrink towards 0.5
    assert g[6] < 0 < g[5]                                      # class 1 up, class 0 down


# --------------------------------------------------------------------------
# Architectures
# --------------------------------------------------------------------------

def test_compact_detector_layout():
    model = yolo.yolo_compact(num_classes=5, input_size=64, width=0.25)
    assert tuple(model.output.shape) == (None, 4, 4, 5, 10)
    out = model(np.zeros((2, 64, 64, 3), np.float32), training=False).numpy()
    assert out.shape == (2, 4, 4, 5, 10)
    bias = model.get_layer("conv_15").get_weights()[1].reshape(5, 10)
    assert np.all(bias[:, 4] == -4.0) and np.all(bias[:, :4] == 0)
    default = yolo.yolo_compact()
    assert tuple(default.output.shape) == (None, 16, 16, 5, 10)
    assert default.count_params() == 2_320_546
    with pytest.raises(ValueError, match="multiple of 16"):
        yolo.yolo_compact(input_size=100)


def test_full_yolo_v2_architecture():
    model = yolo.yolo_v2_full()
    assert tuple(model.output.shape) == (None, 19, 19, 5, 85)
    assert model.count_params() == 50_983_561                   # the published YOLOv2-608 count
    convs = yolo.darknet_conv_layers(model)
    assert [c.name for c, _ in convs] == [f"conv_{i}" for i in range(1, 24)]
    assert convs[20][0].get_weights()[0].shape == (1, 1, 512, 64)          # the passthrough's 1x1
    assert convs[21][0].get_weights()[0].shape == (3, 3, 1280, 1024)      # after the concatenation
    assert convs[22][1] is None and convs[22][0].get_weights()[0].shape == (1, 1, 1024, 425)


# --------------------------------------------------------------------------
# Darknet weight files (written here, byte by byte)
# --------------------------------------------------------------------------

def _tiny_model():
    import keras

    inputs = keras.Input((8, 8, 3))
    x = yolo._conv(inputs, 4, 3, 1)
    x = yolo._conv(x, 6, 1, 2)
    x = yolo._conv(x, 10, 1, 3, bn=False, activation=False)
    return keras.Model(inputs, x)


def _darknet_file(path, major=0, minor=2, seen=12345, cut=0, extra=0):
    """Write the tiny model's weights the way Darknet's save_weights does; return the arrays written."""
    rng = np.random.default_rng(7)
    layers = []
    body = []
    for cin, cout, k, bn in ((3, 4, 3, True), (4, 6, 1, True), (6, 10, 1, False)):
        entry = {}
        if bn:
            entry["beta"], entry["gamma"], entry["mean"] = (rng.normal(size=cout).astype("<f4") for _ in range(3))
            entry["var"] = rng.uniform(0.5, 2.0, cout).astype("<f4")
            body += [entry["beta"], entry["gamma"], entry["mean"], entry["var"]]
        else:
            entry["bias"] = rng.normal(size=cout).astype("<f4")
            body.append(entry["bias"])
        entry["kernel"] = rng.normal(size=(cout, cin, k, k)).astype("<f4")              # (out, in, h, w)
        body.append(entry["kernel"].ravel())
        layers.append(entry)
    header = np.array([major, minor, 0], "<i4").tobytes()
    header += np.array([seen], "<i8" if major * 10 + minor >= 2 else "<i4").tobytes()
    data = header + np.concatenate(body).tobytes() + np.zeros(extra, "<f4").tobytes()
    path.write_bytes(data[:len(data) - cut] if cut else data)
    return layers


@pytest.mark.parametrize("major,minor", [(0, 2), (0, 1)])       # int64 "seen" (new files) and int32 (old)
def test_darknet_loader_reads_a_file_written_in_the_format(tmp_path, major, minor):
    path = tmp_path / "tiny.weights"
    written = _darknet_file(path, major=major, minor=minor)
    model = _tiny_model()
    header = yolo.load_darknet_weights(model, path)
    assert header == {"major": major, "minor": minor, "revision": 0, "seen": 12345}
    convs = yolo.darknet_conv_layers(model)
    for (conv, bn), w in zip(convs, written):
        kernel = conv.get_weights()[0]
        assert kernel.shape[3] == w["kernel"].shape[0]
        assert kernel[0, -1, 1, 2] == w["kernel"][2, 1, 0, -1]                # keras (h, w, in, out)
        np.testing.assert_array_equal(kernel, w["kernel"].transpose(2, 3, 1, 0))
        if bn is not None:
            gamma, beta, mean, var = bn.get_weights()
            for got, key in ((gamma, "gamma"), (beta, "beta"), (mean, "mean"), (var, "var")):
                np.testing.assert_array_equal(got, w[key])
        else:
            np.testing.assert_array_equal(conv.get_weights()[1], w["bias"])
    # the loaded network computes what the weights say: the last layer is linear, check one output by hand
    x = np.random.default_rng(0).random((1, 8, 8, 3)).astype(np.float32)
    import keras

    hidden = keras.Model(model.inputs[0], model.get_layer("leaky_2").output)(x).numpy()
    out = model(x).numpy()
    expected = hidden[0, 3, 5] @ written[2]["kernel"][:, :, 0, 0].T + written[2]["bias"]
    np.testing.assert_allclose(out[0, 3, 5], expected, rtol=1e-4, atol=1e-4)


def test_darknet_loader_names_the_layer_of_a_truncated_file(tmp_path):
    path = tmp_path / "cut.weights"
    _darknet_file(path, cut=8)
    with pytest.raises(yolo.DarknetWeightsError, match=r"ends in layer 3 of 3 \(conv_3, 1x1x6x10\)"):
        yolo.load_darknet_weights(_tiny_model(), path)
    _darknet_file(path, extra=5)
    with pytest.raises(yolo.DarknetWeightsError, match="5 numbers are left after the last layer"):
        yolo.load_darknet_weights(_tiny_model(), path)
    path.write_bytes(b"\x00" * 10)
    with pytest.raises(yolo.DarknetWeightsError, match="too short"):
        yolo.load_darknet_weights(_tiny_model(), path)


# --------------------------------------------------------------------------
# Detection and average precision
# --------------------------------------------------------------------------

def test_box_iou_by_hand():
    iou = yolo.box_iou([[0, 0, 2, 2], [0, 0, 0, 5]], [[1, 1, 3, 3], [0, 0, 2, 2], [5, 5, 6, 6]])
    np.testing.assert_allclose(iou, [[1 / 7, 1.0, 0.0], [0.0, 0.0, 0.0]])              # a degenerate box: 0


def test_average_precision_by_hand():
    # 2 true boxes; detections by score: hit, miss, hit -> (recall, precision) (.5, 1), (.5, .5), (1, 2/3)
    # the envelope is 1 up to recall .5, then 2/3: AP = .5 * 1 + .5 * 2/3
    assert yolo.average_precision([0.9, 0.8, 0.7], [True, False, True], 2) == pytest.approx(0.5 + 1 / 3)
    assert yolo.average_precision([0.7, 0.8, 0.9], [True, False, True], 2) == pytest.approx(0.5 + 1 / 3)
    assert yolo.average_precision([0.9, 0.8], [True, True], 2) == pytest.approx(1.0)
    assert yolo.average_precision([0.9], [True], 4) == pytest.approx(0.25)              # recall stops at 1/4
    assert yolo.average_precision([0.9, 0.8], [False, True], 1) == pytest.approx(0.5)
    assert yolo.average_precision([], [], 3) == 0.0
    assert np.isnan(yolo.average_precision([0.5], [False], 0))


def test_evaluate_detections_matches_each_true_box_once():
    truths = [np.array([[0, 0, 0, 10, 10], [0, 20, 20, 30, 30], [1, 0, 0, 10, 10]], np.float32),
              np.zeros((0, 5), np.float32)]
    detections = [np.array([[0, 0.9, 0, 0, 10, 10],        # car hit
                            [0, 0.8, 1, 1, 10, 10],        # the same car again: a false positive
                            [0, 0.7, 20, 20, 30, 31],      # second car hit (IoU 100/110)
                            [1, 0.6, 0, 0, 4, 10]],        # bus, IoU 0.4: a miss
                           np.float32),
                  np.array([[2, 0.95, 0, 0, 5, 5]], np.float32)]   # a truck where there is none
    result = yolo.evaluate_detections(detections, truths, 3)
    assert result["n_true"] == [2, 1, 0]
    assert result["ap"][0] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    assert result["ap"][1] == 0.0 and np.isnan(result["ap"][2])
    assert result["map"] == pytest.approx((0.5 + 1 / 3) / 2)                    # classes with true boxes only
    assert yolo.mean_ap(detections, truths, 3) == result["map"]
    assert yolo.evaluate_detections(detections, truths, 3, iou_threshold=0.35)["ap"][1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="2 images of detections but 1"):
        yolo.evaluate_detections(detections, truths[:1], 3)


def _features_for(boxes_xywh, classes, grid, anchors, num_classes, strong=8.0):
    """Raw features whose decoded boxes are exactly ``boxes_xywh`` (fractions): box k on anchor k of its cell."""
    feats = np.zeros((1, grid, grid, len(anchors), 5 + num_classes), np.float32)
    feats[..., 4] = -strong
    for k, ((x, y, w, h), c) in enumerate(zip(boxes_xywh, classes)):
        col, row = int(x * grid), int(y * grid)
        ox, oy = x * grid - col, y * grid - row
        feats[0, row, col, k, :4] = [np.log(ox / (1 - ox)), np.log(oy / (1 - oy)),
                                     np.log(w * grid / anchors[k][0]), np.log(h * grid / anchors[k][1])]
        feats[0, row, col, k, 4] = strong
        feats[0, row, col, k, 5 + c] = strong
    return feats


def test_detect_decodes_and_suppresses_per_class():
    anchors = [[1.0, 1.0], [1.0, 1.0], [1.0, 2.0], [0.5, 1.0]]
    boxes = [(0.3, 0.3, 0.2, 0.2), (0.32, 0.32, 0.2, 0.2), (0.31, 0.31, 0.2, 0.2), (0.8, 0.6, 0.1, 0.3)]
    feats = _features_for(boxes, [0, 0, 1, 2], 4, anchors, 3)
    feats[0, 1, 1, 1, 4] = 6.0                     # the second car is a little less sure than the first
    (det,) = yolo.detect(feats, anchors, 3, (100, 200), score_threshold=0.5, iou_threshold=0.5)
    assert det.shape == (3, 6)
    by_class = {int(r[0]): r for r in det}
    assert sorted(by_class) == [0, 1, 2]           # the two cars merge; the bus on top of them stays
    np.testing.assert_allclose(by_class[0][2:], [0.2 * 200, 0.2 * 100, 0.4 * 200, 0.4 * 100], atol=1e-2)
    np.testing.assert_allclose(by_class[2][2:], [0.75 * 200, 0.45 * 100, 0.85 * 200, 0.75 * 100], atol=1e-2)
    assert by_class[0][1] > 0.99
    (none,) = yolo.detect(feats, anchors, 3, (100, 200), score_threshold=0.9999999)
    assert none.shape == (0, 6)


# --------------------------------------------------------------------------
# The pretraining script, for a few steps
# --------------------------------------------------------------------------

def _tiny_run(tmp_path, name):
    import argparse

    from course_utils import config
    from course_utils.pretrain import yolo as pretrain_yolo

    parser = argparse.ArgumentParser()
    pretrain_yolo.add_arguments(parser)
    args = parser.parse_args(["--train-size", "8", "--test-size", "4", "--input-size", "64", "--width", "0.25",
                              "--batch-size", "4", "--epochs", "2", "--steps", "3", "--log-every", "2",
                              "--warmup-steps", "1"])
    args.out = tmp_path / name
    lines = []
    old = config.CACHE_DIR
    config.CACHE_DIR = tmp_path / "cache"
    try:
        card = pretrain_yolo.run(args, log=lines.append)
    finally:
        config.CACHE_DIR = old
    return card, lines


def test_pretrain_a_few_steps_is_deterministic_and_writes_a_card(tmp_path):
    first, log = _tiny_run(tmp_path, "a")
    second, _ = _tiny_run(tmp_path, "b")
    a, b = tmp_path / "a" / "yolo_scenes.npz", tmp_path / "b" / "yolo_scenes.npz"
    assert a.read_bytes() == b.read_bytes()
    assert first["steps"] == 3 and [r["step"] for r in first["history"]] == [2, 3]
    assert first["metrics"] == second["metrics"] and first["anchors"] == second["anchors"]
    assert len(first["anchors"]) == 5 and first["grid"] == [4, 4]
    assert set(first["metrics"]["restored"]["ap"]) == {"car", "bus", "truck", "pedestrian", "traffic light"}
    assert 0.0 <= first["metrics"]["float32"]["map"] <= 1.0
    assert log[0].startswith("pretrain yolo: 8 training scenes at 64x64") and log[-1].startswith("done in")
    model, anchors, classes = yolo.pretrained_yolo(a)
    assert classes[0] == "car" and anchors.shape == (5, 2)
    np.testing.assert_allclose(anchors, first["anchors"], rtol=1e-6)
    assert tuple(model.output.shape) == (None, 4, 4, 5, 10)


def test_pretrain_on_a_rectangular_input(tmp_path):
    import argparse

    from course_utils import config
    from course_utils.pretrain import yolo as pretrain_yolo

    parser = argparse.ArgumentParser()
    pretrain_yolo.add_arguments(parser)
    args = parser.parse_args(["--train-size", "8", "--test-size", "4", "--input-size", "48x80", "--width", "0.25",
                              "--batch-size", "4", "--epochs", "1", "--steps", "2", "--log-every", "1"])
    args.out = tmp_path / "r"
    old = config.CACHE_DIR
    config.CACHE_DIR = tmp_path / "cache"
    try:
        card = pretrain_yolo.run(args, log=lambda *a: None)
    finally:
        config.CACHE_DIR = old
    assert card["grid"] == [3, 5] and "input_size=(48, 80)" in card["architecture"]
    model, anchors, _ = yolo.pretrained_yolo(tmp_path / "r" / "yolo_scenes.npz")
    assert tuple(model.input.shape) == (None, 48, 80, 3) and tuple(model.output.shape) == (None, 3, 5, 5, 10)


def test_rectangular_targets_use_rows_and_columns():
    # a 2-row, 4-column grid on a 20x40 image; one anchor of 1x1 cells
    y_true, dropped = yolo.preprocess_true_boxes([[1, 25, 12, 35, 18]], [[1.0, 1.0]], (20, 40), (2, 4))
    assert y_true.shape == (2, 4, 1, 6) and dropped == 0
    assert y_true[1, 3, 0, 4] == 1                              # centre (30, 15): row 1, column 3
    np.testing.assert_allclose(y_true[1, 3, 0], [0.75, 0.75, 0.25, 0.3, 1, 1])
    assert yolo.input_shape(32) == (32, 32) and yolo.input_shape((32, 64)) == (32, 64)
    with pytest.raises(ValueError, match="multiple of 16"):
        yolo.input_shape((32, 65))


def test_pretrain_refuses_bad_settings(tmp_path):
    import argparse

    from course_utils.pretrain import yolo as pretrain_yolo

    parser = argparse.ArgumentParser()
    pretrain_yolo.add_arguments(parser)
    for bad in ("100", "64x100", "wide", "0"):
        with pytest.raises(SystemExit):
            parser.parse_args(["--input-size", bad])
    assert parser.parse_args(["--input-size", "64x112"]).input_size == (64, 112)
    assert parser.parse_args(["--input-size", "64"]).input_size == (64, 64)
    args = parser.parse_args([])
    args.input_size, args.out = 100, tmp_path                   # set by a script, not the command line
    with pytest.raises(ValueError, match="multiple of 16"):
        pretrain_yolo.run(args)
    with pytest.raises(SystemExit):
        parser.parse_args(["--flip", "2"])


def test_flip_boxes():
    from course_utils.pretrain.yolo import flip_boxes

    np.testing.assert_allclose(flip_boxes([[3, 10, 5, 30, 9]], 100), [[3, 70, 5, 90, 9]])
