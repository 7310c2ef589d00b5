"""course_utils.nn.gradient_checking (notebook 07's network as a cost function) and plot_difference_errors."""

import numpy as np
import pytest

from course_utils.gradcheck import (
    dictionary_to_vector,
    gradients_to_vector,
    numerical_gradient,
    parameter_keys,
    relative_difference,
    vector_to_dictionary,
)
from course_utils.nn.gradient_checking import backward_propagation_n, forward_propagation_n, gradient_check_example


def test_example_has_the_original_shapes_and_dtypes():
    X, Y, parameters = gradient_check_example()
    assert X.shape == (4, 3) and Y.shape == (1, 3) and X.dtype == Y.dtype == np.float64
    shapes = {k: v.shape for k, v in parameters.items()}
    assert shapes == {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    assert set(np.unique(Y)) == {0.0, 1.0}


def test_example_other_sizes():
    X, Y, parameters = gradient_check_example(seed=3, layer_dims=[2, 6, 4, 1], m=7)
    assert X.shape == (2, 7) and Y.shape == (1, 7) and parameters["W2"].shape == (4, 6)
    assert Y[0, 0] == 1.0 and Y[0, -1] == 0.0
    _, Y1, _ = gradient_check_example(m=1)
    assert Y1.shape == (1, 1)


def test_example_is_deterministic_per_seed():
    a, b, c = gradient_check_example(seed=5), gradient_check_example(seed=5), gradient_check_example(seed=6)
    assert np.array_equal(a[0], b[0]) and all(np.array_equal(a[2][k], b[2][k]) for k in a[2])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("kwargs, words", [
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": 1.5}, "seed must be a non-negative integer"),
    ({"seed": True}, "seed must be a non-negative integer"),
    ({"layer_dims": (4, 5, 1)}, "layer_dims must list 4 sizes"),
    ({"layer_dims": "4531"}, "layer_dims must list 4 sizes"),
    ({"layer_dims": (4, 0, 3, 1)}, "every entry of layer_dims must be a positive integer"),
    ({"layer_dims": (4, 5, 3, 2)}, "layer_dims[-1] must be 1"),
    ({"m": 0}, "m (the number of examples) must be a positive integer"),
])
def test_example_rejects_bad_arguments(kwargs, words):
    with pytest.raises(ValueError) as info:
        gradient_check_example(**kwargs)
    assert words in str(info.value)


def test_forward_cost_is_the_cross_entropy_and_cache_is_flat():
    X, Y, parameters = gradient_check_example(seed=2)
    cost, cache = forward_propagation_n(X, Y, parameters)
    A3 = cache[9]
    naive = -np.mean(Y * np.log(A3) + (1 - Y) * np.log(1 - A3))
    assert isinstance(cost, float) and cost == pytest.approx(naive, rel=1e-12)
    assert len(cache) == 12 and cache[2] is parameters["W1"] and cache[10] is parameters["W3"]


def test_forward_cost_stays_accurate_when_the_sigmoid_saturates():
    X, Y, parameters = gradient_check_example(seed=2)
    parameters = dict(parameters, b3=np.array([[60.0]]))  # A3 rounds to 1 for every example
    cost, cache = forward_propagation_n(X, Y, parameters)
    Z3 = cache[8]
    assert np.all(cache[9] == 1.0)  # the naive formula would take log(0) for the y = 0 examples
    exact = np.mean(np.where(Y == 1, np.log1p(np.exp(-Z3)), Z3 + np.log1p(np.exp(-Z3))))
    assert np.isfinite(cost) and cost == pytest.approx(exact, rel=1e-12)


def test_forward_rejects_wrong_labels_and_inputs():
    X, Y, parameters = gradient_check_example()
    with pytest.raises(ValueError, match="Y must be"):
        forward_propagation_n(X, Y.T, parameters)
    with pytest.raises(ValueError, match="did you pass X.T"):
        forward_propagation_n(X.T, Y, parameters)
    with pytest.raises(ValueError, match="missing"):
        forward_propagation_n(X, Y, {"W1": parameters["W1"]})


@pytest.mark.parametrize("seed", [21, 4])
def test_backward_matches_the_numerical_gradient(seed):
    X, Y, parameters = gradient_check_example(seed=seed)
    _, cache = forward_propagation_n(X, Y, parameters)
    keys = parameter_keys(parameters)
    theta, _ = dictionary_to_vector(parameters, keys)
    numeric = numerical_gradient(lambda t: forward_propagation_n(X, Y, vector_to_dictionary(t, parameters, keys))[0],
                                 theta)
    analytic = gradients_to_vector(backward_propagation_n(X, Y, cache), keys)
    assert relative_difference(analytic, numeric) < 1e-7


# --------------------------------------------------------------------------- #
# plot_difference_errors
# --------------------------------------------------------------------------- #

def test_plot_difference_errors_draws_curves_guides_and_marks():
    from course_utils.plots import plot_difference_errors

    eps = np.logspace(-10, -1, 10)
    two, one = eps ** 2 + 1e-16 / eps, eps + 1e-16 / eps
    two[0] = 0.0  # exact zeros are left out, not drawn at -inf
    ax = plot_difference_errors(eps, {"two-sided": two, "one-sided": one},
                                guides={"slope 2": (eps[5:], eps[5:] ** 2)}, mark=1e-7, threshold=2e-7,
                                title="t", ylabel="relative difference")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.lines[:2]] == ["two-sided", "one-sided"]
    assert np.isnan(ax.lines[0].get_ydata()[0])
    assert len(ax.lines) == 5  # 2 curves, 1 guide, the mark and the threshold
    assert any(t.get_text() == "slope 2" for t in ax.texts) and any("1e-07" in t.get_text() for t in ax.texts)
    assert ax.get_ylabel() == "relative difference" and ax.get_title() == "t"


@pytest.mark.parametrize("epsilons, errors, guides, words", [
    ([0.0, 1e-3], {"a": [1, 2]}, None, "positive"),
    ([1e-3, 1e-2], {}, None, "no error curves"),
    ([1e-3, 1e-2], {"a": [1, 2, 3]}, None, "3 values for 2 epsilons"),
    ([1e-3, 1e-2], {"a": [1, 2]}, {"g": ([1e-3], [1, 2])}, "as many values"),
])
def test_plot_difference_errors_rejects_bad_input(epsilons, errors, guides, words):
    from course_utils.plots import plot_difference_errors

    with pytest.raises(ValueError, match=words):
        plot_difference_errors(epsilons, errors, guides=guides)
