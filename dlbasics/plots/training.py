"""Plots of training: optimizers' paths on a cost surface, losses per step, training against
validation, first-layer filters and feature maps, accuracy on shifted digits."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array
from ._core import _axes, _style
from ._strings import text
from .images import _draw_map


def _label(label) -> str:
    """A curve's label: names with a string ``label_<name>`` (``"baseline"``, ``"l2"``,
    ``"dropout"``, ``"early_stopping"``, ``"full_batch"``, ``"mini_batch"``) in the
    plot's language, any other label as it is given."""
    try:
        return text(f"label_{label}")
    except KeyError:
        return str(label)


def plot_optimizer_paths(W_values, b_values, costs, paths, *, minimum=None) -> None:
    """One panel per ``{label: path}`` on the same contour lines of ``costs`` over (W, b).

    ``costs`` is ``(len(b_values), len(W_values))`` as ``plot_cost_surface`` takes it; each path
    is ``(n_steps + 1, 2)``, rows ``(W, b)``, as :func:`dlbasics.optimizers.trajectory` returns.
    ``minimum`` ``(W, b)`` is marked with a star.
    """
    import matplotlib.pyplot as plt

    W_values = as_float_array("W_values", W_values, ndim=1)
    b_values = as_float_array("b_values", b_values, ndim=1)
    costs = as_float_array("costs", costs, ndim=2, shape_hint="(len(b_values), len(W_values))")
    paths = {
        label: as_float_array(f"paths[{label!r}]", path, ndim=2) for label, path in paths.items()
    }
    if not paths:
        raise ValueError("paths must hold at least one path, got none")
    levels = np.geomspace(costs.min() * 1.05, costs.max(), 12)
    n_columns = min(2, len(paths))
    n_rows = -(-len(paths) // n_columns)
    with _style():
        fig, axes = plt.subplots(
            n_rows, n_columns, figsize=(5.2 * n_columns, 4.2 * n_rows), sharex=True,
            sharey=True, squeeze=False, layout="constrained",
        )  # fmt: skip
        for ax in axes.flat[len(paths) :]:
            ax.set_visible(False)
        for ax, (label, path) in zip(axes.flat, paths.items(), strict=False):
            ax.contour(W_values, b_values, costs, levels=levels, cmap="viridis", linewidths=0.8)
            ax.plot(path[:, 0], path[:, 1], ".-", color="tab:orange", markersize=3, linewidth=1)
            ax.plot(*path[0], "o", color="black", markersize=5)
            if minimum is not None:
                ax.plot(*minimum, "*", color="tab:red", markersize=12, label=text("minimum"))
            ax.set_title(label, fontsize=11)
            ax.set(xlim=(W_values[0], W_values[-1]), ylim=(b_values[0], b_values[-1]))
        for ax in axes[-1]:
            ax.set_xlabel(text("W"))
        for ax in axes[:, 0]:
            ax.set_ylabel(text("b"))
        n_steps = max(len(path) for path in paths.values()) - 1
        fig.suptitle(text("paths_title", n_steps=n_steps))


def _log_curves(curves, *, first: int, keys: tuple[str, str, str], ax, **line) -> None:
    """One line per ``{label: values}`` on a log scale, x counted from ``first``; ``keys`` are
    the strings of the x label, the y label and the title."""
    with _style():
        ax = _axes(ax)
        for label, values in curves.items():
            values = as_float_array(f"curves[{label!r}]", values, ndim=1)
            x = np.arange(first, first + values.size)
            ax.plot(x, np.maximum(values, 1e-12), label=_label(label), **line)  # log: never 0
        ax.set_yscale("log")
        xlabel, ylabel, title = (text(key) for key in keys)
        ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
        ax.legend()


def plot_cost_gaps(gaps, *, ax=None) -> None:
    """``cost - minimum`` at every step (step 0 is the start), one line per ``{label: gaps}``, on
    a log scale (labels as :func:`_label` writes them)."""
    keys = ("step", "cost_gap", "cost_gap_title")
    _log_curves(gaps, first=0, keys=keys, ax=ax, linewidth=1.8)


def plot_batch_losses(losses, *, ax=None) -> None:
    """The loss of every training batch, in order, one line per ``{label: losses}`` (labels as
    :func:`_label` writes them)."""
    keys = ("batch", "batch_loss", "batch_loss_title")
    _log_curves(losses, first=1, keys=keys, ax=ax, linewidth=1.0, alpha=0.85)


def plot_training_curves(histories, *, stopped_epoch=None) -> None:
    """Loss (left) and accuracy (right) per epoch: training dashed, validation solid.

    ``histories`` maps a label (``"baseline"``, ``"l2"``, ... are written out in the plot's
    language) to a Keras-like history with ``loss``, ``accuracy``, ``val_loss``,
    ``val_accuracy``. ``stopped_epoch`` (0-based) marks where early stopping ended.
    """
    import matplotlib.pyplot as plt

    with _style():
        _, axes = plt.subplots(1, 2, figsize=(11.5, 4.4), layout="constrained")
        for index, (label, history) in enumerate(histories.items()):
            color = f"C{index}"
            name = _label(label)
            for ax, metric in zip(axes, ("loss", "accuracy"), strict=True):
                train = as_float_array(f"{label}.{metric}", history[metric], ndim=1)
                val = as_float_array(f"{label}.val_{metric}", history[f"val_{metric}"], ndim=1)
                epochs = np.arange(1, train.size + 1)
                ax.plot(
                    epochs,
                    train,
                    "--",
                    color=color,
                    linewidth=1.2,
                    label=text("train_curve", label=name),
                )
                ax.plot(
                    epochs,
                    val,
                    "-",
                    color=color,
                    linewidth=1.8,
                    label=text("val_curve", label=name),
                )
        if stopped_epoch is not None:
            for ax in axes:
                ax.axvline(
                    stopped_epoch + 1,
                    color="gray",
                    linestyle=":",
                    linewidth=1.2,
                    label=text("stopped_here"),
                )
        # A linear scale, cut above the validation losses: the gap between the curves is the story
        top = max(max(history["val_loss"]) for history in histories.values())
        axes[0].set_ylim(0.0, 1.5 * top)
        axes[0].set(xlabel=text("epoch"), ylabel=text("loss_axis"), title=text("curves_loss_title"))
        axes[1].set(
            xlabel=text("epoch"), ylabel=text("accuracy_axis"), title=text("curves_accuracy_title")
        )
        axes[1].legend(fontsize=7, ncols=2, loc="lower right")


def _map_grid(maps, title: str) -> None:
    """One small red/blue panel per channel of ``maps`` ``(height, width, n)``, 8 to a row."""
    import matplotlib.pyplot as plt

    n = maps.shape[2]
    n_columns = min(8, n)
    n_rows = -(-n // n_columns)
    with _style():
        fig, axes = plt.subplots(
            n_rows, n_columns, figsize=(1.3 * n_columns, 1.5 * n_rows), squeeze=False,
            layout="constrained",
        )  # fmt: skip
        for index, ax in enumerate(axes.flat):
            if index < n:
                _draw_map(
                    ax, maps[:, :, index], text("filter_title", number=index + 1), signed=True
                )
            else:
                ax.set_visible(False)
        fig.suptitle(title)


def plot_filters(W) -> None:
    """Every filter of a first convolutional layer, ``W`` ``(k_h, k_w, 1, n_filters)``: red where
    the weight is positive, blue where negative, each on its own scale."""
    W = as_float_array("W", W, ndim=4, shape_hint="(k_h, k_w, 1, n_filters)")
    if W.shape[2] != 1:
        raise ValueError(
            f"W must be a first layer's kernels, with 1 input channel, got shape {W.shape}"
        )
    _map_grid(W[:, :, 0, :], text("filters_title", n=W.shape[3]))


def plot_feature_maps(maps) -> None:
    """Every channel of one image's feature maps ``(height, width, n_channels)``, red/blue; panel
    k is what filter k found."""
    maps = as_float_array("maps", maps, ndim=3, shape_hint="(height, width, n_channels)")
    _map_grid(maps, text("feature_maps_title", height=maps.shape[0], width=maps.shape[1]))


def plot_shift_accuracy(shifts, accuracies, *, ax=None) -> None:
    """Test accuracy against how far the digits were moved, one line per ``{label: accuracies}``."""
    from matplotlib.ticker import MaxNLocator

    shifts = as_float_array("shifts", shifts, ndim=1, shape_hint="(n_shifts,)")
    with _style():
        ax = _axes(ax)
        for label, values in accuracies.items():
            values = as_float_array(
                f"accuracies[{label!r}]", values, ndim=1, shape_hint="(n_shifts,)"
            )
            ax.plot(shifts, values, "o-", linewidth=2, label=label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0.0, 1.0)
        ax.set(
            xlabel=text("shift_axis"), ylabel=text("test_accuracy_axis"), title=text("shift_title")
        )
        ax.legend()
