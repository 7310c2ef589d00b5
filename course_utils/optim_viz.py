"""Loss surfaces of two parameters and the paths optimizers take on them.

Introduced in notebook 08 (optimization methods), whose explorer draws the
trajectories of gradient descent, momentum and Adam on a toy problem.

A toy problem is a loss ``f(w1, w2)`` of two numbers. To run the learner's
own update functions on it, the two numbers are stored the way those
functions expect a network's parameters: ``{"W1": [[w1]], "b1": [[w2]]}``, a
"network" of one layer with one weight and one bias, and the gradient as
``{"dW1": [[df/dw1]], "db1": [[df/dw2]]}``.

Two surfaces:

- :func:`elongated_bowl`, the quadratic ``(w1**2 + stretch * w2**2) / 2``:
  steep across (along ``w2``), flat along (``w1``). Gradient descent
  zig-zags across it and crawls along it.
- :func:`curved_valley`, a Rosenbrock function ``(1 - w1)**2 + steepness *
  (w2 - w1**2)**2``: a narrow parabolic valley whose floor slopes gently to
  the minimum at (1, 1).

An optimizer is given to :func:`trajectory` as ``step(parameters, grads,
state, t) -> (parameters, state)`` with an optional ``init(parameters) ->
state`` (the velocity of momentum, the moments of Adam); ``t`` counts the
steps from 1.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

__all__ = ["ToyProblem", "elongated_bowl", "curved_valley", "toy_problems", "trajectory", "plot_trajectories",
           "trajectory_explorer"]


@dataclass(frozen=True)
class ToyProblem:
    """A loss of two parameters with its gradient, a starting point and a drawing window.

    ``loss(w1, w2)`` and ``gradient(w1, w2) -> (d1, d2)`` work on numbers
    and, entry by entry, on arrays of the same shape (for contour plots).
    """

    name: str
    loss: Callable
    gradient: Callable
    start: tuple
    minimum: tuple
    xlim: tuple
    ylim: tuple

    def as_parameters(self, point) -> dict:
        """``(w1, w2)`` as the parameters of a one-layer network: ``{"W1": [[w1]], "b1": [[w2]]}``."""
        w1, w2 = _point(point, "point")
        return {"W1": np.array([[w1]]), "b1": np.array([[w2]])}

    def point_of(self, parameters) -> np.ndarray:
        """The inverse of :meth:`as_parameters`: the array ``[w1, w2]``."""
        if not isinstance(parameters, dict) or "W1" not in parameters or "b1" not in parameters:
            raise ValueError("parameters must be a dict with the keys 'W1' and 'b1' (one number each); "
                             f"got {parameters!r}")
        values = [np.asarray(parameters[k], dtype=float) for k in ("W1", "b1")]
        for key, value in zip(("W1", "b1"), values):
            if value.size != 1:
                raise ValueError(f"parameters[{key!r}] must hold one number; got shape {value.shape}")
        return np.array([values[0].item(), values[1].item()])

    def gradients(self, parameters) -> dict:
        """The gradient at ``parameters`` in the layout of a backward pass: ``{"dW1": ..., "db1": ...}``."""
        w1, w2 = self.point_of(parameters)
        d1, d2 = self.gradient(w1, w2)
        return {"dW1": np.array([[float(d1)]]), "db1": np.array([[float(d2)]])}


def _point(point, what: str) -> tuple[float, float]:
    try:
        values = np.asarray(point, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be two numbers (w1, w2); got {point!r}") from None
    if values.size != 2 or not np.all(np.isfinite(values)):
        raise ValueError(f"{what} must be two finite numbers (w1, w2); got {point!r}")
    return float(values[0]), float(values[1])


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    return float(value)


def elongated_bowl(stretch: float = 20.0, start=(-4.0, 1.5)) -> ToyProblem:
    """The bowl ``(w1**2 + stretch * w2**2) / 2``, ``stretch`` times steeper across than along.

    Its minimum is 0 at (0, 0). Gradient descent is stable for learning
    rates below ``2 / stretch``.
    """
    stretch = _positive("stretch", stretch)
    start = _point(start, "start")

    def loss(w1, w2):
        return 0.5 * (np.square(w1) + stretch * np.square(w2))

    def gradient(w1, w2):
        return w1, stretch * w2

    extent = max(abs(start[0]), abs(start[1]) * 2, 1.0) * 1.15
    return ToyProblem(f"elongated bowl (stretch {stretch:g})", loss, gradient, start, (0.0, 0.0),
                      (-extent, extent), (-extent / 2, extent / 2))


def curved_valley(steepness: float = 10.0, start=(-1.5, 2.0)) -> ToyProblem:
    """The Rosenbrock valley ``(1 - w1)**2 + steepness * (w2 - w1**2)**2``, minimum 0 at (1, 1)."""
    steepness = _positive("steepness", steepness)
    start = _point(start, "start")

    def loss(w1, w2):
        return np.square(1 - w1) + steepness * np.square(w2 - np.square(w1))

    def gradient(w1, w2):
        inner = w2 - np.square(w1)
        return -2 * (1 - w1) - 4 * steepness * w1 * inner, 2 * steepness * inner

    return ToyProblem(f"curved valley (steepness {steepness:g})", loss, gradient, start, (1.0, 1.0),
                      (-2.0, 2.0), (-1.0, 3.0))


def toy_problems() -> dict:
    """The surfaces of notebook 08's explorer, by name: ``elongated bowl`` and ``curved valley``."""
    return {"elongated bowl": elongated_bowl(), "curved valley": curved_valley()}


def trajectory(problem: ToyProblem, step: Callable, num_steps: int, init: Callable | None = None,
               start=None, max_distance: float = 1e3) -> np.ndarray:
    """The points ``(w1, w2)`` an optimizer visits, start included: an array ``(k + 1, 2)``.

    ``step(parameters, grads, state, t)`` returns ``(parameters, state)``;
    ``state`` starts as ``init(parameters)`` (``None`` without ``init``) and
    ``t`` runs from 1 to ``num_steps``. The walk stops early (``k <
    num_steps``) when a point is not finite or lies farther than
    ``max_distance`` from the start: the optimizer diverged.
    """
    if not isinstance(problem, ToyProblem):
        raise ValueError(f"problem must be a ToyProblem (e.g. elongated_bowl()); got {type(problem).__name__}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, numbers.Integral) or num_steps < 0:
        raise ValueError(f"num_steps must be a whole number >= 0; got {num_steps!r}")
    if not callable(step):
        raise ValueError("step must be a function step(parameters, grads, state, t) -> (parameters, state)")
    max_distance = _positive("max_distance", max_distance)
    origin = np.array(_point(problem.start if start is None else start, "start"))
    parameters = problem.as_parameters(origin)
    state = init(parameters) if init is not None else None
    path = [origin]
    for t in range(1, int(num_steps) + 1):
        result = step(parameters, problem.gradients(parameters), state, t)
        if not isinstance(result, tuple) or len(result) != 2:
            raise ValueError(f"step must return (parameters, state); got {type(result).__name__}")
        parameters, state = result
        point = problem.point_of(parameters)
        if not np.all(np.isfinite(point)) or np.linalg.norm(point - origin) > max_distance:
            break
        path.append(point)
    return np.array(path)


def plot_trajectories(problem: ToyProblem, paths: Mapping[str, np.ndarray], num_steps: int | None = None,
                      ax=None, title: str | None = None, resolution: int = 200, levels: int = 18):
    """Contours of ``problem``'s loss with each path of ``paths`` (name -> ``(k, 2)`` points) on top.

    The start is a black dot, the minimum a star. Each legend entry gives the
    loss at the path's last point; with ``num_steps`` (what was asked of
    :func:`trajectory`), a path that stopped early is marked as diverged.
    Returns the axis.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    if not isinstance(problem, ToyProblem):
        raise ValueError(f"problem must be a ToyProblem; got {type(problem).__name__}")
    paths = dict(paths)
    for name, path in paths.items():
        path = np.asarray(path)
        if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
            raise ValueError(f"the path {name!r} must be an array of points shaped (k, 2); got {path.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    xs = np.linspace(*problem.xlim, resolution)
    ys = np.linspace(*problem.ylim, resolution)
    xx, yy = np.meshgrid(xs, ys)
    zz = problem.loss(xx, yy)
    low = max(float(zz.min()), 1e-3)
    ax.contourf(xx, yy, np.maximum(zz, low), levels=np.geomspace(low, zz.max(), levels), norm=LogNorm(),
                cmap="Blues_r", alpha=0.85)
    ax.contour(xx, yy, np.maximum(zz, low), levels=np.geomspace(low, zz.max(), levels), colors="white",
               linewidths=0.4, alpha=0.7)
    colors = ["#E45756", "#F58518", "#54A24B", "#B279A2", "#4C78A8"]
    for i, (name, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        steps = len(path) - 1
        if num_steps is not None and steps < num_steps:
            label = f"{name}: diverged after {steps} steps"
        else:
            label = f"{name}: loss {float(problem.loss(path[-1, 0], path[-1, 1])):.2g} after {steps} steps"
        ax.plot(path[:, 0], path[:, 1], "-o", color=colors[i % len(colors)], lw=1.6, ms=2.5, label=label)
    ax.plot(*problem.start, "ko", ms=6, zorder=5)
    ax.plot(*problem.minimum, "*", color="gold", mec="k", ms=14, zorder=5)
    ax.set_xlim(*problem.xlim)
    ax.set_ylim(*problem.ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(title or problem.name)
    if paths:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return ax


def trajectory_explorer(optimizers_for: Callable, problems: Mapping[str, ToyProblem] | None = None,
                        learning_rates=(0.001, 0.003, 0.01, 0.03, 0.05, 0.09, 0.1, 0.11, 0.3),
                        betas=(0.0, 0.5, 0.7, 0.9, 0.95, 0.99), steps=(10, 25, 50, 100, 200, 500),
                        value: Mapping | None = None):
    """Controls for the surface, the learning rate, beta and the number of steps, over a trajectory plot.

    ``optimizers_for(learning_rate, beta)`` returns ``{name: (step, init)}``
    (see :func:`trajectory`); every optimizer starts from the surface's
    starting point and runs the chosen number of steps. ``value`` sets the
    first view, e.g. ``{"learning rate": 0.09, "beta": 0.9, "steps": 50}``
    (default: the first option of each control). Built on
    :func:`course_utils.widgets.choice_explorer`; returns its panel, already
    displayed, with the first view drawn.
    """
    from .widgets import choice_explorer

    problems = dict(toy_problems() if problems is None else problems)
    if not problems:
        raise ValueError("trajectory_explorer needs at least one problem")
    for name, problem in problems.items():
        if not isinstance(problem, ToyProblem):
            raise ValueError(f"problem {name!r} must be a ToyProblem; got {type(problem).__name__}")
    controls = {"surface": list(problems), "learning rate": list(learning_rates), "beta": list(betas),
                "steps": list(steps)}
    value = dict(value or {})
    unknown = [k for k in value if k not in controls]
    if unknown:
        raise ValueError(f"value has unknown control(s) {unknown}; the controls are {list(controls)}")
    for key, v in value.items():
        if v not in controls[key]:
            raise ValueError(f"{key} = {v!r} is not one of its options {controls[key]}")

    def render(values, _):
        problem, num_steps = problems[values["surface"]], values["steps"]
        paths = {name: trajectory(problem, step, num_steps, init=init)
                 for name, (step, init) in optimizers_for(values["learning rate"], values["beta"]).items()}
        plot_trajectories(problem, paths, num_steps=num_steps,
                          title=f"{problem.name}: learning rate {values['learning rate']:g}, "
                                f"beta {values['beta']:g}")

    # One step of each optimizer before any widget exists: an unfinished exercise fails here, in the cell
    # (the Output widget would swallow the error and show its whole traceback inside the explorer).
    first = {name: value.get(name, options[0]) for name, options in controls.items()}
    for step, init in optimizers_for(first["learning rate"], first["beta"]).values():
        trajectory(problems[first["surface"]], step, 1, init=init)
    panel = choice_explorer(controls, render)
    for name, v in value.items():  # the requested first view (each move redraws; a few tenths of a second)
        panel.controls[name].value = v
    # A notebook runner (nbclient 0.11) answers every output an Output widget captures with a message on the
    # kernel's shell channel; if that coincides with the cell's execute_reply, the runner can miss the reply
    # and wait for the cell's whole timeout (jupyter/nbclient#312). A short pause lets those messages go first.
    time.sleep(0.3)
    return panel
