"""The feature networks of notebook 15: VGG-19 (random multi-scale weights, the Keras ImageNet file) and the compact VGG."""

import json

import numpy as np
import pytest

keras = pytest.importorskip("keras")
h5py = pytest.importorskip("h5py")

from course_utils.models import storage, vgg  # noqa: E402


def test_vgg19_has_keras_layer_names_and_shapes():
    model = vgg.vgg19(None)
    assert model.count_params() == 20_024_384          # Keras' VGG19(include_top=False)
    names = [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert names == list(vgg.CONV_NAMES) and len(names) == 16
    out = vgg.feature_model(model, ["block1_conv1", "block5_conv1", "block5_conv4"])(np.zeros((1, 64, 48, 3), "f"))
    assert [tuple(o.shape) for o in out] == [(1, 64, 48, 64), (1, 4, 3, 512), (1, 4, 3, 512)]


def test_random_multiscale_weights_keep_every_layer_alive():
    calibration = np.random.default_rng(0).uniform(size=(3, 48, 48, 3)).astype(np.float32)
    model = vgg.vgg19("random", calibration=calibration, seed=2)
    again = vgg.vgg19("random", calibration=calibration, seed=2)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    outs = vgg.feature_model(model, list(vgg.CONV_NAMES))(calibration)
    for name, a in zip(vgg.CONV_NAMES, outs):
        a = np.asarray(a)
        active = float((a > 0).mean())
        assert 0.35 < active < 0.65, f"{name}: {active:.2f} of the units active"
        assert a.std() > 0.2, f"{name}: the activations vanished (std {a.std():.3g})"
    kernel = model.get_layer("block3_conv1").get_weights()[0]
    np.testing.assert_allclose(kernel.mean(axis=(0, 1, 2)), 0, atol=1e-5)   # zero-mean filters


def _write_keras_notop_file(model, path, style):
    """Write ``model``'s convolutions in the layout of Keras' vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5."""
    names = ["input_1"] + [layer.name for layer in model.layers[1:]]
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [n.encode() for n in names]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.0.8"
        for layer in model.layers:
            group = f.create_group(layer.name if layer.name != "image" else "input_1")
            if not layer.weights:
                group.attrs["weight_names"] = []
                continue
            kernel, bias = layer.get_weights()
            if style == "old":     # the 2016 file: block1_conv1_W_1:0
                wn = [f"{layer.name}_W_1:0", f"{layer.name}_b_1:0"]
            else:                  # later Keras 2 files: block1_conv1/kernel:0
                wn = [f"{layer.name}/kernel:0", f"{layer.name}/bias:0"]
            group.attrs["weight_names"] = [w.encode() for w in wn]
            group.create_dataset(wn[0], data=kernel)
            group.create_dataset(wn[1], data=bias)


@pytest.mark.parametrize("style", ["old", "new"])
def test_loads_the_keras_imagenet_notop_file(tmp_path, style):
    source = vgg.vgg19(None, seed=5)
    path = tmp_path / vgg.IMAGENET_FILE
    _write_keras_notop_file(source, path, style)
    loaded = vgg.vgg19(path)
    assert loaded.name == "vgg19_imagenet"
    for name in vgg.CONV_NAMES:
        for a, b in zip(source.get_layer(name).get_weights(), loaded.get_layer(name).get_weights()):
            np.testing.assert_array_equal(a, b)
    # Keras' "caffe" preprocessing in front: [0, 1] RGB -> 0-255 BGR minus the ImageNet mean
    x = np.random.default_rng(1).uniform(size=(1, 8, 8, 3)).astype(np.float32)
    pre = keras.Model(loaded.input, loaded.get_layer("caffe_preprocessing").output)(x)
    np.testing.assert_allclose(np.asarray(pre), x[..., ::-1] * 255 - np.array(vgg.IMAGENET_MEAN_BGR), atol=1e-3)


def test_a_wrong_file_names_the_layer(tmp_path):
    small = vgg.compact_vgg()
    path = tmp_path / "compact.h5"
    _write_keras_notop_file(small, path, "new")
    with pytest.raises(storage.WeightsMismatch, match="block1_conv1"):
        vgg.vgg19(path)


def test_style_network_prefers_the_imagenet_file(tmp_path, monkeypatch):
    from course_utils import config

    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    assert vgg.imagenet_weights_path() in (None, config.REPO_DIR / "data" / vgg.IMAGENET_FILE)
    _write_keras_notop_file(vgg.vgg19(None, seed=1), tmp_path / vgg.IMAGENET_FILE, "old")
    assert vgg.imagenet_weights_path() == tmp_path / vgg.IMAGENET_FILE
    assert vgg.style_network().name == "vgg19_imagenet"


def test_folding_batch_norm_keeps_the_function():
    trained = vgg.compact_vgg(batch_norm=True, seed=3)
    rng = np.random.default_rng(3)
    for layer in trained.layers:                     # non-trivial batch statistics
        if isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 2, gamma.shape), rng.normal(size=beta.shape),
                               rng.normal(size=mean.shape), rng.uniform(0.5, 2, var.shape)])
    plain = vgg.fold_batch_norm(trained)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in plain.layers)
    x = rng.uniform(size=(2, 32, 32, 3)).astype(np.float32)
    a = np.asarray(vgg.feature_model(trained, ["block3_conv2", "block5_conv4"])(x, training=False)[1])
    b = np.asarray(vgg.feature_model(plain, ["block3_conv2", "block5_conv4"])(x)[1])
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * np.abs(a).max())


def test_shipped_compact_weights_and_card():
    model = vgg.pretrained_compact_vgg()
    card = vgg.load_card()
    assert model.count_params() == card["parameters"] < 2_000_000
    assert card["test_accuracy_shipped"] > 0.8
    assert card["data"]["classes"][:2] == ["sign 0", "sign 1"] and len(card["data"]["classes"]) == 14
    assert json.loads(json.dumps(card)) == card
    out = vgg.feature_model(model, ["block1_conv1", "block5_conv4"])(np.full((1, 32, 32, 3), 0.5, "f"))
    assert out[1].shape == (1, 2, 2, 128) and np.isfinite(np.asarray(out[1])).all()


def test_registered_in_the_pretrain_command():
    from course_utils.pretrain import REGISTRY, get

    assert REGISTRY["vgg_compact"] == "course_utils.pretrain.vgg_compact"
    assert "notebook 15" in get("vgg_compact").DESCRIPTION


def test_tiny_pretraining_run_is_deterministic():
    from course_utils.pretrain import vgg_compact

    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, size=(70, 64, 64, 3), dtype=np.uint8)
    y = rng.integers(0, 14, size=70)
    data = (x, y, x[:20], y[:20])
    a, _, card = vgg_compact.train(1, batch=32, data=data, log=lambda *_: None)
    b, _, _ = vgg_compact.train(1, batch=32, data=data, log=lambda *_: None)
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)
    assert card["training"]["steps"] == 2 and card["name"] == "vgg_compact"
