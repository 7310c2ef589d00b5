"""The given helpers of notebook 17 (course_utils.nn.char_rnn): a numerical gradient checks the backward pass."""

import numpy as np
import pytest

from course_utils.gradcheck import numerical_gradient, relative_difference
from course_utils.nn import char_rnn as cr

VOCAB = 7


def random_parameters(rng, n_a=4, n_x=VOCAB, scale=0.8):
    return {"Wax": rng.normal(scale=scale, size=(n_a, n_x)), "Waa": rng.normal(scale=scale, size=(n_a, n_a)),
            "Wya": rng.normal(scale=scale, size=(n_x, n_a)), "b": rng.normal(scale=0.3, size=(n_a, 1)),
            "by": rng.normal(scale=0.3, size=(n_x, 1))}


def test_softmax_columns_sum_to_one_and_survive_large_inputs():
    z = np.array([[1.0, 1000.0], [2.0, 1001.0], [3.0, 999.0]])
    p = cr.softmax(z)
    np.testing.assert_allclose(p.sum(axis=0), [1.0, 1.0])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(p[:, 0], e / e.sum())
    np.testing.assert_allclose(p[:, 1], cr.softmax(z[:, 1:] - 1000)[:, 0])
    assert np.isfinite(p).all()


def test_smooth_and_initial_loss():
    assert cr.smooth(10.0, 20.0) == pytest.approx(10.01)
    assert cr.smooth(10.0, 20.0, beta=0.5) == pytest.approx(15.0)
    assert cr.get_initial_loss(27, 7) == pytest.approx(7 * np.log(27))


def test_initialize_parameters_shapes_seed_and_global_generator():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    p = cr.initialize_parameters(5, 27, 27)
    assert np.array_equal(np.random.get_state()[1], before), "the global generator must not be used"
    assert {k: v.shape for k, v in p.items()} == {"Wax": (5, 27), "Waa": (5, 5), "Wya": (27, 5), "b": (5, 1),
                                                   "by": (27, 1)}
    assert np.all(p["b"] == 0) and np.all(p["by"] == 0)
    assert 0.005 < np.std(p["Wax"]) < 0.02
    q = cr.initialize_parameters(5, 27, 27)
    assert all(np.array_equal(p[k], q[k]) for k in p)
    assert not np.array_equal(p["Wax"], cr.initialize_parameters(5, 27, 27, seed=2)["Wax"])


def test_one_hot():
    assert cr.one_hot(None, 4).tolist() == [[0.0]] * 4
    assert cr.one_hot(2, 4)[:, 0].tolist() == [0.0, 0.0, 1.0, 0.0]


def test_rnn_forward_matches_an_explicit_loop():
    rng = np.random.default_rng(0)
    params = random_parameters(rng)
    X, Y = [None, 3, 1, 5], [3, 1, 5, 0]
    a0 = rng.normal(size=(4, 1))
    loss, (y_hat, a, x) = cr.rnn_forward(X, Y, a0, params)
    h, expected = a0, 0.0
    for t, (xt, yt) in enumerate(zip(X, Y)):
        v = np.zeros((VOCAB, 1)) if xt is None else np.eye(VOCAB)[:, [xt]]
        h = np.tanh(params["Wax"] @ v + params["Waa"] @ h + params["b"])
        z = (params["Wya"] @ h + params["by"])[:, 0]
        expected += np.log(np.sum(np.exp(z))) - z[yt]
        np.testing.assert_allclose(a[t], h)
    assert loss == pytest.approx(expected, rel=1e-12)
    assert np.array_equal(a[-1], a0) and a[-1] is not a0
    assert len(y_hat) == len(x) == 4


def test_rnn_forward_rejects_sequences_of_different_lengths():
    params = random_parameters(np.random.default_rng(1))
    with pytest.raises(ValueError, match="same length"):
        cr.rnn_forward([None, 1], [1], np.zeros((4, 1)), params)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_backward_matches_a_numerical_gradient(seed):
    rng = np.random.default_rng(seed)
    params = random_parameters(rng)
    X = [None] + list(rng.integers(0, VOCAB, size=5))
    Y = X[1:] + [0]
    a0 = rng.normal(scale=0.5, size=(4, 1))
    _, cache = cr.rnn_forward(X, Y, a0, params)
    gradients, a = cr.rnn_backward(X, Y, params, cache)
    assert sorted(gradients) == sorted(cr.GRADIENT_NAMES)
    assert a is cache[1]
    for name in cr.PARAMETER_NAMES:

        def loss_of(value, name=name):
            return cr.rnn_forward(X, Y, a0, {**params, name: value})[0]

        numeric = numerical_gradient(loss_of, params[name], eps=1e-6)
        assert gradients[f"d{name}"].shape == params[name].shape
        assert relative_difference(gradients[f"d{name}"], numeric) < 1e-7, name


def test_a_wrong_backward_pass_is_caught_by_the_same_comparison():
    rng = np.random.default_rng(5)
    params = random_parameters(rng)
    X, Y = [None, 2, 4], [2, 4, 0]
    a0 = np.zeros((4, 1))
    _, cache = cr.rnn_forward(X, Y, a0, params)
    gradients, _ = cr.rnn_backward(X, Y, params, cache)
    numeric = numerical_gradient(lambda v: cr.rnn_forward(X, Y, a0, {**params, "Waa": v})[0], params["Waa"], eps=1e-6)
    assert relative_difference(gradients["dWaa"].T, numeric) > 1e-3  # a transposed gradient would not pass


def test_update_parameters_is_in_place():
    rng = np.random.default_rng(3)
    params = random_parameters(rng)
    arrays = {k: v for k, v in params.items()}
    before = {k: v.copy() for k, v in params.items()}
    grads = {f"d{k}": rng.normal(size=v.shape) for k, v in params.items()}
    out = cr.update_parameters(params, grads, 0.1)
    assert out is params
    for k in params:
        assert params[k] is arrays[k]
        np.testing.assert_allclose(params[k], before[k] - 0.1 * grads[f"d{k}"])


def test_names_from_indices():
    ix_to_char = {0: "\n", **{i: chr(ord("a") + i - 1) for i in range(1, 27)}}
    assert cr.name_from_indices([20, 18, 5, 24, 0], ix_to_char) == "Trex"
    assert cr.name_from_indices([1, 2], ix_to_char) == "Ab"
    assert cr.name_from_indices([0], ix_to_char) == ""


def test_print_sample(capsys):
    cr.print_sample([2, 1, 2, 25, 0], {0: "\n", 1: "a", 2: "b", 25: "y"})
    assert capsys.readouterr().out == "Baby\n"


def test_with_temperature_scales_only_the_output_layer():
    rng = np.random.default_rng(4)
    params = random_parameters(rng)
    hot = cr.with_temperature(params, 2.0)
    np.testing.assert_allclose(hot["Wya"], params["Wya"] / 2)
    np.testing.assert_allclose(hot["by"], params["by"] / 2)
    assert hot["Wax"] is not params["Wax"] and np.array_equal(hot["Wax"], params["Wax"])
    a = rng.normal(size=(4, 1))
    z = params["Wya"] @ a + params["by"]
    np.testing.assert_allclose(cr.softmax(hot["Wya"] @ a + hot["by"]), cr.softmax(z / 2.0))
    with pytest.raises(ValueError, match="positive"):
        cr.with_temperature(params, 0)


def test_names_loss_adds_up_the_sequences():
    rng = np.random.default_rng(6)
    char_to_ix = {"\n": 0, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}
    params = random_parameters(rng)
    total, count = cr.names_loss(params, ["abc", "fed"], char_to_ix)
    one = cr.rnn_forward([None, 1, 2, 3], [1, 2, 3, 0], np.zeros((4, 1)), params)[0]
    two = cr.rnn_forward([None, 6, 5, 4], [6, 5, 4, 0], np.zeros((4, 1)), params)[0]
    assert count == 8 and total == pytest.approx(one + two)
    uniform = cr.initialize_parameters(4, VOCAB, VOCAB)
    total, count = cr.names_loss(uniform, ["abc"], char_to_ix)
    assert total / count == pytest.approx(np.log(VOCAB), rel=1e-3)
