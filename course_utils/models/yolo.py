"""YOLOv2-style detection: anchors, the compact detector, ``yolo_head``, boxes, the loss, Darknet weights.

Introduced in notebook 13 (car detection with YOLO).

**Output layout.** A detector maps images (m, H, W, 3) in [0, 1] to raw
features (m, S, S, A, 5 + C): for each of the S x S grid cells (row = y,
column = x) and each of the A anchors, ``(t_x, t_y, t_w, t_h, t_o)`` and C
class scores. :func:`yolo_head` turns them into boxes with the YOLOv2
parametrisation (Redmon & Farhadi, *YOLO9000*, 2017, section 2):

- centre ``b_xy = (sigmoid(t_xy) + (column, row)) / S``;
- size ``b_wh = anchor_wh * exp(t_wh) / S`` (anchors are in grid cells, as in
  Darknet's cfg files);
- confidence ``sigmoid(t_o)``, class probabilities ``softmax(t_c)``.

Box coordinates are fractions of the image (0 to 1). :func:`yolo_boxes_to_corners`
gives corners in the order ``(y1, x1, y2, x2)`` (TensorFlow's
``non_max_suppression`` order) and :func:`scale_boxes` turns them into pixels
of the picture shown, e.g. a 720x1280 frame. The *dataset* boxes of
:mod:`course_utils.datasets.scenes` are ``(class, x1, y1, x2, y2)`` in pixels;
:func:`preprocess_true_boxes` converts them into training targets.

**Models.** :func:`yolo_compact` is the detector trained here (Darknet-style
3x3 / 1x1 convolutions with batch normalisation and leaky ReLU, a YOLOv2
passthrough from stride 8, output stride 16: the shipped 224x384 input gives a
14x24 grid; a square input works too). :func:`yolo_v2_full` is the published YOLOv2 608x608 architecture
(Darknet-19 backbone, passthrough, 19x19x425 output for COCO's 80 classes);
:func:`load_darknet_weights` fills either from a Darknet ``.weights`` file.

**The loss** (:func:`yolo_loss`) is YOLOv2's sum of squared errors, see its docstring.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

__all__ = [
    "kmeans_anchors", "anchor_iou", "input_shape", "yolo_compact", "yolo_v2_full", "yolo_head", "yolo_boxes_to_corners",
    "scale_boxes", "draw_boxes", "preprocess_true_boxes", "preprocess_batch", "yolo_loss", "LOSS_WEIGHTS",
    "load_darknet_weights", "darknet_conv_layers", "COCO_ANCHORS", "DarknetWeightsError", "detect",
    "box_iou", "average_precision", "evaluate_detections", "mean_ap", "pretrained_yolo", "load_card", "WEIGHTS_NAME",
]

#: Stem of the shipped files in ``data/`` (``<stem>.npz`` and ``<stem>.json``), from ``python -m course_utils.pretrain yolo``.
WEIGHTS_NAME = "yolo_scenes"

#: YOLOv2's COCO anchors for the 608x608 model (grid cells of the 19x19 grid), from Darknet's yolov2.cfg.
COCO_ANCHORS = np.array([[0.57273, 0.677385], [1.87446, 2.06253], [3.33843, 5.47434], [7.88282, 3.52778],
                         [9.77052, 9.16828]], dtype=np.float32)

#: The weights of the loss terms (YOLOv2's, as in Darknet's region layer and YAD2K).
LOSS_WEIGHTS = {"coord": 1.0, "object": 5.0, "no_object": 1.0, "class": 1.0}


# --------------------------------------------------------------------------- #
# Anchors
# --------------------------------------------------------------------------- #

def anchor_iou(wh, anchors) -> np.ndarray:
    """IoU of boxes and anchors that share their centre: ``wh`` (n, 2), ``anchors`` (k, 2) -> (n, k)."""
    wh = np.asarray(wh, np.float64).reshape(-1, 1, 2)
    anchors = np.asarray(anchors, np.float64).reshape(1, -1, 2)
    inter = np.minimum(wh[..., 0], anchors[..., 0]) * np.minimum(wh[..., 1], anchors[..., 1])
    union = wh[..., 0] * wh[..., 1] + anchors[..., 0] * anchors[..., 1] - inter
    return inter / np.maximum(union, 1e-12)


def kmeans_anchors(wh, k: int = 5, seed: int = 0, max_iter: int = 300):
    """Choose ``k`` anchor shapes by k-means on box sizes with the distance ``1 - IoU`` (YOLOv2, section 2).

    ``wh`` (n, 2) positive widths and heights (any unit: the anchors come out
    in the same unit). Starts from k-means++ seeds drawn with ``seed``, moves
    each anchor to the mean of its boxes until no box changes cluster.
    Returns ``(anchors, mean_iou)``: anchors (k, 2) sorted by area and the
    mean over boxes of the best IoU with an anchor. Deterministic.
    """
    wh = np.asarray(wh, np.float64).reshape(-1, 2)
    if len(wh) < k:
        raise ValueError(f"k-means needs at least k = {k} boxes; got {len(wh)}")
    if np.any(wh <= 0):
        raise ValueError("box widths and heights must be positive")
    rng = np.random.default_rng(seed)
    centres = [wh[rng.integers(len(wh))]]
    for _ in range(1, k):                                   # k-means++: far (in 1 - IoU) from the chosen ones
        d = 1.0 - anchor_iou(wh, np.array(centres)).max(axis=1)
        p = d ** 2
        centres.append(wh[rng.choice(len(wh), p=p / p.sum())] if p.sum() > 0 else wh[rng.integers(len(wh))])
    centres = np.array(centres)
    assign = None
    for _ in range(max_iter):
        new = anchor_iou(wh, centres).argmax(axis=1)
        if assign is not None and np.array_equal(new, assign):
            break
        assign = new
        for j in range(k):
            if np.any(assign == j):
                centres[j] = wh[assign == j].mean(axis=0)
    order = np.argsort(centres[:, 0] * centres[:, 1], kind="stable")
    centres = centres[order]
    return centres.astype(np.float32), float(anchor_iou(wh, centres).max(axis=1).mean())


# --------------------------------------------------------------------------- #
# Architectures
# --------------------------------------------------------------------------- #

def _conv(x, filters: int, size: int, index: int, bn: bool = True, activation: bool = True):
    """Darknet's convolutional block: conv (no bias with BN) -> BN -> leaky ReLU 0.1, named conv_N / bn_N."""
    from keras import layers

    x = layers.Conv2D(filters, size, padding="same", use_bias=not bn, name=f"conv_{index}")(x)
    if bn:
        x = layers.BatchNormalization(epsilon=1e-5, momentum=0.9, name=f"bn_{index}")(x)
    if activation:
        x = layers.LeakyReLU(negative_slope=0.1, name=f"leaky_{index}")(x)
    return x


def _head(x, num_anchors: int, num_classes: int, index: int, name: str, inputs):
    import keras
    from keras import layers

    x = _conv(x, num_anchors * (5 + num_classes), 1, index, bn=False, activation=False)
    S1, S2 = x.shape[1], x.shape[2]
    out = layers.Reshape((S1, S2, num_anchors, 5 + num_classes), name="yolo_output")(x)
    return keras.Model(inputs, out, name=name)


def input_shape(size) -> tuple:
    """``size`` as a (height, width) pair of multiples of 16: ``256 -> (256, 256)``, ``(224, 384)`` unchanged."""
    if isinstance(size, (int, np.integer)):
        pair = (int(size), int(size))
    else:
        try:
            pair = tuple(int(v) for v in size)
        except (TypeError, ValueError):
            raise ValueError(f"input_size must be a number of pixels or a (height, width) pair; got {size!r}") from None
    if len(pair) != 2 or min(pair) <= 0 or pair[0] % 16 or pair[1] % 16:
        raise ValueError(f"input_size must be a multiple of 16 (or a pair of them); got {size!r}")
    return pair


def yolo_compact(num_classes: int = 5, num_anchors: int = 5, input_size=256, width: float = 1.0,
                 seed: int = 0):
    """The compact YOLOv2-style detector of notebook 13: (m, H, W, 3) in [0, 1] -> (m, H/16, W/16, A, 5 + C).

    ``input_size`` is a square's side (256) or a (height, width) pair such as
    (256, 448), which keeps a 720x1280 frame's proportions instead of
    squashing it (thin pedestrians and traffic lights keep more pixels).

    Darknet-style blocks (3x3 convolutions widened, 1x1 ones squeezing), max
    pooling down to stride 16, and YOLOv2's passthrough: the stride-8
    features, squeezed by a 1x1 convolution and reorganised by
    ``space_to_depth(2)``, are concatenated before the last 3x3 block.
    ``width`` scales every layer's number of filters. The objectness biases
    start at -4 (a confidence of about 0.02), so that the many empty cells do
    not dominate the first steps. ``seed`` fixes the initial weights.
    """
    import keras
    import tensorflow as tf
    from keras import layers

    height, width_px = input_shape(input_size)
    keras.utils.set_random_seed(seed)

    def f(n):
        return max(8, int(round(n * width)))

    inputs = keras.Input((height, width_px, 3), name="image")
    x = _conv(inputs, f(16), 3, 1)
    x = layers.MaxPooling2D(2, name="pool_1")(x)
    x = _conv(x, f(32), 3, 2)
    x = layers.MaxPooling2D(2, name="pool_2")(x)
    x = _conv(x, f(64), 3, 3)
    x = _conv(x, f(32), 1, 4)
    x = _conv(x, f(64), 3, 5)
    x = layers.MaxPooling2D(2, name="pool_3")(x)
    x = _conv(x, f(128), 3, 6)
    x = _conv(x, f(64), 1, 7)
    fine = _conv(x, f(128), 3, 8)                                      # stride 8
    x = layers.MaxPooling2D(2, name="pool_4")(fine)
    x = _conv(x, f(256), 3, 9)
    x = _conv(x, f(128), 1, 10)
    x = _conv(x, f(256), 3, 11)
    x = _conv(x, f(256), 3, 12)
    p = _conv(fine, f(32), 1, 13)
    p = layers.Lambda(lambda t: tf.nn.space_to_depth(t, 2), name="reorg")(p)
    x = layers.Concatenate(name="passthrough")([p, x])
    x = _conv(x, f(256), 3, 14)
    model = _head(x, num_anchors, num_classes, 15, "yolo_compact", inputs)
    conv = model.get_layer("conv_15")
    kernel, bias = conv.get_weights()
    bias = bias.reshape(num_anchors, 5 + num_classes)
    bias[:, 4] = -4.0
    conv.set_weights([kernel, bias.reshape(-1)])
    return model


def yolo_v2_full(num_classes: int = 80, num_anchors: int = 5, input_size: int = 608):
    """The published YOLOv2 (Darknet's ``yolov2.cfg``): (m, 608, 608, 3) -> (m, 19, 19, 5, 5 + C).

    Darknet-19 (18 convolutions, 5 max poolings), two more 3x3x1024 blocks,
    the passthrough (1x1x64 convolution of the 38x38x512 features,
    ``space_to_depth(2)``, concatenated), a 3x3x1024 block and the 1x1
    output convolution (425 = 5 x 85 channels for COCO). Layers are named
    ``conv_1`` .. ``conv_23`` / ``bn_N`` in the cfg's order, which is the
    order of a Darknet weight file (:func:`load_darknet_weights`). About
    50.7 million parameters for 80 classes. Darknet's ``reorg`` orders the
    channels differently from ``space_to_depth``; like YAD2K we use the
    latter, which changes only the order the 1x1x1024 block sees them in.
    """
    import keras
    import tensorflow as tf
    from keras import layers

    inputs = keras.Input((input_size, input_size, 3), name="image")
    x, i = inputs, 0
    plan = [(32,), "pool", (64,), "pool", (128, 64, 128), "pool", (256, 128, 256), "pool",
            (512, 256, 512, 256, 512), "pool", (1024, 512, 1024, 512, 1024)]
    fine = None
    for stage in plan:
        if stage == "pool":
            if i == 13:
                fine = x                                               # conv_13: 38x38x512 (608 input)
            x = layers.MaxPooling2D(2, name=f"pool_{i}")(x)
            continue
        for k, n in enumerate(stage):
            i += 1
            x = _conv(x, n, 3 if k % 2 == 0 else 1, i)
    x = _conv(x, 1024, 3, 19)
    x = _conv(x, 1024, 3, 20)
    p = _conv(fine, 64, 1, 21)
    p = layers.Lambda(lambda t: tf.nn.space_to_depth(t, 2), name="reorg")(p)
    x = layers.Concatenate(name="passthrough")([p, x])
    x = _conv(x, 1024, 3, 22)
    return _head(x, num_anchors, num_classes, 23, "yolo_v2", inputs)


# --------------------------------------------------------------------------- #
# From features to boxes
# --------------------------------------------------------------------------- #

def _as_5d(feats, num_anchors: int, num_classes: int):
    import tensorflow as tf

    feats = tf.convert_to_tensor(feats, dtype=tf.float32)
    if feats.shape.rank == 4:                                          # (m, S, S, A * (5 + C)) as Darknet writes it
        s = tf.shape(feats)
        feats = tf.reshape(feats, (s[0], s[1], s[2], num_anchors, 5 + num_classes))
    if feats.shape[-1] is not None and feats.shape[-1] != 5 + num_classes:
        raise ValueError(f"features have {feats.shape[-1]} numbers per anchor; 5 + {num_classes} classes "
                         f"= {5 + num_classes} expected")
    return feats


def yolo_head(feats, anchors, num_classes: int):
    """Raw detector output -> ``(box_xy, box_wh, box_confidence, box_class_probs)``.

    ``feats`` (m, S, S, A, 5 + C) (or (m, S, S, A * (5 + C))); ``anchors``
    (A, 2) widths and heights in grid cells. Returns, as float32 tensors,
    ``box_xy`` (m, S, S, A, 2): box centres (x, y) as fractions of the image;
    ``box_wh`` (m, S, S, A, 2): widths and heights, same unit;
    ``box_confidence`` (m, S, S, A, 1) in (0, 1); ``box_class_probs``
    (m, S, S, A, C), summing to 1 over the classes (see the module's docstring).
    """
    import tensorflow as tf

    anchors = np.asarray(anchors, np.float32).reshape(-1, 2)
    feats = _as_5d(feats, len(anchors), num_classes)
    shape = tf.shape(feats)
    rows, cols = shape[1], shape[2]
    gy, gx = tf.meshgrid(tf.range(rows), tf.range(cols), indexing="ij")
    grid = tf.cast(tf.stack([gx, gy], axis=-1), tf.float32)[None, :, :, None, :]     # (1, S, S, 1, 2): (x, y)
    dims = tf.cast(tf.stack([cols, rows]), tf.float32)                               # (S_x, S_y)
    box_xy = (tf.sigmoid(feats[..., 0:2]) + grid) / dims
    box_wh = tf.exp(feats[..., 2:4]) * anchors.reshape(1, 1, 1, -1, 2) / dims
    box_confidence = tf.sigmoid(feats[..., 4:5])
    box_class_probs = tf.nn.softmax(feats[..., 5:], axis=-1)
    return box_xy, box_wh, box_confidence, box_class_probs


def yolo_boxes_to_corners(box_xy, box_wh):
    """Centres and sizes (..., 2) as (x, y) -> corners (..., 4) as ``(y1, x1, y2, x2)``."""
    import tensorflow as tf

    box_xy, box_wh = tf.convert_to_tensor(box_xy, tf.float32), tf.convert_to_tensor(box_wh, tf.float32)
    mins, maxes = box_xy - box_wh / 2.0, box_xy + box_wh / 2.0
    return tf.concat([mins[..., 1:2], mins[..., 0:1], maxes[..., 1:2], maxes[..., 0:1]], axis=-1)


def scale_boxes(boxes, image_shape):
    """Corners ``(y1, x1, y2, x2)`` as fractions of the image -> pixels of an image of ``image_shape`` (H, W)."""
    import tensorflow as tf

    height, width = float(image_shape[0]), float(image_shape[1])
    return tf.convert_to_tensor(boxes, tf.float32) * tf.constant([height, width, height, width], tf.float32)


_PALETTE = ((230, 60, 50), (250, 160, 30), (150, 80, 200), (40, 190, 220), (60, 180, 75), (240, 50, 230),
            (210, 245, 60), (0, 128, 128), (170, 110, 40), (128, 128, 255))


def draw_boxes(image, boxes, classes, scores=None, class_names=None, line_width: int | None = None) -> np.ndarray:
    """Draw boxes on a copy of ``image`` (H, W, 3) uint8 and return it.

    ``boxes`` (k, 4) corners ``(y1, x1, y2, x2)`` in pixels (what
    :func:`scale_boxes` gives); ``classes`` (k,) class indices; ``scores``
    (k,) or None; ``class_names`` the names to write (default: the index).
    """
    from PIL import Image, ImageDraw, ImageFont

    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = np.clip(np.asarray(image, np.float64) * (255.0 if image.max() <= 1.0 else 1.0), 0, 255).astype(np.uint8)
    img = Image.fromarray(image.copy())
    draw = ImageDraw.Draw(img)
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    classes = np.asarray(classes).reshape(-1).astype(int)
    lw = line_width or max(1, round(min(img.size) / 240))
    try:                                                   # a readable label on a 720x1280 frame (Pillow >= 10.1)
        font = ImageFont.load_default(size=max(11, round(min(img.size) / 40)))
    except (TypeError, OSError, ImportError):
        font = ImageFont.load_default()
    for k, (y1, x1, y2, x2) in enumerate(boxes):
        c = classes[k]
        colour = _PALETTE[c % len(_PALETTE)]
        draw.rectangle([x1, y1, x2 - 1, y2 - 1], outline=colour, width=lw)
        label = str(class_names[c]) if class_names is not None else str(c)
        if scores is not None:
            label += f" {float(np.ravel(scores)[k]):.2f}"
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        ty = y1 - (bottom - top) - 3 if y1 - (bottom - top) - 3 >= 0 else y1 + 1
        draw.rectangle([x1, ty, x1 + right - left + 3, ty + bottom - top + 3], fill=colour)
        draw.text((x1 + 2, ty + 1 - top), label, fill=(255, 255, 255), font=font)
    return np.asarray(img)


def detect(feats, anchors, num_classes: int, image_shape, score_threshold: float = 0.3,
           iou_threshold: float = 0.5, max_boxes: int = 50) -> list:
    """Detections of a batch, for evaluation and the pretraining script: a list of (k, 6) float32 arrays.

    Each row is ``(class, score, x1, y1, x2, y2)`` in pixels of ``image_shape``
    (the dataset's box convention, plus the score). Scores are confidence x
    class probability of each anchor's best class; boxes under
    ``score_threshold`` are dropped, then non-max suppression runs *per class*
    (``iou_threshold``), keeping at most ``max_boxes`` per image. (Notebook 13's
    graded ``yolo_eval`` builds the same pipeline step by step.)
    """
    import tensorflow as tf

    xy, wh, conf, probs = yolo_head(feats, anchors, num_classes)
    corners = scale_boxes(yolo_boxes_to_corners(xy, wh), image_shape).numpy()          # (m, S, S, A, 4)
    scores_all = (conf * probs).numpy()
    out = []
    for i in range(corners.shape[0]):
        boxes = corners[i].reshape(-1, 4)
        scores = scores_all[i].reshape(-1, num_classes)
        classes, best = scores.argmax(-1), scores.max(-1)
        keep = best >= score_threshold
        boxes, classes, best = boxes[keep], classes[keep], best[keep]
        if len(boxes):
            # per-class NMS in one call: move each class's boxes far from the others'
            offset = classes[:, None].astype(np.float32) * (2.0 * max(image_shape) + 1.0)
            chosen = tf.image.non_max_suppression(boxes + offset, best, max_boxes, iou_threshold).numpy()
            boxes, classes, best = boxes[chosen], classes[chosen], best[chosen]
        out.append(np.column_stack([classes, best, boxes[:, 1], boxes[:, 0], boxes[:, 3], boxes[:, 2]])
                   .astype(np.float32).reshape(-1, 6))
    return out


# --------------------------------------------------------------------------- #
# Evaluation: average precision
# --------------------------------------------------------------------------- #

def box_iou(a, b) -> np.ndarray:
    """IoU of corner boxes ``(x1, y1, x2, y2)``: ``a`` (n, 4), ``b`` (k, 4) -> (n, k); empty boxes give 0."""
    a = np.asarray(a, np.float64).reshape(-1, 1, 4)
    b = np.asarray(b, np.float64).reshape(1, -1, 4)
    iw = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    ih = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = iw * ih
    area_a = np.clip(a[..., 2] - a[..., 0], 0, None) * np.clip(a[..., 3] - a[..., 1], 0, None)
    area_b = np.clip(b[..., 2] - b[..., 0], 0, None) * np.clip(b[..., 3] - b[..., 1], 0, None)
    union = area_a + area_b - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def average_precision(scores, true_positive, n_true: int) -> float:
    """Area under the precision-recall curve (all points, precision made non-increasing: VOC 2010 onwards).

    ``scores`` (n,) of the detections of one class, ``true_positive`` (n,)
    whether each matched a true box, ``n_true`` the number of true boxes.
    NaN when there are no true boxes.
    """
    if n_true <= 0:
        return float("nan")
    order = np.argsort(-np.asarray(scores, np.float64), kind="stable")
    tp = np.asarray(true_positive, bool)[order]
    if len(tp) == 0:
        return 0.0
    ctp, cfp = np.cumsum(tp), np.cumsum(~tp)
    recall = np.concatenate([[0.0], ctp / n_true])
    precision = np.concatenate([[1.0], ctp / np.maximum(ctp + cfp, 1)])
    precision = np.maximum.accumulate(precision[::-1])[::-1]       # the envelope
    return float(np.sum((recall[1:] - recall[:-1]) * precision[1:]))


def evaluate_detections(detections, truths, num_classes: int, iou_threshold: float = 0.5) -> dict:
    """Per-class AP and mAP at ``iou_threshold`` over a set of images.

    ``detections`` one (k, 6) array per image, rows ``(class, score, x1, y1,
    x2, y2)`` (what :func:`detect` returns); ``truths`` one (t, 5) array per
    image, rows ``(class, x1, y1, x2, y2)`` (the dataset's boxes). In each
    image, detections of a class are taken by decreasing score; each is a
    true positive when its best-overlapping still unmatched true box of the
    same class has IoU >= ``iou_threshold`` (PASCAL VOC's rule). Returns
    ``{"ap": [per class], "n_true": [per class], "map": mean over classes
    that have true boxes}``.
    """
    if len(detections) != len(truths):
        raise ValueError(f"{len(detections)} images of detections but {len(truths)} of true boxes")
    scores = [[] for _ in range(num_classes)]
    hits = [[] for _ in range(num_classes)]
    n_true = np.zeros(num_classes, int)
    for det, true in zip(detections, truths):
        det = np.asarray(det, np.float64).reshape(-1, 6)
        true = np.asarray(true, np.float64).reshape(-1, 5)
        for c in range(num_classes):
            t = true[true[:, 0] == c, 1:]
            d = det[det[:, 0] == c]
            d = d[np.argsort(-d[:, 1], kind="stable")]
            n_true[c] += len(t)
            used = np.zeros(len(t), bool)
            ious = box_iou(d[:, 2:], t) if len(t) else np.zeros((len(d), 0))
            for k in range(len(d)):
                cand = np.where(used, -1.0, ious[k]) if len(t) else ious[k]
                j = int(np.argmax(cand)) if len(t) else -1
                ok = j >= 0 and cand[j] >= iou_threshold
                if ok:
                    used[j] = True
                scores[c].append(d[k, 1])
                hits[c].append(ok)
    ap = [average_precision(scores[c], hits[c], int(n_true[c])) for c in range(num_classes)]
    valid = [a for a in ap if not np.isnan(a)]
    return {"ap": ap, "n_true": n_true.tolist(), "map": float(np.mean(valid)) if valid else float("nan")}


def mean_ap(detections, truths, num_classes: int, iou_threshold: float = 0.5) -> float:
    """The mean over classes (those with true boxes) of the AP at ``iou_threshold``: see :func:`evaluate_detections`."""
    return evaluate_detections(detections, truths, num_classes, iou_threshold)["map"]


# --------------------------------------------------------------------------- #
# Training targets and the loss
# --------------------------------------------------------------------------- #

def preprocess_true_boxes(boxes, anchors, image_shape, grid):
    """Dataset boxes of one image -> the target tensor (S, S, A, 6) float32 and how many boxes were dropped.

    ``boxes`` (k, 5) ``(class, x1, y1, x2, y2)`` in pixels of an image of
    ``image_shape`` (H, W); ``anchors`` (A, 2) in grid cells; ``grid`` S (or
    a (rows, columns) pair for a rectangular grid; the target is then
    (rows, columns, A, 6)). Each box goes to the cell holding its centre
    (row ``floor(y * rows)``, column ``floor(x * columns)``) and to the anchor of best shape IoU; that entry
    becomes ``(x, y, w, h, 1, class)`` with centre and size as fractions of
    the image. Every other entry is 0. When two boxes want the same cell and
    anchor, the first keeps it and the other is counted as dropped.
    """
    anchors = np.asarray(anchors, np.float64).reshape(-1, 2)
    H, W = float(image_shape[0]), float(image_shape[1])
    rows, cols = (grid, grid) if np.ndim(grid) == 0 else (int(grid[0]), int(grid[1]))
    y_true = np.zeros((rows, cols, len(anchors), 6), np.float32)
    dropped = 0
    for c, x1, y1, x2, y2 in np.asarray(boxes, np.float64).reshape(-1, 5):
        x, y, w, h = (x1 + x2) / (2 * W), (y1 + y2) / (2 * H), (x2 - x1) / W, (y2 - y1) / H
        if w <= 0 or h <= 0:
            continue
        row, col = min(int(y * rows), rows - 1), min(int(x * cols), cols - 1)
        a = int(anchor_iou([[w * cols, h * rows]], anchors)[0].argmax())
        if y_true[row, col, a, 4] > 0:
            dropped += 1
            continue
        y_true[row, col, a] = (x, y, w, h, 1.0, c)
    return y_true, dropped


def preprocess_batch(boxes_list, anchors, image_shape, grid, max_boxes: int = 40):
    """Targets for a batch: ``y_true`` (m, S, S, A, 6) and ``true_boxes`` (m, max_boxes, 4) of (x, y, w, h).

    ``true_boxes`` lists every box of each image (fractions of the image,
    zero-padded) for the loss's "ignore" rule; images with more than
    ``max_boxes`` boxes keep the first ones there.
    """
    H, W = float(image_shape[0]), float(image_shape[1])
    y_true = np.stack([preprocess_true_boxes(b, anchors, image_shape, grid)[0] for b in boxes_list])
    true_boxes = np.zeros((len(boxes_list), max_boxes, 4), np.float32)
    for i, b in enumerate(boxes_list):
        b = np.asarray(b, np.float64).reshape(-1, 5)[:max_boxes]
        true_boxes[i, :len(b)] = np.stack([(b[:, 1] + b[:, 3]) / (2 * W), (b[:, 2] + b[:, 4]) / (2 * H),
                                           (b[:, 3] - b[:, 1]) / W, (b[:, 4] - b[:, 2]) / H], axis=1)
    return y_true, true_boxes


def _iou_xywh(a, b):
    """IoU of boxes given as (x, y, w, h) (broadcasting over the leading axes)."""
    import tensorflow as tf

    a_min, a_max = a[..., :2] - a[..., 2:4] / 2, a[..., :2] + a[..., 2:4] / 2
    b_min, b_max = b[..., :2] - b[..., 2:4] / 2, b[..., :2] + b[..., 2:4] / 2
    inter_wh = tf.maximum(tf.minimum(a_max, b_max) - tf.maximum(a_min, b_min), 0.0)
    inter = inter_wh[..., 0] * inter_wh[..., 1]
    union = a[..., 2] * a[..., 3] + b[..., 2] * b[..., 3] - inter
    return inter / tf.maximum(union, 1e-9)


def yolo_loss(y_true, y_pred, anchors, num_classes: int, true_boxes=None, weights=None,
              ignore_thresh: float = 0.6, rescore: bool = True, return_parts: bool = False):
    """YOLOv2's loss: a weighted sum of squared errors, summed over cells and anchors, averaged over images.

    ``y_true`` (m, S, S, A, 6) from :func:`preprocess_batch`, ``y_pred`` the
    raw output (m, S, S, A, 5 + C), ``anchors`` (A, 2) in grid cells,
    ``true_boxes`` (m, T, 4) every box of each image as (x, y, w, h) (or
    None). With ``1_obj`` = 1 for the anchors responsible for a box:

    - coordinates, ``weights["coord"]`` (1) x ``(2 - w h)`` (small boxes count
      more) x ``1_obj`` x ``[(sigmoid(t_xy) - (S xy - cell))^2 + (t_wh - log(S wh / anchor))^2]``;
    - object, ``weights["object"]`` (5) x ``1_obj`` x ``(target - confidence)^2``,
      the target being the IoU of the predicted box with its true box
      (``rescore=True``, held constant) or 1;
    - no object, ``weights["no_object"]`` (1) x ``(1 - 1_obj)`` x ``confidence^2``,
      except for predicted boxes whose IoU with some true box of the image
      is above ``ignore_thresh`` (0.6; only with ``true_boxes``);
    - class, ``weights["class"]`` (1) x ``1_obj`` x ``sum_c (1[c = class] - p_c)^2``.

    Returns the scalar loss, or ``(loss, parts)`` with the four terms (each
    averaged over images) when ``return_parts``.
    """
    import tensorflow as tf

    w = {**LOSS_WEIGHTS, **(weights or {})}
    anchors = np.asarray(anchors, np.float32).reshape(-1, 2)
    y_pred = _as_5d(y_pred, len(anchors), num_classes)
    y_true = tf.convert_to_tensor(y_true, tf.float32)
    pred_xy, pred_wh, conf, probs = yolo_head(y_pred, anchors, num_classes)
    shape = tf.shape(y_pred)
    dims = tf.cast(tf.stack([shape[2], shape[1]]), tf.float32)                      # (S_x, S_y)
    obj = y_true[..., 4:5]
    true_xy, true_wh = y_true[..., 0:2], y_true[..., 2:4]

    # coordinates
    cell = tf.floor(true_xy * dims)
    target_xy = true_xy * dims - cell
    safe_wh = tf.where(obj > 0, true_wh, tf.ones_like(true_wh))
    target_twh = tf.math.log(safe_wh * dims / anchors.reshape(1, 1, 1, -1, 2))
    scale = 2.0 - true_wh[..., 0:1] * true_wh[..., 1:2]
    coord = tf.reduce_sum(obj * scale * (tf.square(tf.sigmoid(y_pred[..., 0:2]) - target_xy)
                                         + tf.square(y_pred[..., 2:4] - target_twh)), axis=[1, 2, 3, 4])

    # object / no object
    pred_box = tf.concat([pred_xy, pred_wh], axis=-1)
    if rescore:
        target_conf = tf.stop_gradient(_iou_xywh(pred_box, y_true[..., 0:4]))[..., None]
    else:
        target_conf = tf.ones_like(conf)
    object_term = tf.reduce_sum(obj * tf.square(target_conf - conf), axis=[1, 2, 3, 4])
    if true_boxes is not None:
        tb = tf.convert_to_tensor(true_boxes, tf.float32)                           # (m, T, 4)
        ious = _iou_xywh(pred_box[:, :, :, :, None, :], tb[:, None, None, None, :, :])  # (m, S, S, A, T)
        best = tf.reduce_max(ious, axis=-1, keepdims=True)
        keep = tf.cast(best < ignore_thresh, tf.float32)
    else:
        keep = tf.ones_like(conf)
    no_object = tf.reduce_sum((1.0 - obj) * keep * tf.square(conf), axis=[1, 2, 3, 4])

    # classes
    onehot = tf.one_hot(tf.cast(y_true[..., 5], tf.int32), num_classes)
    class_term = tf.reduce_sum(obj * tf.square(onehot - probs), axis=[1, 2, 3, 4])

    parts = {"coord": tf.reduce_mean(w["coord"] * coord), "object": tf.reduce_mean(w["object"] * object_term),
             "no_object": tf.reduce_mean(w["no_object"] * no_object), "class": tf.reduce_mean(w["class"] * class_term)}
    loss = parts["coord"] + parts["object"] + parts["no_object"] + parts["class"]
    return (loss, parts) if return_parts else loss


# --------------------------------------------------------------------------- #
# Darknet weight files
# --------------------------------------------------------------------------- #

class DarknetWeightsError(ValueError):
    """The Darknet weight file does not fit the model (too short, too long, unreadable header)."""


def darknet_conv_layers(model) -> list:
    """The model's convolutions in Darknet's order, each with its batch normalisation (or None).

    Layers named ``conv_N`` are taken in the order of N and paired with
    ``bn_N``; a model without that naming uses its Conv2D layers in
    ``model.layers`` order, each paired with a BatchNormalization named
    ``bn_<suffix>`` if any.
    """
    from keras import layers

    convs = [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]
    named = [re.fullmatch(r"conv_(\d+)", layer.name) for layer in convs]
    if convs and all(named):
        convs = [c for _, c in sorted(zip((int(m.group(1)) for m in named), convs), key=lambda t: t[0])]
    by_name = {layer.name: layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)}
    out = []
    for conv in convs:
        m = re.fullmatch(r"conv_(.+)", conv.name)
        out.append((conv, by_name.get(f"bn_{m.group(1)}") if m else None))
    return out


def _read_header(data: bytes, path):
    if len(data) < 16:
        raise DarknetWeightsError(f"{path}: {len(data)} bytes is too short for a Darknet weight file header")
    major, minor, revision = np.frombuffer(data[:12], "<i4").tolist()
    if major * 10 + minor >= 2 and major < 1000 and minor < 1000:
        if len(data) < 20:
            raise DarknetWeightsError(f"{path}: the header is cut short")
        seen, offset = int(np.frombuffer(data[12:20], "<i8")[0]), 20
    else:
        seen, offset = int(np.frombuffer(data[12:16], "<i4")[0]), 16
    return {"major": major, "minor": minor, "revision": revision, "seen": seen}, offset


def load_darknet_weights(model, path) -> dict:
    """Fill ``model``'s convolutions and batch normalisations from a Darknet ``.weights`` file.

    The format (Darknet's ``save_weights``): a header of int32 ``major``,
    ``minor``, ``revision`` and ``seen`` (images seen in training: int64 when
    ``major * 10 + minor >= 2``, int32 before), then for each convolutional
    layer in the cfg's order, float32 little-endian: with batch normalisation
    its biases (BN beta), scales (gamma), rolling means and rolling
    variances, else the convolution's biases; then the kernel in
    (out, in, height, width) order. The file must hold exactly the numbers
    the model needs: a short or long file raises :class:`DarknetWeightsError`
    naming the layer. Returns the header.
    """
    path = Path(path)
    data = path.read_bytes()
    header, offset = _read_header(data, path)
    if (len(data) - offset) % 4:
        raise DarknetWeightsError(f"{path}: the body is not a whole number of float32 values")
    values = np.frombuffer(data, "<f4", offset=offset)
    pos = 0
    pairs = darknet_conv_layers(model)
    for k, (conv, bn) in enumerate(pairs):
        kernel = conv.get_weights()[0]
        kh, kw, cin, cout = kernel.shape
        need = (4 * cout if bn is not None else cout) + kernel.size
        if pos + need > len(values):
            raise DarknetWeightsError(
                f"{path}: the file ends in layer {k + 1} of {len(pairs)} ({conv.name}, {kh}x{kw}x{cin}x{cout}): "
                f"it needs {need} more numbers and {len(values) - pos} are left. Is it the weight file of this "
                f"architecture (classes, anchors)?")
        if bn is not None:
            beta, gamma, mean, var = (values[pos + i * cout:pos + (i + 1) * cout] for i in range(4))
            pos += 4 * cout
            bn.set_weights([gamma, beta, mean, var])
        else:
            bias = values[pos:pos + cout]
            pos += cout
        w = values[pos:pos + kernel.size].reshape(cout, cin, kh, kw).transpose(2, 3, 1, 0)
        pos += kernel.size
        conv.set_weights([w] if bn is not None else [w, bias])
    if pos != len(values):
        raise DarknetWeightsError(f"{path}: {len(values) - pos} numbers are left after the last layer "
                                  f"({pairs[-1][0].name}); the file is for a larger architecture")
    return header


# --------------------------------------------------------------------------- #
# The shipped detector
# --------------------------------------------------------------------------- #

def load_card(path=None) -> dict:
    """The JSON card of the shipped detector (data, anchors, training, per-class AP)."""
    import json

    from .storage import find_weights

    return json.loads(Path(path or find_weights(WEIGHTS_NAME, (".json",))).read_text())


def pretrained_yolo(path=None):
    """The compact detector with the shipped weights: ``(model, anchors, class_names)``.

    Reads ``data/yolo_scenes.npz`` (or ``path``); the architecture, anchors and
    class names come from the file's metadata.
    """
    from .storage import find_weights, load_weights, read_compact

    path = Path(path) if path is not None else find_weights(WEIGHTS_NAME)
    manifest, _ = read_compact(path)
    meta = manifest.get("metadata", {})
    anchors = np.asarray(meta["anchors"], np.float32)
    classes = list(meta["classes"])
    if "input_shape" in meta:
        size = tuple(int(v) for v in meta["input_shape"])
    else:                                                              # "RGB / 255, 256x256"
        size = tuple(int(v) for v in str(meta["input"]).rsplit(" ", 1)[-1].split("x"))
    model = yolo_compact(num_classes=len(classes), num_anchors=len(anchors), input_size=size,
                         width=float(meta.get("width", 1.0)))
    load_weights(model, path)
    return model, anchors, classes
