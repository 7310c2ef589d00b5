"""The reference ResNet-50, the compact weight format and the loader of Keras model files (notebook 12)."""

import collections
import json
import zipfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils.models import resnet, storage  # noqa: E402
from course_utils.models.storage import WeightsMismatch  # noqa: E402


def tiny(filters=4, units=6, seed=0):
    """A small model with every kind of weight: a convolution, a batch normalization, a dense layer."""
    keras.utils.set_random_seed(seed)
    x = keras.Input((8, 8, 3))
    h = keras.layers.Conv2D(filters, 3, strides=2, padding="same")(x)
    h = keras.layers.BatchNormalization(axis=3)(h)
    h = keras.layers.Activation("relu")(h)
    h = keras.layers.Flatten()(h)
    y = keras.layers.Dense(units, activation="softmax")(h)
    model = keras.Model(x, y, name="tiny")
    bn = model.layers[2]  # give the batch normalization non-trivial statistics
    rng = np.random.default_rng(seed)
    bn.set_weights([rng.uniform(0.5, 2, filters), rng.normal(size=filters), rng.normal(size=filters),
                    rng.uniform(0.5, 2, filters)])
    return model


def images(n=5, seed=3):
    return np.random.default_rng(seed).random((n, 8, 8, 3)).astype(np.float32)


# --------------------------------------------------------------------------- #
# The architecture
# --------------------------------------------------------------------------- #

@pytest.fixture(scope="module")
def net():
    return resnet.resnet50()


def test_resnet50_has_the_original_parameter_count_and_layers(net):
    assert net.count_params() == resnet.PARAMETERS == 23_600_006
    trainable = sum(int(np.prod(w.shape)) for w in net.trainable_weights)
    assert trainable == resnet.TRAINABLE_PARAMETERS == 23_546_886
    assert net.name == "ResNet50" and len(net.layers) == 177
    kinds = collections.Counter(type(layer).__name__ for layer in net.layers)
    assert kinds == {"InputLayer": 1, "ZeroPadding2D": 1, "Conv2D": 53, "BatchNormalization": 53, "Activation": 49,
                     "MaxPooling2D": 1, "Add": 16, "AveragePooling2D": 1, "Flatten": 1, "Dense": 1}
    assert tuple(net.output.shape) == (None, 6)


def test_resnet50_stage_shapes(net):
    adds = [layer for layer in net.layers if type(layer).__name__ == "Add"]
    shapes = [tuple(a.output.shape[1:]) for a in adds]
    expected = [(15, 15, 256)] * 3 + [(8, 8, 512)] * 4 + [(4, 4, 1024)] * 6 + [(2, 2, 2048)] * 3
    assert shapes == expected


def test_bottleneck_rejects_a_strided_identity_block():
    with pytest.raises(ValueError, match="stride must be 1"):
        resnet.bottleneck(keras.Input((4, 4, 8)), 3, (2, 2, 8), stride=2, projection=False)


def test_resnet50_matches_the_notebook_layer_by_layer(net):
    from course_utils.checks.expected import expected_for
    from course_utils.checks.keras_summary import compare_summaries
    from course_utils.checks.residual_networks import canonical_summary

    compare_summaries(canonical_summary(net)[0], expected_for("12_residual_networks", "ResNet50")[0])


# --------------------------------------------------------------------------- #
# Quantization and the compact format
# --------------------------------------------------------------------------- #

def test_quantize_error_is_at_most_half_a_step_per_channel():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 3, 16, 32)).astype(np.float32) * rng.uniform(0.01, 3, 32).astype(np.float32)
    q, scale = storage.quantize(w)
    assert q.dtype == np.int8 and scale.shape == (32,) and np.abs(q).max() == 127
    err = np.abs(storage.dequantize(q, scale) - w)
    assert (err <= scale / 2 + 1e-7).all()
    assert np.allclose(np.abs(w).reshape(-1, 32).max(axis=0), 127 * scale, rtol=1e-6)


def test_quantize_an_all_zero_channel():
    w = np.zeros((2, 3), dtype=np.float32)
    w[:, 1] = [0.5, -1.0]
    q, scale = storage.quantize(w)
    back = storage.dequantize(q, scale)
    assert np.all(back[:, 0] == 0) and np.all(back[:, 2] == 0) and np.allclose(back[:, 1], w[:, 1], atol=1e-2)


@pytest.mark.parametrize("kernels, tol", [("int8", None), ("float16", 2 ** -11), ("float32", 0.0)])
def test_compact_round_trip(tmp_path, kernels, tol):
    model = tiny()
    path = tmp_path / "tiny.npz"
    manifest = storage.save_compact(model, path, kernels=kernels, metadata={"note": "test"})
    assert manifest["parameters"] == model.count_params() and manifest["metadata"] == {"note": "test"}
    got_manifest, weights = storage.read_compact(path)
    assert [e["class"] for e in got_manifest["layers"]] == ["Conv2D", "BatchNormalization", "Dense"]
    for layer, restored in zip(storage.weighted_layers(model), weights):
        for w, r in zip(layer.get_weights(), restored):
            assert r.dtype == np.float32 and r.shape == w.shape
            if w.ndim < 2:  # biases and batch normalization: kept exactly
                assert np.array_equal(r, w)
            elif tol is None:  # int8: half a quantization step per output channel
                step = np.abs(w).reshape(-1, w.shape[-1]).max(axis=0) / 127
                assert (np.abs(r - w) <= step / 2 + 1e-7).all()
            else:
                assert np.allclose(r, w, rtol=tol, atol=1e-6)
    fresh = tiny(seed=9)
    info = storage.load_weights(fresh, path)
    assert info["layers"] == 3 and info["parameters"] == model.count_params()
    diff = np.abs(fresh.predict(images(), verbose=0) - model.predict(images(), verbose=0)).max()
    assert diff < (2e-2 if kernels == "int8" else 1e-3)


def test_compact_file_is_deterministic_and_small(tmp_path):
    model = tiny()
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    storage.save_compact(model, a)
    storage.save_compact(model, b)
    assert a.read_bytes() == b.read_bytes()
    storage.save_compact(model, b, kernels="float32")
    assert a.stat().st_size < b.stat().st_size


def test_unknown_kernel_storage_is_refused(tmp_path):
    with pytest.raises(ValueError, match="kernels must be"):
        storage.save_compact(tiny(), tmp_path / "x.npz", kernels="int4")


# --------------------------------------------------------------------------- #
# Keras model files (the original course shipped a full .h5 model)
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_loader_reads_a_full_keras_model_file(tmp_path, suffix):
    model = tiny()
    path = tmp_path / f"model{suffix}"
    model.save(path)
    fresh = tiny(seed=5)
    assert not np.allclose(fresh.predict(images(), verbose=0), model.predict(images(), verbose=0))
    info = storage.load_weights(fresh, path)
    assert info["layers"] == 3
    np.testing.assert_allclose(fresh.predict(images(), verbose=0), model.predict(images(), verbose=0), atol=1e-6)


def test_loader_reads_a_keras2_style_h5_with_other_layer_names(tmp_path):
    """A Keras 2 file names its layers its own way (conv2d_1, bn_conv1, ...): layers are matched by position."""
    import h5py

    model = tiny()
    path = tmp_path / "keras2.h5"
    names = ["conv1", "bn_conv1", "fc6"]
    with h5py.File(path, "w") as f:
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [n.encode() for n in ["input_1", "conv1", "bn_conv1", "activation_1",
                                                            "flatten_1", "fc6"]]
        for name in ("input_1", "activation_1", "flatten_1"):
            group.create_group(name).attrs["weight_names"] = []
        for name, layer in zip(names, storage.weighted_layers(model)):
            g = group.create_group(name)
            wnames = [f"{name}/w{k}:0" for k in range(len(layer.weights))]
            g.attrs["weight_names"] = [w.encode() for w in wnames]
            for wn, value in zip(wnames, layer.get_weights()):
                g.create_dataset(wn, data=value)
    fresh = tiny(seed=5)
    storage.load_weights(fresh, path)
    np.testing.assert_allclose(fresh.predict(images(), verbose=0), model.predict(images(), verbose=0), atol=1e-6)


def _projection_model(shortcut_first: bool, seed: int):
    """A stem and one projection block; ``shortcut_first`` builds it with Add()([X_shortcut, X])."""
    keras.utils.set_random_seed(seed)
    L = keras.layers
    x = keras.Input((8, 8, 3))
    h = L.Conv2D(4, 3, padding="same")(x)
    a = L.Activation("relu")(L.BatchNormalization(axis=3)(L.Conv2D(2, 1, strides=2)(h)))
    a = L.Activation("relu")(L.BatchNormalization(axis=3)(L.Conv2D(5, 3, padding="same")(a)))
    a = L.BatchNormalization(axis=3)(L.Conv2D(6, 1)(a))
    b = L.BatchNormalization(axis=3)(L.Conv2D(6, 1, strides=2)(h))
    y = L.Activation("relu")(L.Add()([b, a] if shortcut_first else [a, b]))
    model = keras.Model(x, L.Dense(3)(L.Flatten()(y)))
    for layer in model.layers:  # non-trivial batch-normalization statistics
        if isinstance(layer, L.BatchNormalization):
            n = layer.gamma.shape[0]
            rng = np.random.default_rng(seed + n)
            layer.set_weights([rng.uniform(0.5, 2, n), rng.normal(size=n), rng.normal(size=n), rng.uniform(0.5, 2, n)])
    return model


def test_loader_accepts_a_file_whose_blocks_add_the_shortcut_first(tmp_path):
    original = _projection_model(shortcut_first=True, seed=1)
    path = tmp_path / "original.h5"
    original.save(path)
    ours = _projection_model(shortcut_first=False, seed=2)
    assert [e["shapes"][0] for e in storage.describe(ours)] != [e["shapes"][0] for e in storage.describe(original)]
    storage.load_weights(ours, path)
    x = np.random.default_rng(0).random((4, 8, 8, 3)).astype(np.float32)
    np.testing.assert_allclose(ours.predict(x, verbose=0), original.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("suffix", [".npz", ".h5"])
def test_wrong_architecture_names_the_layer(tmp_path, suffix):
    model = tiny(filters=4)
    path = tmp_path / f"model{suffix}"
    if suffix == ".npz":
        storage.save_compact(model, path)
    else:
        model.save(path)
    other = tiny(filters=5)
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(WeightsMismatch) as err:
        storage.load_weights(other, path)
    text = str(err.value)
    assert "weighted layer 1 of 3 (Conv2D" in text and "(3, 3, 3, 5) in the model, (3, 3, 3, 4) in the file" in text
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights())), "nothing may be assigned"


def test_missing_layer_is_named(tmp_path):
    path = tmp_path / "tiny.npz"
    storage.save_compact(tiny(), path)
    x = keras.Input((8, 8, 3))
    h = keras.layers.Conv2D(4, 3, strides=2, padding="same")(x)
    h = keras.layers.BatchNormalization(axis=3)(h)
    h = keras.layers.Conv2D(4, 1)(h)
    h = keras.layers.Flatten()(h)
    bigger = keras.Model(x, keras.layers.Dense(6)(h))
    with pytest.raises(WeightsMismatch, match=r"weighted layer 3 of 4 \(Conv2D"):
        storage.load_weights(bigger, path)


def test_resnet_file_into_a_tiny_model_says_so(tmp_path, net):
    path = tmp_path / "resnet.npz"
    storage.save_compact(net, path, kernels="int8")
    with pytest.raises(WeightsMismatch, match="the model has 3 layers with weights, the file 107|weight 1: shape"):
        storage.load_weights(tiny(), path)


def test_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        storage.load_weights(tiny(), tmp_path / "nope.npz")
    odd = tmp_path / "w.pt"
    odd.write_bytes(b"x")
    with pytest.raises(ValueError, match="unknown weight file type"):
        storage.load_weights(tiny(), odd)
    plain = tmp_path / "plain.npz"
    np.savez(plain, a=np.zeros(3))
    with pytest.raises(WeightsMismatch, match="no manifest"):
        storage.load_weights(tiny(), plain)


def test_find_weights_explains_how_to_make_the_file(monkeypatch, tmp_path):
    from course_utils import config

    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(config, "REPO_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="python -m course_utils.pretrain resnet50"):
        storage.find_weights("resnet50_signs")
    (tmp_path / "resnet50_signs.npz").write_bytes(b"")
    assert storage.find_weights("resnet50_signs") == tmp_path / "resnet50_signs.npz"


# --------------------------------------------------------------------------- #
# The shipped file and its card
# --------------------------------------------------------------------------- #

SHIPPED = resnet.__file__.rsplit("/course_utils/", 1)[0] + "/data/"


def _shipped(name):
    from pathlib import Path

    path = Path(SHIPPED) / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `python -m course_utils.pretrain resnet50`")
    return path


def test_shipped_weights_fit_the_architecture_and_the_card(net):
    path = _shipped("resnet50_signs.npz")
    card = json.loads(_shipped("resnet50_signs.json").read_text())
    manifest, _ = storage.read_compact(path)
    storage._check_fit(storage.describe(net), manifest["layers"], path.name)
    assert manifest["kernels"] == "int8" and manifest["parameters"] == resnet.PARAMETERS
    assert card["file_bytes"] == path.stat().st_size and path.stat().st_size < 30e6
    assert card["parameters"] == resnet.PARAMETERS and card["file"] == path.name
    for key in ("seed", "epochs", "batch_size", "optimizer", "data", "metrics", "time", "machine", "command"):
        assert key in card, key
    assert card["metrics"]["restored"]["test_accuracy"] >= 0.95
    with zipfile.ZipFile(path) as zf:
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
