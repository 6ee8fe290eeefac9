"""dlbasics.plots.describe: every plot's text alternative, in both languages, read from the figure.

Every public plot function is drawn once per language; its description must name the kind of
chart and repeat the figure's own title, axis labels and legend (so it says what the picture
says, in the same words), be in the plot's language, and differ between the languages. In a
Jupyter kernel the description travels as the PNG output's ``alt`` metadata (last tests).
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from dlbasics import linear_regression, perceptron, plots  # noqa: E402

HANGUL = re.compile("[가-힣]")


def _draw_optimizer_paths():
    W, b = np.linspace(-1, 3, 21), np.linspace(-1, 2, 16)
    costs = (W[None, :] - 2) ** 2 + 10 * (b[:, None] - 1) ** 2 + 0.1  # > 0: log-spaced contours
    path = np.column_stack([np.linspace(0, 2, 11), np.linspace(0, 1, 11)])
    plots.plot_optimizer_paths(W, b, costs, dict.fromkeys("ABC", path), minimum=(2, 1))


def _xor_predict(X):
    return (X[:, 0] != X[:, 1]).astype(float)


def _draw_regression(name):
    x, y = linear_regression.make_data(n_samples=30, seed=1)
    history = linear_regression.fit(x, y, learning_rate=0.05, n_steps=50, W_init=-2.0)
    W_values = np.linspace(-3.0, 5.0, 41)
    b_values = np.linspace(-2.0, 3.0, 31)
    if name == "plot_fit":
        plots.plot_fit(x, y, {"W = 2, b = 1": (2.0, 1.0)})
    elif name == "plot_cost_curve":
        costs = linear_regression.cost_curve(x, y, W_values)
        plots.plot_cost_curve(W_values, costs, path=(history.W[:, 0], history.cost))
    elif name == "plot_cost_surface":
        surface = np.array([linear_regression.cost_curve(x, y, W_values, b=b) for b in b_values])
        plots.plot_cost_surface(W_values, b_values, surface, path=(history.W[:, 0], history.b))
    elif name == "plot_cost_history":
        plots.plot_cost_history(history.cost)
    else:
        runs = [linear_regression.fit(x, y, learning_rate=a, n_steps=300) for a in (0.01, 0.3)]
        plots.plot_learning_rates(runs)


# One call per public plot function: a new one fails test_every_plot_function_is_described.
DRAW = {
    "plot_fit": lambda: _draw_regression("plot_fit"),
    "plot_cost_curve": lambda: _draw_regression("plot_cost_curve"),
    "plot_cost_surface": lambda: _draw_regression("plot_cost_surface"),
    "plot_cost_history": lambda: _draw_regression("plot_cost_history"),
    "plot_learning_rates": lambda: _draw_regression("plot_learning_rates"),
    "plot_decision_boundary": lambda: plots.plot_decision_boundary(
        _xor_predict, *perceptron.logic_gate("XOR"), name="XOR"
    ),
    "plot_logic_gates": lambda: plots.plot_logic_gates(
        {"AND": lambda X: X[:, 0] * X[:, 1], "XOR": _xor_predict}
    ),
    "plot_errors_per_epoch": lambda: plots.plot_errors_per_epoch(
        {"AND": perceptron.train(*perceptron.logic_gate("AND"), seed=0)}
    ),
    "plot_hidden_space": lambda: plots.plot_hidden_space(
        np.array([[0.1, 0.2], [0.9, 0.1], [0.8, 0.9], [0.2, 0.8]]),
        [0, 1, 1, 0],
        inputs=perceptron.logic_gate("XOR")[0],
    ),
    "plot_activations": lambda: plots.plot_activations(["sigmoid", "relu"]),
    "plot_layer_gradient_norms": lambda: plots.plot_layer_gradient_norms(
        {"sigmoid": [1e-4, 1e-3, 1e-2], "relu": [0.1, 0.2, 0.3]}
    ),
    "plot_loss_vs_probability": lambda: plots.plot_loss_vs_probability(
        np.linspace(0.01, 0.99, 50),
        cross_entropy=-np.log(np.linspace(0.01, 0.99, 50)),
        mse=(1 - np.linspace(0.01, 0.99, 50)) ** 2,
    ),
    "plot_output_gradients": lambda: plots.plot_output_gradients(
        np.linspace(0.01, 0.99, 50),
        cross_entropy=np.linspace(0.01, 0.99, 50) - 1,
        mse=np.linspace(0.01, 0.99, 50) ** 2 - 1,
    ),
    "show_digit": lambda: plots.show_digit(np.eye(8) * 255, label=7),
    "show_digits": lambda: plots.show_digits(np.stack([np.eye(8)] * 3), [1, 2, 3]),
    "plot_convolution": lambda: plots.plot_convolution(
        np.eye(6), np.ones((3, 3)), np.ones((4, 4)), np.ones((2, 2))
    ),
    "plot_epoch_times": lambda: plots.plot_epoch_times({"numpy": 1.25, "keras": 3.0}),
    "plot_learning_rate_schedule": lambda: plots.plot_learning_rate_schedule(
        np.linspace(0.01, 0.0, 40), steps_per_epoch=10
    ),
    "plot_optimizer_paths": _draw_optimizer_paths,
    "plot_cost_gaps": lambda: plots.plot_cost_gaps(
        {"full_batch": [1.0, 0.1, 0.0], "SGD": [1.0, 0.5, 0.2]}
    ),
    "plot_batch_losses": lambda: plots.plot_batch_losses({"Adam": [2.3, 1.0, 0.5]}),
    "plot_training_curves": lambda: plots.plot_training_curves(
        {
            "baseline": {
                "loss": [1.0, 0.5, 0.1],
                "accuracy": [0.5, 0.8, 1.0],
                "val_loss": [0.9, 0.6, 0.7],
                "val_accuracy": [0.6, 0.8, 0.79],
            }
        },
        stopped_epoch=2,
    ),
    "plot_filters": lambda: plots.plot_filters(np.random.default_rng(0).normal(size=(3, 3, 1, 10))),
    "plot_feature_maps": lambda: plots.plot_feature_maps(
        np.random.default_rng(1).normal(size=(6, 6, 3))
    ),
    "plot_shift_accuracy": lambda: plots.plot_shift_accuracy(
        [0, 1, 2], {"MLP": [0.9, 0.8, 0.6], "CNN": [0.98, 0.97, 0.95]}
    ),
}


@pytest.fixture(autouse=True)
def _clean():
    yield
    plots.set_language(None)
    plt.close("all")


def draw(name: str, language: str):
    plt.close("all")
    plots.set_language(language)
    assert DRAW[name]() is None
    figure = plt.gcf()
    return figure, plots.describe(figure)


def test_every_plot_function_is_described():
    public = {name for name in plots.__all__ if name.startswith(("plot_", "show_"))}
    assert public == set(DRAW), f"add an example call for {sorted(public - set(DRAW))}"


@pytest.mark.parametrize("name", sorted(DRAW))
def test_description_says_what_the_figure_shows_in_its_language(name):
    described = {}
    for language in plots.LANGUAGES:
        figure, text = draw(name, language)
        described[language] = text
        for ax in figure.axes:  # the figure's own words, each found in the description
            words = [ax.get_title()]
            if not ax.images:
                words += [ax.get_xlabel(), ax.get_ylabel()]
            legend = ax.get_legend()
            words += [t.get_text() for t in legend.get_texts()] if legend else []
            for word in filter(None, words):
                assert word in text, f"{name} ({language}): {word!r} missing from {text!r}"
        for legend in figure.legends:
            for entry in legend.get_texts():
                assert entry.get_text() in text, f"{name} ({language}): legend {entry.get_text()}"
        kinds = [plots.text(f"alt_kind_{kind}") for kind in ("image", "line", "scatter", "bars")]
        assert any(kind.lower() in text.lower() for kind in kinds), f"{name}: no kind in {text!r}"
    assert HANGUL.search(described["ko"]), described["ko"]
    assert not HANGUL.search(described["en"]), described["en"]
    assert described["ko"] != described["en"]


def test_a_line_chart_names_its_data_range_and_scale():
    plots.set_language("en")
    plots.plot_cost_history([100.0, 10.0, 1.0, 0.5])
    assert plots.describe() == (
        "Line chart: Cost at each step. x axis: gradient descent step, from 0 to 3. "
        "y axis: cost(W, b), log scale, from 0.5 to 100."
    )
    plt.close("all")
    plots.set_language("ko")
    plots.plot_cost_history([100.0, 10.0, 1.0, 0.5])
    assert plots.describe() == (
        "선 그래프: 단계별 비용. 가로축: 경사 하강 단계, 0부터 3까지. "
        "세로축: 비용 cost(W, b), 로그 눈금, 0.5부터 100까지."
    )


def test_bars_are_read_with_their_names_and_written_values():
    plots.set_language("en")
    plots.plot_epoch_times({"numpy": 1.25, "keras": 3.0, "mine": 0.5})
    text = plots.describe()
    assert text.startswith("Bar chart: Time for one MNIST epoch.")
    assert "Bars: NumPy (dlbasics.mlp) 1.25 s; Keras (TensorFlow) 3.00 s; mine 0.50 s." in text


def test_a_grid_of_images_lists_their_titles():
    plots.set_language("en")
    plots.show_digits(np.zeros((3, 4, 4)), [5, 0, 4])
    assert plots.describe() == "3 images: 5; 0; 4."


def test_numbers_are_short_and_plain():
    from dlbasics.plots._describe import _number

    assert [_number(v) for v in (4603.0, 0.0012345, -0.0, 2.5e7, 12.0)] == [
        "4600",
        "0.00123",
        "0",
        "2.5e+07",
        "12",
    ]


def test_an_empty_figure_still_gets_a_text():
    plots.set_language("en")
    assert plots.describe(plt.figure()) == "an empty figure"


# -- in Jupyter: the PNG output's metadata carries the description -----------------------------


def test_the_png_printer_returns_the_description_as_alt_metadata():
    from dlbasics.plots._describe import with_alt_text

    plots.set_language("en")
    plots.plot_cost_history([3.0, 2.0, 1.0])
    figure = plt.gcf()
    plain = with_alt_text(lambda fig: "iVBOR...")
    retina = with_alt_text(lambda fig: ("iVBOR...", {"width": 320, "height": 200}))
    assert plain(figure) == ("iVBOR...", {"alt": plots.describe(figure)})
    assert retina(figure) == (
        "iVBOR...",
        {"width": 320, "height": 200, "alt": plots.describe(figure)},
    )
    assert with_alt_text(lambda fig: None)(figure) is None
    assert plain.adds_alt_text


def test_a_kernel_shows_every_figure_with_its_alt_text():
    """A real IPython shell with matplotlib's inline PNG printer: the wrapped one adds alt."""
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib.figure import Figure

    shell = InteractiveShell.instance()
    try:
        select_figure_formats(shell, {"png"})
        plots.set_language("ko")
        plots.plot_cost_history([3.0, 2.0, 1.0])  # registers the wrapper (dlbasics.plots._style)
        formatter = shell.display_formatter.formatters["image/png"]
        printer = formatter.lookup_by_type(Figure)
        assert printer.adds_alt_text
        data, metadata = shell.display_formatter.format(plt.gcf())
        assert data["image/png"]
        assert metadata["image/png"]["alt"].startswith("선 그래프: 단계별 비용.")
        plots.plot_cost_history([3.0, 2.0])  # wrapped once, not once per plot
        assert formatter.lookup_by_type(Figure) is printer
    finally:
        InteractiveShell.clear_instance()
