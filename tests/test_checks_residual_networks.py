"""Notebook 12's checks pass the reference solutions and catch realistic mistakes, naming the layer; so do its
hidden tests.

The wrong implementations are the notebook's own solution cells with one edit, run in a fresh namespace of the
notebook's solutions, as a learner's functions would be (ResNet50 finds the learner's blocks among its globals).
"""

import nbformat
import pytest

pytest.importorskip("tensorflow")

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN  # noqa: E402
from course_utils.checks import CheckFailed  # noqa: E402
from course_utils.checks import residual_networks as checks  # noqa: E402
from course_utils.checks.solutions import load_solutions, notebook_path  # noqa: E402

NOTEBOOK = "12_residual_networks"
NAMES = ["identity_block", "convolutional_block", "ResNet50"]


def _cells():
    nb = nbformat.read(notebook_path(NOTEBOOK), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")}


CELLS = _cells()


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def learner(name: str, *edits):
    """The reference solution of ``name`` with each (old, new) text replaced, defined in a fresh namespace."""
    source = CELLS[name]
    for old, new in edits:
        assert old in source, f"{old!r} is not in the solution of {name}"
        source = source.replace(old, new)
    namespace = load_solutions(NOTEBOOK)
    exec(compile(source, f"<learner's {name}>", "exec"), namespace)
    return namespace[name], namespace


def failing(name, fn):
    report = run(name, fn)
    assert report.status == "failed", report.text
    return report.text


# --------------------------------------------------------------------------- #
# Reference, stub, output format
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed, run(name, ref[name]).text
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary(ref, capsys):
    checks.check_identity_block(ref["identity_block"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "✔ identity_block: all 3 checks passed."
    checks.check_ResNet50(ref["ResNet50"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "23,600,006 parameters" in last and "176 layers after the input" in last


def test_not_a_function():
    for name in NAMES:
        assert "expected a function" in run(name, 3).text


def test_stored_resnet_rows_are_the_reference_architecture():
    from course_utils.checks.expected import expected_for
    from course_utils.models.resnet import PARAMETERS

    rows = expected_for(NOTEBOOK, "ResNet50")[0]
    assert sum(r["params"] for r in rows) == PARAMETERS and len(rows) == 177
    regions = checks.resnet_regions(rows)
    assert regions[1] == "the stem" and regions[-1] == "the head"
    assert sum(1 for r in set(regions) if r.startswith("stage 4")) == 6  # a convolutional block and 5 identity blocks


# --------------------------------------------------------------------------- #
# Equivalent spellings pass
# --------------------------------------------------------------------------- #

def test_add_order_and_shortcut_first_and_relu_layer_pass():
    fn, _ = learner("convolutional_block",
                    ("X = Add()([X, X_shortcut])", "X = Add()([X_shortcut, X])"))
    assert run("convolutional_block", fn).passed
    fn, _ = learner("identity_block",
                    ("X = Add()([X, X_shortcut])", "X = keras.layers.add([X_shortcut, X])"),
                    ('X = Activation("relu")(X)\n    ### END', "X = keras.layers.ReLU()(X)\n    ### END"))
    assert run("identity_block", fn).passed


def test_canonical_order_sorts_only_layers_of_equal_depth(ref):
    import keras

    def plain(model):
        return [(r["layer"], r["params"]) for r in checks.layer_summary(model)]

    x = keras.Input((6, 6, 3))  # the main path's last convolution has 4 * 5 + 5 weights, the shortcut's 3 * 5 + 5
    model_a = keras.Model(x, ref["convolutional_block"](x, 3, [2, 4, 5], s=2))
    fn, _ = learner("convolutional_block", ("X = Add()([X, X_shortcut])", "X = Add()([X_shortcut, X])"))
    y = keras.Input((6, 6, 3))
    model_b = keras.Model(y, fn(y, 3, [2, 4, 5], s=2))
    assert plain(model_a) != plain(model_b)  # Keras lists the two convolutions in the order of Add's inputs
    rows_b, names_b = checks.canonical_summary(model_b)
    assert checks.canonical_summary(model_a)[0] == rows_b
    assert sorted(names_b) == sorted(layer.name for layer in model_b.layers)


# --------------------------------------------------------------------------- #
# Realistic mistakes, each with a specific message
# --------------------------------------------------------------------------- #

def test_identity_block_without_the_last_relu():
    fn, _ = learner("identity_block", ('X = Add()([X, X_shortcut])\n    X = Activation("relu")(X)',
                                       "X = Add()([X, X_shortcut])"))
    text = failing("identity_block", fn)
    assert "the block has 2 ReLU layers; expected 3." in text and "one after the Add" in text


def test_identity_block_with_the_wrong_padding_names_the_layer():
    fn, _ = learner("identity_block", ('filters=F1, kernel_size=1, strides=(1, 1), padding="valid"',
                                       'filters=F1, kernel_size=1, strides=(1, 1), padding="same"'))
    text = failing("identity_block", fn)
    assert "layer 1 (Conv2D `" in text and "expected padding 'valid', got 'same'" in text
    assert "Hint: the first and last 1x1 convolutions" in text


def test_identity_block_that_changes_the_shape_has_a_hint():
    fn, _ = learner("identity_block", ('kernel_size=f, strides=(1, 1), padding="same"',
                                       'kernel_size=f, strides=(1, 1), padding="valid"'))
    text = failing("identity_block", fn)
    assert "raised an error" in text and "Hint: the main path must keep the shape of X" in text


def test_identity_block_without_training_flag():
    fn, _ = learner("identity_block", ("(X, training=training)", "(X)"))
    text = failing("identity_block", fn)
    assert "training=True" in text and "wrong values" in text and "call each BatchNormalization layer" in text


def test_identity_block_without_the_initializer():
    fn, _ = learner("identity_block", (', kernel_initializer=initializer(seed=0))(X)', ")(X)"))
    text = failing("identity_block", fn)
    assert "expected kernel_initializer 'RandomUniform', got 'GlorotUniform'" in text
    assert "Hint: give every Conv2D kernel_initializer=initializer(seed=0)" in text


def test_identity_block_relu_before_the_add():
    fn, _ = learner("identity_block", ('X = BatchNormalization(axis=3)(X, training=training)\n\n    X = Add()',
                                       'X = BatchNormalization(axis=3)(X, training=training)\n'
                                       '    X = Activation("relu")(X)\n\n    X = Add()'))
    text = failing("identity_block", fn)
    assert "the block has 4 ReLU layers; expected 3." in text and "none after the third" in text


def test_convolutional_block_without_the_shortcut_normalization():
    fn, _ = learner("convolutional_block", ("    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)\n",
                                            ""))
    text = failing("convolutional_block", fn)
    assert "the block has 3 BatchNormalization layers; expected 4." in text and "the shortcut's included" in text


def test_convolutional_block_with_the_stride_in_the_middle():
    fn, _ = learner("convolutional_block",
                    ('filters=F1, kernel_size=1, strides=(s, s)', 'filters=F1, kernel_size=1, strides=(1, 1)'),
                    ('filters=F2, kernel_size=f, strides=(1, 1)', 'filters=F2, kernel_size=f, strides=(s, s)'))
    text = failing("convolutional_block", fn)
    assert "expected strides (2, 2), got (1, 1)" in text and "Hint: in a convolutional block" in text


def test_convolutional_block_with_an_identity_shortcut_is_an_error_in_words():
    fn, _ = learner("convolutional_block", ("    X_shortcut = Conv2D(filters=F3", "    _unused = Conv2D(filters=F3"),
                    ("    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)\n", ""))
    text = failing("convolutional_block", fn)
    assert "raised an error" in text and "at line" in text and "Hint: both paths must end with the same shape" in text


def test_resnet50_with_four_identity_blocks_in_stage_4_is_located():
    fn, _ = learner("ResNet50", ("for _ in range(5):", "for _ in range(4):"))
    text = failing("ResNet50", fn)
    assert "the model has 50 Conv2D layers; expected 53." in text
    assert "Hint: stage 4 has 5 residual blocks; it should have 6" in text


def test_resnet50_with_a_wrong_stride_is_located():
    fn, _ = learner("ResNet50", ("filters=[256, 256, 1024], s=2", "filters=[256, 256, 1024], s=1"))
    text = failing("ResNet50", fn)
    assert "expected strides (2, 2), got (1, 1)" in text and "stage 4, block 1 (the convolutional block)" in text


def test_resnet50_hard_coded_shape_and_classes():
    fn, _ = learner("ResNet50", ("X_input = Input(input_shape)", "X_input = Input((64, 64, 3))"),
                    ("Dense(classes,", "Dense(6,"))
    assert "builds the same model" in failing("ResNet50", fn)
    fn, _ = learner("ResNet50", ("Dense(classes,", "Dense(6,"))
    text = failing("ResNet50", fn)
    assert "10 classes" in text and "the head" in text


def test_resnet50_returning_a_tensor():
    fn, _ = learner("ResNet50", ('    model = Model(inputs=X_input, outputs=X, name="ResNet50")\n    return model',
                                 "    return X"))
    assert "should return a keras.Model" in failing("ResNet50", fn)


def test_resnet50_without_the_head_pooling():
    fn, _ = learner("ResNet50", ("    X = AveragePooling2D((2, 2))(X)\n", ""))
    text = failing("ResNet50", fn)
    assert "the model has 0 AveragePooling2D layers; expected 1." in text and "the head is" in text


# --------------------------------------------------------------------------- #
# The hidden tests: pass on the reference, fail on the mistakes
# --------------------------------------------------------------------------- #

def _hidden(name):
    source = CELLS[f"test_{name}"]
    return source[source.index(BEGIN_HIDDEN):source.index(END_HIDDEN)]


def _run_hidden(name, namespace):
    exec(compile(_hidden(name), f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(n.removeprefix("test_") for n in CELLS if n.startswith("test_")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(name):
    _run_hidden(name, load_solutions(NOTEBOOK))


HIDDEN_MISTAKES = [
    ("identity_block", "no training flag", [("(X, training=training)", "(X)")]),
    ("identity_block", "no last relu", [('X = Add()([X, X_shortcut])\n    X = Activation("relu")(X)',
                                         "X = Add()([X, X_shortcut])")]),
    ("identity_block", "valid middle", [('kernel_size=f, strides=(1, 1), padding="same"',
                                         'kernel_size=f, strides=(1, 1), padding="valid"')]),
    ("convolutional_block", "no shortcut stride", [("kernel_size=1, strides=(s, s), padding=\"valid\",\n",
                                                    "kernel_size=1, strides=(1, 1), padding=\"valid\",\n")]),
    ("convolutional_block", "stride 2 fixed", [("strides=(s, s)", "strides=(2, 2)")]),
    ("ResNet50", "stage 4 short", [("for _ in range(5):", "for _ in range(4):")]),
    ("ResNet50", "classes fixed", [("Dense(classes,", "Dense(6,")]),
    ("ResNet50", "no softmax", [('Dense(classes, activation="softmax",', "Dense(classes,")]),
]


@pytest.mark.parametrize("name, mistake, edits", HIDDEN_MISTAKES, ids=[f"{n}-{k}" for n, k, _ in HIDDEN_MISTAKES])
def test_hidden_tests_catch_typical_mistakes(name, mistake, edits):
    _, namespace = learner(name, *edits)
    with pytest.raises((CheckFailed, AssertionError, ValueError, KeyError)):
        _run_hidden(name, namespace)
