"""Plots of MNIST images and training: digits, convolution and pooling, epoch times, schedules."""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_int
from ._core import _axes, _style
from ._strings import text


def _pixel_range(image) -> tuple[float, float]:
    """(0, 255) for raw pixels, (0, 1) for scaled ones, so both are drawn alike."""
    return 0.0, 255.0 if image.max() > 1.0 else 1.0


def show_digit(image, *, label=None, values: bool = False, ax=None) -> None:
    """One image ``(height, width)`` in dark strokes on white (``plt.cm.binary``, as in the lecture).

    ``label`` goes in the title. ``values=True`` zooms in on the strokes (their bounding box and
    one pixel around it; the axes keep the image's row and column numbers) and writes every
    pixel's value in its square: the numbers the network receives.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    image = as_float_array("image", image, ndim=2, shape_hint="(height, width)")
    low, high = _pixel_range(image)
    rows, columns = np.arange(image.shape[0]), np.arange(image.shape[1])
    if values and image.any():
        rows = np.flatnonzero(image.any(axis=1))
        columns = np.flatnonzero(image.any(axis=0))
        rows = np.arange(max(rows[0] - 1, 0), min(rows[-1] + 2, image.shape[0]))
        columns = np.arange(max(columns[0] - 1, 0), min(columns[-1] + 2, image.shape[1]))
    with _style():
        if ax is None:
            width = 7.0 if values else 3.6
            height = width * (rows.size + 1.5) / (columns.size + 1.5)
            _, ax = plt.subplots(figsize=(width, height), layout="constrained")
        ax.imshow(image, cmap="binary", vmin=low, vmax=high)
        ax.grid(False)
        if values:
            ax.set(xlim=(columns[0] - 0.5, columns[-1] + 0.5), ylim=(rows[-1] + 0.5, rows[0] - 0.5))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            number = "{:.0f}" if high > 1.0 else "{:.2f}"
            for row in rows:
                for column in columns:
                    value = image[row, column]
                    color = "white" if value > 0.5 * high else "black" if value else "0.6"
                    ax.text(
                        column,
                        row,
                        number.format(value),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color=color,
                    )
        height, width = image.shape
        title = text("digit_shape", height=height, width=width)
        if label is not None:
            title = f"{text('digit_title', label=label)}, {title}"
        ax.set_title(title)


def show_digits(images, labels=None, *, n_columns: int = 10, frame: bool = False) -> None:
    """Several images ``(n, height, width)`` in a grid, each titled with its label when given;
    ``frame=True`` draws each image's border, so that where a digit sits in it shows."""
    import matplotlib.pyplot as plt

    images = as_float_array("images", images, ndim=3, shape_hint="(n_images, height, width)")
    n_columns = check_int("n_columns", n_columns)
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if labels.shape[0] != images.shape[0]:
            raise ValueError(
                f"labels must hold one label per image ({images.shape[0]}), got {labels.shape[0]}"
            )
    n_rows = -(-images.shape[0] // n_columns)
    low, high = _pixel_range(images)
    with _style():
        fig, axes = plt.subplots(
            n_rows,
            n_columns,
            figsize=(1.0 * n_columns, 1.25 * n_rows),
            squeeze=False,
            layout="constrained",
        )
        for index, ax in enumerate(axes.flat):
            if frame and index < images.shape[0]:
                ax.set(xticks=[], yticks=[])
                ax.grid(False)
            else:
                ax.set_axis_off()
            if index < images.shape[0]:
                ax.imshow(images[index], cmap="binary", vmin=low, vmax=high)
                if labels is not None:
                    ax.set_title(str(labels[index]))


def _draw_map(ax, array, title, *, signed: bool, annotate: bool = False) -> None:
    """One panel of :func:`plot_convolution`: signed values in red/blue around 0, others grey."""
    if signed:
        limit = float(np.abs(array).max()) or 1.0
        ax.imshow(array, cmap="RdBu_r", vmin=-limit, vmax=limit)
    else:
        ax.imshow(array, cmap="binary", vmin=0.0, vmax=float(array.max()) or 1.0)
    if annotate:
        limit = float(np.abs(array).max()) or 1.0
        for (row, column), value in np.ndenumerate(array):
            color = "white" if abs(value) > 0.5 * limit else "black"
            ax.text(column, row, f"{value:.3g}", ha="center", va="center", fontsize=14, color=color)
    ax.set_title(title, fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def plot_convolution(image, kernel, feature_map, pooled) -> None:
    """Four panels in reading order: the image, the filter; the image convolved with it, pooled.

    Filter and feature map are drawn red where positive and blue where negative; the input and
    the pooled map (after ReLU, so never negative) in grey. See :mod:`dlbasics.convolution`.
    """
    import matplotlib.pyplot as plt

    arrays = {
        "image": as_float_array("image", image, ndim=2, shape_hint="(height, width)"),
        "kernel": as_float_array("kernel", kernel, ndim=2, shape_hint="(k_h, k_w)"),
        "feature_map": as_float_array("feature_map", feature_map, ndim=2, shape_hint="(h, w)"),
        "pooled": as_float_array("pooled", pooled, ndim=2, shape_hint="(h, w)"),
    }
    with _style():
        _, axes = plt.subplots(2, 2, figsize=(6.4, 6.6), layout="constrained")
        for ax, (name, array) in zip(axes.flat, arrays.items(), strict=True):
            title = text(f"conv_{name}", height=array.shape[0], width=array.shape[1])
            _draw_map(
                ax,
                array,
                title,
                signed=name in ("kernel", "feature_map"),
                annotate=name == "kernel",
            )


def plot_epoch_times(seconds, *, ax=None) -> None:
    """One horizontal bar per ``{label: seconds}``, each labelled with its time, first on top.

    The labels ``"numpy"``, ``"keras"`` and ``"floor"`` (the sides of :mod:`dlbasics.bench`) are
    written out in the plot's language; any other label is shown as it is.
    """
    if not seconds:
        raise ValueError("seconds must map at least one label to a time, got {}")
    keys = list(seconds)
    values = as_float_array("seconds", [seconds[key] for key in keys], ndim=1)
    sides = {"numpy", "keras", "floor"}
    labels = [text(f"impl_{key}") if key in sides else str(key) for key in keys]
    with _style():
        ax = _axes(ax)
        positions = np.arange(len(labels))[::-1]  # the first entry on top
        bars = ax.barh(positions, values, color="tab:blue", alpha=0.8)
        ax.bar_label(bars, labels=[f"{value:.2f} s" for value in values], padding=4)
        ax.set_yticks(positions, labels)
        ax.set_xlim(0.0, 1.2 * values.max())
        ax.grid(axis="y", visible=False)
        ax.set(xlabel=text("epoch_seconds"), title=text("epoch_times_title"))


def plot_learning_rate_schedule(learning_rates, *, steps_per_epoch=None, ax=None) -> None:
    """The learning rate of every optimizer step; ``steps_per_epoch`` marks where epochs end."""
    learning_rates = as_float_array(
        "learning_rates", learning_rates, ndim=1, shape_hint="(n_steps,)"
    )
    with _style():
        ax = _axes(ax)
        ax.plot(np.arange(learning_rates.size), learning_rates, color="tab:blue", linewidth=2)
        if steps_per_epoch is not None:
            steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch)
            boundaries = np.arange(steps_per_epoch, learning_rates.size, steps_per_epoch)
            for number, step in enumerate(boundaries):
                ax.axvline(
                    step,
                    color="gray",
                    linestyle="--",
                    linewidth=1,
                    label=text("epoch_boundary") if number == 0 else None,
                )
            if boundaries.size:
                ax.legend()
        ax.set_ylim(bottom=0.0)
        ax.set(
            xlabel=text("optimizer_step"),
            ylabel=text("learning_rate_axis"),
            title=text("schedule_title"),
        )
