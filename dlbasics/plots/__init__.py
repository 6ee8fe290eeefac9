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
one shows the plot and no stray ``Text(...)`` / ``[<matplotlib.lines.Line2D ...>]`` line. An axes
made for ``ax=`` should be made inside ``with plots.style():``, so it gets the language's font.
``STRINGS`` holds every label in both languages.

The plots live in one module per topic (``regression``, ``classifiers``, ``gradients``,
``images``, ``training``); ``_strings`` holds the language and the strings, ``_core`` the font
and the style. To add a plot: put its strings under the same key in both tables of ``_strings._STRINGS``, then write a
function that opens ``with _style():``, gets a figure from ``_axes(ax)``, takes every label from
``text(key)`` and returns None. ``tests/test_plots.py`` checks that both tables have the same keys.

:func:`describe` turns a drawn figure into a text alternative in the same language (the kind of
chart, its title, axes, legend and bar values); in Jupyter every figure's PNG output carries it
as its ``alt`` text (``_describe``), and the site puts it into the page's ``<img alt>``.
"""

from ._core import _style as style
from ._core import hangul_font
from ._describe import describe
from ._strings import _STRINGS as STRINGS
from ._strings import LANGUAGES, language, set_language, text
from .classifiers import (
    plot_decision_boundary,
    plot_errors_per_epoch,
    plot_hidden_space,
    plot_logic_gates,
)
from .gradients import (
    plot_activations,
    plot_layer_gradient_norms,
    plot_loss_vs_probability,
    plot_output_gradients,
)
from .images import (
    plot_convolution,
    plot_epoch_times,
    plot_learning_rate_schedule,
    show_digit,
    show_digits,
)
from .regression import (
    plot_cost_curve,
    plot_cost_history,
    plot_cost_surface,
    plot_fit,
    plot_learning_rates,
)
from .training import (
    plot_batch_losses,
    plot_cost_gaps,
    plot_feature_maps,
    plot_filters,
    plot_optimizer_paths,
    plot_shift_accuracy,
    plot_training_curves,
)

__all__ = [
    "LANGUAGES",
    "STRINGS",
    "describe",
    "style",
    "hangul_font",
    "language",
    "set_language",
    "text",
    "plot_activations",
    "plot_batch_losses",
    "plot_cost_gaps",
    "plot_feature_maps",
    "plot_filters",
    "plot_optimizer_paths",
    "plot_shift_accuracy",
    "plot_training_curves",
    "plot_convolution",
    "plot_cost_curve",
    "plot_cost_history",
    "plot_cost_surface",
    "plot_decision_boundary",
    "plot_epoch_times",
    "plot_errors_per_epoch",
    "plot_fit",
    "plot_hidden_space",
    "plot_layer_gradient_norms",
    "plot_learning_rate_schedule",
    "plot_learning_rates",
    "plot_logic_gates",
    "plot_loss_vs_probability",
    "plot_output_gradients",
    "show_digit",
    "show_digits",
]
