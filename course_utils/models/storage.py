"""Compact storage of a Keras model's weights, and one loader for every weight file we accept.

Introduced in notebook 12 (residual networks) for the shipped ResNet-50; shared by
every pretrained model of the course (``python -m course_utils.pretrain NAME``).

**The compact format** (``.npz``, written by :func:`save_compact`):

- every kernel of rank 2 or more (``Conv2D``, ``Dense``, ...) is stored as **int8** with one
  float32 scale per output channel (the last axis): ``q = round(w / scale)``, ``scale =
  max|w| / 127`` over the channel, so each weight is off by at most ``scale / 2``, about 0.4 %
  of the channel's largest weight. That is 4 times smaller than float32;
- everything else (biases, batch-normalization scales, offsets, moving means and variances)
  stays float32 (``kernels="float16"`` or ``"float32"`` stores the kernels that way instead);
- a JSON **manifest** lists the layers that have weights, in the model's order, with their
  class, name and the shape of each weight, so that loading into a model of another
  architecture says which layer differs instead of failing somewhere deep in Keras.

:func:`load_weights` restores float32 weights into a built model from that format, or from a
full Keras model file of the same architecture (``.h5`` as written by Keras 2 and by
``model.save("x.h5")``, or ``.keras``) or a legacy ``.h5`` weights file. Layers are matched by
their position among the layers that have weights (layer names differ from session to
session), and every shape is checked first.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["save_compact", "load_weights", "read_compact", "weighted_layers", "describe", "find_weights",
           "quantize", "dequantize", "WeightsMismatch", "FORMAT", "VERSION"]

FORMAT = "course_utils.compact-weights"
VERSION = 1
_MANIFEST = "__manifest__"


class WeightsMismatch(ValueError):
    """The weight file does not fit the model; the message names the first layer that differs."""


# --------------------------------------------------------------------------- #
# Quantization
# --------------------------------------------------------------------------- #

def quantize(w: np.ndarray):
    """Symmetric int8 quantization with one scale per output channel (the last axis).

    Returns ``(q, scale)``: ``q`` int8 of the shape of ``w``, ``scale`` float32 of shape
    ``(w.shape[-1],)``, with ``|dequantize(q, scale) - w| <= scale / 2`` element by element.
    """
    w = np.asarray(w, dtype=np.float32)
    amax = np.max(np.abs(w.reshape(-1, w.shape[-1])), axis=0)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """float32 weights back from :func:`quantize`'s ``(q, scale)``."""
    return q.astype(np.float32) * np.asarray(scale, dtype=np.float32)


# --------------------------------------------------------------------------- #
# Describing a model
# --------------------------------------------------------------------------- #

def weighted_layers(model) -> list:
    """The layers of ``model`` that own weights, in the model's order (nested models flattened)."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(weighted_layers(layer))
        elif layer.weights:
            found.append(layer)
    return found


def describe(model) -> list[dict]:
    """The manifest entries of ``model``: index, class, name and weight shapes of each weighted layer."""
    return [{"index": i, "class": type(layer).__name__, "name": layer.name,
             "shapes": [list(w.shape) for w in layer.weights]}
            for i, layer in enumerate(weighted_layers(model))]


def _where(entry: dict, total: int) -> str:
    return f"weighted layer {entry['index'] + 1} of {total} ({entry['class']} {entry['name']!r})"


def _check_fit(model_entries: list[dict], file_entries: list[dict], source: str) -> None:
    """Raise :class:`WeightsMismatch` naming the first layer whose weights do not fit."""
    n_model, n_file = len(model_entries), len(file_entries)
    for m, f in zip(model_entries, file_entries):
        if len(m["shapes"]) != len(f["shapes"]):
            raise WeightsMismatch(
                f"{source} does not fit this model: {_where(m, n_model)} has {len(m['shapes'])} weights, "
                f"the file has {len(f['shapes'])} for its layer {f['index'] + 1} ({f.get('class', '?')} "
                f"{f.get('name', '?')!r}).")
        for k, (ms, fs) in enumerate(zip(m["shapes"], f["shapes"])):
            if list(ms) != list(fs):
                raise WeightsMismatch(
                    f"{source} does not fit this model: {_where(m, n_model)}, weight {k + 1}: shape "
                    f"{tuple(ms)} in the model, {tuple(fs)} in the file (its layer {f['index'] + 1}, "
                    f"{f.get('class', '?')} {f.get('name', '?')!r}).")
    if n_model != n_file:
        extra = model_entries[n_file] if n_model > n_file else None
        where = (f"the model's {_where(extra, n_model)} has no weights in the file" if extra else
                 f"the file's layer {file_entries[n_model]['index'] + 1} "
                 f"({file_entries[n_model].get('class', '?')}) has no layer in the model")
        raise WeightsMismatch(f"{source} does not fit this model: the model has {n_model} layers with weights, "
                              f"the file {n_file}; {where}.")


# --------------------------------------------------------------------------- #
# The compact format
# --------------------------------------------------------------------------- #

def save_compact(model, path, kernels: str = "int8", metadata: dict | None = None) -> dict:
    """Write ``model``'s weights to ``path`` (``.npz``) in the compact format; return the manifest.

    ``kernels`` is how kernels of rank >= 2 are stored: ``"int8"`` (per-output-channel scales),
    ``"float16"`` or ``"float32"``. Other weights are float32. The file is written atomically and
    compressed; the same weights give the same bytes.
    """
    if kernels not in {"int8", "float16", "float32"}:
        raise ValueError(f"kernels must be 'int8', 'float16' or 'float32', not {kernels!r}")
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    entries = describe(model)
    for entry, layer in zip(entries, weighted_layers(model)):
        entry["storage"] = []
        for k, w in enumerate(layer.weights):
            value = np.asarray(w.numpy() if hasattr(w, "numpy") else w, dtype=np.float32)
            key = f"L{entry['index']:04d}_{k}"
            if value.ndim >= 2 and kernels == "int8":
                arrays[key + "_q"], arrays[key + "_scale"] = quantize(value)
                entry["storage"].append("int8")
            elif value.ndim >= 2 and kernels == "float16":
                arrays[key] = value.astype(np.float16)
                entry["storage"].append("float16")
            else:
                arrays[key] = value
                entry["storage"].append("float32")
    manifest = {"format": FORMAT, "version": VERSION, "model": model.name, "kernels": kernels,
                "parameters": int(model.count_params()), "layers": entries, "metadata": metadata or {}}
    arrays[_MANIFEST] = np.frombuffer(json.dumps(manifest, sort_keys=True).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    _write_npz(tmp, arrays)
    tmp.replace(path)
    return manifest


def _write_npz(path: Path, arrays: dict) -> None:
    """``np.savez_compressed`` with fixed zip timestamps, so equal weights give equal bytes."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as f:
                np.lib.format.write_array(f, np.ascontiguousarray(arrays[key]), allow_pickle=False)


def read_compact(path) -> tuple[dict, list[list[np.ndarray]]]:
    """``(manifest, weights)`` of a compact file, the weights restored to float32, one list per layer."""
    path = Path(path)
    with np.load(path, allow_pickle=False) as f:
        if _MANIFEST not in f.files:
            raise WeightsMismatch(f"{path.name} is not a course_utils weight file (no manifest).")
        manifest = json.loads(f[_MANIFEST].tobytes().decode())
        if manifest.get("format") != FORMAT or manifest.get("version", 0) > VERSION:
            raise WeightsMismatch(f"{path.name}: unknown format {manifest.get('format')!r} "
                                  f"version {manifest.get('version')!r}.")
        weights = []
        for entry in manifest["layers"]:
            layer = []
            for k, storage in enumerate(entry["storage"]):
                key = f"L{entry['index']:04d}_{k}"
                if storage == "int8":
                    layer.append(dequantize(f[key + "_q"], f[key + "_scale"]))
                else:
                    layer.append(f[key].astype(np.float32))
            weights.append(layer)
    return manifest, weights


# --------------------------------------------------------------------------- #
# Keras files
# --------------------------------------------------------------------------- #

def _decode(names) -> list[str]:
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def _read_legacy_h5(path: Path) -> tuple[list[dict], list[list[np.ndarray]]]:
    """The weighted layers of a Keras 2-style ``.h5`` (a full model, or weights only), in order."""
    import h5py

    with h5py.File(path, "r") as f:
        group = f["model_weights"] if "model_weights" in f else f
        if "layer_names" not in group.attrs:
            raise WeightsMismatch(f"{path.name} is not a Keras model or weights file in the .h5 layout "
                                  "(no 'layer_names'); a Keras 3 '.weights.h5' file can be loaded with "
                                  "model.load_weights().")
        classes = {}
        if "model_config" in f.attrs:  # a full model: the class of each layer, for the messages
            config = f.attrs["model_config"]
            config = json.loads(config.decode() if isinstance(config, bytes) else config)
            for layer in config.get("config", {}).get("layers", []):
                classes[layer.get("config", {}).get("name", layer.get("name"))] = layer.get("class_name", "?")
        entries, weights = [], []
        for name in _decode(group.attrs["layer_names"]):
            names = _decode(group[name].attrs.get("weight_names", []))
            if not names:
                continue
            values = [np.asarray(group[name][w], dtype=np.float32) for w in names]
            entries.append({"index": len(entries), "class": classes.get(name, "?"), "name": name,
                            "shapes": [list(v.shape) for v in values]})
            weights.append(values)
    return entries, weights


def _read_keras_model(path: Path) -> tuple[list[dict], list[list[np.ndarray]]]:
    import keras

    saved = keras.saving.load_model(path, compile=False)
    layers = weighted_layers(saved)
    return describe(saved), [[np.asarray(w.numpy(), dtype=np.float32) for w in layer.weights] for layer in layers]


def load_weights(model, path) -> dict:
    """Load float32 weights into the built ``model`` from ``path``; return a short description.

    ``path`` is a compact ``.npz`` (:func:`save_compact`), a full Keras model file (``.h5`` or
    ``.keras``) or a legacy ``.h5`` weights file of the same architecture. Layers are matched
    by position among the layers with weights (or, when that does not fit, in the order Keras
    gives a file whose residual blocks add their shortcut first); any difference (number of
    layers, a shape) raises :class:`WeightsMismatch` naming the layer, before anything is assigned.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no weight file at {path}")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        manifest, weights = read_compact(path)
        entries, kind = manifest["layers"], f"compact ({manifest.get('kernels', '?')} kernels)"
    elif suffix in {".h5", ".hdf5"}:
        entries, weights = _read_legacy_h5(path)
        kind = "Keras .h5"
    elif suffix == ".keras":
        entries, weights = _read_keras_model(path)
        kind = "Keras .keras"
    else:
        raise ValueError(f"unknown weight file type {path.suffix!r}: expected .npz, .h5 or .keras")
    layers, described = weighted_layers(model), describe(model)
    try:
        _check_fit(described, entries, path.name)
    except WeightsMismatch:
        order = _swapped_shortcuts(described)  # a file whose blocks were built with Add()([X_shortcut, X])
        if order is None:
            raise
        try:
            _check_fit([described[i] for i in order], entries, path.name)
        except WeightsMismatch:
            _check_fit(described, entries, path.name)  # report the difference in the model's own order
        layers = [layers[i] for i in order]
    for layer, values in zip(layers, weights):
        layer.set_weights(values)
    return {"path": str(path), "kind": kind, "layers": len(entries),
            "parameters": int(sum(v.size for layer in weights for v in layer))}


def _swapped_shortcuts(entries: list[dict]) -> list[int] | None:
    """The order of the weighted layers when each projection block adds its shortcut first.

    Keras lists layers by depth and breaks ties by the order of the inputs of ``Add``: a block
    ending with ``Add()([X, X_shortcut])`` lists (main conv, shortcut conv, main BN, shortcut BN),
    one ending with ``Add()([X_shortcut, X])`` the shortcut first. Returns the permutation that
    swaps every such pair of pairs, or None when the model has none.
    """
    order, k, swapped = list(range(len(entries))), 0, False
    classes = [e["class"] for e in entries]
    while k + 4 <= len(entries):
        if classes[k:k + 4] == ["Conv2D", "Conv2D", "BatchNormalization", "BatchNormalization"]:
            order[k], order[k + 1], order[k + 2], order[k + 3] = k + 1, k, k + 3, k + 2
            swapped, k = True, k + 4
        else:
            k += 1
    return order if swapped else None


def find_weights(stem: str, suffixes=(".npz",)) -> Path:
    """The shipped weight file ``<stem><suffix>``: in ``config.DATA_DIR``, else in the repository's ``data/``."""
    from .. import config

    folders = [config.DATA_DIR, config.REPO_DIR / "data"]
    for folder in folders:
        for suffix in suffixes:
            candidate = Path(folder) / f"{stem}{suffix}"
            if candidate.exists():
                return candidate
    raise FileNotFoundError(
        f"{stem}{suffixes[0]} was not found in {', '.join(str(f) for f in dict.fromkeys(folders))}; "
        f"produce it with `python -m course_utils.pretrain {stem.split('_')[0]}`.")
