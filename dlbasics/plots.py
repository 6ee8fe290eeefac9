"""Plots for the pages, labelled in the reader's language (Korean or English).

A page's code cells are the same in both languages; only the text in its plots changes. The
language comes from, in order: :func:`set_language`, the ``DLBASICS_LANG`` environment variable
(the site build sets it to the page's language), a Korean locale (``LC_ALL``/``LC_MESSAGES``/``LANG``
starting with ``ko``), else English.

Korean text needs a Hangul font. We use NanumGothic from the ``koreanize-matplotlib`` wheel (in the
``docs`` extra): its font files are registered with matplotlib without importing that package
(which fails on Python >= 3.12). Otherwise a system font (Nanum, Noto Sans CJK KR, Malgun Gothic,
AppleGothic). NanumGothic has no U+2212 minus sign, so DejaVu Sans follows it as a fallback.

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

from ._validation import as_float_array, check_choice

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
        rc["font.family"] = [hangul_font(), "DejaVu Sans"]  # DejaVu Sans draws the minus sign
    with plt.rc_context(rc):
        yield


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
        raise ValueError(f"W_values and costs must have the same shape, got {W_values.shape} and {costs.shape}")
    with _style():
        ax = _axes(ax)
        ax.plot(W_values, costs, color="tab:blue", linewidth=2, label=text("cost_of_W"))
        if path is not None:
            W_path = as_float_array("path[0]", path[0], ndim=1, shape_hint="(n_steps,)")
            cost_path = as_float_array("path[1]", path[1], ndim=1, shape_hint="(n_steps,)")
            ax.plot(W_path, cost_path, "o-", color="tab:orange", markersize=4, label=text("descent_path"))
            ax.annotate(text("start"), (W_path[0], cost_path[0]), textcoords="offset points", xytext=(8, 4))
            ax.annotate(text("end"), (W_path[-1], cost_path[-1]), textcoords="offset points", xytext=(8, 8))
        ax.set(xlabel=text("W"), ylabel=text("cost_of_W"), title=text("cost_curve_title", b=float(b)))
        ax.legend()


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
    with _style():
        ax = _axes(ax)
        for history in histories:
            costs = as_float_array("history.cost", history.cost, ndim=1)
            label = text("learning_rate", alpha=history.learning_rate)
            if history.diverged:
                label += f" ({text('diverged')})"
            ax.plot(np.arange(costs.size), costs, linewidth=2, label=label)
        ax.set_yscale("log")
        ax.set(xlabel=text("step"), ylabel=text("cost"), title=text("learning_rate_title"))
        ax.legend()
