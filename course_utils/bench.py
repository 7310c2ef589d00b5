"""Benchmarks: the figures the issues ask for, measured against their floors.

For maintainers, not part of ``make test`` (the lessons train full-size models
and take minutes)::

    python -m course_utils.bench            # everything
    python -m course_utils.bench data       # dataset generation speed
    python -m course_utils.bench lessons 01 04   # some notebooks' lessons

Each lesson trains with the source notebook's own solution cells (loaded by
:func:`course_utils.checks.solutions.load_solutions`) and the settings of its
full mode, prints the figures and whether each floor holds, and the command
exits non-zero when one does not. The figures go into the README.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from typing import Callable

import numpy as np

LESSONS: dict[str, Callable[[], list[tuple[str, float, str, bool]]]] = {}


def lesson(notebook: str):
    def register(fn):
        LESSONS[notebook] = fn
        return fn
    return register


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def _solutions(notebook: str) -> dict:
    from .checks.solutions import load_solutions

    return load_solutions(notebook)


def _definitions(notebook: str) -> dict:
    """The solutions plus the definitions (imports, functions, classes) of the notebook's given cells.

    This brings in a notebook's given ``model`` function, so a lesson trains
    exactly what the notebook trains.
    """
    import ast

    import nbformat

    from .checks.solutions import notebook_path, solution_cells

    nb = nbformat.read(notebook_path(notebook), as_version=4)
    namespace = _solutions(notebook)
    defining = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    solutions = set(solution_cells(nb))
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.source in solutions or "BEGIN HIDDEN" in cell.source:
            continue
        try:
            body = ast.parse(cell.source).body
        except SyntaxError:
            continue
        definitions = ast.Module(body=[node for node in body if isinstance(node, defining)], type_ignores=[])
        if definitions.body:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(definitions, f"<{notebook} given cell>", "exec"), namespace)
    return namespace


def _flat_cats():
    from .datasets.cats import load_cat_dataset

    train_x, train_y, test_x, test_y, _ = load_cat_dataset()
    return (train_x.reshape(train_x.shape[0], -1).T / 255.0, train_y,
            test_x.reshape(test_x.shape[0], -1).T / 255.0, test_y)


def _accuracy(pred, y) -> float:
    return float(np.mean(np.asarray(pred).astype(int) == np.asarray(y)) * 100)


# --------------------------------------------------------------------------- #
# Data
# --------------------------------------------------------------------------- #

def bench_data() -> list[tuple[str, float, str, bool]]:
    from .datasets.cats import make_cat_images

    make_cat_images(50, seed=123)  # warm up imports
    start = time.perf_counter()
    images, labels = make_cat_images(10_000, seed=7)
    seconds = time.perf_counter() - start
    assert images.shape == (10_000, 64, 64, 3)
    rows = [("cat generator: seconds for 10,000 images", seconds, "< 10", seconds < 10)]

    from .datasets.faces import make_face_images
    from .datasets.signs import make_sign_images

    for name, make in (("hand-signs", make_sign_images), ("faces", make_face_images)):
        make(50, seed=123)  # warm up
        start = time.perf_counter()
        images, labels = make(10_000, seed=7)
        seconds = time.perf_counter() - start
        assert images.shape == (10_000, 64, 64, 3)
        rows.append((f"{name} generator: seconds for 10,000 images", seconds, "< 10", seconds < 10))
    return rows


# --------------------------------------------------------------------------- #
# Lessons (one function per notebook, full-mode settings)
# --------------------------------------------------------------------------- #

@lesson("01_logistic_regression")
def lesson_01():
    ns = _solutions("01_logistic_regression")
    X, Y, Xt, Yt = _flat_cats()
    d = _quiet(ns["model"], X, Y, Xt, Yt, num_iterations=2000, learning_rate=0.005)
    train, test = _accuracy(d["Y_prediction_train"], Y), _accuracy(d["Y_prediction_test"], Yt)
    rows = [("01 model(2000 it, lr 0.005): train accuracy %", train, ">= 95", train >= 95),
            ("01 model(2000 it, lr 0.005): test accuracy %", test, "60..85", 60 <= test <= 85)]
    finals = {}
    for lr in (0.01, 0.001, 0.0001):
        costs = _quiet(ns["model"], X, Y, Xt, Yt, num_iterations=1500, learning_rate=lr)["costs"]
        finals[lr] = float(costs[-1])
        rows.append((f"01 lr {lr}: final cost after 1500 it", finals[lr], "", True))
    bumpy = max(_quiet(ns["model"], X, Y, Xt, Yt, num_iterations=300, learning_rate=0.01)["costs"]) > 0.693148
    rows.append(("01 three regimes: lr 0.01 overshoots, then costs ordered 0.01 < 0.001 < 0.0001",
                 float(bumpy and finals[0.01] < finals[0.001] < finals[0.0001]), "== 1",
                 bool(bumpy and finals[0.01] < finals[0.001] < finals[0.0001])))
    return rows


@lesson("02_planar_data")
def lesson_02():
    from sklearn.linear_model import LogisticRegression

    from .datasets.planar import load_planar_dataset

    ns = _solutions("02_planar_data")
    X, Y = load_planar_dataset(m=400, seed=1)
    lr = _accuracy(LogisticRegression().fit(X.T, Y.ravel()).predict(X.T).reshape(1, -1), Y)
    rows = [("02 logistic regression on the flower %", lr, "<= 55", lr <= 55)]
    sweep = {}
    for n_h in (1, 2, 4):
        params = _quiet(ns["nn_model"], X, Y, n_h, num_iterations=10000)
        sweep[n_h] = _accuracy(ns["predict"](params, X), Y)
    rows.append(("02 4 hidden units, 10,000 it %", sweep[4], ">= 88", sweep[4] >= 88))
    for n_h in (1, 2):
        rows.append((f"02 {n_h} hidden unit(s) %", sweep[n_h], "< 4-unit - 10",
                     sweep[n_h] < sweep[4] - 10))
    return rows


@lesson("04_deep_nn_application")
def lesson_04():
    ns = _solutions("04_deep_nn_application")
    X, Y, Xt, Yt = _flat_cats()
    p2, _ = _quiet(ns["two_layer_model"], X, Y, layers_dims=(12288, 7, 1), learning_rate=0.0075,
                   num_iterations=2500)
    p4, _ = _quiet(ns["L_layer_model"], X, Y, layers_dims=[12288, 20, 7, 5, 1], learning_rate=0.0075,
                   num_iterations=2500)
    predict = ns["predict"]
    acc2 = _accuracy(_quiet(predict, Xt, Yt, p2), Yt)
    acc4 = _accuracy(_quiet(predict, Xt, Yt, p4), Yt)
    return [("04 2-layer test accuracy %", acc2, "", True),
            ("04 4-layer test accuracy %", acc4, "", True),
            ("04 4-layer minus 2-layer (points)", acc4 - acc2, ">= 4", acc4 - acc2 >= 4)]


@lesson("05_initialization")
def lesson_05():
    from .datasets.planar import load_circles_dataset
    from .nn.three_layer import predict_dec

    ns = _definitions("05_initialization")
    X, Y, Xt, Yt = load_circles_dataset(n_train=300, n_test=100, noise=0.05, factor=0.8, seed=1)
    rows, acc = [], {}
    for init in ("zeros", "random", "he"):
        params, costs = _quiet(ns["model"], X, Y, num_iterations=15000, initialization=init)
        acc[init] = (_accuracy(predict_dec(params, X), Y), _accuracy(predict_dec(params, Xt), Yt))
        rows.append((f"05 {init}: first / final cost", costs[0], f"final {costs[-1]:.4f}", True))
    rows += [("05 zeros: test accuracy % (chance)", acc["zeros"][1], "45..55", 45 <= acc["zeros"][1] <= 55),
             ("05 random x10: test accuracy %", acc["random"][1], "< He", acc["random"][1] < acc["he"][1]),
             ("05 He: test accuracy %", acc["he"][1], ">= 95", acc["he"][1] >= 95)]
    return rows


@lesson("06_regularization")
def lesson_06():
    from .datasets.keeper import load_2D_dataset
    from .nn.three_layer import predict_dec

    ns = _definitions("06_regularization")
    X, Y, Xt, Yt = load_2D_dataset()
    test = {}
    for name, kwargs in (("none", {}), ("L2 0.7", {"lambd": 0.7}), ("dropout 0.86", {"keep_prob": 0.86})):
        params, _ = _quiet(ns["model"], X, Y, num_iterations=30000, **kwargs)
        test[name] = _accuracy(predict_dec(params, Xt), Yt)
    rows = [("06 no regularization: test accuracy %", test["none"], "", True)]
    for name in ("L2 0.7", "dropout 0.86"):
        gain = test[name] - test["none"]
        rows.append((f"06 {name}: test accuracy gain (points)", gain, ">= 2", gain >= 2))
    return rows


@lesson("07_gradient_checking")
def lesson_07():
    from .nn import gradient_checking as given

    ns = _definitions("07_gradient_checking")  # the notebook's own backward pass has the planted bugs
    X, Y, parameters = given.gradient_check_example()
    _, cache = given.forward_propagation_n(X, Y, parameters)
    buggy = ns["gradient_check_n"](parameters, ns["backward_propagation_n"](X, Y, cache), X, Y, 1e-7, False)
    fixed = ns["gradient_check_n"](parameters, given.backward_propagation_n(X, Y, cache), X, Y, 1e-7, False)
    return [("07 difference with the planted bugs", buggy, "> 1e-3", buggy > 1e-3),
            ("07 difference with the corrected backward pass", fixed, "< 2e-7", fixed < 2e-7)]


@lesson("08_optimization_methods")
def lesson_08():
    from .datasets.planar import load_moons_dataset

    ns = _definitions("08_optimization_methods")
    X, Y = load_moons_dataset(n=300, noise=0.2, seed=3)
    dims, rows = [X.shape[0], 5, 2, 1], []
    for optimizer in ("gd", "momentum", "adam"):
        params, _ = _quiet(ns["model"], X, Y, dims, optimizer, num_epochs=5000, print_cost=False)
        acc = ns["accuracy"](params, X, Y)
        floor_ok = acc >= 90 if optimizer == "adam" else acc <= 80
        rows.append((f"08 {optimizer}, constant lr 0.0007: training accuracy %", acc,
                     ">= 90" if optimizer == "adam" else "<= 80", floor_ok))
    for optimizer in ("gd", "momentum", "adam"):
        params, _ = _quiet(ns["model"], X, Y, dims, optimizer, learning_rate=0.1, num_epochs=5000,
                           print_cost=False, decay=ns["schedule_lr_decay"])
        acc = ns["accuracy"](params, X, Y)
        rows.append((f"08 {optimizer}, lr 0.1 with schedule_lr_decay: training accuracy %", acc, ">= 90",
                     acc >= 90))
    return rows


@lesson("10_cnn_step_by_step")
def lesson_10(m: int = 100, loop_runs: int = 2, vectorized_runs: int = 5):
    """Notebook 10: the learner's loop conv_forward against im2col, (m, 32, 32, 3), 16 filters 3x3, pad 1."""
    from .nn.conv import conv_forward_im2col

    conv_forward = _solutions("10_cnn_step_by_step")["conv_forward"]
    rng = np.random.default_rng(12)
    A = rng.normal(size=(m, 32, 32, 3))
    W, b = rng.normal(size=(3, 3, 3, 16)) * 0.2, rng.normal(size=(1, 1, 1, 16)) * 0.1
    hparameters = {"stride": 1, "pad": 1}

    def best(run, repeats):
        times, out = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            out = run()
            times.append(time.perf_counter() - start)
        return min(times), out

    t_vec, (Z_vec, _) = best(lambda: conv_forward_im2col(A, W, b, hparameters), vectorized_runs)
    t_loop, (Z_loop, _) = best(lambda: conv_forward(A, W, b, hparameters), loop_runs)
    diff = float(np.max(np.abs(Z_loop - Z_vec)))
    ratio = t_loop / t_vec
    return [(f"10 loop conv_forward on ({m}, 32, 32, 3), 16 filters 3x3: seconds (best of {loop_runs})",
             t_loop, "", True),
            (f"10 im2col conv_forward, same input: seconds (best of {vectorized_runs})", t_vec, "", True),
            ("10 max |loop - im2col|", diff, "< 1e-10", diff < 1e-10),
            ("10 speed-up of im2col over the loops (x)", ratio, ">= 50", ratio >= 50)]


# --------------------------------------------------------------------------- #

@lesson("16_rnn_step_by_step")
def lesson_16(n_x: int = 3, n_a: int = 5, m: int = 4, T_x: int = 6, T_long: int = 40):
    """Notebook 16: each backward pass of the solutions against a numerical gradient; gradients through time."""
    from .gradcheck import numerical_gradient, relative_difference
    from .nn.rnn import initialize_lstm_parameters, initialize_rnn_parameters

    ns = _solutions("16_rnn_step_by_step")
    rng = np.random.default_rng(16)
    x, a0, c_prev = rng.normal(size=(n_x, m, T_x)), rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
    xt, G, Ga, Gc = x[:, :, 0], rng.normal(size=(n_a, m, T_x)), rng.normal(size=(n_a, m)), rng.normal(size=(n_a, m))
    p_rnn = initialize_rnn_parameters(n_x, n_a, 2, seed=16, scale=1.5)
    p_lstm = initialize_lstm_parameters(n_x, n_a, 2, seed=16, scale=1.5)
    w_rnn = {k: p_rnn[k] for k in ("Wax", "Waa", "ba")}
    w_lstm = {k: p_lstm[k] for k in ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")}

    def worst(gradients, loss, inputs):
        return max(relative_difference(gradients["d" + k],
                                       numerical_gradient(lambda v, k=k: loss(**{k: v}), value, eps=1e-6))
                   for k, value in inputs.items())

    def rnn_cell_loss(xt=xt, a_prev=a0, **changed):
        return np.sum(ns["rnn_cell_forward"](xt, a_prev, {**p_rnn, **changed})[0] * Ga)

    def rnn_loss(x=x, a0=a0, **changed):
        return np.sum(ns["rnn_forward"](x, a0, {**p_rnn, **changed})[0] * G)

    def lstm_cell_loss(xt=xt, a_prev=a0, c_prev=c_prev, **changed):
        a_next, c_next, _, _ = ns["lstm_cell_forward"](xt, a_prev, c_prev, {**p_lstm, **changed})
        return np.sum(a_next * Ga) + np.sum(c_next * Gc)

    def lstm_loss(x=x, a0=a0, **changed):
        return np.sum(ns["lstm_forward"](x, a0, {**p_lstm, **changed})[0] * G)

    differences = {
        "rnn_cell_backward": worst(ns["rnn_cell_backward"](Ga, ns["rnn_cell_forward"](xt, a0, p_rnn)[2]),
                                   rnn_cell_loss, {"xt": xt, "a_prev": a0, **w_rnn}),
        "rnn_backward": worst(ns["rnn_backward"](G, ns["rnn_forward"](x, a0, p_rnn)[2]), rnn_loss,
                              {"x": x, "a0": a0, **w_rnn}),
        "lstm_cell_backward": worst(ns["lstm_cell_backward"](Ga, Gc, ns["lstm_cell_forward"](xt, a0, c_prev, p_lstm)[3]),
                                    lstm_cell_loss, {"xt": xt, "a_prev": a0, "c_prev": c_prev, **w_lstm}),
        "lstm_backward": worst(ns["lstm_backward"](G, ns["lstm_forward"](x, a0, p_lstm)[3]), lstm_loss,
                               {"x": x, "a0": a0, **w_lstm}),
    }
    rows = [(f"16 {name}: max relative difference with a numerical gradient", d, "< 1e-7", d < 1e-7)
            for name, d in differences.items()]
    # section 10: the loss sees only the last hidden state; how much gradient reaches the first input
    n_x, n_a, m = 4, 16, 8
    rng = np.random.default_rng(7)
    x_long = rng.normal(size=(n_x, m, T_long))
    da = np.zeros((n_a, m, T_long))
    da[:, :, -1] = rng.normal(size=(n_a, m))
    zeros = np.zeros((n_a, m))
    p = initialize_rnn_parameters(n_x, n_a, 3, seed=3, scale=1.0)
    dx_rnn = ns["rnn_backward"](da, ns["rnn_forward"](x_long, zeros, p)[2])["dx"]
    p = initialize_lstm_parameters(n_x, n_a, 3, seed=3, scale=1.0, forget_bias=2.0)
    dx_lstm = ns["lstm_backward"](da, ns["lstm_forward"](x_long, zeros, p)[3])["dx"]
    for name, dx, floor, ok in [("basic RNN", dx_rnn, "< 1e-6", lambda r: r < 1e-6),
                                ("LSTM, forget bias +2", dx_lstm, "> 0.1", lambda r: r > 0.1)]:
        sizes = np.linalg.norm(dx, axis=(0, 1))
        ratio = float(sizes[0] / sizes[-1])
        rows.append((f"16 {name}: ||dx<1>|| / ||dx<{T_long}>||, loss on the last state", ratio, floor, ok(ratio)))
    return rows


@lesson("17_dinosaur_names")
def lesson_17(num_iterations: int = 22001, lstm_epochs: int = 17):
    """Notebook 17: the NumPy character RNN on the dinosaur names, then the Keras LSTM on the same names.

    The smoothed loss starts at the loss of uniform guesses over an average name and its newline
    (12.8 log 27 = 42.17 on our names, the untrained model's exact mean too): the floors ask the
    last smoothed loss to be below 0.8 x the untrained model's mean loss per name, below the smoothed loss
    at iteration 2000, and below 0.6 x the first smoothed loss (a clear fall).
    """
    from .datasets.dinos import build_vocabulary, load_dinos
    from .nn.char_rnn import initialize_parameters, names_loss

    ns = _definitions("17_dinosaur_names")
    names = load_dinos()
    char_to_ix, ix_to_char = build_vocabulary(names)
    untrained_total, _ = names_loss(initialize_parameters(50, len(char_to_ix), len(char_to_ix)), names, char_to_ix)
    untrained = untrained_total / len(names)
    start = time.perf_counter()
    parameters, losses = _quiet(ns["model"], names, ix_to_char, char_to_ix, num_iterations)
    seconds = time.perf_counter() - start
    total, count = names_loss(parameters, names, char_to_ix)
    rnn_per_char = total / count
    at_2000 = losses[min(2000, len(losses) - 1)]
    last = losses[-1]
    _, lstm_losses = _quiet(ns["train_char_lstm"], names, char_to_ix, lstm_epochs)
    lstm_per_char = lstm_losses[-1]
    return [(f"17 RNN, {num_iterations} iterations on {len(names)} names: seconds", seconds, "", True),
            ("17 first smoothed loss (iteration 0)", losses[0], "", True),
            ("17 smoothed loss at iteration 2000", at_2000, "", True),
            ("17 untrained model: mean loss per name", untrained, "", True),
            ("17 last smoothed loss", last, f"< 0.8 x untrained ({0.8 * untrained:.2f}) and < iteration 2000",
             last < 0.8 * untrained and last < at_2000),
            ("17 last / first smoothed loss", last / losses[0], "< 0.6", last / losses[0] < 0.6),
            ("17 RNN loss per character, all names (nats)", rnn_per_char, "< 0.7 x log 27 (2.31)",
             rnn_per_char < 0.7 * np.log(27)),
            (f"17 Keras LSTM(50) loss per character after {lstm_epochs} epochs (nats)", lstm_per_char, "< RNN's",
             lstm_per_char < rnn_per_char)]


# --------------------------------------------------------------------------- #

@lesson("18_jazz_lstm")
def lesson_18(epochs: int = 150, m: int = 128):
    """Notebook 18: djmodel trained as in full mode; the loss must fall at least tenfold from the first epoch."""
    from .datasets.jazz import load_music_data

    ns = _definitions("18_jazz_lstm")  # the solutions and the given fit_djmodel
    X, Y, n_values, _, _ = load_music_data(Tx=30, m=m)
    layers = ns["LSTM"](64, return_state=True, unroll=True), ns["Dense"](n_values, activation="softmax")
    model = ns["djmodel"](30, layers[0], layers[1], ns["Reshape"]((1, n_values)))
    start = time.perf_counter()
    losses = ns["fit_djmodel"](model, X, Y, epochs=epochs)
    seconds = time.perf_counter() - start
    probabilities = np.stack(model([X, np.zeros((m, 64)), np.zeros((m, 64))]))
    accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == np.argmax(Y, axis=-1)) * 100)
    ratio = losses[0] / losses[-1]
    return [(f"18 djmodel, {epochs} epochs on {m} windows: loss after the first epoch", losses[0], "", True),
            ("18 loss after the last epoch", losses[-1], "", True),
            ("18 loss ratio first / last epoch", ratio, ">= 10", ratio >= 10),
            ("18 next-value accuracy on the training windows %", accuracy, "", True),
            ("18 training seconds (compilation included)", seconds, "", True)]


@lesson("11_keras_happy_house")
def lesson_11(happy_epochs: int = 10, signs_epochs: int = 100):
    """Notebook 11: HappyModel and convolutional_model, trained as the notebook trains them (seed, tf.data, fit)."""
    import keras

    from .datasets.faces import load_happy_dataset
    from .datasets.signs import load_signs
    from .keras_fit import to_dataset

    ns = _solutions("11_keras_happy_house")  # runs the setup cell: seeds, op determinism
    X, Y, Xt, Yt, _ = load_happy_dataset()
    keras.utils.set_random_seed(1)  # the notebook's order: seed, model, compile, then the datasets
    happy = ns["HappyModel"]()
    happy.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    train = to_dataset(X / 255.0, Y.T, batch_size=16, shuffle=True)
    test = to_dataset(Xt / 255.0, Yt.T, batch_size=16)
    start = time.perf_counter()
    happy.fit(train, epochs=happy_epochs, validation_data=test, verbose=0)
    happy_seconds = time.perf_counter() - start
    happy_acc = 100 * happy.evaluate(test, verbose=0)[1]

    X, Y, Xt, Yt, _ = load_signs()
    keras.utils.set_random_seed(1)
    conv = ns["convolutional_model"]((64, 64, 3))
    conv.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    train = to_dataset(X / 255.0, np.eye(6)[Y[0]], batch_size=64, shuffle=True)
    test = to_dataset(Xt / 255.0, np.eye(6)[Yt[0]], batch_size=64)
    start = time.perf_counter()
    history = conv.fit(train, epochs=signs_epochs, validation_data=test, verbose=0).history
    signs_seconds = time.perf_counter() - start
    signs_acc = 100 * history["val_accuracy"][-1]
    return [(f"11 HappyModel, {happy_epochs} epochs: training seconds", happy_seconds, "", True),
            (f"11 HappyModel, {happy_epochs} epochs: test accuracy %", happy_acc, ">= 90", happy_acc >= 90),
            (f"11 convolutional_model, {signs_epochs} epochs: training seconds", signs_seconds, "", True),
            (f"11 convolutional_model, {signs_epochs} epochs: train accuracy % (last epoch)",
             100 * history["accuracy"][-1], "", True),
            (f"11 convolutional_model, {signs_epochs} epochs: test accuracy %", signs_acc, ">= 60", signs_acc >= 60)]


@lesson("14_face_recognition")
def lesson_14():
    """Notebook 14: the shipped FaceNet on held-out people (verification at 0.7, ROC AUC) and the Happy House
    door run with the notebook's own ``who_is_it``."""
    from .datasets.identities import happy_house, load_face_population, save_happy_house
    from .models.facenet import img_to_encoding, pretrained_facenet
    from .pretrain.facenet import embed, evaluate

    ns = _definitions("14_face_recognition")
    model = pretrained_facenet()
    x, y = load_face_population("heldout")
    m = evaluate(embed(model, x), y)
    paths = save_happy_house(house=happy_house())
    database = {name: img_to_encoding(path, model) for name, path in paths["database"].items()}
    right = 0
    for path, who in paths["camera"]:
        dist, identity = _quiet(ns["who_is_it"], path, database, model)
        right += (identity if dist <= 0.7 else None) == who
    share = right / len(paths["camera"]) * 100
    return [(f"14 held-out verification accuracy at 0.7 ({m['pairs']} pairs, {len(set(y.tolist()))} people) %",
             m["accuracy"] * 100, ">= 95", m["accuracy"] >= 0.95),
            ("14 held-out ROC AUC", m["auc"], ">= 0.98", m["auc"] >= 0.98),
            ("14 best threshold on held-out pairs", m["best_threshold"], "", True),
            (f"14 Happy House door, who_is_it on {len(paths['camera'])} camera photos: correct %", share, ">= 80",
             share >= 80)]


@lesson("12_residual_networks")
def lesson_12():
    """Notebook 12: the notebook's ResNet50 has the original parameter count; the shipped pretrained ResNet-50
    (int8 file restored to float32) on the 120 standard test photos, and the size of its file."""
    from .datasets.signs import load_signs
    from .keras_fit import to_dataset
    from .models.resnet import PARAMETERS, WEIGHTS_NAME, pretrained_resnet50
    from .models.storage import find_weights

    ns = _solutions("12_residual_networks")
    n_params = ns["ResNet50"](input_shape=(64, 64, 3), classes=6).count_params()
    path = find_weights(WEIGHTS_NAME)
    model = pretrained_resnet50()
    _, _, X_test, Y_test, _ = load_signs()
    start = time.perf_counter()
    probs = model.predict(to_dataset(X_test / 255.0, batch_size=40), verbose=0)
    seconds = time.perf_counter() - start
    acc = 100 * float(np.mean(np.argmax(probs, axis=1) == Y_test[0]))
    size = path.stat().st_size / 1e6
    return [("12 ResNet50 of the notebook's solutions: parameters", n_params, "== 23600006", n_params == PARAMETERS),
            (f"12 pretrained ResNet-50 ({path.name}, restored): test accuracy % (120 photos)", acc, ">= 95",
             acc >= 95),
            ("12 pretrained weight file: MB", size, "< 30", size < 30),
            ("12 predicting the 120 test photos (graph built included): seconds", seconds, "", True)]


@lesson("13_yolo_car_detection")
def lesson_13(n_frames: int = 100):
    """Notebook 13: the shipped detector on the 300 held-out scenes (per-class AP at IoU 0.5, as on the card),
    the notebook's own ``yolo_eval`` pipeline (class-agnostic NMS) on the same scenes, the predict path on
    720x1280 frames resized by ``frame_for_model``, the weight file's size and the training time on the card."""
    from .datasets.scenes import DISPLAY_SHAPE, load_scenes
    from .models.storage import find_weights
    from .models.yolo import WEIGHTS_NAME, evaluate_detections, load_card, pretrained_yolo, yolo_head
    from .pretrain.yolo import TEST_SEED, evaluate
    from .yolo_viz import frame_for_model

    ns = _solutions("13_yolo_car_detection")
    model, anchors, classes = pretrained_yolo()
    card = load_card()
    size = tuple(int(v) for v in model.input.shape[1:3])
    C = len(classes)
    images, boxes = load_scenes(300, seed=TEST_SEED, size=size)
    per_class = evaluate(model, images, boxes, anchors, C)

    def pipeline(frames, shape):
        out = []
        for k in range(len(frames)):
            _, x = frame_for_model(frames[k], size)
            outputs = yolo_head(model(x, training=False), anchors, C)
            s, bx, c = (np.asarray(t) for t in ns["yolo_eval"](outputs, shape, max_boxes=100, score_threshold=0.01,
                                                                 iou_threshold=0.5))
            out.append(np.column_stack([c, s, bx[:, 1], bx[:, 0], bx[:, 3], bx[:, 2]]).reshape(-1, 6))
        return out

    notebook = evaluate_detections(pipeline(images, size), boxes, C)
    frames, frame_boxes = load_scenes(n_frames, seed=TEST_SEED, size=DISPLAY_SHAPE)
    resized = evaluate_detections(pipeline(frames, DISPLAY_SHAPE), frame_boxes, C)
    file_mb = find_weights(WEIGHTS_NAME).stat().st_size / 1e6
    seconds = card["time"]["total_seconds"]
    rows = [("13 held-out mAP@0.5, 300 scenes, per-class NMS (the card's measure)", per_class["map"], ">= 0.70",
             per_class["map"] >= 0.70),
            ("13 held-out AP@0.5 of cars", per_class["ap"]["car"], ">= 0.80", per_class["ap"]["car"] >= 0.80)]
    rows += [(f"13 held-out AP@0.5 of {name}", ap, "", True) for name, ap in per_class["ap"].items() if name != "car"]
    rows += [("13 held-out mAP@0.5 with the notebook's yolo_eval (class-agnostic NMS)", notebook["map"], "", True),
             (f"13 mAP@0.5 on {n_frames} 720x1280 frames resized by frame_for_model (predict's path)",
              resized["map"], "", True),
             ("13 weight file: MB", file_mb, "<= 20", file_mb <= 20),
             ("13 pretraining time on the card (data, training, evaluation): seconds", seconds, "< 1800",
              seconds < 1800)]
    return rows


@lesson("15_neural_style_transfer")
def lesson_15(size: int = 128, steps: int = 100):
    """Notebook 15: the notebook's own costs with the default feature network (compact VGG) on three content/style
    pairs (``course_utils.style_compare``): style cost reduction, layout kept, colours moved toward the painting."""
    from .style_compare import PAIRS, compare

    rows = []
    for r in compare(size, steps, networks=("compact_vgg",), pairs=PAIRS, log=lambda *_: None)[0]:
        pair = f"{r['content']} + {r['style']}"
        reduction = 100 * r["style_reduction"]
        rows += [(f"15 {pair}: style cost reduction after {steps} steps at {size}px %", reduction, ">= 90",
                  reduction >= 90),
                 (f"15 {pair}: layout kept (blurred grey correlation with the photo)", r["layout_kept"], ">= 0.6",
                  r["layout_kept"] >= 0.6),
                 (f"15 {pair}: colour distance to the painting, result / photo", r["colour_distance"] /
                  r["colour_distance_of_the_photo"], "< 0.9", r["colour_distance"] < 0.9 * r["colour_distance_of_the_photo"]),
                 (f"15 {pair}: seconds per step at {size}px", r["seconds_per_step"], "", True)]
    return rows


def _print(rows) -> bool:
    ok = True
    for name, value, floor, passed in rows:
        ok &= passed
        mark = "ok  " if passed else "FAIL"
        print(f"  {mark} {name:<78} {value:10.4g}  {floor}", flush=True)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", default="all", choices=["all", "data", "lessons"])
    parser.add_argument("notebooks", nargs="*", help="notebook numbers or names for 'lessons' (default: all)")
    args = parser.parse_args(argv)
    ok = True
    if args.what in ("all", "data"):
        print("data", flush=True)
        ok &= _print(bench_data())
    if args.what in ("all", "lessons"):
        chosen = [n for n in LESSONS if not args.notebooks or any(n.startswith(a) for a in args.notebooks)]
        for name in chosen:
            start = time.perf_counter()
            print(f"{name}", flush=True)
            ok &= _print(LESSONS[name]())
            print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    print("all floors hold" if ok else "SOME FLOORS DO NOT HOLD")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
