"""Plots of classifiers on two inputs: decision boundaries, logic gates, the hidden layer's view."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._core import _axes, _style
from ._strings import text


def _scatter_classes(ax, X, y) -> None:
    """The points of class 1 as red circles, of class 0 as blue squares."""
    for label, marker, color in ((1, "o", "tab:red"), (0, "s", "tab:blue")):
        mask = y == label
        ax.scatter(
            *X[mask].T,
            marker=marker,
            s=70,
            color=color,
            edgecolors="k",
            zorder=3,
            label=text("target_is", label=label),
        )


def _draw_decision_regions(ax, predict, X, y) -> None:
    """Shade where ``predict`` says 1, draw its 0.5 contour and the samples, circling wrong ones."""
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], 201), np.linspace(low[1], high[1], 201))
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (201 * 201, 2)
    output = np.clip(np.asarray(predict(grid), dtype=np.float64).reshape(g1.shape), 0.0, 1.0)
    ax.contourf(g1, g2, output, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.35)
    if output.min() < 0.5 < output.max():
        ax.contour(g1, g2, output, levels=[0.5], colors="k", linewidths=1.5)
    ax.plot([], [], "k-", linewidth=1.5, label=text("decision_boundary"))
    _scatter_classes(ax, X, y)
    predicted = np.asarray(predict(X), dtype=np.float64).reshape(-1) > 0.5
    wrong = predicted != (y > 0.5)
    if wrong.any():
        ax.scatter(
            *X[wrong].T,
            s=320,
            facecolors="none",
            edgecolors="k",
            linewidths=2,
            zorder=4,
            label=text("misclassified"),
        )
    ax.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]), aspect="equal")
    ax.grid(False)


def _check_points(X, y):
    X = as_float_array("X", X, ndim=2, shape_hint="(n_samples, 2)")
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns to be drawn in the plane, got shape {X.shape}")
    y = as_float_array("y", y).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must hold one label per row of X ({X.shape[0]}), got shape {y.shape}")
    return X, y


def plot_decision_boundary(predict, X, y, *, name: str = "", legend: bool = True, ax=None) -> None:
    """Where ``predict`` outputs 1 (shaded) or 0, with its decision boundary and the samples.

    ``predict`` maps inputs ``(n, 2)`` to outputs ``(n,)`` or ``(n, 1)`` in [0, 1]: a perceptron's
    0/1 or a network's sigmoid output; the boundary is where it crosses 0.5. ``X`` is
    ``(n_samples, 2)``, ``y`` holds 0/1 labels; samples that ``predict`` gets wrong are circled.
    """
    X, y = _check_points(X, y)
    if not callable(predict):
        raise TypeError(f"predict must be a function of X, got {type(predict).__name__}")
    with _style():
        ax = _axes(ax)
        _draw_decision_regions(ax, predict, X, y)
        ax.set(xlabel=text("x1"), ylabel=text("x2"), title=text("boundary_title", name=name))
        if legend:
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)


def plot_logic_gates(predicts) -> None:
    """One panel per logic gate (``{"AND": predict, ...}``): its truth table and the boundary."""
    import matplotlib.pyplot as plt

    from ..perceptron import logic_gate

    names = list(predicts)
    if not names:
        raise ValueError("predicts must map at least one gate name to a predict function, got {}")
    with _style():
        fig, axes = plt.subplots(
            1, len(names), figsize=(3.2 * len(names), 3.9), layout="constrained", squeeze=False
        )
        legend = {}
        for ax, name in zip(axes[0], names, strict=True):
            X, y = logic_gate(name)
            plot_decision_boundary(predicts[name], X, y, name=name, legend=False, ax=ax)
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                legend.setdefault(label, handle)
        fig.legend(legend.values(), legend.keys(), loc="outside lower center", ncols=len(legend))


def plot_errors_per_epoch(results, *, ax=None) -> None:
    """Misclassified samples in each epoch, one line per ``{name: PerceptronResult}``."""
    from matplotlib.ticker import MaxNLocator

    with _style():
        ax = _axes(ax)
        for name, result in results.items():
            errors = np.asarray(result.errors_per_epoch)
            ax.plot(np.arange(1, errors.size + 1), errors, "o-", markersize=4, label=name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=-0.2)
        ax.set(xlabel=text("epoch"), ylabel=text("errors"), title=text("errors_title"))
        ax.legend()


def plot_hidden_space(H, y, output_layer=None, *, inputs=None, ax=None) -> None:
    """The samples as the hidden layer sees them: ``H`` is ``(n_samples, 2)`` hidden outputs.

    ``output_layer`` (a function of ``H``, outputs in [0, 1]) shades the output unit's decision
    regions; ``inputs`` ``(n_samples, 2)`` labels each point with the input it came from.
    """
    H, y = _check_points(H, y)
    with _style():
        ax = _axes(ax)
        if output_layer is not None:
            _draw_decision_regions(ax, output_layer, H, y)
        else:
            _scatter_classes(ax, H, y)
        if inputs is not None:
            inputs = as_float_array("inputs", inputs, ndim=2, shape_hint="(n_samples, 2)")
            labels: dict[
                tuple, list[str]
            ] = {}  # inputs that land (almost) on one spot share a label
            for (x1, x2), point in zip(inputs, H, strict=True):
                near = [spot for spot in labels if np.hypot(*(point - spot)) < 0.1]
                spot = near[0] if near else tuple(point)
                labels.setdefault(spot, []).append(f"({x1:g}, {x2:g})")
            for spot, names in labels.items():
                ax.annotate(
                    "x = " + ", ".join(names),
                    spot,
                    textcoords="offset points",
                    xytext=(0, -18),
                    ha="center",
                    fontsize=8,
                    bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.8},
                )
        ax.set(xlabel=text("h1"), ylabel=text("h2"), title=text("hidden_title"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
