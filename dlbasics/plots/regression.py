"""Plots of linear regression and gradient descent: data and lines, the cost bowl, descent paths."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._core import _axes, _style
from ._strings import text


def plot_fit(x, y, lines=None, *, ax=None) -> None:
    """Scatter the data ``(x, y)`` and draw the line H(x) = Wx + b for each ``label: (W, b)``."""
    x = as_float_array("x", x, ndim=1, shape_hint="(n_samples,)")
    y = as_float_array("y", y, ndim=1, shape_hint="(n_samples,)")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    with _style():
        ax = _axes(ax)
        ax.scatter(x, y, s=18, alpha=0.7, label=text("data"))
        grid = np.linspace(x.min(), x.max(), 2)
        for label, (W, b) in (lines or {}).items():
            ax.plot(grid, float(W) * grid + float(b), linewidth=2, label=label)
        ax.set(xlabel=text("x"), ylabel=text("y"), title=text("fit_title"))
        ax.legend()


def plot_cost_curve(W_values, costs, *, b=0.0, path=None, ax=None) -> None:
    """The bowl cost(W) over ``W_values``; ``path=(W_steps, cost_steps)`` marks gradient descent."""
    W_values = as_float_array("W_values", W_values, ndim=1, shape_hint="(n_values,)")
    costs = as_float_array("costs", costs, ndim=1, shape_hint="(n_values,)")
    if W_values.shape != costs.shape:
        raise ValueError(
            f"W_values and costs must have the same shape, got {W_values.shape} and {costs.shape}"
        )
    with _style():
        ax = _axes(ax)
        ax.plot(W_values, costs, color="tab:blue", linewidth=2, label=text("cost_of_W"))
        if path is not None:
            W_path = as_float_array("path[0]", path[0], ndim=1, shape_hint="(n_steps,)")
            cost_path = as_float_array("path[1]", path[1], ndim=1, shape_hint="(n_steps,)")
            ax.plot(
                W_path,
                cost_path,
                "o-",
                color="tab:orange",
                markersize=4,
                label=text("descent_path"),
            )
            ax.annotate(
                text("start"), (W_path[0], cost_path[0]), textcoords="offset points", xytext=(8, 4)
            )
            ax.annotate(
                text("end"), (W_path[-1], cost_path[-1]), textcoords="offset points", xytext=(8, 8)
            )
        ax.set(
            xlabel=text("W"), ylabel=text("cost_of_W"), title=text("cost_curve_title", b=float(b))
        )
        ax.legend()


def plot_cost_surface(W_values, b_values, costs, *, path=None, ax=None) -> None:
    """Contour lines of cost(W, b); ``costs[i, j]`` is the cost at ``(W_values[j], b_values[i])``.

    ``path=(W_steps, b_steps)`` draws the steps of gradient descent on top.
    """
    W_values = as_float_array("W_values", W_values, ndim=1, shape_hint="(n_W,)")
    b_values = as_float_array("b_values", b_values, ndim=1, shape_hint="(n_b,)")
    costs = as_float_array("costs", costs, ndim=2, shape_hint="(n_b, n_W)")
    if costs.shape != (b_values.size, W_values.size):
        raise ValueError(
            "costs must have shape (len(b_values), len(W_values)) = "
            f"{(b_values.size, W_values.size)}, got {costs.shape}"
        )
    with _style():
        ax = _axes(ax)
        levels = np.geomspace(
            max(costs.min(), 1e-3), costs.max(), 15
        )  # the bowl is steep: log-spaced
        contours = ax.contour(
            W_values, b_values, costs, levels=levels, cmap="viridis", linewidths=1
        )
        ax.clabel(contours, fmt="%.3g", fontsize=7)
        if path is not None:
            W_path = as_float_array("path[0]", path[0], ndim=1, shape_hint="(n_steps,)")
            b_path = as_float_array("path[1]", path[1], ndim=1, shape_hint="(n_steps,)")
            ax.plot(
                W_path, b_path, ".-", color="tab:orange", markersize=5, label=text("descent_path")
            )
            ax.annotate(
                text("start"), (W_path[0], b_path[0]), textcoords="offset points", xytext=(6, 6)
            )
            ax.annotate(
                text("end"), (W_path[-1], b_path[-1]), textcoords="offset points", xytext=(6, 6)
            )
            ax.legend(loc="upper right")
        ax.set(xlabel=text("W"), ylabel=text("b"), title=text("cost_surface_title"))


def plot_cost_history(costs, *, log_scale=True, ax=None) -> None:
    """The cost after each gradient-descent step (step 0 is the starting point)."""
    costs = as_float_array("costs", costs, ndim=1, shape_hint="(n_steps + 1,)")
    with _style():
        ax = _axes(ax)
        ax.plot(np.arange(costs.size), costs, color="tab:blue", linewidth=2)
        if log_scale:
            ax.set_yscale("log")
        ax.set(xlabel=text("step"), ylabel=text("cost"), title=text("cost_history_title"))


def plot_learning_rates(histories, *, ax=None) -> None:
    """Cost per step for several runs, one line per learning rate; diverged runs are marked.

    ``histories`` holds objects with ``cost``, ``learning_rate`` and ``diverged``, such as the
    results of :func:`dlbasics.linear_regression.fit`.
    """
    histories = list(histories)
    if not histories:
        raise ValueError("histories must hold at least one run, got none")
    costs = [as_float_array("history.cost", history.cost, ndim=1) for history in histories]
    # A diverging run's cost reaches 1e300, which the log scale cannot draw: cut it off above
    # the plot, whose top stays near the starting costs so the other runs remain readable.
    top = 100 * max(float(run[0]) for run in costs)
    with _style():
        ax = _axes(ax)
        for history, run in zip(histories, costs, strict=True):
            label = text("learning_rate", alpha=history.learning_rate)
            if history.diverged:
                label += f" ({text('diverged')})"
            ax.plot(np.arange(run.size), np.minimum(run, 1e6 * top), linewidth=2, label=label)
        ax.set_yscale("log")
        ax.set_ylim(top=top)
        ax.set(xlabel=text("step"), ylabel=text("cost"), title=text("learning_rate_title"))
        ax.legend()
