"""The plots of the optimizers, regularization and NumPy CNN pages (dlbasics.plots.training, and
show_digits' frame) draw in both languages without a missing glyph and return None. The
``language`` fixture (conftest.py) draws each test once per language.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from dlbasics import plots

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _history(n_epochs=5, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "loss": list(np.linspace(1.0, 0.01, n_epochs)),
        "accuracy": list(np.linspace(0.5, 1.0, n_epochs)),
        "val_loss": list(0.4 + 0.05 * rng.random(n_epochs)),
        "val_accuracy": list(0.85 + 0.01 * rng.random(n_epochs)),
    }


def test_optimizer_paths_one_panel_per_path_on_shared_contours(language):
    W, b = np.linspace(-1, 3, 21), np.linspace(-1, 2, 16)
    costs = (W[None, :] - 2) ** 2 + 10 * (b[:, None] - 1) ** 2 + 0.1  # (len(b), len(W))
    paths = {
        name: np.column_stack([np.linspace(0, 2, 11), np.linspace(0, 1, 11)]) for name in "ABC"
    }
    assert plots.plot_optimizer_paths(W, b, costs, paths, minimum=(2, 1)) is None
    axes = [ax for ax in plt.gcf().axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["A", "B", "C"]  # 2 x 2 grid, the fourth hidden
    assert plt.gcf()._suptitle.get_text() == plots.text("paths_title", n_steps=10)
    with pytest.raises(ValueError, match="paths must hold at least one path"):
        plots.plot_optimizer_paths(W, b, costs, {})


def test_cost_gaps_and_batch_losses_translate_known_labels(language):
    assert plots.plot_cost_gaps({"full_batch": [1.0, 0.1, 0.0], "SGD": [1.0, 0.5, 0.2]}) is None
    ax = plt.gca()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        plots.text("label_full_batch"),
        "SGD",
    ]
    assert ax.get_yscale() == "log" and ax.lines[0].get_ydata()[-1] > 0  # 0 is drawn at 1e-12
    assert plots.plot_batch_losses({"Adam": [2.3, 1.0, 0.5]}) is None
    assert list(plt.gca().lines[0].get_xdata()) == [1, 2, 3]  # batches counted from 1


def test_training_curves_dashed_training_solid_validation(language):
    histories = {"baseline": _history(), "dropout": _history(seed=1)}
    assert plots.plot_training_curves(histories, stopped_epoch=2) is None
    loss_axes, accuracy_axes = plt.gcf().axes
    styles = [line.get_linestyle() for line in loss_axes.lines]
    assert styles == ["--", "-", "--", "-", ":"]  # two variants, then the stop mark
    labels = [t.get_text() for t in accuracy_axes.get_legend().get_texts()]
    assert plots.text("train_curve", label=plots.text("label_baseline")) in labels
    assert loss_axes.get_ylim()[0] == 0.0 and loss_axes.get_ylim()[1] < 1.0  # cut above val_loss


def test_filters_and_feature_maps_one_panel_each(language):
    W = np.random.default_rng(0).normal(size=(3, 3, 1, 10))
    assert plots.plot_filters(W) is None
    assert sum(ax.get_visible() for ax in plt.gcf().axes) == 10  # 2 rows of 8, 6 hidden
    assert plots.plot_feature_maps(np.random.default_rng(1).normal(size=(6, 6, 3))) is None
    assert plt.gcf()._suptitle.get_text() == plots.text("feature_maps_title", height=6, width=6)
    with pytest.raises(ValueError, match="1 input channel"):
        plots.plot_filters(np.zeros((3, 3, 2, 4)))


def test_shift_accuracy_and_framed_digits(language):
    assert (
        plots.plot_shift_accuracy([0, 1, 2], {"MLP": [0.9, 0.8, 0.6], "CNN": [0.98, 0.97, 0.95]})
        is None
    )
    assert plt.gca().get_ylim() == (0.0, 1.0)
    images = np.zeros((3, 5, 5), np.uint8)
    assert plots.show_digits(images, ["+0", "+1", "+2"], n_columns=3, frame=True) is None
    assert all(ax.axison for ax in plt.gcf().axes)  # the frame: axes kept, ticks gone
    assert all(len(ax.get_xticks()) == 0 for ax in plt.gcf().axes)
