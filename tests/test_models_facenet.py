"""Tests for course_utils.models.facenet (the embedding network) and its pretraining script."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from course_utils.models import facenet as fn  # noqa: E402
from course_utils.pretrain import facenet as pretrain  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return fn.facenet(seed=3)


def test_shapes_and_unit_length(model):
    assert tuple(model.input.shape) == (None, 96, 96, 3)
    assert tuple(model.output.shape) == (None, 128)
    assert 2_000_000 < model.count_params() < 4_000_000   # "a few million", like FaceNet's NN4-small2 (3.7 M)
    x = np.random.default_rng(0).uniform(size=(3, 96, 96, 3)).astype(np.float32)
    e = np.asarray(model(x, training=False))
    assert e.shape == (3, 128)
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert [m for m, _ in fn.INCEPTION] == ["3a", "3b", "4a", "4b", "5a", "5b"]
    names = {layer.name: layer for layer in model.layers}
    grids = {m: tuple(names[f"inception_{m}"].output.shape[1:3]) for m, _ in fn.INCEPTION}
    assert grids == {"3a": (8, 8), "3b": (8, 8), "4a": (4, 4), "4b": (4, 4), "5a": (2, 2), "5b": (2, 2)}
    # 5a and 5b have no 5x5 branch (as in the original) and hold most of the parameters
    assert "inception_4b_5x5_conv" in names and "inception_5a_5x5_conv" not in names
    last = sum(
        int(np.prod(v.shape)) for layer in model.layers if layer.name.startswith(("inception_5a", "inception_5b"))
        for v in layer.weights)
    assert last > model.count_params() / 2


def test_same_seed_same_initial_weights():
    a, b, c = fn.facenet(seed=5), fn.facenet(seed=5), fn.facenet(seed=6)
    wa, wb, wc = a.get_weights(), b.get_weights(), c.get_weights()
    assert all(np.array_equal(x, y) for x, y in zip(wa, wb))
    assert not all(np.array_equal(x, y) for x, y in zip(wa, wc))


def test_save_and_load_round_trip_in_float16(model, tmp_path):
    path = tmp_path / "w.npz"
    size = fn.save_weights(model, path)
    assert size == path.stat().st_size and size < 10_000_000
    other = fn.facenet(seed=9)
    fn.load_weights(other, path)
    for w, v in zip(model.weights, other.weights):
        value = w.numpy()
        stored = value.astype(np.float16).astype(np.float32) if value.ndim >= 2 else value  # kernels in float16
        np.testing.assert_array_equal(stored, v.numpy())
    x = np.random.default_rng(1).uniform(size=(2, 96, 96, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(model(x, training=False)), np.asarray(other(x, training=False)), atol=2e-2)


def test_load_rejects_a_file_of_another_model(tmp_path):
    import keras

    small = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    path = tmp_path / "small.npz"
    fn.save_weights(small, path)
    with pytest.raises(ValueError):
        fn.load_weights(fn.facenet(), path)


def test_img_to_encoding_reads_paths_and_arrays(model, tmp_path):
    from PIL import Image

    image = np.random.default_rng(2).integers(0, 256, size=(96, 96, 3), dtype=np.uint8)
    path = tmp_path / "face.png"
    Image.fromarray(image).save(path)
    a, b = fn.img_to_encoding(str(path), model), fn.img_to_encoding(image, model)
    assert a.shape == (1, 128) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert abs(float(np.linalg.norm(a)) - 1) < 1e-5
    with pytest.raises(ValueError, match="96, 96, 3"):
        fn.img_to_encoding(np.zeros((64, 64, 3), np.uint8), model)


def test_shipped_weights_and_card():
    path, card_path = fn.weights_path(), fn.card_path()
    if not path.exists():
        pytest.skip("data/facenet.npz not trained yet")
    assert path.stat().st_size <= 10_000_000
    card = fn.load_card()
    assert card["file_bytes"] == path.stat().st_size and card["file"] == "facenet.npz"
    assert card["parameters"] == fn.facenet().count_params()
    h = card["heldout"]
    assert h["threshold"] == 0.7 and h["accuracy"] >= 0.95 and h["auc"] >= 0.98
    assert [r["threshold"] for r in h["sweep"]][:2] == [0.3, 0.35]
    # the work fits in 30 minutes of this machine's cores (the wall time depends on what else ran)
    assert card["training"]["cpu_seconds"] / card["training"]["cpu_threads"] < 30 * 60
    assert card_path.exists()


# --------------------------------------------------------------------------- #
# The pretraining script's loss and metrics
# --------------------------------------------------------------------------- #

def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _semihard_oracle(e, labels, alpha):
    """The semi-hard triplet loss written out pair by pair."""
    d = np.sum((e[:, None].astype(np.float64) - e[None]) ** 2, axis=-1)
    losses, kinds = [], set()
    for a in range(len(e)):
        for p in range(len(e)):
            if p == a or labels[p] != labels[a]:
                continue
            negatives = [n for n in range(len(e)) if labels[n] != labels[a]]
            farther = [d[a, n] for n in negatives if d[a, n] > d[a, p]]
            kinds.add("semi-hard" if farther else "farthest")
            dn = min(farther) if farther else max(d[a, n] for n in negatives)
            losses.append(max(d[a, p] - dn + alpha, 0.0))
    return float(np.mean(losses)), kinds, losses


def test_semihard_loss_on_a_worked_batch():
    # three people, two photos each, on the unit sphere: some pairs have a semi-hard negative, some none
    rng = np.random.default_rng(0)
    e = _unit(rng.normal(size=(6, 3)))
    labels = np.array([0, 0, 1, 1, 2, 2])
    expected, kinds, losses = _semihard_oracle(e, labels, 0.2)
    assert kinds == {"semi-hard", "farthest"} and 0 in losses and expected > 0.3
    got = float(pretrain.semihard_triplet_loss(tf.constant(labels), tf.constant(e), 0.2))
    assert got == pytest.approx(expected, abs=1e-5)
    # by hand, two photos each of two people on the unit circle: every anchor has a semi-hard negative
    e = _unit([[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]])
    # d(0,1) = 0.4, d(0,2) = 2, d(0,3) = 3.2; d(1,2) = 0.8, d(1,3) = 2.4 ...: losses max(0.4 - 2 + 0.2, 0) = 0, ...
    assert float(pretrain.semihard_triplet_loss(tf.constant([0, 0, 1, 1]), tf.constant(e), 0.2)) == 0.0
    assert float(pretrain.semihard_triplet_loss(tf.constant([0, 0, 1, 1]), tf.constant(e), 2.0)) == pytest.approx(
        _semihard_oracle(e, np.array([0, 0, 1, 1]), 2.0)[0], abs=1e-5)


def test_semihard_loss_is_zero_when_people_are_far_apart():
    e = _unit([[1, 0], [1, 0.01], [-1, 0], [-1, 0.01]])
    assert float(pretrain.semihard_triplet_loss(tf.constant([0, 0, 1, 1]), tf.constant(e), 0.2)) == 0.0


def test_roc_auc_and_evaluate():
    assert pretrain.roc_auc([3, 2, 1, 0], [True, True, False, False]) == 1.0
    assert pretrain.roc_auc([0, 1, 2, 3], [True, True, False, False]) == 0.0
    assert pretrain.roc_auc([1, 1], [True, False]) == 0.5
    # three people, two photos each: same-person encodings identical, people orthogonal
    e = np.repeat(np.eye(3, 128, dtype=np.float32), 2, axis=0)
    m = pretrain.evaluate(e, np.repeat(np.arange(3), 2))
    assert m["same_pairs"] == 3 and m["pairs"] == 6
    assert m["accuracy"] == 1.0 and m["auc"] == 1.0
    assert m["mean_distance_same"] == 0.0 and m["mean_distance_different"] == pytest.approx(np.sqrt(2), rel=1e-6)
    low = next(r for r in m["sweep"] if r["threshold"] == 0.3)
    assert low["false_accept_rate"] == 0.0 and low["false_reject_rate"] == 0.0


def test_registered_in_the_pretrain_command():
    from course_utils.pretrain import __main__ as cli

    args = cli.build_parser().parse_args(["facenet", "--epochs", "2"])
    assert args.epochs == 2 and args.identities == 2000 and args.images_per_identity == 8
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["facenet", "--epochs", "0"])


def test_tiny_run_is_deterministic_and_writes_weights_and_card(tmp_path, monkeypatch):
    import argparse

    from course_utils import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(pretrain, "BN_BATCHES", 2)
    monkeypatch.setattr(pretrain, "_DEFAULT_HELDOUT", (4, 2))
    cards = []
    for k in range(2):
        args = argparse.Namespace(epochs=1, identities=32, images_per_identity=4, seed=0, out=tmp_path / f"run{k}")
        cards.append(pretrain.run(args, log=lambda m: None))
    a, b = (tmp_path / f"run{k}" / "facenet.npz" for k in range(2))
    assert a.read_bytes() == b.read_bytes(), "the same arguments must give the same weights"
    card = cards[0]
    assert cards[0]["history"] == cards[1]["history"] and card["training"]["steps"] == 1
    assert card["file"] == "facenet.npz" and card["file_bytes"] == a.stat().st_size
    assert card["parameters"] == fn.facenet().count_params()
    assert {"accuracy", "auc", "sweep", "threshold"} <= set(card["heldout"])
    model = fn.pretrained_facenet(a)
    assert tuple(model.output.shape) == (None, 128)
