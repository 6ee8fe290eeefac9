"""A page's own code, run in the test: a claim test reads what the page computes, never a retyped copy.

``run_page("mlp-xor")`` executes the English page's code cells in order in one namespace (as the
build's kernel does, with plots drawn off-screen and closed) and returns that namespace; ``cells=3``
stops after the first three, for pages whose later cells train for minutes; ``replace={"seed=0":
"seed=1"}`` runs the same code with one setting changed, for a claim about "another seed". The two
languages' code cells are identical (tests/test_site.py checks it), so the English ones stand for
both. The exercises at the end of a page are the reader's code, not the page's: they are left out
here (tests/test_exercise_pages.py runs them).
"""

from __future__ import annotations

import jupytext

from .._support import DOCS

EXERCISES = "<!-- dlbasics-exercises: intro -->"  # where scripts/exercise_blocks.py starts them


def code_cells(page: str, language: str = "en") -> list[str]:
    """The sources of a page's code cells, in order, up to its exercises section."""
    sources = []
    for cell in jupytext.read(DOCS / language / f"{page}.md").cells:
        if cell.cell_type == "markdown" and EXERCISES in cell.source:
            break
        if cell.cell_type == "code":
            sources.append(cell.source)
    return sources


def run_page(page: str, *, cells: int | None = None, replace: dict | None = None) -> dict:
    """Execute the first ``cells`` code cells (all by default); return the namespace they leave.

    ``replace`` maps a piece of the page's code to what to run instead; each must occur.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dlbasics import plots

    sources = code_cells(page)[:cells]
    for old, new in (replace or {}).items():
        assert any(old in source for source in sources), f"{page}: no {old!r} in its code"
        sources = [source.replace(old, new) for source in sources]
    namespace: dict = {"__name__": f"page_{page.replace('-', '_')}"}
    plots.set_language("en")
    try:
        for number, source in enumerate(sources, start=1):
            exec(compile(source, f"docs/en/{page}.md, code cell {number}", "exec"), namespace)
    finally:
        plt.close("all")
        plots.set_language(None)
    return namespace
