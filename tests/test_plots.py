"""dlbasics.plots: the language of the labels, the Hangul font, and plots that return nothing."""

from __future__ import annotations

import io
import logging
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from dlbasics import linear_regression, plots  # noqa: E402


@pytest.fixture(autouse=True)
def clean_state(monkeypatch):
    for variable in ("DLBASICS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    plots.set_language(None)
    yield
    plots.set_language(None)
    plt.close("all")


def render(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


def figure_texts(figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(matplotlib.text.Text) if text.get_text()]


def test_both_languages_have_the_same_strings():
    assert set(plots.STRINGS["ko"]) == set(plots.STRINGS["en"])
    for key, english in plots.STRINGS["en"].items():
        korean = plots.STRINGS["ko"][key]
        assert sorted(re.findall(r"{\w+", korean)) == sorted(re.findall(r"{\w+", english)), key


def test_language_comes_from_the_override_then_dlbasics_lang_then_the_locale(monkeypatch):
    assert plots.language() == "en"
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert plots.language() == "ko"
    monkeypatch.setenv("DLBASICS_LANG", "en")
    assert plots.language() == "en"
    plots.set_language("ko")
    assert plots.language() == "ko"
    assert plots.text("diverged") == "발산"


def test_bad_language_is_refused_with_a_clear_message(monkeypatch):
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of 'en', 'ko'"):
        plots.set_language("fr")
    monkeypatch.setenv("DLBASICS_LANG", "kr")
    with pytest.raises(ValueError, match="DLBASICS_LANG must be 'ko' or 'en', got 'kr'"):
        plots.language()
    monkeypatch.delenv("DLBASICS_LANG")
    with pytest.raises(KeyError, match="add it to both tables"):
        plots.text("no-such-string")


def draw_every_linear_regression_plot() -> None:
    x, y = linear_regression.make_data(n_samples=30, seed=1)
    history = linear_regression.fit(x, y, learning_rate=0.05, n_steps=50, W_init=-2.0)
    W_values = np.linspace(-3.0, 5.0, 41)  # negative ticks: the minus sign must render too
    b_values = np.linspace(-2.0, 3.0, 31)
    surface = np.array([linear_regression.cost_curve(x, y, W_values, b=b) for b in b_values])
    assert plots.plot_fit(x, y, {"W = 2, b = 1": (2.0, 1.0)}) is None
    assert plots.plot_cost_curve(W_values, linear_regression.cost_curve(x, y, W_values)) is None
    assert (
        plots.plot_cost_surface(W_values, b_values, surface, path=(history.W[:, 0], history.b))
        is None
    )
    assert plots.plot_cost_history(history.cost) is None
    runs = [linear_regression.fit(x, y, learning_rate=a, n_steps=300) for a in (0.01, 0.3)]
    assert runs[1].diverged
    assert plots.plot_learning_rates(runs) is None


@pytest.mark.parametrize("language", ["ko", "en"])
def test_plots_render_every_glyph_in_both_languages(language, caplog):
    """No 'Glyph ... missing from font(s)' warning (an error here) and no mathtext dummy symbol."""
    plots.set_language(language)
    with caplog.at_level(logging.WARNING, logger="matplotlib"):
        draw_every_linear_regression_plot()
        figures = [plt.figure(number) for number in plt.get_fignums()]
        assert len(figures) == 5
        for figure in figures:
            assert render(figure).startswith(b"\x89PNG")
    assert not [r.getMessage() for r in caplog.records if "glyph" in r.getMessage().lower()]
    texts = " ".join(text for figure in figures for text in figure_texts(figure))
    if language == "ko":
        assert "가중치 W" in texts and "발산" in texts and re.search("[가-힣]", texts)
    else:
        assert "weight W" in texts and "diverged" in texts and not re.search("[가-힣]", texts)


def test_korean_font_is_nanum_gothic_from_the_wheel_with_a_minus_sign_fallback():
    plots.set_language("ko")
    assert plots.hangul_font() == "NanumGothic"
    plots.plot_cost_history([3.0, 2.0, 1.0])
    title = plt.gca().title
    assert title.get_fontfamily() == ["DejaVu Sans", "NanumGothic"]
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]  # only inside the plot


def test_plot_inputs_are_checked():
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        plots.plot_fit([1.0, 2.0], [1.0])
    with pytest.raises(
        ValueError, match=r"costs must have shape \(len\(b_values\), len\(W_values\)\)"
    ):
        plots.plot_cost_surface([0.0, 1.0], [0.0, 1.0, 2.0], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="histories must hold at least one run"):
        plots.plot_learning_rates([])
