"""Plots for the pages, labelled in the reader's language (Korean or English).

A page's code cells are the same in both languages; only the text in its plots changes. The
language comes from, in order: :func:`set_language`, the ``DLBASICS_LANG`` environment variable
(the site build sets it to the page's language), a Korean locale (``LC_ALL``, ``LC_MESSAGES`` or
``LANG`` starting with ``ko``), else English.

Korean text needs a Hangul font. We use NanumGothic from the ``koreanize-matplotlib`` wheel (in the
``docs`` extra): its font files are registered with matplotlib without importing that package
(which fails on Python >= 3.12). Otherwise a system font (Nanum, Noto Sans CJK KR, Malgun Gothic,
AppleGothic). NanumGothic has no U+2212 minus sign, so DejaVu Sans comes first and Hangul falls
back to the Korean font.

Every plot function draws one figure (or into ``ax``) and returns nothing, so a cell that ends with
one shows the plot and no stray ``Text(...)`` / ``[<matplotlib.lines.Line2D ...>]`` line.

To add a plot: put its strings under the same key in both tables of ``_STRINGS``, then write a
function that opens ``with _style():``, gets a figure from ``_axes(ax)``, takes every label from
``text(key)`` and returns None. ``tests/test_plots.py`` checks that both tables have the same keys.
"""

from __future__ import annotations

import importlib.util
import os
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np

from ._validation import as_float_array, check_choice, check_positive_int

LANGUAGES = ("ko", "en")

_STRINGS = {
    "ko": {
        "x": "입력 x",
        "y": "정답 y",
        "data": "데이터",
        "W": "가중치 W",
        "cost": "비용 cost(W, b)",
        "cost_of_W": "비용 cost(W)",
        "cost_curve_title": "W에 따른 비용 (b = {b:g}로 고정)",
        "descent_path": "경사 하강 경로",
        "start": "시작",
        "end": "끝",
        "step": "경사 하강 단계",
        "cost_history_title": "단계별 비용",
        "learning_rate_title": "학습률에 따른 비용의 변화",
        "learning_rate": "학습률 α = {alpha:g}",
        "diverged": "발산",
        "fit_title": "데이터와 가설 H(x) = Wx + b",
        "b": "편향 b",
        "cost_surface_title": "(W, b)에 따른 비용: 등고선",
        # perceptron, MLP and XOR pages
        "x1": "입력 x₁",
        "x2": "입력 x₂",
        "decision_boundary": "결정 경계",
        "boundary_title": "{name}: 결정 경계",
        "target_is": "정답 {label}",
        "misclassified": "틀리게 분류한 점",
        "epoch": "에포크",
        "errors": "틀리게 분류한 샘플 수",
        "errors_title": "에포크별 오분류 개수",
        "h1": "은닉 유닛 h₁의 출력",
        "h2": "은닉 유닛 h₂의 출력",
        "hidden_title": "은닉층의 출력 공간에서 본 XOR",
        # activations and vanishing-gradient pages
        "act_step": "계단 함수 (step)",
        "act_sigmoid": "시그모이드 (sigmoid)",
        "act_tanh": "하이퍼볼릭 탄젠트 (tanh)",
        "act_relu": "ReLU",
        "act_linear": "항등 함수 (linear)",
        "max_value": "최댓값 {value:.2f}",
        "activation_row": "활성화 함수 f(z)",
        "derivative_row": "도함수 f′(z)",
        "layer": "층 (입력 쪽부터)",
        "gradient_norm": "기울기 크기 ‖dW‖",
        "vanishing_title": "층별 기울기 크기 (로그 눈금)",
        # softmax and cross-entropy page
        "p_true": "정답 클래스의 예측 확률 p",
        "loss_axis": "손실",
        "loss_vs_p_title": "정답 확률에 따른 손실",
        "cross_entropy_curve": "교차 엔트로피 −log p",
        "mse_curve": "평균 제곱 오차 (MSE)",
        "confidently_wrong": "자신 있게 틀린 구간",
        "cross_entropy_grad": "교차 엔트로피: |p − y|",
        "mse_grad": "평균 제곱 오차 (소프트맥스를 거친 기울기)",
        "logit_gradient": "로짓에 대한 기울기 크기 |∂L/∂z|",
        "gradients_title": "정답 확률에 따른 기울기 크기",
        # MNIST pages: data, the MLPs, the CNN
        "digit_title": "정답 레이블 {label}",
        "digit_shape": "{height}×{width} 픽셀",
        "conv_image": "입력 이미지 ({height}×{width})",
        "conv_kernel": "필터 ({height}×{width})",
        "conv_feature_map": "합성곱 결과 ({height}×{width})",
        "conv_pooled": "ReLU + 최대 풀링 ({height}×{width})",
        "epoch_seconds": "에포크 1회에 걸린 시간 (초)",
        "epoch_times_title": "MNIST 에포크 1회의 시간",
        "impl_numpy": "NumPy (dlbasics.mlp)",
        "impl_keras": "Keras (TensorFlow)",
        "impl_floor": "BLAS 하한 (행렬 곱만)",
        "optimizer_step": "옵티마이저 단계 (배치)",
        "learning_rate_axis": "학습률",
        "schedule_title": "학습률 스케줄: 워밍업 후 0까지 직선으로 감소",
        "epoch_boundary": "에포크 경계",
    },
    "en": {
        "x": "input x",
        "y": "target y",
        "data": "data",
        "W": "weight W",
        "cost": "cost(W, b)",
        "cost_of_W": "cost(W)",
        "cost_curve_title": "Cost as a function of W (b fixed at {b:g})",
        "descent_path": "gradient descent path",
        "start": "start",
        "end": "end",
        "step": "gradient descent step",
        "cost_history_title": "Cost at each step",
        "learning_rate_title": "How the learning rate changes the cost",
        "learning_rate": "learning rate α = {alpha:g}",
        "diverged": "diverged",
        "fit_title": "The data and the hypothesis H(x) = Wx + b",
        "b": "bias b",
        "cost_surface_title": "Cost over (W, b): contour lines",
        # perceptron, MLP and XOR pages
        "x1": "input x₁",
        "x2": "input x₂",
        "decision_boundary": "decision boundary",
        "boundary_title": "{name}: decision boundary",
        "target_is": "target {label}",
        "misclassified": "misclassified",
        "epoch": "epoch",
        "errors": "misclassified samples",
        "errors_title": "Misclassified samples in each epoch",
        "h1": "output of hidden unit h₁",
        "h2": "output of hidden unit h₂",
        "hidden_title": "XOR as the hidden layer sees it",
        # activations and vanishing-gradient pages
        "act_step": "step",
        "act_sigmoid": "sigmoid",
        "act_tanh": "tanh",
        "act_relu": "ReLU",
        "act_linear": "linear (identity)",
        "max_value": "max {value:.2f}",
        "activation_row": "activation f(z)",
        "derivative_row": "derivative f′(z)",
        "layer": "layer (input side first)",
        "gradient_norm": "gradient norm ‖dW‖",
        "vanishing_title": "Gradient norm in each layer (log scale)",
        # softmax and cross-entropy page
        "p_true": "predicted probability of the true class, p",
        "loss_axis": "loss",
        "loss_vs_p_title": "Loss vs the probability of the true class",
        "cross_entropy_curve": "cross-entropy −log p",
        "mse_curve": "mean squared error (MSE)",
        "confidently_wrong": "confidently wrong",
        "cross_entropy_grad": "cross-entropy: |p − y|",
        "mse_grad": "mean squared error (gradient through softmax)",
        "logit_gradient": "gradient size at the logit, |∂L/∂z|",
        "gradients_title": "Gradient size vs the probability of the true class",
        # MNIST pages: data, the MLPs, the CNN
        "digit_title": "label {label}",
        "digit_shape": "{height}×{width} pixels",
        "conv_image": "input image ({height}×{width})",
        "conv_kernel": "filter ({height}×{width})",
        "conv_feature_map": "after the convolution ({height}×{width})",
        "conv_pooled": "ReLU + max pooling ({height}×{width})",
        "epoch_seconds": "seconds for one epoch",
        "epoch_times_title": "Time for one MNIST epoch",
        "impl_numpy": "NumPy (dlbasics.mlp)",
        "impl_keras": "Keras (TensorFlow)",
        "impl_floor": "BLAS floor (matrix products only)",
        "optimizer_step": "optimizer step (batch)",
        "learning_rate_axis": "learning rate",
        "schedule_title": "Learning-rate schedule: warm-up, then a straight line down to 0",
        "epoch_boundary": "epoch boundary",
    },
}

_HANGUL_FAMILIES = (
    "NanumGothic",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Malgun Gothic",
    "AppleGothic",
    "UnDotum",
)

_language_override: str | None = None


def set_language(language: str | None) -> None:
    """Label plots in ``language`` ("ko" or "en"); ``None`` goes back to the environment."""
    global _language_override
    if language is not None:
        check_choice("language", language, LANGUAGES)
    _language_override = language


def language() -> str:
    """The language plots are labelled in: "ko" or "en" (see the module docstring for the order)."""
    if _language_override is not None:
        return _language_override
    value = os.environ.get("DLBASICS_LANG", "").strip()
    if value:
        if value not in LANGUAGES:
            raise ValueError(f"DLBASICS_LANG must be 'ko' or 'en', got {value!r}")
        return value
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(variable):
            return "ko" if os.environ[variable].lower().startswith("ko") else "en"
    return "en"


def text(key: str, **values) -> str:
    """The string ``key`` in the current language, formatted with ``values``."""
    strings = _STRINGS[language()]
    if key not in strings:
        raise KeyError(f"no plot string {key!r}; add it to both tables of dlbasics.plots._STRINGS")
    return strings[key].format(**values)


@cache
def hangul_font() -> str:
    """Register a Hangul font with matplotlib and return its family name."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec("koreanize_matplotlib")  # finds it without importing it
    if spec is not None and spec.submodule_search_locations:
        for path in sorted((Path(spec.submodule_search_locations[0]) / "fonts").glob("*.ttf")):
            font_manager.fontManager.addfont(str(path))
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for family in _HANGUL_FAMILIES:
        if family in installed:
            return family
    raise RuntimeError(
        "Korean plot labels need a Hangul font, and none was found. Install the docs extra "
        "(pip install -e '.[docs]', which brings NanumGothic in koreanize-matplotlib) or a system "
        "font such as fonts-nanum, or call dlbasics.plots.set_language('en')."
    )


@contextmanager
def _style():
    """Matplotlib settings for one plot: the language's font, a light grid."""
    import matplotlib.pyplot as plt

    rc = {"axes.grid": True, "grid.alpha": 0.3, "figure.figsize": (6.4, 4.0)}
    if language() == "ko":
        # DejaVu Sans first: mathtext (log-axis ticks such as 10^-1) uses only the first family,
        # and NanumGothic has no minus sign; Hangul falls back to the Korean font.
        rc["font.family"] = ["DejaVu Sans", hangul_font()]
    with plt.rc_context(rc):
        yield
        # The first figure loads the backend, and Jupyter's inline backend switches interactive
        # mode on as it loads; keep that, or no later plot would be shown.
        interactive = plt.isinteractive()
    plt.interactive(interactive)


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(layout="constrained")
    return ax


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


# --------------------------------------------------------------------------------------------
# Perceptron, MLP and XOR pages: decision boundaries


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

    from .perceptron import logic_gate

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
            for label, marker, color in ((1, "o", "tab:red"), (0, "s", "tab:blue")):
                mask = y == label
                ax.scatter(
                    *H[mask].T,
                    marker=marker,
                    s=70,
                    color=color,
                    edgecolors="k",
                    label=text("target_is", label=label),
                )
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


# --------------------------------------------------------------------------------------------
# Activations and vanishing gradients


def plot_activations(names=("step", "sigmoid", "tanh", "relu"), *, z_min=-5.0, z_max=5.0) -> None:
    """A grid: each activation f(z) on top and its derivative f'(z) below, over [z_min, z_max].

    Marks sigmoid's largest slope and the ReLU'(0) = 0 convention.
    """
    import matplotlib.pyplot as plt

    from .activations import get_activation

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


# --------------------------------------------------------------------------------------------
# MNIST pages: the images, the two MLPs' timing, the CNN


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


def show_digits(images, labels=None, *, n_columns: int = 10) -> None:
    """Several images ``(n, height, width)`` in a grid, each titled with its label when given."""
    import matplotlib.pyplot as plt

    images = as_float_array("images", images, ndim=3, shape_hint="(n_images, height, width)")
    n_columns = check_positive_int("n_columns", n_columns)
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
            steps_per_epoch = check_positive_int("steps_per_epoch", steps_per_epoch)
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
