"""A text alternative for every figure, read from what was drawn: kind, title, axes, series.

:func:`describe` looks at a finished figure the way a reader would: what kind of chart each panel
is (lines, points, bars, contours, images), its title, the label, scale and range of each axis,
the legend's entries and the bars' values. Every plot function labels its figure with
:func:`dlbasics.plots.text`, so the description is in the plot's language too, and nothing in it is
written by hand for one plot.

In a Jupyter kernel, :func:`attach_to_jupyter` makes every figure's PNG output carry that text as
``metadata["image/png"]["alt"]``: the site build (hooks/images.py) puts it into the page's
``<img alt>``, and the downloaded notebook keeps it.
"""

from __future__ import annotations

import sys

from ._strings import text


def describe(figure=None) -> str:
    """A description of ``figure`` (default: the current one) in the plot language.

    For example, in English: "Line chart: Cost at each step. x axis: gradient descent step, from 0
    to 300. y axis: cost(W, b), log scale, from 0.01 to 10."
    """
    import matplotlib.pyplot as plt

    figure = plt.gcf() if figure is None else figure
    panels = [ax for ax in figure.axes if ax.get_visible() and _kinds(ax)]
    parts = []
    title = figure.get_suptitle()
    if title:
        parts.append(f"{title}.")
    if len(panels) > 1 and all(_kinds(ax) == ["image"] for ax in panels):
        titles = [ax.get_title() for ax in panels if ax.get_title()]
        head = text("alt_images", n=len(panels))
        parts.append(f"{head}: {'; '.join(titles)}." if titles else f"{head}.")
    elif len(panels) == 1:
        parts.append(_describe_axes(panels[0], ranges=True))
    elif panels:  # without the ranges: a screen reader reads every word of every panel
        parts.append(text("alt_panels", n=len(panels)))
        for number, ax in enumerate(panels, start=1):
            parts.append(f"({number}) {_describe_axes(ax, ranges=False)}")
    legend = [label for legend in figure.legends for label in _legend_labels(legend)]
    if legend:
        parts.append(f"{text('alt_legend')}: {'; '.join(legend)}.")
    return " ".join(parts) or text("alt_empty")


def _kinds(ax) -> list[str]:
    """What an axes shows, in a fixed order: images, shaded regions, contours, bars, points, lines."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.contour import ContourSet

    kinds = []
    if ax.images:
        kinds.append("image")
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    if any(c.filled for c in contours):
        kinds.append("regions")
    if any(not c.filled for c in contours):
        kinds.append("contour")
    if any(isinstance(c, BarContainer) for c in ax.containers):
        kinds.append("bars")
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    if any(len(c.get_offsets()) for c in scatters):
        kinds.append("scatter")
    if any(len(line.get_xdata()) > 1 for line in ax.get_lines()):  # not a legend's empty proxy
        kinds.append("line")
    return kinds


def _describe_axes(ax, *, ranges: bool) -> str:
    kinds = ", ".join(text(f"alt_kind_{kind}") for kind in _kinds(ax))
    kinds = kinds[:1].upper() + kinds[1:]
    title = ax.get_title()
    sentences = [f"{kinds}: {title}." if title else f"{kinds}."]
    if ax.images:  # an image's axes are pixel rows and columns, not quantities
        return sentences[0]
    for axis, name in ((ax.xaxis, "alt_x_axis"), (ax.yaxis, "alt_y_axis")):
        details = [axis.get_label_text()] if axis.get_label_text() else []
        if axis.get_scale() == "log":
            details.append(text("alt_log_scale"))
        if ranges and axis is not _category_axis(ax) and len(axis.get_majorticklocs()):
            details.append(text("alt_range", **_data_range(ax, axis)))
        if details:
            sentences.append(f"{text(name)}: {', '.join(details)}.")
    bars = _bar_values(ax)
    if bars:
        sentences.append(f"{text('alt_bars')}: {'; '.join(bars)}.")
    labels = _legend_labels(ax.get_legend())
    if labels:
        sentences.append(f"{text('alt_legend')}: {'; '.join(labels)}.")
    return " ".join(sentences)


def _data_range(ax, axis) -> dict[str, str]:
    """Where the drawn data lies on ``axis``, within what the axes show (not the margins)."""
    data = ax.dataLim.intervalx if axis is ax.xaxis else ax.dataLim.intervaly
    view = sorted(axis.get_view_interval())
    low, high = max(min(data), view[0]), min(max(data), view[1])
    return {"low": _number(low), "high": _number(high)}


def _category_axis(ax):
    """The axis that names the bars (y for horizontal bars, x for vertical ones), or None."""
    from matplotlib.container import BarContainer

    for container in ax.containers:
        if isinstance(container, BarContainer):
            return ax.yaxis if container.orientation == "horizontal" else ax.xaxis
    return None


def _bar_values(ax) -> list[str]:
    """'name value' for every bar: names from the category axis' tick labels, values from the
    bar labels when the plot wrote them (they carry units), else the bars' own values."""
    from matplotlib.container import BarContainer

    category = _category_axis(ax)
    if category is None:
        return []
    ticks = zip(category.get_majorticklocs(), category.get_ticklabels(), strict=True)
    names = {round(float(tick), 6): label.get_text() for tick, label in ticks}
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    values = [_number(value) for container in containers for value in container.datavalues]
    written = [label.get_text() for label in ax.texts if label.get_text()]
    if len(written) == len(values):  # ax.bar_label wrote one label per bar
        values = written
    centres = []
    for container in containers:
        for bar in container.patches:
            if container.orientation == "horizontal":
                centres.append(bar.get_y() + bar.get_height() / 2)
            else:
                centres.append(bar.get_x() + bar.get_width() / 2)
    return [
        f"{names.get(round(centre, 6), '')} {value}".strip()
        for centre, value in zip(centres, values, strict=True)
    ]


def _legend_labels(legend) -> list[str]:
    if legend is None:
        return []
    return [entry.get_text() for entry in legend.get_texts() if entry.get_text()]


def _number(value: float) -> str:
    """Three significant digits, in plain digits up to a million ("4600", not "4.6e+03")."""
    written = f"{value:.3g}"
    if "e+" in written and abs(value) < 1e6:
        written = f"{float(written):.0f}"
    return "0" if written == "-0" else written


# ---------------------------------------------------------------------------------------------
# Jupyter: the description travels with every figure's PNG output


def attach_to_jupyter() -> None:
    """In an IPython kernel, add ``alt`` (from :func:`describe`) to every figure's PNG output.

    IPython shows a figure through the PNG printer that matplotlib-inline registered for
    ``Figure``; this wraps that printer, once, so that it also returns the metadata. Outside
    IPython, or when no PNG printer is registered, it does nothing.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        printer = formatter.lookup_by_type(Figure)
    except KeyError:
        return  # the inline backend is not active: nothing shows figures as PNG
    if not getattr(printer, "adds_alt_text", False):
        formatter.for_type(Figure, with_alt_text(printer))


def with_alt_text(printer):
    """``printer`` (figure -> PNG data, or (data, metadata)) that also returns ``{"alt": ...}``."""

    def print_with_alt_text(figure):
        data = printer(figure)
        if data is None:
            return None
        data, metadata = data if isinstance(data, tuple) else (data, {})
        return data, {**(metadata or {}), "alt": describe(figure)}

    print_with_alt_text.adds_alt_text = True
    return print_with_alt_text
