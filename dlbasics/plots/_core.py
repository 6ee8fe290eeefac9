"""What every plot shares: the Hangul font and the style (the strings are in :mod:`._strings`)."""

from __future__ import annotations

import importlib.util
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from ._describe import attach_to_jupyter
from ._strings import language

_HANGUL_FAMILIES = (
    "NanumGothic",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Malgun Gothic",
    "AppleGothic",
    "UnDotum",
)


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
    # Here, not at import: the inline backend is loaded by now.
    attach_to_jupyter()  # the figure's PNG output carries its description as alt text


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(layout="constrained")
    return ax
