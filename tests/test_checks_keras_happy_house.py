"""Notebook 11's checks pass the reference models and name the first layer that differs; so do its hidden tests.

The wrong implementations are written as source code and run in a fresh namespace of the notebook's
solutions (with its setup cell: keras, layers, np), as a learner's functions would be.
"""

import nbformat
import pytest

keras = pytest.importorskip("keras")

from course_utils.authoring import BEGIN_HIDDEN, END_HIDDEN  # noqa: E402
from course_utils.checks import CheckFailed  # noqa: E402
from course_utils.checks import keras_happy_house as checks  # noqa: E402
from course_utils.checks.solutions import load_solutions, notebook_path  # noqa: E402

NOTEBOOK = "11_keras_happy_house"
NAMES = ["HappyModel", "convolutional_model"]


@pytest.fixture(scope="module")
def ref():
    return load_solutions(NOTEBOOK)


def todo(*args, **kwargs):
    raise NotImplementedError()


def run(name, fn):
    return getattr(checks, f"check_{name}")(fn, verbose=False)


def learner(source: str, name: str):
    """Define ``name`` from ``source`` in a fresh solutions namespace (as in a learner's notebook)."""
    namespace = load_solutions(NOTEBOOK)
    exec(compile(source, f"<learner's {name}>", "exec"), namespace)
    return namespace[name], namespace


def failing(name, source):
    fn, _ = learner(source, name)
    report = run(name, fn)
    assert report.status == "failed", report.text
    return report.text


# --------------------------------------------------------------------------- #
# Reference, stub, output format
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_and_stub_is_not_attempted(ref, name):
    assert run(name, ref[name]).passed
    report = run(name, todo)
    assert report.status == "not attempted" and "not attempted yet" in report.text


def test_all_checks_are_exported():
    assert sorted(checks.__all__) == sorted(f"check_{n}" for n in NAMES)


def test_check_prints_one_line_per_case_and_a_summary_deterministically(ref, capsys):
    outputs = []
    for _ in range(2):
        checks.check_HappyModel(ref["HappyModel"])
        checks.check_convolutional_model(ref["convolutional_model"])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    lines = outputs[0].strip().splitlines()
    assert lines[:3] == ["✔ HappyModel: input_shape (64, 64, 3)", "✔ HappyModel: input_shape (32, 40, 1)",
                         "✔ HappyModel: all 2 checks passed."]
    assert len(lines) == 6 and lines[-1] == "✔ convolutional_model: all 2 checks passed."


def test_not_a_function():
    assert "expected a function" in run("HappyModel", 3).text


# --------------------------------------------------------------------------- #
# Other spellings of the same model pass
# --------------------------------------------------------------------------- #

FUNCTIONAL_HAPPY = '''
def HappyModel(input_shape=(64, 64, 3)):
    x_in = keras.Input(input_shape)
    x = layers.ZeroPadding2D(((3, 3), (3, 3)))(x_in)
    x = layers.Conv2D(filters=32, kernel_size=7, strides=1, padding="valid")(x)
    x = layers.BatchNormalization(axis=-1)(x)
    x = layers.Activation("relu")(x)
    x = layers.MaxPool2D(pool_size=2)(x)
    x = layers.Flatten()(x)
    return keras.Model(x_in, layers.Dense(1, activation="sigmoid")(x))
'''

SEQUENTIAL_SIGNS = '''
def convolutional_model(input_shape):
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(8, 4, padding="same"), layers.Activation("relu"),
        layers.MaxPooling2D(8, 8, padding="same"),
        layers.Conv2D(16, 2, padding="same"), layers.ReLU(),
        layers.MaxPooling2D(4, strides=4, padding="same"),
        layers.Flatten(), layers.Dense(6, activation="softmax")])
'''


@pytest.mark.parametrize("name, source", [("HappyModel", FUNCTIONAL_HAPPY), ("convolutional_model", SEQUENTIAL_SIGNS)])
def test_other_spellings_pass(name, source):
    fn, _ = learner(source, name)
    report = run(name, fn)
    assert report.passed, report.text


# --------------------------------------------------------------------------- #
# Realistic mistakes, each named in words
# --------------------------------------------------------------------------- #

def happy(*lines, start="keras.Input(shape=input_shape),", signature="input_shape=(64, 64, 3)"):
    body = "\n".join(f"        {line}" for line in ([start] if start else []) + list(lines))
    return f"def HappyModel({signature}):\n    return keras.Sequential([\n{body}\n    ])\n"


PAD = "layers.ZeroPadding2D(padding=3),"
CONV = "layers.Conv2D(32, (7, 7), strides=(1, 1), name='conv0'),"
BN = "layers.BatchNormalization(axis=3, name='bn0'),"
RELU = "layers.ReLU(),"
POOL = "layers.MaxPooling2D((2, 2), name='max_pool'),"
FLAT = "layers.Flatten(),"
DENSE = "layers.Dense(1, activation='sigmoid', name='fc'),"

HAPPY_MISTAKES = [
    ("no batch norm", happy(PAD, CONV, RELU, POOL, FLAT, DENSE),
     ["layer 3: expected BatchNormalization with output (None, 64, 64, 32), got ReLU", "seems to be missing"]),
    ("relu before bn", happy(PAD, CONV, RELU, BN, POOL, FLAT, DENSE),
     ["layer 3: expected BatchNormalization", "got ReLU", "seem to be swapped: BatchNormalization comes before ReLU"]),
    ("no padding", happy(CONV, BN, RELU, POOL, FLAT, DENSE),
     ["layer 1: expected ZeroPadding2D with output (None, 70, 70, 3), got Conv2D (`conv0`)", "missing"]),
    ("5x5 kernel", happy(PAD, CONV.replace("(7, 7)", "(5, 5)"), BN, RELU, POOL, FLAT, DENSE),
     ["layer 2 (Conv2D `conv0`): expected kernel_size (7, 7), got (5, 5)"]),
    ("16 filters", happy(PAD, CONV.replace("32", "16"), BN, RELU, POOL, FLAT, DENSE),
     ["layer 2 (Conv2D `conv0`): expected the output (None, 64, 64, 32), got (None, 64, 64, 16)"]),
    ("stride 2", happy(PAD, CONV.replace("(1, 1)", "(2, 2)"), BN, RELU, POOL, FLAT, DENSE),
     ["expected strides (1, 1), got (2, 2)"]),
    ("same padding", happy(PAD, CONV.replace("name=", "padding='same', name="), BN, RELU, POOL, FLAT, DENSE),
     ["expected padding 'valid', got 'same'"]),
    ("relu fused in conv", happy(PAD, CONV.replace("name=", "activation='relu', name="), BN, RELU, POOL, FLAT,
                                 DENSE),
     ["layer 2 (Conv2D `conv0`): expected activation 'linear', got 'relu'"]),
    ("bn on the wrong axis", happy(PAD, CONV, BN.replace("axis=3", "axis=1"), RELU, POOL, FLAT, DENSE),
     ["layer 3 (BatchNormalization `bn0`): expected axis 3, got 1"]),
    ("no sigmoid", happy(PAD, CONV, BN, RELU, POOL, FLAT, "layers.Dense(1, name='fc'),"),
     ["layer 7 (Dense `fc`): expected activation 'sigmoid', got 'linear'"]),
    ("two output units", happy(PAD, CONV, BN, RELU, POOL, FLAT, DENSE.replace("Dense(1", "Dense(2")),
     ["layer 7 (Dense `fc`): expected the output (None, 1), got (None, 2)"]),
    ("no flatten", happy(PAD, CONV, BN, RELU, POOL, DENSE), ["layer 6: expected Flatten", "got Dense (`fc`)"]),
    ("extra dense", happy(PAD, CONV, BN, RELU, POOL, FLAT, "layers.Dense(16, activation='relu'),", DENSE),
     ["layer 7 (Dense", "This Dense layer seems to be one too many."]),
    ("average pooling", happy(PAD, CONV, BN, RELU, "layers.AveragePooling2D((2, 2)),", FLAT, DENSE),
     ["layer 5: expected MaxPooling2D with output (None, 32, 32, 32), got AveragePooling2D"]),
    ("no input", happy(PAD, CONV, BN, RELU, POOL, FLAT, DENSE, start=None),
     ["the model has no input yet", "keras.Input(shape=input_shape)"]),
    ("hard-coded input shape", happy(PAD, CONV, BN, RELU, POOL, FLAT, DENSE, start="keras.Input(shape=(64, 64, 3)),"),
     ["builds the same model on input_shape (32, 40, 1) as on input_shape (64, 64, 3)"]),
    ("a list of layers", "def HappyModel(input_shape=(64, 64, 3)):\n    return [keras.Input(shape=input_shape), "
                         "layers.Flatten(), layers.Dense(1, activation='sigmoid')]\n",
     ["returned a list of layers", "keras.Sequential"]),
    ("an error inside", "def HappyModel(input_shape=(64, 64, 3)):\n    model = keras.Sequential()\n"
                        "    model.add(layers.Conv2D(32, (7, 7), stride=1))\n    return model\n",
     ["raised an error on input_shape (64, 64, 3)", "line 3 of `HappyModel`"]),
]


@pytest.mark.parametrize("mistake, source, expected", HAPPY_MISTAKES, ids=[m for m, _, _ in HAPPY_MISTAKES])
def test_happy_model_mistakes_are_named(mistake, source, expected):
    text = failing("HappyModel", source)
    for part in expected:
        assert part in text, f"{mistake}: {part!r} not in\n{text}"


def signs(z1="layers.Conv2D(8, (4, 4), padding='same')(input_img)", a1="layers.ReLU()(Z1)",
          p1="layers.MaxPooling2D((8, 8), strides=(8, 8), padding='same')(A1)",
          z2="layers.Conv2D(16, (2, 2), padding='same')(P1)", a2="layers.ReLU()(Z2)",
          p2="layers.MaxPooling2D((4, 4), strides=(4, 4), padding='same')(A2)", f="layers.Flatten()(P2)",
          out="layers.Dense(6, activation='softmax')(F)", ret="keras.Model(inputs=input_img, outputs=outputs)"):
    return (f"def convolutional_model(input_shape):\n    input_img = keras.Input(shape=input_shape)\n"
            f"    Z1 = {z1}\n    A1 = {a1}\n    P1 = {p1}\n    Z2 = {z2}\n    A2 = {a2}\n    P2 = {p2}\n"
            f"    F = {f}\n    outputs = {out}\n    return {ret}\n")


SIGNS_MISTAKES = [
    ("valid padding", signs(z1="layers.Conv2D(8, (4, 4))(input_img)"),
     ["layer 1 (Conv2D", "expected padding 'same', got 'valid'"]),
    ("relu skipped in the graph", signs(p1="layers.MaxPooling2D((8, 8), strides=(8, 8), padding='same')(Z1)"),
     ["layer 2: expected ReLU with output (None, 64, 64, 8), got MaxPooling2D", "missing"]),
    ("pool stride 1", signs(p1="layers.MaxPooling2D((8, 8), strides=(1, 1), padding='same')(A1)"),
     ["layer 3 (MaxPooling2D", "expected strides (8, 8), got (1, 1)"]),
    ("second conv on the input", signs(z2="layers.Conv2D(16, (2, 2), padding='same')(input_img)"),
     ["layer 1 (Conv2D", "expected kernel_size (4, 4), got (2, 2)"]),
    ("no softmax", signs(out="layers.Dense(6)(F)"), ["layer 8 (Dense", "expected activation 'softmax', got 'linear'"]),
    ("softmax as relu", signs(out="layers.Dense(6, activation='relu')(F)"), ["expected activation 'softmax'"]),
    ("returns the output tensor", signs(ret="outputs"), ["returned a tensor", "keras.Model(inputs=..., outputs=...)"]),
]


@pytest.mark.parametrize("mistake, source, expected", SIGNS_MISTAKES, ids=[m for m, _, _ in SIGNS_MISTAKES])
def test_convolutional_model_mistakes_are_named(mistake, source, expected):
    text = failing("convolutional_model", source)
    for part in expected:
        assert part in text, f"{mistake}: {part!r} not in\n{text}"


# --------------------------------------------------------------------------- #
# The hidden tests: pass on the reference, fail on the mistakes
# --------------------------------------------------------------------------- #

def _hidden_sources():
    nb = nbformat.read(notebook_path(NOTEBOOK), as_version=4)
    out = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("test_"):
            source = cell.source
            out[gid.removeprefix("test_")] = source[source.index(BEGIN_HIDDEN):source.index(END_HIDDEN)]
    return out


HIDDEN = _hidden_sources()


def _run_hidden(name, namespace):
    exec(compile(HIDDEN[name], f"<hidden tests of {name}>", "exec"), namespace)


def test_every_exercise_has_hidden_tests():
    assert sorted(HIDDEN) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_pass_on_the_reference(name):
    _run_hidden(name, load_solutions(NOTEBOOK))


@pytest.mark.parametrize("name, source", [("HappyModel", FUNCTIONAL_HAPPY), ("convolutional_model", SEQUENTIAL_SIGNS)])
def test_hidden_tests_pass_on_other_spellings(name, source):
    _, namespace = learner(source, name)
    _run_hidden(name, namespace)


HIDDEN_MISTAKES = [("HappyModel", m, s) for m, s, _ in HAPPY_MISTAKES] + [
] + [("convolutional_model", m, s) for m, s, _ in SIGNS_MISTAKES] + [
    ("convolutional_model", "pool 'valid'", signs(p2="layers.MaxPooling2D((4, 4), strides=(4, 4))(A2)")),
]


@pytest.mark.parametrize("name, mistake, source", HIDDEN_MISTAKES, ids=[f"{n}-{m}" for n, m, _ in HIDDEN_MISTAKES])
def test_hidden_tests_catch_typical_mistakes(name, mistake, source):
    _, namespace = learner(source, name)
    with pytest.raises((CheckFailed, AssertionError, ValueError, TypeError, AttributeError)):
        _run_hidden(name, namespace)


# --------------------------------------------------------------------------- #
# The benchmark (python -m course_utils.bench lessons 11), here with one epoch each
# --------------------------------------------------------------------------- #

def test_bench_lesson_trains_both_models_as_the_notebook_does():
    from course_utils import bench

    rows = bench.LESSONS["11_keras_happy_house"](happy_epochs=1, signs_epochs=1)
    labels = [label for label, *_ in rows]
    assert any("HappyModel, 1 epochs: test accuracy" in label for label in labels)
    assert any("convolutional_model, 1 epochs: test accuracy" in label for label in labels)
    for label, value, _floor, _ok in rows:
        assert 0 <= value and (value <= 100 or "seconds" in label), (label, value)
