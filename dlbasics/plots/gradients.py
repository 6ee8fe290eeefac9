"""Plots of activations, gradient sizes and losses: activation curves, vanishing gradients, CE vs MSE."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._core import _axes, _style
from ._strings import text


def plot_activations(names=("step", "sigmoid", "tanh", "relu"), *, z_min=-5.0, z_max=5.0) -> None:
    """A grid: each activation f(z) on top and its derivative f'(z) below, over [z_min, z_max].

    Marks sigmoid's largest slope and the ReLU'(0) = 0 convention.
    """
    import matplotlib.pyplot as plt

    from ..activations import get_activation

    names = list(names)
    activations = [get_activation(name) for name in names]
    if not activations or any(a.derivative is None for a in activations):
        raise ValueError(f"names must list elementwise activations (not softmax), got {names}")
    z = np.linspace(float(z_min), float(z_max), 1001)
    with _style():
        fig, axes = plt.subplots(
            2,
            len(names),
            figsize=(2.9 * len(names), 5.0),
            sharex=True,
            layout="constrained",
            squeeze=False,
        )
        for column, activation in enumerate(activations):
            top, bottom = axes[0, column], axes[1, column]
            top.plot(z, activation(z), color="tab:blue", linewidth=2)
            derivative = activation.derivative(z)
            bottom.plot(z, derivative, color="tab:orange", linewidth=2)
            top.set_title(text(f"act_{activation.name}"))
            bottom.set_xlabel("z")
            if activation.name == "sigmoid":
                peak = float(derivative.max())
                bottom.axhline(peak, color="gray", linestyle="--", linewidth=1)
                bottom.annotate(
                    text("max_value", value=peak),
                    (z[-1], peak),
                    textcoords="offset points",
                    xytext=(-2, -12),
                    ha="right",
                    fontsize=8,
                )
            if activation.name == "relu":
                at_zero = float(activation.derivative(np.array([0.0]))[0])
                bottom.plot([0.0], [at_zero], "o", color="tab:orange")
                bottom.annotate(
                    f"ReLU′(0) = {at_zero:g}",
                    (0.0, at_zero),
                    textcoords="offset points",
                    xytext=(6, 8),
                    fontsize=8,
                )
        axes[0, 0].set_ylabel(text("activation_row"))
        axes[1, 0].set_ylabel(text("derivative_row"))


def plot_layer_gradient_norms(norms, *, ax=None) -> None:
    """The gradient norm of every layer (input side first), one line per ``{label: norms}``.

    Log scale: a gradient that shrinks by the same factor in every layer is a straight line.
    """
    from matplotlib.ticker import MaxNLocator

    with _style():
        ax = _axes(ax)
        for label, values in norms.items():
            values = as_float_array(f"norms[{label!r}]", values, ndim=1, shape_hint="(depth,)")
            ax.plot(np.arange(1, values.size + 1), values, "o-", markersize=4, label=label)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(xlabel=text("layer"), ylabel=text("gradient_norm"), title=text("vanishing_title"))
        ax.legend()


# --------------------------------------------------------------------------------------------
# Softmax and cross-entropy


def _check_curves(p, curves):
    p = as_float_array("p", p, ndim=1, shape_hint="(n_points,)")
    checked = {}
    for name, values in curves.items():
        values = as_float_array(name, values, ndim=1, shape_hint="(n_points,)")
        if values.shape != p.shape:
            raise ValueError(f"{name} must have the shape of p {p.shape}, got {values.shape}")
        checked[name] = values
    return p, checked


def plot_loss_vs_probability(p, *, cross_entropy, mse, ax=None) -> None:
    """Each loss against ``p``, the probability the model gives the true class (one sample)."""
    p, curves = _check_curves(p, {"cross_entropy": cross_entropy, "mse": mse})
    with _style():
        ax = _axes(ax)
        ax.plot(p, curves["cross_entropy"], linewidth=2, label=text("cross_entropy_curve"))
        ax.plot(p, curves["mse"], linewidth=2, label=text("mse_curve"))
        ax.set(xlabel=text("p_true"), ylabel=text("loss_axis"), title=text("loss_vs_p_title"))
        ax.legend()


def plot_output_gradients(p, *, cross_entropy, mse, ax=None) -> None:
    """|dL/dz| for the true class's logit z, against its probability ``p``, for both losses.

    The left end is the confidently wrong model: the gradient that should correct it most.
    """
    p, curves = _check_curves(p, {"cross_entropy": cross_entropy, "mse": mse})
    with _style():
        ax = _axes(ax)
        ax.axvspan(0.0, 0.1, color="gray", alpha=0.15, label=text("confidently_wrong"))
        ax.plot(p, np.abs(curves["cross_entropy"]), linewidth=2, label=text("cross_entropy_grad"))
        ax.plot(p, np.abs(curves["mse"]), linewidth=2, label=text("mse_grad"))
        ax.set(xlabel=text("p_true"), ylabel=text("logit_gradient"), title=text("gradients_title"))
        ax.legend()
