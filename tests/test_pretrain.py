"""``python -m course_utils.pretrain``: the registry, the command line, a tiny deterministic run."""

import argparse
import json
import types
from pathlib import Path

import numpy as np
import pytest

from course_utils import pretrain
from course_utils.pretrain import __main__ as cli


def test_registry_lists_importable_modules():
    assert "resnet50" in pretrain.REGISTRY
    for name in pretrain.REGISTRY:
        module = pretrain.get(name)
        assert module.DESCRIPTION and callable(module.add_arguments) and callable(module.run)


def test_unknown_name_is_a_clear_error(capsys):
    with pytest.raises(KeyError, match="unknown pretrained model 'vgg'; known: .*resnet50"):
        pretrain.get("vgg")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["vgg"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'vgg'" in capsys.readouterr().err


def test_name_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2 and "NAME" in capsys.readouterr().err


@pytest.mark.parametrize("argv, words", [
    (["resnet50", "--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
    (["resnet50", "--epochs", "two"], "argument --epochs: expected a whole number, got 'two'"),
    (["resnet50", "--learning-rate", "-1"], "argument --learning-rate: must be positive, got -1"),
    (["resnet50", "--kernels", "int4"], "argument --kernels: invalid choice: 'int4'"),
    (["resnet50", "--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_arguments_are_refused_before_any_training(argv, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2 and words in capsys.readouterr().err


def test_a_registered_module_is_dispatched_and_its_card_written(monkeypatch, tmp_path, capsys):
    """Adding a model is one line in REGISTRY; main() parses its options, runs it and writes the card."""
    seen = {}

    def run(args, log=print):
        seen["args"] = args
        (args.out / "fake.bin").write_bytes(b"1234")
        return {"stem": "fake", "file": "fake.bin", "file_mb": 0.0, "seed": args.seed}

    fake = types.SimpleNamespace(DESCRIPTION="a fake model",
                                 add_arguments=lambda p: p.add_argument("--seed", type=int, default=1), run=run)
    monkeypatch.setitem(pretrain.REGISTRY, "fake", "fake_module")
    real_get = pretrain.get
    monkeypatch.setattr(cli, "get", lambda name: fake if name == "fake" else real_get(name))
    assert cli.main(["fake", "--seed", "7", "--out", str(tmp_path)]) == 0
    card = json.loads((tmp_path / "fake.json").read_text())
    assert card == {"stem": "fake", "file": "fake.bin", "file_mb": 0.0, "seed": 7}
    assert seen["args"].command == "python -m course_utils.pretrain fake --seed 7 --out " + str(tmp_path)
    assert "wrote" in capsys.readouterr().out


def test_machine_and_card_helpers(tmp_path):
    info = pretrain.machine()
    assert info["cpu_count"] >= 1 and "python" in info
    path = pretrain.write_card(tmp_path / "sub" / "c.json", {"b": 1, "a": [1, 2]})
    assert path.read_text() == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'
    assert pretrain.default_out().name == "data"


# --------------------------------------------------------------------------- #
# A tiny run of the real script, twice: same weights, same metrics
# --------------------------------------------------------------------------- #

def _tiny_model():
    import keras

    x = keras.Input((64, 64, 3))
    h = keras.layers.Conv2D(4, 5, strides=4, kernel_initializer=keras.initializers.GlorotUniform(seed=0))(x)
    h = keras.layers.BatchNormalization(axis=3)(h)
    h = keras.layers.Activation("relu")(h)
    h = keras.layers.GlobalAveragePooling2D()(h)
    y = keras.layers.Dense(6, activation="softmax", kernel_initializer=keras.initializers.GlorotUniform(seed=0))(h)
    return keras.Model(x, y, name="tiny")


def _run(tmp_path: Path, name: str) -> dict:
    pytest.importorskip("tensorflow")
    from course_utils.pretrain import resnet50

    parser = argparse.ArgumentParser()
    resnet50.add_arguments(parser)
    args = parser.parse_args(["--train-size", "48", "--epochs", "2", "--batch-size", "16", "--eval-every", "48",
                              "--warmup-steps", "2"])
    args.out = tmp_path / name
    lines = []
    card = resnet50.run(args, log=lines.append, build_model=_tiny_model)
    card["log"] = lines
    return card


def test_tiny_run_is_deterministic_and_writes_a_full_card(tmp_path):
    first, second = _run(tmp_path, "a"), _run(tmp_path, "b")
    a, b = tmp_path / "a" / "resnet50_signs.npz", tmp_path / "b" / "resnet50_signs.npz"
    assert a.read_bytes() == b.read_bytes()
    assert first["metrics"] == second["metrics"]
    assert [r["test_accuracy"] for r in first["history"]] == [r["test_accuracy"] for r in second["history"]]
    assert first["steps"] == 6 and [r["step"] for r in first["history"]] == [3, 6]
    assert first["file_bytes"] == a.stat().st_size and first["data"]["generator_version"] >= 1
    assert "load_signs(n_train=48, seed=1)" in first["data"]["train"]
    restored = first["metrics"]["restored"]
    assert 0 <= restored["test_accuracy"] <= 1 and restored["test_predictions_changed"] >= 0
    assert any(line.startswith("step     3/6") for line in first["log"]) and first["log"][-1].startswith("done in")
    assert np.isfinite(first["time"]["train_seconds"])


def test_run_refuses_bad_values_given_in_code(tmp_path):
    from course_utils.pretrain import resnet50

    args = argparse.Namespace(epochs=1, train_size=0, batch_size=32, learning_rate=1e-3, eval_every=10,
                              warmup_steps=0, seed=1, kernels="int8", out=tmp_path)
    with pytest.raises(ValueError, match="--train-size must be positive"):
        resnet50.run(args, build_model=_tiny_model)
