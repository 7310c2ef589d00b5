"""The Keras layer-summary comparison (course_utils.checks.keras_summary), the fit helpers and the model diagram."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras import layers  # noqa: E402

from course_utils.checks import Case, CheckFailed  # noqa: E402
from course_utils.checks import keras_summary as ks  # noqa: E402
from course_utils.checks.suite import Suite  # noqa: E402


def small(kind="relu", axis=-1, input_shape=(8, 8, 3), extra=()):
    act = layers.ReLU() if kind == "relu" else layers.Activation(kind)
    return keras.Sequential([keras.Input(shape=input_shape), layers.Conv2D(4, 3, padding="same"),
                             layers.BatchNormalization(axis=axis), act, *extra, layers.Flatten(), layers.Dense(2)])


def small_functional(input_shape=(8, 8, 3)):
    x_in = keras.Input(input_shape)
    x = layers.Conv2D(4, (3, 3), strides=(1, 1), padding="same")(x_in)
    x = layers.BatchNormalization(axis=3)(x)
    x = layers.Activation("relu")(x)
    return keras.Model(x_in, layers.Dense(2)(layers.Flatten()(x)))


def message(got, expected):
    with pytest.raises(CheckFailed) as info:
        ks.compare_summaries(ks.layer_summary(got), ks.layer_summary(expected), ks._layer_names(got))
    return str(info.value)


def test_rows_hold_class_output_params_and_settings():
    rows = ks.layer_summary(small())
    assert [r["layer"] for r in rows] == ["InputLayer", "Conv2D", "BatchNormalization", "ReLU", "Flatten", "Dense"]
    conv = rows[1]
    assert conv["output"] == (None, 8, 8, 4) and conv["params"] == (3 * 3 * 3 + 1) * 4
    assert conv["config"]["kernel_size"] == (3, 3) and conv["config"]["padding"] == "same"
    assert rows[2]["config"] == {"axis": 3} and rows[2]["params"] == 16  # axis -1 counted from the front
    assert rows[4]["output"] == (None, 256) and rows[5]["params"] == 514


def test_sequential_and_functional_spellings_give_the_same_rows():
    assert ks.layer_summary(small()) == ks.layer_summary(small_functional())
    assert ks.layer_summary(small(kind="relu")) == ks.layer_summary(small(kind="relu", axis=3))


def test_rows_survive_the_json_round_trip():
    import json

    from course_utils.checks import expected

    rows = ks.layer_summary(small())
    back = expected.decode(json.loads(json.dumps(expected.encode(rows))))
    ks.compare_summaries(back, rows)
    ks.compare_summaries(rows, back)


def test_first_difference_is_named_with_the_learners_layer_name():
    text = message(small(kind="sigmoid"), small())
    assert text.startswith("layer 3: expected ReLU with output (None, 8, 8, 4), got Activation (`activation")
    no_bn = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, padding="same"), layers.ReLU(),
                              layers.Flatten(), layers.Dense(2)])
    assert "A BatchNormalization layer seems to be missing just before it." in message(no_bn, small())
    text = message(small(extra=(layers.Dropout(0.5),)), small())
    assert "layer 4: expected Flatten" in text and "This Dropout layer seems to be one too many." in text


def test_settings_outputs_params_and_lengths():
    wrong_kernel = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 5, padding="same", name="c"),
                                     layers.BatchNormalization(), layers.ReLU(), layers.Flatten(), layers.Dense(2)])
    assert message(wrong_kernel, small()) == "layer 1 (Conv2D `c`): expected kernel_size (3, 3), got (5, 5)."
    no_bias = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, padding="same", use_bias=False),
                                layers.BatchNormalization(), layers.ReLU(), layers.Flatten(), layers.Dense(2)])
    assert "expected 112 parameters, got 108" in message(no_bias, small())
    assert message(small(input_shape=(9, 8, 3)), small()) == \
        "the input: expected the shape (None, 8, 8, 3), got (None, 9, 8, 3)."
    capped = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, padding="same"),
                               layers.BatchNormalization(), layers.ReLU(max_value=6.0), layers.Flatten(),
                               layers.Dense(2)])
    assert "unexpected setting max_value 6.0" in message(capped, small())
    short = ks.layer_summary(small())[:-1]
    with pytest.raises(CheckFailed, match="expected 5: layer 5 should be Dense with output"):
        ks.compare_summaries(short, ks.layer_summary(small()))
    with pytest.raises(CheckFailed, match=r"layer 5 \(Dense\) with output \(None, 2\) is one too many"):
        ks.compare_summaries(ks.layer_summary(small()), short)


def test_not_a_model_and_unbuilt_models_are_explained():
    with pytest.raises(CheckFailed, match="should return a Keras model"):
        ks.layer_summary(None)
    with pytest.raises(CheckFailed, match="no input yet"):
        ks.layer_summary(keras.Sequential([layers.Dense(2)]))
    x = keras.Input((3,))
    with pytest.raises(CheckFailed, match="returned a tensor"):
        ks.layer_summary(layers.Dense(2)(x))


def test_format_summary_numbers_the_layers_from_the_input():
    lines = ks.format_summary(ks.layer_summary(small())).splitlines()
    assert lines[0].split() == ["0", "InputLayer,", "output", "(None,", "8,", "8,", "3),", "0", "parameters"]
    assert lines[1].strip().startswith("1  Conv2D, output (None, 8, 8, 4), 112 parameters, kernel_size (3, 3)")


def test_model_check_runs_cases_reports_and_catches_hard_coded_shapes(monkeypatch, capsys):
    suite = Suite("99_keras_toy")

    @suite.cases("build")
    def _():
        return [Case("8x8", ((8, 8, 3),)), Case("6x10", ((6, 10, 3),))]

    stored = [ks.layer_summary(small(input_shape=(8, 8, 3))), ks.layer_summary(small(input_shape=(6, 10, 3)))]
    monkeypatch.setattr(ks, "expected_for", lambda notebook, name: stored)
    check = ks.model_check(suite, "build")
    assert check.__name__ == "check_build" and suite.checks["build"] is check

    def build(input_shape):
        return small(input_shape=input_shape)

    assert check(build).passed
    assert capsys.readouterr().out.splitlines() == ["✔ build: 8x8", "✔ build: 6x10", "✔ build: all 2 checks passed."]

    def fixed(input_shape):
        return small(input_shape=(8, 8, 3))

    report = check(fixed, verbose=False)
    assert report.status == "failed" and "builds the same model on 6x10 as on 8x8" in report.text

    def stub(input_shape):
        raise NotImplementedError()

    assert check(stub, verbose=False).status == "not attempted"
    report = check(lambda input_shape: "a model", verbose=False)
    assert "on 8x8: the function should return a Keras model" in report.text


# --------------------------------------------------------------------------- #
# course_utils.keras_fit and course_utils.keras_plot
# --------------------------------------------------------------------------- #

def test_to_dataset_batches_and_shuffles_reproducibly():
    from course_utils.keras_fit import to_dataset

    X, Y = np.arange(10 * 2, dtype=np.float64).reshape(10, 2), np.arange(10).reshape(10, 1)
    batches = list(to_dataset(X, Y, batch_size=4))
    assert [b[0].shape[0] for b in batches] == [4, 4, 2] and batches[0][0].dtype.name == "float32"
    orders = [np.concatenate([y.numpy()[:, 0] for _, y in to_dataset(X, Y, batch_size=3, shuffle=True, seed=5)])
              for _ in range(2)]
    assert sorted(orders[0]) == list(range(10)) and np.array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[0], np.arange(10))
    assert [b.shape[0] for b in to_dataset(X, batch_size=8)] == [8, 2]
    with pytest.raises(ValueError, match="one row per example"):
        to_dataset(X, Y.T)


def test_epoch_progress_prints_every_k_epochs_and_ends_with_one_line(capsys):
    from course_utils.keras_fit import EpochProgress, to_dataset

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    X = np.random.default_rng(0).normal(size=(20, 2))
    ds = to_dataset(X, (X[:, :1] > 0).astype(float), batch_size=8)
    bar = EpochProgress(3, "toy", print_every=2)
    model.fit(ds, epochs=3, verbose=0, callbacks=[bar])
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["epoch   2/3", "epoch   3/3"]
    assert "loss" in out[0] and "accuracy" in out[0]
    assert bar.bar.summary.startswith("toy: 3/3 epochs, accuracy ")


def test_model_graph_and_diagram_show_branches():
    from course_utils.keras_plot import model_graph, plot_history, plot_model

    nodes, edges = model_graph(small())
    assert nodes[0]["kind"] == "InputLayer" and edges == [(i, i + 1) for i in range(len(nodes) - 1)]
    x_in = keras.Input((4, 4, 2))
    main = layers.ReLU()(layers.Conv2D(2, 1)(x_in))
    block = keras.Model(x_in, layers.Add()([main, x_in]))
    nodes, edges = model_graph(block)
    kinds = [n["kind"] for n in nodes]
    add = kinds.index("Add")
    assert sorted(p for p, c in edges if c == add) == sorted([kinds.index("ReLU"), 0])
    ax = plot_model(block)
    assert len(ax.patches) == len(nodes) and "3 layers" in ax.get_title()
    axes = plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}, validation_label="test")
    assert [len(a.get_lines()) for a in axes] == [2, 1] and axes[0].get_legend().get_texts()[1].get_text() == "test"
    with pytest.raises(ValueError, match="none of the metrics"):
        plot_history({"mae": [1.0]})
    with pytest.raises(TypeError, match="needs a Keras model"):
        plot_model("model")
