"""hooks/run_controls.py: the Run controls written into a notebook page's HTML at build time."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from . import run_support as rs

run_controls = rs.load_pyodide_hook().run_controls  # the module hooks/pyodide.py imports

# Two code cells as nbconvert 7 writes them: an outer div, and inside it one with the same classes.
CELL = (
    '<div class="jp-Cell jp-CodeCell jp-Notebook-cell">\n'
    '<div class="jp-Cell jp-CodeCell jp-Notebook-cell" id="cell-id={n}">code {n}</div>\n</div>'
)
PAGE = "<article><p>intro</p>" + CELL.format(n=1) + CELL.format(n=2) + "</article>"


def cells(*flags):
    return [{"source": "x = 1", "browser": browser, "slow": slow} for browser, slow in flags]


def controls(html, entries, role="browser", language="en"):
    return run_controls.add_controls(
        html, entries, role, language, notebook="page.ipynb", notices="../notices.txt"
    )


def test_the_bar_comes_before_the_first_cell_and_each_cell_gets_its_controls():
    out = controls(PAGE, cells((True, False), (True, False)))
    assert out.index('class="dlbasics-bar"') < out.index('class="jp-Cell jp-CodeCell')
    assert out.count('class="dlbasics-cell-bar"') == 2
    first, second = out.split('id="cell-id=1"')[0], out.split('id="cell-id=1"')[1]
    assert 'aria-label="Run code cell 1"' in first and 'aria-label="Run code cell 2"' in second
    # disabled until runner.js binds them, so that nothing looks as if it works without it
    assert out.count("<button") == out.count(" disabled>") == 3 + 2 * 2
    assert (
        out.replace(run_controls.bar(run_controls.TEXT["en"], "../notices.txt", False), "")[
            : len("<article><p>intro</p>")
        ]
        == "<article><p>intro</p>"
    )  # nothing else moved


def test_cells_that_run_locally_get_a_note_saying_why_and_no_run_button():
    out = controls(PAGE, cells((False, True), (False, False)), language="ko")
    assert "dlbasics-cell-bar" not in out
    slow, local = run_controls.TEXT["ko"]["slow_cell"], run_controls.TEXT["ko"]["local_cell"]
    assert out.index(slow) < out.index('id="cell-id=1"') < out.index(local)
    assert out.count('<a href="page.ipynb" download>노트북 내려받기</a>') == 2


def test_a_local_page_gets_one_note_and_no_bar():
    out = controls(PAGE, cells((False, False), (False, False)), role="local")
    assert "dlbasics-bar" not in out and "<button" not in out
    assert out.count("dlbasics-note") == 1
    assert out.index(run_controls.TEXT["en"]["local_page"]) < out.index("jp-CodeCell")


def test_the_mnist_credit_only_where_a_browser_cell_loads_mnist():
    mnist = [{"source": "load_mnist()", "browser": True, "slow": False}] * 2
    assert "Yann LeCun" in controls(PAGE, mnist)
    assert "Yann LeCun" not in controls(PAGE, cells((True, False), (True, False)))


def test_both_languages_have_the_same_texts():
    assert run_controls.TEXT["ko"].keys() == run_controls.TEXT["en"].keys()
    assert run_controls.texts("fr") is run_controls.TEXT["en"]


def test_a_cell_count_that_does_not_match_the_source_fails_the_build():
    with pytest.raises(PluginError, match="has 2 code cells, its source 3"):
        controls(PAGE, cells((True, False), (True, False), (True, False)))
