"""The drawings and plots of notebook 16 (course_utils.rnn_viz)."""

import numpy as np
import pytest

from course_utils.rnn_viz import (
    draw_lstm_cell,
    draw_rnn_cell,
    draw_unrolled_rnn,
    plot_gate_activations,
    plot_gradient_norms,
)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _gids(ax):
    return [p.get_gid() for p in ax.patches]


def test_unrolled_rnn_has_one_cell_per_step_and_the_states_between():
    ax = draw_unrolled_rnn(T_x=3)
    assert [g for g in _gids(ax) if g.startswith("cell ")] == ["cell 1", "cell 2", "cell 3"]
    texts = _texts(ax)
    for t in (1, 2, 3):
        assert rf"$x^{{\langle {t} \rangle}}$" in texts and rf"$\hat{{y}}^{{\langle {t} \rangle}}$" in texts
    assert [t for t in texts if t.startswith("$a^")] == [rf"$a^{{\langle {t} \rangle}}$" for t in (0, 1, 2, 3)]
    assert not any(t.startswith("$c^") for t in texts)
    assert ax.get_title() == "An RNN unrolled over T_x = 3 time steps"


def test_unrolled_lstm_passes_both_states():
    ax = draw_unrolled_rnn(T_x=2, cell="LSTM", title="t")
    texts = _texts(ax)
    assert sum(t.startswith("$c^") for t in texts) == 3 and sum(t.startswith("$a^") for t in texts) == 3
    assert ax.get_title() == "t" and "LSTM\ncell" in texts


@pytest.mark.parametrize("kwargs, message", [({"T_x": 0}, "from 1 to 8"), ({"T_x": 9}, "from 1 to 8"),
                                             ({"T_x": 2.5}, "from 1 to 8"), ({"cell": "GRU"}, "RNN")])
def test_unrolled_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        draw_unrolled_rnn(**kwargs)


def test_rnn_cell_shows_the_affine_step_tanh_and_softmax():
    ax = draw_rnn_cell()
    assert {"cell body", "affine", "tanh", "softmax"} <= set(_gids(ax))
    texts = " ".join(_texts(ax))
    assert "W_{aa}" in texts and "W_{ax}" in texts and "tanh" in texts and "softmax" in texts
    assert len(ax.patches) == 4 and ax.get_title() == "A basic RNN cell"


def test_lstm_cell_has_three_sigmoid_gates_a_candidate_and_the_operations():
    ax = draw_lstm_cell()
    gids = _gids(ax)
    for name in ("forget gate", "update gate", "candidate", "output gate", "tanh of c", "softmax",
                 "forget product", "update product", "output product", "cell sum"):
        assert gids.count(name) == 1, name
    texts = _texts(ax)
    assert texts.count(r"$\sigma$") == 3 and texts.count("×") == 3 and texts.count("+") == 1
    for sym in ("f", "i", r"\tilde{c}", "o"):
        assert rf"${sym}^{{\langle t \rangle}}$" in texts, sym
    assert ax.get_title() == "An LSTM cell"


def test_diagrams_draw_on_a_given_axis():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3)
    assert draw_rnn_cell(ax=axes[0]) is axes[0]
    assert draw_lstm_cell(ax=axes[1]) is axes[1]
    assert draw_unrolled_rnn(ax=axes[2]) is axes[2]


def test_gate_activations_one_row_per_series_with_marks():
    T = 12
    fig = plot_gate_activations({"input": np.linspace(-2, 2, T), "gate": np.linspace(0, 1, T),
                                 "units": np.zeros((3, T))}, marks=[2, 7], mark_label="write", title="gates")
    axes = fig.axes
    assert [ax.get_ylabel() for ax in axes] == ["input", "gate", "units"]
    assert len(axes[2].lines) >= 3
    assert axes[1].get_ylim() == pytest.approx((-0.05, 1.05))  # a gate: values within [0, 1]
    assert axes[0].get_ylim()[0] < -1.5
    marks = [line for line in axes[0].lines if line.get_linestyle() == "--"]
    assert len(marks) == 2 and axes[0].get_legend() is not None
    assert fig._suptitle.get_text() == "gates"


@pytest.mark.parametrize("series, message", [({}, "non-empty"), ({"a": np.zeros((2, 2, 2))}, "1-D"),
                                             ({"a": np.zeros(3), "b": np.zeros(4)}, "same number of time steps")])
def test_gate_activations_friendly_errors(series, message):
    with pytest.raises(ValueError, match=message):
        plot_gate_activations(series)


def test_gradient_norms_on_a_log_scale():
    ax = plot_gradient_norms({"rnn": 10.0 ** -np.arange(5), "lstm": np.array([0.5, 0.0, 1.0])}, title="g")
    assert ax.get_yscale() == "log" and ax.get_title() == "g"
    assert [line.get_label() for line in ax.lines] == ["rnn", "lstm"]
    assert np.isnan(ax.lines[1].get_ydata()[1])  # a zero cannot be drawn on a log scale: left out
    with pytest.raises(ValueError, match="1-D"):
        plot_gradient_norms({"x": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="non-empty"):
        plot_gradient_norms({})
