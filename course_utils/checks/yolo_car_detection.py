"""Public checks of notebook 13, car detection with YOLO (filtering, IoU, non-max suppression, ``yolo_eval``).

The cases are small, seeded and independent of the shipped detector:

- ``yolo_filter_boxes`` gets (rows, columns, anchors, ...) tensors shaped like ``yolo_head``'s
  output on a few small grids (and YOLOv2-on-COCO's 19x19x5x80), one where a box scores *exactly*
  the threshold (``>=`` keeps it) and one where no box reaches the threshold (empty results);
- ``iou`` gets corner tuples ``(x1, y1, x2, y2)``: overlapping, nested, disjoint in both directions
  (so a missing ``max(..., 0)`` shows: two negative sides multiply into a positive area), touching,
  identical and degenerate (zero-area) boxes;
- ``yolo_non_max_suppression`` gets hand-placed clusters of boxes ``(y1, x1, y2, x2)``;
- ``yolo_eval`` gets ``yolo_head`` applied to seeded raw features, on two image shapes.

Outputs are turned into NumPy (TensorFlow tensors allowed) and class indices into int64, so
``tf.argmax``'s int64 and an int32 cast both pass. The optional ``nms_numpy`` is compared with the
indices the reference returns, which are TensorFlow's (``tests/test_checks_yolo_car_detection.py``).
"""

from __future__ import annotations

import functools

import numpy as np

from .core import Case
from .suite import Suite

suite = Suite("13_yolo_car_detection")

__all__ = ["check_yolo_filter_boxes", "check_iou", "check_yolo_non_max_suppression", "check_yolo_eval",
           "check_nms_numpy"]


# --------------------------------------------------------------------------- #
# Cases
# --------------------------------------------------------------------------- #

def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def head_like(seed: int, shape, num_classes: int, sharp: float = 3.0):
    """Seeded (boxes, box_confidence, box_class_probs) float32 arrays shaped like yolo_head's output.

    ``shape`` is the leading shape, e.g. (rows, columns, anchors). Boxes are corners in [0, 1].
    """
    rng = np.random.default_rng(seed)
    centre = rng.uniform(0.1, 0.9, size=tuple(shape) + (2,))
    half = rng.uniform(0.02, 0.2, size=tuple(shape) + (2,))
    boxes = np.concatenate([centre - half, centre + half], axis=-1)
    confidence = rng.uniform(size=tuple(shape) + (1,)) ** 0.5
    probs = _softmax(sharp * rng.normal(size=tuple(shape) + (num_classes,)))
    return boxes.astype(np.float32), confidence.astype(np.float32), probs.astype(np.float32)


def raw_features(seed: int, rows: int, cols: int, anchors: int, num_classes: int):
    """Seeded raw detector output (1, rows, cols, anchors, 5 + C): a few confident cells among many empty ones."""
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(1, rows, cols, anchors, 5 + num_classes))
    f[..., 2:4] *= 0.5
    f[..., 4] = rng.normal(-3.0, 1.0, size=(1, rows, cols, anchors))
    hot = rng.random((1, rows, cols, anchors)) < 0.25
    f[..., 4][hot] = rng.normal(2.5, 1.0, size=int(hot.sum()))
    f[..., 5:] *= 3.0
    return f.astype(np.float32)


EVAL_ANCHORS = np.array([[0.6, 1.4], [1.5, 1.1], [2.5, 3.0]], np.float32)


def eval_outputs(seed: int, rows: int = 4, cols: int = 6, num_classes: int = 4):
    """``yolo_head`` of :func:`raw_features`: the ``yolo_outputs`` tuple ``yolo_eval`` receives."""
    from ..models.yolo import yolo_head

    return yolo_head(raw_features(seed, rows, cols, len(EVAL_ANCHORS), num_classes), EVAL_ANCHORS, num_classes)


def _tensors(*arrays):
    import tensorflow as tf

    return tuple(tf.constant(a) for a in arrays)


@suite.cases("yolo_filter_boxes")
def _():
    boxes, conf, probs = head_like(1301, (3, 4, 2), 3)
    exact = head_like(1302, (2, 2, 1), 2)
    exact[1][:] = 0.5                                   # confidence 0.5 everywhere,
    exact[2][:] = [[[[1.0, 0.0]], [[0.2, 0.8]]], [[[0.6, 0.4]], [[0.0, 1.0]]]]   # so the scores are 0.5, 0.4, 0.3, 0.5
    coco = head_like(1303, (19, 19, 5), 80, sharp=4.0)
    batch = head_like(1304, (2, 3, 3, 2), 4)
    return [
        Case("a 3x4 grid, 2 anchors, 3 classes, threshold 0.5", _tensors(boxes, conf, probs), {"threshold": 0.5}),
        Case("the same grid, threshold 0.3", _tensors(boxes, conf, probs), {"threshold": 0.3}),
        Case("two boxes scoring exactly the threshold 0.5 (kept: score >= threshold)", _tensors(*exact),
             {"threshold": 0.5}),
        Case("YOLOv2's 19x19 grid, 5 anchors, 80 classes, the default threshold", _tensors(*coco)),
        Case("a batch of 2 images (2, 3, 3, 2, ...), threshold 0.4", _tensors(*batch), {"threshold": 0.4}),
        Case("no box reaches the threshold 0.99", _tensors(boxes, conf, probs), {"threshold": 0.99}),
    ]


@suite.cases("iou")
def _():
    return [
        Case("two overlapping boxes", ((2, 1, 4, 3), (1, 2, 3, 4))),
        Case("a box inside another", ((0, 0, 6, 4), (1, 1, 3, 3))),
        Case("boxes apart in x and in y", ((1, 2, 3, 4), (5, 6, 7, 8))),
        Case("boxes that touch along an edge", ((1, 1, 2, 2), (2, 1, 3, 2))),
        Case("boxes overlapping in x only", ((0, 0, 4, 1), (2, 3, 6, 5))),
        Case("a box and itself", ((0.5, 0.25, 2.5, 1.75), (0.5, 0.25, 2.5, 1.75))),
        Case("a zero-width box on a box", ((1, 0, 1, 3), (0, 0, 2, 2))),
        Case("two identical zero-area boxes", ((3, 3, 3, 3), (3, 3, 3, 3))),
    ]


def _clusters():
    """8 boxes (y1, x1, y2, x2) in three clusters, with scores and classes."""
    boxes = np.array([[10, 10, 50, 40], [12, 14, 52, 44], [8, 6, 46, 38],       # cluster A
                      [100, 120, 160, 200], [104, 118, 166, 196],              # cluster B
                      [30, 300, 90, 330], [30, 312, 90, 342], [200, 10, 230, 40]], np.float32)
    scores = np.array([0.90, 0.75, 0.60, 0.55, 0.80, 0.70, 0.65, 0.35], np.float32)
    classes = np.array([0, 0, 1, 2, 2, 3, 3, 1], np.int64)
    return scores, boxes, classes


@suite.cases("yolo_non_max_suppression")
def _():
    scores, boxes, classes = _clusters()
    return [
        Case("8 boxes in 3 clusters, the defaults (max_boxes 10, IoU threshold 0.5)", _tensors(scores, boxes, classes)),
        Case("the same boxes, max_boxes 2", _tensors(scores, boxes, classes), {"max_boxes": 2}),
        Case("the same boxes, IoU threshold 0.3", _tensors(scores, boxes, classes), {"iou_threshold": 0.3}),
        Case("the same boxes, IoU threshold 0.8", _tensors(scores, boxes, classes), {"iou_threshold": 0.8}),
    ]


@suite.cases("yolo_eval")
def _():
    a, b = eval_outputs(1311), eval_outputs(1312, rows=3, cols=5)
    return [
        Case("a 4x6 grid, 3 anchors, 4 classes, the defaults (720x1280 image)", (a,)),
        Case("the same outputs on a 480x640 image, max_boxes 3", (a,), {"image_shape": (480, 640), "max_boxes": 3}),
        Case("a 3x5 grid, score threshold 0.3, IoU threshold 0.3", (b,),
             {"score_threshold": 0.3, "iou_threshold": 0.3}),
        Case("nothing reaches the score threshold 0.999", (a,), {"score_threshold": 0.999}),
    ]


@suite.cases("nms_numpy")
def _():
    scores, boxes, _ = _clusters()
    rng = np.random.default_rng(1313)
    xy = rng.uniform(0, 80, size=(40, 2))
    wh = rng.uniform(5, 30, size=(40, 2))
    many = np.concatenate([xy[:, ::-1], xy[:, ::-1] + wh[:, ::-1]], axis=1).astype(np.float32)
    many_scores = rng.uniform(size=40).astype(np.float32)
    return [
        Case("8 boxes in 3 clusters, max_boxes 10, IoU threshold 0.5", (boxes, scores)),
        Case("the same boxes, max_boxes 2", (boxes, scores), {"max_boxes": 2}),
        Case("the same boxes, IoU threshold 0.3", (boxes, scores), {"iou_threshold": 0.3}),
        Case("40 random boxes, max_boxes 20, IoU threshold 0.4", (many, many_scores),
             {"max_boxes": 20, "iou_threshold": 0.4}),
    ]


# --------------------------------------------------------------------------- #
# Output conversion and hints
# --------------------------------------------------------------------------- #

def to_numpy(value):
    """Tensors -> NumPy arrays, integer arrays -> int64, inside tuples and lists."""
    if type(value).__module__.startswith("tensorflow") and hasattr(value, "numpy"):
        value = np.asarray(value.numpy())
    if isinstance(value, (tuple, list)):
        return type(value)(to_numpy(v) for v in value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return value.astype(np.int64)
    return value


def _as_float(value):
    value = to_numpy(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind == "f":
        return float(value.reshape(()))
    return value


def _first_case_output(fn, name, convert):
    case = suite.case_makers[name]()[0]
    return case, convert(fn(*case.args, **case.kwargs))


def _hint_filter(fn, text):
    if "should be a tuple" in text or "should have 3 items" in text:
        return "return the three results in the order (scores, boxes, classes)."
    if "exactly the threshold" in text:
        return "keep the boxes whose score is AT LEAST the threshold: box_class_scores >= threshold."
    if "wrong shape" not in text and "[0]" not in text:
        return None
    try:
        case, got = _first_case_output(fn, "yolo_filter_boxes", to_numpy)
        boxes, conf, probs = (np.asarray(t.numpy()) for t in case.args)
    except Exception:
        return None
    n_conf = int((conf[..., 0] >= 0.5).sum())
    n_prob = int((probs.max(-1) >= 0.5).sum())
    if isinstance(got, tuple) and len(got) == 3 and np.ndim(got[0]) == 1:
        if len(got[0]) == n_conf:
            return ("the score of a box is box_confidence * box_class_probs (the chance that the cell holds an "
                    "object times the chance that it is of that class), not the confidence alone.")
        if len(got[0]) == n_prob:
            return "multiply the class probabilities by box_confidence before taking the best class."
    return ("box_scores = box_confidence * box_class_probs; box_classes = tf.math.argmax(box_scores, axis=-1); "
            "box_class_scores = tf.math.reduce_max(box_scores, axis=-1); then keep the entries where "
            "box_class_scores >= threshold with tf.boolean_mask.")


def _hint_iou(fn, text):
    if "apart in x and in y" in text:
        return ("when the boxes do not overlap, the intersection's width and height are negative: use "
                "max(inter_width, 0) and max(inter_height, 0), so that two negatives do not multiply into a "
                "positive area.")
    if "overlapping in x only" in text or "touch" in text:
        return "clip the intersection's width and height at 0 separately: max(x2 - x1, 0) * max(y2 - y1, 0)."
    if "identical zero-area" in text:
        return "two zero-area boxes have a union of 0: return 0.0 instead of dividing by zero."
    if "overlapping boxes" in text or "inside" in text or "itself" in text:
        return ("the intersection is [max of the x1s, min of the x2s] x [max of the y1s, min of the y2s]; "
                "union = area1 + area2 - intersection.")
    return None


def _hint_nms(fn, text):
    if "should be a tuple" in text or "should have 3 items" in text:
        return "return (scores, boxes, classes), each gathered with the indices non_max_suppression returns."
    if "[2]" in text:
        return "select the classes with the same indices: classes = tf.gather(classes, nms_indices)."
    if "max_boxes 2" in text:
        return "pass max_boxes to tf.image.non_max_suppression as max_output_size."
    if "IoU threshold 0.3" in text or "IoU threshold 0.8" in text:
        return "pass iou_threshold to tf.image.non_max_suppression."
    return ("nms_indices = tf.image.non_max_suppression(boxes, scores, max_boxes, iou_threshold), then "
            "tf.gather(scores, nms_indices) and the same for boxes and classes.")


def _hint_eval(fn, text):
    if "should be a tuple" in text or "should have 3 items" in text:
        return "return (scores, boxes, classes)."
    if "480x640" in text and "[1]" in text:
        return "scale the boxes with scale_boxes(boxes, image_shape), using the image_shape argument."
    try:
        case, got = _first_case_output(fn, "yolo_eval", to_numpy)
    except Exception:
        return None
    if isinstance(got, tuple) and len(got) == 3 and np.ndim(got[1]) == 2 and len(got[1]):
        if float(np.max(np.abs(got[1]))) <= 1.5:
            return ("the boxes are still fractions of the image: scale them to pixels with "
                    "scale_boxes(boxes, image_shape) before non-max suppression.")
    return ("the steps: boxes = yolo_boxes_to_corners(box_xy, box_wh); yolo_filter_boxes(..., score_threshold); "
            "scale_boxes(boxes, image_shape); yolo_non_max_suppression(..., max_boxes, iou_threshold).")


def _hint_nms_numpy(fn, text):
    if "max_boxes 2" in text:
        return "stop once max_boxes indices are kept."
    if "wrong shape" in text:
        return ("return the indices of the kept boxes, at most max_boxes of them, best score first; stop when "
                "max_boxes are kept or no box is left.")
    return ("sort the indices by decreasing score (np.argsort(-scores, kind='stable')); repeatedly keep the first "
            "one and drop every remaining box whose IoU with it is ABOVE iou_threshold.")


def _converted(convert):
    def wrap(fn):
        @functools.wraps(fn)
        def target(*args, **kwargs):
            return convert(fn(*args, **kwargs))
        return target
    return wrap


def _with_hint(name, convert, hint, **tolerances):
    return suite.check_with_hint(name, hint, wrap=_converted(convert), **tolerances)


check_yolo_filter_boxes = _with_hint("yolo_filter_boxes", to_numpy, _hint_filter, atol=1e-6, rtol=1e-5)
check_iou = _with_hint("iou", _as_float, _hint_iou, atol=1e-7, rtol=1e-6)
check_yolo_non_max_suppression = _with_hint("yolo_non_max_suppression", to_numpy, _hint_nms, atol=1e-6, rtol=1e-5)
check_yolo_eval = _with_hint("yolo_eval", to_numpy, _hint_eval, atol=1e-3, rtol=1e-5)
check_nms_numpy = _with_hint("nms_numpy", to_numpy, _hint_nms_numpy)
