"""Every plot function a page calls draws in both languages, without a missing glyph, and returns
None (so a cell that ends with one shows the plot and no stray repr). The ``language`` fixture
(conftest.py) draws each test once per language and fails on any glyph matplotlib had to replace.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from dlbasics import activations, convolution, losses, perceptron, plots, vanishing
from dlbasics.mlp import MLP
from dlbasics.optimizers import SGD

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _xor_mlp():
    """The mlp-xor page's network and training run."""
    X, y = perceptron.logic_gate("XOR")
    model = MLP([2, 2, 1], ["tanh", "sigmoid"], loss="mse", seed=0, dtype=np.float64)
    history = model.fit(
        X, y[:, None], optimizer=SGD(0.5), batch_size=4, n_epochs=3000, verbose=False, seed=0
    )
    return X, y, model, history


def _digit() -> np.ndarray:
    """A small uint8 'image': a 3x2 block of ink inside a 7x6 background."""
    image = np.zeros((7, 6), dtype=np.uint8)
    image[2:5, 2:4] = [[10, 200], [255, 30], [90, 0]]
    return image


def _own_axes():
    """A figure made by the caller, as a page would for ``ax=``: made in the plot language's style
    (an axes made outside it keeps the default font for its title and labels)."""
    with plots.style():
        return plt.subplots()[1]


def test_perceptron_page_plots(language):
    results = {
        gate: perceptron.train(*perceptron.logic_gate(gate), max_epochs=20, seed=0)
        for gate in ["AND", "OR", "NAND", "XOR"]
    }
    assert plots.plot_errors_per_epoch(results) is None
    assert plots.plot_logic_gates({gate: r.predict for gate, r in results.items()}) is None
    X, y = perceptron.logic_gate("XOR")
    assert plots.plot_decision_boundary(results["XOR"].predict, X, y, name="XOR") is None
    assert len(plt.get_fignums()) == 3


def test_decision_boundary_circles_exactly_the_misclassified_points(language):
    X, y = perceptron.logic_gate("XOR")
    result = perceptron.train(X, y, max_epochs=20, seed=0)
    ax = _own_axes()
    plots.plot_decision_boundary(result.predict, X, y, name="XOR", ax=ax)
    _, labels = ax.get_legend_handles_labels()
    assert labels[0] == plots.text("decision_boundary")
    circles = [c for c in ax.collections if c.get_label() == plots.text("misclassified")]
    wrong = X[result.predict(X) != y]
    assert len(circles) == 1 and len(wrong) > 0
    np.testing.assert_array_equal(np.asarray(circles[0].get_offsets()), wrong)


def test_mlp_xor_page_plots(language):
    X, y, model, history = _xor_mlp()
    H = model.activations[0](X @ model.W[0] + model.b[0])
    plots.plot_cost_history(history.history["loss"])
    plots.plot_decision_boundary(model.predict, X, y, name="XOR")

    def output_layer(H):
        return model.activations[1](H @ model.W[1] + model.b[1])

    ax = _own_axes()
    assert plots.plot_hidden_space(H, y, output_layer, inputs=X, ax=ax) is None
    labels = sorted(text.get_text() for text in ax.texts)
    # (0, 0) and (1, 1) land on one spot: one shared label, three labels in all
    assert labels == ["x = (0, 0), (1, 1)", "x = (0, 1)", "x = (1, 0)"]
    plots.plot_hidden_space(H, y)  # without the output layer and the input labels


def test_activation_and_vanishing_page_plots(language):
    assert plots.plot_activations(["step", "sigmoid", "tanh", "relu"]) is None
    fig = plt.gcf()
    assert len(fig.axes) == 8
    titles = [ax.get_title() for ax in fig.axes[:4]]
    assert titles == [plots.text(f"act_{name}") for name in ["step", "sigmoid", "tanh", "relu"]]
    norms = {name: vanishing.layer_gradient_norms(depth=4, activation=name) for name in ["sigmoid"]}
    assert plots.plot_layer_gradient_norms(norms) is None
    assert plt.gca().get_yscale() == "log"


def test_softmax_page_plots(language):
    p_true = np.linspace(0.001, 1.0, 50)
    y_true = np.array([[1.0, 0.0]])
    cross_entropy = [losses.cross_entropy([[q, 1 - q]], y_true) for q in p_true]
    mse = [losses.mean_squared_error([[q, 1 - q]], y_true) for q in p_true]
    assert plots.plot_loss_vs_probability(p_true, cross_entropy=cross_entropy, mse=mse) is None
    assert plots.plot_output_gradients(p_true, cross_entropy=p_true - 1, mse=mse) is None


def test_page_plots_reject_bad_input():
    X, y = perceptron.logic_gate("AND")
    with pytest.raises(ValueError, match="X must have 2 columns"):
        plots.plot_decision_boundary(lambda X: X[:, 0], np.ones((4, 3)), y)
    with pytest.raises(ValueError, match="one label per row"):
        plots.plot_decision_boundary(lambda X: X[:, 0], X, y[:3])
    with pytest.raises(TypeError, match="predict must be a function"):
        plots.plot_decision_boundary(np.ones(4), X, y)
    with pytest.raises(ValueError, match="at least one gate"):
        plots.plot_logic_gates({})
    with pytest.raises(ValueError, match="elementwise activations"):
        plots.plot_activations(["softmax"])
    with pytest.raises(ValueError, match="mse must have the shape of p"):
        plots.plot_loss_vs_probability(np.ones(3), cross_entropy=np.ones(3), mse=np.ones(2))
    plt.close("all")


def test_show_digit(language):
    assert plots.show_digit(_digit(), label=9) is None
    ax = plt.gca()
    assert ax.get_title() == plots.text("digit_title", label=9) + ", " + plots.text(
        "digit_shape", height=7, width=6
    )
    assert len(ax.texts) == 0  # no values unless asked


def test_show_digit_values_zooms_on_the_strokes_and_writes_every_pixel(language):
    image = _digit()
    plots.show_digit(image, values=True)
    ax = plt.gca()
    # the ink is rows 2-4 (row 4 still holds a 90), columns 2-3; one pixel around it: rows 1-5,
    # columns 1-4, each written, zeros included
    assert ax.get_xlim() == (0.5, 4.5)
    assert ax.get_ylim() == (5.5, 0.5)
    written = {(t.get_position()[1], t.get_position()[0]): t.get_text() for t in ax.texts}
    assert len(written) == 5 * 4
    assert written[(2, 3)] == "200" and written[(3, 2)] == "255" and written[(1, 1)] == "0"
    assert ax.get_title() == plots.text("digit_shape", height=7, width=6)


def test_show_digit_values_of_scaled_pixels_and_of_an_empty_image(language):
    plots.show_digit(_digit() / 255.0, values=True)
    assert "1.00" in {t.get_text() for t in plt.gca().texts}
    plots.show_digit(np.zeros((3, 3)), values=True)  # nothing to zoom on: the whole image
    assert len(plt.gca().texts) == 9


def test_show_digits(language):
    images = np.stack([_digit()] * 12)
    assert plots.show_digits(images, np.arange(12), n_columns=5) is None
    axes = plt.gcf().axes
    assert len(axes) == 15  # 3 rows of 5; the last 3 stay empty
    assert [ax.get_title() for ax in axes[:12]] == [str(i) for i in range(12)]
    with pytest.raises(ValueError, match="labels must hold one label per image"):
        plots.show_digits(images, [1, 2])
    with pytest.raises(ValueError, match="images must be 3-D"):
        plots.show_digits(_digit())


def test_plot_convolution(language):
    image = _digit() / 255.0
    kernel = convolution.kernel("vertical_edge")
    feature_map = convolution.conv2d(image, kernel)
    pooled = convolution.max_pool2d(activations.relu(feature_map))
    assert plots.plot_convolution(image, kernel, feature_map, pooled) is None
    axes = plt.gcf().axes
    assert [ax.get_title() for ax in axes] == [
        plots.text("conv_image", height=7, width=6),
        plots.text("conv_kernel", height=3, width=3),
        plots.text("conv_feature_map", height=5, width=4),
        plots.text("conv_pooled", height=2, width=2),
    ]
    assert [t.get_text() for t in axes[1].texts] == ["1", "0", "-1"] * 3  # the filter's values


def test_plot_epoch_times_names_the_bench_sides(language):
    assert plots.plot_epoch_times({"numpy": 6.5, "keras": 3.8, "floor": 0.61, "other": 1}) is None
    ax = plt.gca()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [*(plots.text(f"impl_{k}") for k in ("numpy", "keras", "floor")), "other"]
    assert list(ax.get_yticks()) == [3, 2, 1, 0]  # the first entry on top
    bar_labels = [t.get_text() for t in ax.texts]
    assert bar_labels == ["6.50 s", "3.80 s", "0.61 s", "1.00 s"]
    with pytest.raises(ValueError, match="seconds must map at least one label"):
        plots.plot_epoch_times({})


def test_plot_learning_rate_schedule(language):
    rates = np.concatenate([np.linspace(0.001, 0.01, 10), np.linspace(0.01, 0.0, 30)])
    assert plots.plot_learning_rate_schedule(rates, steps_per_epoch=20) is None
    ax = plt.gca()
    boundaries = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(boundaries) == 1 and boundaries[0].get_xdata()[0] == 20
    assert ax.get_legend().get_texts()[0].get_text() == plots.text("epoch_boundary")
    plots.plot_learning_rate_schedule(rates)  # without epoch marks: no legend
    assert plt.gca().get_legend() is None
