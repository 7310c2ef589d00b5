"""Notebook 13's checks pass the reference solutions, fail the classic mistakes with a hint, and the hidden tests bite."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from course_utils.checks import yolo_car_detection as checks  # noqa: E402
from course_utils.checks.solutions import load_solutions  # noqa: E402
from course_utils.models.yolo import scale_boxes, yolo_boxes_to_corners  # noqa: E402

NOTEBOOK = "13_yolo_car_detection"
NAMES = ["yolo_filter_boxes", "iou", "yolo_non_max_suppression", "yolo_eval", "nms_numpy"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def hint_of(name, fn):
    report = run(name, fn)
    assert report.status == "failed", report.text
    lines = [line for line in report.text.splitlines() if line.strip().startswith("Hint:")]
    assert len(lines) == 1, f"expected exactly one hint line in:\n{report.text}"
    return lines[0]


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    report = run(name, ref[name])
    assert report.passed, report.text
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(n for n in checks.__all__ if n.startswith("check_")) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case(ref, capsys):
    checks.check_iou(ref["iou"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 9 and lines[-1] == "✔ iou: all 8 checks passed."


def test_int32_classes_and_numpy_results_pass(ref):
    def filter_int32(*args, **kwargs):
        s, b, c = ref["yolo_filter_boxes"](*args, **kwargs)
        return s.numpy(), b.numpy(), tf.cast(c, tf.int32)
    assert run("yolo_filter_boxes", filter_int32).passed


# --------------------------------------------------------------------------- #
# yolo_filter_boxes
# --------------------------------------------------------------------------- #

def _filter(score_fn, keep_fn=lambda s, t: s >= t):
    def fn(boxes, box_confidence, box_class_probs, threshold=0.6):
        box_scores = score_fn(box_confidence, box_class_probs)
        classes = tf.math.argmax(box_scores, axis=-1)
        best = tf.math.reduce_max(box_scores, axis=-1)
        mask = keep_fn(best, threshold)
        return tf.boolean_mask(best, mask), tf.boolean_mask(boxes, mask), tf.boolean_mask(classes, mask)
    return fn


def test_filter_strict_threshold_gets_the_at_least_hint():
    wrong = _filter(lambda c, p: c * p, keep_fn=lambda s, t: s > t)
    assert "AT LEAST" in hint_of("yolo_filter_boxes", wrong)


def test_filter_on_confidence_alone_is_named():
    wrong = _filter(lambda c, p: c * tf.one_hot(tf.argmax(p, -1), p.shape[-1]))
    assert "not the confidence alone" in hint_of("yolo_filter_boxes", wrong)


def test_filter_on_class_probabilities_alone_is_named():
    wrong = _filter(lambda c, p: p + 0 * c)
    assert "multiply the class probabilities" in hint_of("yolo_filter_boxes", wrong)


def test_filter_with_the_outputs_in_the_wrong_order():
    def wrong(*args, **kwargs):
        s, b, c = _filter(lambda c, p: c * p)(*args, **kwargs)
        return b, s, c
    report = run("yolo_filter_boxes", wrong)
    assert report.status == "failed" and "[0] has the wrong shape" in report.text


# --------------------------------------------------------------------------- #
# iou
# --------------------------------------------------------------------------- #

def _iou(clip=True, guard=True):
    def fn(box1, box2):
        xi1, yi1 = max(box1[0], box2[0]), max(box1[1], box2[1])
        xi2, yi2 = min(box1[2], box2[2]), min(box1[3], box2[3])
        w, h = xi2 - xi1, yi2 - yi1
        inter = max(w, 0) * max(h, 0) if clip else w * h
        union = (box1[2] - box1[0]) * (box1[3] - box1[1]) + (box2[2] - box2[0]) * (box2[3] - box2[1]) - inter
        if guard and union <= 0:
            return 0.0
        return inter / union
    return fn


def test_iou_without_clipping_gets_the_max_hint():
    assert "max(inter_width, 0)" in hint_of("iou", _iou(clip=False))


def test_iou_clipping_the_product_only_is_caught():
    def wrong(box1, box2):
        xi1, yi1 = max(box1[0], box2[0]), max(box1[1], box2[1])
        xi2, yi2 = min(box1[2], box2[2]), min(box1[3], box2[3])
        inter = max((xi2 - xi1) * (yi2 - yi1), 0)
        union = (box1[2] - box1[0]) * (box1[3] - box1[1]) + (box2[2] - box2[0]) * (box2[3] - box2[1]) - inter
        return inter / union if union > 0 else 0.0
    hint = hint_of("iou", wrong)
    assert "max(inter_width, 0)" in hint or "separately" in hint


def test_iou_dividing_by_a_zero_union_is_reported_not_crashed():
    report = run("iou", _iou(guard=False))
    assert report.status == "failed" and "ZeroDivisionError" in report.text


def test_iou_with_a_wrong_union_gets_the_formula_hint():
    def wrong(box1, box2):
        return _iou()(box1, box2) * 0.5 if box1 != box2 else 1.0
    assert "union = area1 + area2 - intersection" in hint_of("iou", wrong)


# --------------------------------------------------------------------------- #
# non-max suppression
# --------------------------------------------------------------------------- #

def test_nms_ignoring_max_boxes_and_iou_threshold(ref):
    def no_max(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
        return ref["yolo_non_max_suppression"](scores, boxes, classes, 10, iou_threshold)

    def no_threshold(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
        return ref["yolo_non_max_suppression"](scores, boxes, classes, max_boxes, 0.5)
    assert "max_output_size" in hint_of("yolo_non_max_suppression", no_max)
    assert "pass iou_threshold" in hint_of("yolo_non_max_suppression", no_threshold)


def test_nms_without_gathering_classes(ref):
    def wrong(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
        s, b, _ = ref["yolo_non_max_suppression"](scores, boxes, classes, max_boxes, iou_threshold)
        return s, b, classes
    assert "tf.gather" in hint_of("yolo_non_max_suppression", wrong)


def test_nms_numpy_matches_tensorflow_and_catches_a_strict_comparison(ref):
    rng = np.random.default_rng(5)
    for _ in range(20):
        yx = rng.uniform(0, 40, size=(30, 2))
        boxes = np.concatenate([yx, yx + rng.uniform(3, 15, size=(30, 2))], axis=1).astype(np.float32)
        scores = rng.uniform(size=30).astype(np.float32)
        np.testing.assert_array_equal(ref["nms_numpy"](boxes, scores, 12, 0.4),
                                      tf.image.non_max_suppression(boxes, scores, 12, 0.4).numpy())

    def no_limit(boxes, scores, max_boxes=10, iou_threshold=0.5):
        return ref["nms_numpy"](boxes, scores, 1000, iou_threshold)
    assert "max_boxes" in hint_of("nms_numpy", no_limit)


# --------------------------------------------------------------------------- #
# yolo_eval
# --------------------------------------------------------------------------- #

def test_eval_without_scaling_gets_the_scale_boxes_hint(ref):
    def wrong(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=0.6, iou_threshold=0.5):
        xy, wh, conf, probs = yolo_outputs
        boxes = yolo_boxes_to_corners(xy, wh)
        s, b, c = ref["yolo_filter_boxes"](boxes, conf, probs, threshold=score_threshold)
        return ref["yolo_non_max_suppression"](s, b, c, max_boxes, iou_threshold)
    assert "scale_boxes" in hint_of("yolo_eval", wrong)


def test_eval_with_a_fixed_image_shape_is_named(ref):
    def wrong(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=0.6, iou_threshold=0.5):
        xy, wh, conf, probs = yolo_outputs
        s, b, c = ref["yolo_filter_boxes"](yolo_boxes_to_corners(xy, wh), conf, probs, threshold=score_threshold)
        return ref["yolo_non_max_suppression"](s, scale_boxes(b, (720, 1280)), c, max_boxes, iou_threshold)
    assert "image_shape argument" in hint_of("yolo_eval", wrong)


# --------------------------------------------------------------------------- #
# The hidden tests reject wrong solutions (run the cell's code on a wrong function)
# --------------------------------------------------------------------------- #

def _hidden(name):
    import json

    from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN
    from course_utils.checks.solutions import notebook_path

    nb = json.loads(notebook_path(NOTEBOOK).read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"test_{name}":
            src = "".join(cell["source"])
            return src[src.index(BEGIN_HIDDEN):src.index(END_HIDDEN)]
    raise KeyError(name)


def _run_hidden(name, fn, ref):
    namespace = {"np": np, "tf": tf, **ref, name: fn}
    exec(_hidden(name), namespace)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_the_reference(ref, name):
    _run_hidden(name, ref[name], ref)


def test_hidden_tests_fail_wrong_solutions(ref):
    wrong = {
        "yolo_filter_boxes": _filter(lambda c, p: c * p, keep_fn=lambda s, t: s > t + 0.05),
        "iou": _iou(clip=False),
        "yolo_non_max_suppression": lambda s, b, c, max_boxes=10, iou_threshold=0.5:
            ref["yolo_non_max_suppression"](s, b, c, max_boxes, 0.5),
        "yolo_eval": lambda outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=0.6, iou_threshold=0.5:
            ref["yolo_eval"](outputs, (720, 1280), max_boxes, score_threshold, iou_threshold),
        "nms_numpy": lambda boxes, scores, max_boxes=10, iou_threshold=0.5:
            ref["nms_numpy"](boxes, scores, max_boxes, 0.5),
    }
    for name, fn in wrong.items():
        with pytest.raises(AssertionError):
            _run_hidden(name, fn, ref)
