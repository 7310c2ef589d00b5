"""The toy loss surfaces of notebook 08, the trajectories on them and their plot and explorer."""

import numpy as np
import pytest

from course_utils import optim_viz as ov
from course_utils.gradcheck import numerical_gradient


def gd(learning_rate):
    def step(parameters, grads, state, t):
        return {k: parameters[k] - learning_rate * grads["d" + k] for k in parameters}, state
    return step


@pytest.mark.parametrize("problem", [ov.elongated_bowl(), ov.curved_valley(), ov.elongated_bowl(5.0, (2.0, -1.0)),
                                     ov.curved_valley(100.0)], ids=lambda p: p.name)
def test_gradient_matches_a_numerical_gradient(problem):
    rng = np.random.default_rng(0)
    for point in rng.uniform(-2, 2, size=(5, 2)):
        numeric = numerical_gradient(lambda w: problem.loss(w[0], w[1]), point, eps=1e-6)
        np.testing.assert_allclose(problem.gradient(*point), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("problem", [ov.elongated_bowl(), ov.curved_valley()], ids=lambda p: p.name)
def test_minimum_is_a_minimum_and_works_on_grids(problem):
    assert problem.loss(*problem.minimum) == 0
    np.testing.assert_allclose(problem.gradient(*problem.minimum), (0, 0), atol=1e-12)
    xx, yy = np.meshgrid(np.linspace(*problem.xlim, 7), np.linspace(*problem.ylim, 5))
    zz = problem.loss(xx, yy)
    assert zz.shape == (5, 7) and np.all(zz >= 0)
    g1, g2 = problem.gradient(xx, yy)
    assert np.shape(g1) == np.shape(g2) == (5, 7)
    x0, x1 = problem.xlim
    assert x0 < problem.start[0] < x1 and x0 < problem.minimum[0] < x1


def test_parameters_layout_round_trip():
    problem = ov.elongated_bowl(stretch=10.0)
    params = problem.as_parameters((1.5, -2.0))
    assert set(params) == {"W1", "b1"} and params["W1"].shape == params["b1"].shape == (1, 1)
    np.testing.assert_array_equal(problem.point_of(params), [1.5, -2.0])
    grads = problem.gradients(params)
    assert set(grads) == {"dW1", "db1"}
    np.testing.assert_allclose([grads["dW1"].item(), grads["db1"].item()], [1.5, -20.0])


def test_gradient_descent_on_the_bowl_follows_the_closed_form():
    problem = ov.elongated_bowl(stretch=4.0, start=(3.0, 2.0))
    path = ov.trajectory(problem, gd(0.1), 30)
    assert path.shape == (31, 2)
    steps = np.arange(31)
    np.testing.assert_allclose(path[:, 0], 3.0 * 0.9 ** steps)
    np.testing.assert_allclose(path[:, 1], 2.0 * 0.6 ** steps)


def test_trajectory_state_and_step_counter():
    seen = []

    def init(parameters):
        return {"calls": 0}

    def step(parameters, grads, state, t):
        seen.append(t)
        return parameters, {"calls": state["calls"] + 1}

    path = ov.trajectory(ov.curved_valley(), step, 4, init=init, start=(0.5, 0.5))
    assert seen == [1, 2, 3, 4] and path.shape == (5, 2) and np.all(path == 0.5)
    assert ov.trajectory(ov.curved_valley(), step, 0).shape == (1, 2)


def test_trajectory_stops_when_the_optimizer_diverges():
    problem = ov.elongated_bowl(stretch=20.0)
    path = ov.trajectory(problem, gd(0.2), 100)  # 0.2 > 2 / 20: the steep direction blows up
    assert 1 < len(path) < 101 and np.all(np.isfinite(path))
    assert np.all(np.linalg.norm(path - problem.start, axis=1) <= 1e3)

    def nan_step(parameters, grads, state, t):
        return {"W1": np.array([[np.nan]]), "b1": np.array([[0.0]])}, state

    assert len(ov.trajectory(problem, nan_step, 5)) == 1


def test_friendly_errors():
    bowl = ov.elongated_bowl()
    with pytest.raises(ValueError, match="stretch must be a positive number"):
        ov.elongated_bowl(stretch=0)
    with pytest.raises(ValueError, match="steepness must be a positive number"):
        ov.curved_valley(steepness="steep")
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        ov.elongated_bowl(start=(1.0, np.inf))
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        ov.trajectory(bowl, gd(0.1), 3, start=(1, 2, 3))
    with pytest.raises(ValueError, match="num_steps must be a whole number"):
        ov.trajectory(bowl, gd(0.1), 2.5)
    with pytest.raises(ValueError, match="num_steps must be a whole number"):
        ov.trajectory(bowl, gd(0.1), -1)
    with pytest.raises(ValueError, match="problem must be a ToyProblem"):
        ov.trajectory("bowl", gd(0.1), 3)
    with pytest.raises(ValueError, match="step must be a function"):
        ov.trajectory(bowl, None, 3)
    with pytest.raises(ValueError, match=r"step must return \(parameters, state\)"):
        ov.trajectory(bowl, lambda p, g, s, t: p, 3)
    with pytest.raises(ValueError, match="keys 'W1' and 'b1'"):
        bowl.point_of({"W": 1})
    with pytest.raises(ValueError, match="must hold one number"):
        bowl.point_of({"W1": np.zeros((2, 1)), "b1": np.zeros((1, 1))})


def test_plot_trajectories_draws_each_path_and_marks_divergence():
    problem = ov.elongated_bowl()
    paths = {"slow": ov.trajectory(problem, gd(0.01), 20), "diverging": ov.trajectory(problem, gd(0.2), 20)}
    ax = ov.plot_trajectories(problem, paths, num_steps=20, title="two learning rates")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("slow: loss ") and labels[0].endswith("after 20 steps")
    assert labels[1].startswith("diverging: diverged after ")
    assert ax.get_title() == "two learning rates"
    assert ax.get_xlim() == problem.xlim and ax.get_ylim() == problem.ylim
    with pytest.raises(ValueError, match=r"shaped \(k, 2\)"):
        ov.plot_trajectories(problem, {"bad": np.zeros((3, 3))})


def test_trajectory_explorer_draws_the_requested_first_view_and_redraws():
    calls = []

    def optimizers_for(learning_rate, beta):
        calls.append((learning_rate, beta))
        return {"gd": (gd(learning_rate), None)}

    panel = ov.trajectory_explorer(optimizers_for, value={"learning rate": 0.03, "steps": 25})
    assert calls[-1] == (0.03, 0.0)
    assert panel.controls["learning rate"].value == 0.03 and panel.controls["steps"].value == 25
    panel.controls["beta"].value = 0.9
    assert calls[-1] == (0.03, 0.9)
    with pytest.raises(ValueError, match="not one of its options"):
        ov.trajectory_explorer(optimizers_for, value={"learning rate": 0.123})
    with pytest.raises(ValueError, match="unknown control"):
        ov.trajectory_explorer(optimizers_for, value={"momentum": 0.9})
    with pytest.raises(ValueError, match="must be a ToyProblem"):
        ov.trajectory_explorer(optimizers_for, problems={"bowl": "not a problem"})


def test_trajectory_explorer_lets_an_unfinished_optimizer_fail_in_the_cell(capsys):
    def unfinished(parameters, grads, state, t):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        ov.trajectory_explorer(lambda learning_rate, beta: {"gd": (unfinished, None)})
    assert "VBox" not in capsys.readouterr().out  # raised before any widget was displayed
