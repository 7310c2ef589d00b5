"""Which feature network should notebook 15 use? ``python -m course_utils.style_compare``.

Introduced in notebook 15 (neural style transfer). The original uses VGG-19 with ImageNet weights, which cannot be
downloaded here. This script runs the notebook's own cost functions (its solution cells, through
:func:`course_utils.bench._definitions`) with the same settings — style layers ``block1_conv1`` …
``block5_conv1`` with weights 0.2, content layer ``block5_conv4``, ``alpha = 10``, ``beta = 40``, Adam on the
pixels from the content plus uniform noise — on the same content/style pairs, with each offline candidate:

- ``compact_vgg`` — the compact VGG pretrained on the course's generated images (``python -m course_utils.pretrain
  vgg_compact``);
- ``vgg19_random`` — the VGG-19 architecture with random multi-scale weights (:func:`course_utils.models.vgg.vgg19`);
- ``resnet50_signs`` — the course's ResNet-50 of notebook 12 (trained on the generated hand signs), its stem
  and the ends of its four stages playing the five style layers, the end of the third stage the content layer
  (the resolution of ``block5_conv4``: 1/16 of the image).

Every network's activations are multiplied by the same factor, ``vgg.FEATURE_SCALE`` (built into the compact
VGG's loader, a ``Rescaling`` of the outputs for the others), which sets the balance of the style and content costs
under the fixed alpha and beta. For each run it records the style and content costs at the start and the end (each network's own costs), the
seconds per step, and two measures that do not depend on the network: how much of the content's layout survives
(the correlation between the blurred grey levels of the result and of the photo) and how close the colours come to
the painting's (the mean distance between the sorted pixel values of the result and of the painting, per channel,
relative to the photo's). It writes the figure (content | style | one result per network, one row per pair) and
the numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

PAIRS = (("temple", "stained_glass"), ("cat", "brush_strokes"), ("astronaut", "mosaic"))
NETWORKS = ("compact_vgg", "vgg19_random", "resnet50_signs")
VGG_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1", "block5_conv4")
LABELS = {"compact_vgg": "compact VGG\n(course images)", "vgg19_random": "VGG-19\nrandom multi-scale",
          "resnet50_signs": "ResNet-50\n(signs, notebook 12)"}


def _resnet_outputs(size: int):
    """ResNet-50 of notebook 12 rebuilt for (size, size) images with the shipped weights; its six chosen activations."""
    import keras

    from .models.resnet import STAGES, pretrained_resnet50, resnet50

    trained = pretrained_resnet50()
    net = resnet50(input_shape=(size, size, 3))
    for source, target in zip(trained.layers, net.layers):
        if source.weights and not isinstance(target, keras.layers.Dense):
            target.set_weights(source.get_weights())
    relus = [layer for layer in net.layers if isinstance(layer, keras.layers.Activation)]
    block_ends = [layer for layer in relus if isinstance(layer.input._keras_history[0], keras.layers.Add)]
    ends = np.cumsum([1 + identities for _, _, identities in STAGES]) - 1
    chosen = [relus[0]] + [block_ends[i] for i in ends] + [block_ends[ends[2]]]
    return keras.Model(net.input, [layer.output for layer in chosen], name="resnet50_signs_outputs")


def feature_outputs(name: str, size: int = 192):
    """A Keras model returning the six activations (five style layers, then the content layer) of network ``name``."""
    import keras

    from .models import vgg

    if name == "resnet50_signs":
        model = _resnet_outputs(size)
    else:
        net = vgg.feature_network(name)
        net.trainable = False
        model = keras.Model(net.input, [net.get_layer(n).output for n in VGG_LAYERS], name=f"{name}_outputs")
    if name == "compact_vgg":            # its loader already scales its activations by vgg.FEATURE_SCALE
        return model
    outputs = [keras.layers.Rescaling(vgg.FEATURE_SCALE)(o) for o in model.outputs]
    return keras.Model(model.input, outputs, name=model.name)


def stylize(ns: dict, outputs, content, style, steps: int, lr: float = 0.03, seed: int = 1, keep=()):
    """Run the notebook's costs with Adam on the pixels; return a dict of costs, timing and the final image.

    ``ns`` holds the notebook's ``compute_content_cost``, ``compute_style_cost`` and ``total_cost``;
    ``content`` and ``style`` are uint8 (h, w, 3). ``keep``: steps whose image is also returned.
    """
    import keras
    import tensorflow as tf

    c = tf.constant(np.asarray(content, np.float32)[None] / 255.0)
    s = tf.constant(np.asarray(style, np.float32)[None] / 255.0)
    a_C, a_S = outputs(c), outputs(s)
    noise = tf.random.stateless_uniform(c.shape, seed=(seed, 15), minval=-0.25, maxval=0.25)
    image = tf.Variable(tf.clip_by_value(c + noise, 0.0, 1.0))
    opt = keras.optimizers.Adam(learning_rate=lr)
    opt.build([image])
    content_cost, style_cost, total = ns["compute_content_cost"], ns["compute_style_cost"], ns["total_cost"]

    @tf.function
    def costs():
        a_G = outputs(image)
        return content_cost(a_C, a_G), style_cost(a_S, a_G)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            a_G = outputs(image)
            J = total(content_cost(a_C, a_G), style_cost(a_S, a_G), alpha=10, beta=40)
        opt.apply_gradients([(tape.gradient(J, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return J

    jc0, js0 = (float(v) for v in costs())
    step()                                            # compile before timing
    kept = {}
    t0 = time.perf_counter()
    for i in range(2, steps + 1):
        step()
        if i in keep:
            kept[i] = image.numpy()[0].copy()
    seconds = (time.perf_counter() - t0) / max(steps - 1, 1)
    jc1, js1 = (float(v) for v in costs())
    return {"content_cost_start": jc0, "content_cost_end": jc1, "style_cost_start": js0, "style_cost_end": js1,
            "style_reduction": 1 - js1 / js0, "seconds_per_step": seconds, "image": image.numpy()[0], "kept": kept}


def _grey_blur(image, size: int = 9):
    from scipy.ndimage import uniform_filter

    grey = np.asarray(image, np.float64)[..., :3] @ np.array([0.299, 0.587, 0.114])
    return uniform_filter(grey, size)


def layout_kept(result, content) -> float:
    """Correlation between the blurred grey levels of ``result`` and ``content`` (both in [0, 1])."""
    a, b = _grey_blur(result).ravel(), _grey_blur(content).ravel()
    return float(np.corrcoef(a, b)[0, 1])


def colour_distance(image, style) -> float:
    """Mean absolute difference between the sorted pixel values of ``image`` and ``style``, per channel (in [0, 1])."""
    a = np.sort(np.asarray(image, np.float64).reshape(-1, 3), axis=0)
    b = np.sort(np.asarray(style, np.float64).reshape(-1, 3), axis=0)
    return float(np.mean(np.abs(a - b)))


def compare(size: int = 192, steps: int = 200, networks=NETWORKS, pairs=PAIRS, lr: float = 0.03, log=print,
            cache=None):
    """Run every network on every pair; returns (rows, images) for :func:`figure` and the JSON.

    With ``cache`` (a folder), each network's results are stored there and reused by a later run with the same
    settings, so the networks can be run one at a time.
    """
    from . import art
    from .bench import _definitions

    ns = _definitions("15_neural_style_transfer")
    rows, images = [], {}
    for name in networks:
        stored = Path(cache) / f"{name}_{size}_{steps}_{lr:g}.npz" if cache else None
        if stored is not None and stored.exists():
            with np.load(stored, allow_pickle=False) as f:
                found = json.loads(f["rows"].tobytes().decode())
                for r in found:
                    images[(name, r["content"], r["style"])] = f[f"{r['content']}_{r['style']}"]
            rows.extend(found)
            log(f"{name}: reusing {stored}")
            continue
        first = len(rows)
        outputs = feature_outputs(name, size)
        for content_name, style_name in pairs:
            content = art.load_content(content_name, size)
            style = art.load_style(style_name, size)
            r = stylize(ns, outputs, content, style, steps, lr=lr)
            r.update({"network": name, "content": content_name, "style": style_name, "size": size, "steps": steps,
                      "layout_kept": layout_kept(r["image"], content / 255.0),
                      "colour_distance": colour_distance(r["image"], style / 255.0),
                      "colour_distance_of_the_photo": colour_distance(content / 255.0, style / 255.0)})
            images[(name, content_name, style_name)] = r.pop("image")
            r.pop("kept")
            rows.append(r)
            log(f"{name:13s} {content_name:9s} + {style_name:18s}: style cost {r['style_cost_start']:.4g} -> "
                f"{r['style_cost_end']:.4g} ({r['style_reduction']:.1%} lower), content cost "
                f"{r['content_cost_start']:.3g} -> {r['content_cost_end']:.3g}, layout {r['layout_kept']:.2f}, "
                f"colours {r['colour_distance_of_the_photo']:.3f} -> {r['colour_distance']:.3f}, "
                f"{r['seconds_per_step']:.3f} s/step")
        if stored is not None:
            stored.parent.mkdir(parents=True, exist_ok=True)
            arrays = {f"{r['content']}_{r['style']}": images[(name, r["content"], r["style"])] for r in rows[first:]}
            np.savez_compressed(stored, rows=np.frombuffer(json.dumps(rows[first:]).encode(), np.uint8), **arrays)
    return rows, images


def figure(images, networks=NETWORKS, pairs=PAIRS, size: int = 192, path=None):
    """Content | style | one result per network, one row per pair."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import art

    cols = 2 + len(networks)
    fig, axes = plt.subplots(len(pairs), cols, figsize=(2.3 * cols, 2.45 * len(pairs)))
    axes = np.atleast_2d(axes)
    for r, (content_name, style_name) in enumerate(pairs):
        panels = [(art.load_content(content_name, size), f"content: {content_name}"),
                  (art.load_style(style_name, size), f"style: {style_name.replace('_', ' ')}")]
        panels += [(images[(n, content_name, style_name)], LABELS.get(n, n)) for n in networks]
        for c, (image, title) in enumerate(panels):
            axes[r, c].imshow(np.clip(image, 0, 1) if image.dtype != np.uint8 else image)
            axes[r, c].set_title(title, fontsize=8)
            axes[r, c].axis("off")
    fig.tight_layout()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=64)
    return fig


def main(argv=None) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from . import config
    from .models.vgg import FEATURE_SCALE

    parser = argparse.ArgumentParser(prog="python -m course_utils.style_compare", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=192)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--lr", type=float, default=0.03)
    parser.add_argument("--networks", nargs="+", default=list(NETWORKS))
    parser.add_argument("--cache", type=Path, default=None, help="folder that keeps each network's results")
    parser.add_argument("--figure", type=Path, default=config.REPO_DIR / "docs" / "img" / "style_transfer_comparison.png")
    parser.add_argument("--json", type=Path, default=config.REPO_DIR / "docs" / "style_transfer_comparison.json")
    args = parser.parse_args(argv)
    config.seed_everything(1)
    rows, images = compare(args.size, args.steps, args.networks, lr=args.lr, cache=args.cache)
    figure(images, args.networks, size=args.size, path=args.figure)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    command = f"python -m course_utils.style_compare --size {args.size} --steps {args.steps} --lr {args.lr:g}"
    args.json.write_text(json.dumps({"command": command, "feature_scale": FEATURE_SCALE, "rows": rows},
                                    indent=2) + "\n")
    print(f"wrote {args.figure} and {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
