"""The Python half of the in-browser notebook: runs a page's cells in Pyodide, in a Web Worker.

assets/javascripts/python-worker.js loads Pyodide, writes this file into its file system, imports
it and calls :func:`setup` once, then :func:`run` for each cell. Like a Jupyter kernel:

- all cells share one namespace, so a cell sees what the cells before it defined;
- the value of a cell's last expression is shown (not when it is None or the line ends with ``;``);
- matplotlib draws with Agg; each open figure is shown as a PNG after the cell, and at
  ``plt.show()``, then closed (what Jupyter's inline backend does, with the same
  ``bbox_inches="tight"``);
- an exception shows its traceback from the cell's own line on, without this module's frames.

Everything goes back through one JavaScript function, ``emit(kind, *values)``: ``("stream", name,
text)``, ``("image", png_bytes, alt_text)``, ``("text", repr)``, ``("error", name, traceback)``.
``IPython.display`` is a small stand-in here (the pages import ``Markdown`` from it), since
IPython is not part of the Pyodide packages the site serves.
"""

import io
import linecache
import os
import sys
import traceback
import types

from pyodide.code import eval_code_async
from pyodide.ffi import to_js

_emit = None
FigureCanvas = None  # matplotlib's Agg canvas, once setup() has imported matplotlib
_namespace = {"__name__": "__main__", "__builtins__": __builtins__}


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr: every write goes to the page as it happens."""

    def __init__(self, name):
        self.name = name

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def write(self, text):
        if text:
            _emit("stream", self.name, text)
        return len(text)


def setup(emit, language, mnist_dir="", keep_dir="", runs_dir=""):
    """Route output to ``emit``; label plots in ``language``; read MNIST from ``mnist_dir``;
    keep matplotlib's font list in ``keep_dir`` (the worker saves it in IndexedDB); read the
    site's published results of slow runs from ``runs_dir`` (``dlbasics.run_cache``).

    Imports matplotlib's font manager now, while the page shows "loading": the first import
    scans the fonts (a few seconds in WebAssembly; the Hangul font is among them) and says so on
    stderr, which would otherwise appear in the first cell that draws.
    """
    global _emit, FigureCanvas
    os.environ["DLBASICS_LANG"] = language  # dlbasics.plots labels its plots in it
    os.environ["MPLBACKEND"] = "module://browser_cells"  # FigureCanvas and show() below
    if mnist_dir:
        os.environ["DLBASICS_MNIST_DIR"] = mnist_dir  # the verified files served with the site
    if runs_dir:
        os.environ["DLBASICS_PUBLISHED_RUNS"] = runs_dir  # what the build trained, for its pages
    _install_ipython_display()
    _font_list(keep_dir)
    from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas  # for pyplot

    _emit = emit
    sys.stdout, sys.stderr = _Stream("stdout"), _Stream("stderr")


async def run(code, number):
    """Run one cell's ``code``; return True, or False when it raised (its traceback was shown)."""
    filename = f"<cell {number}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    try:
        value = await eval_code_async(
            code, _namespace, filename=filename, return_mode="last_expr",
            quiet_trailing_semicolon=True,
        )  # fmt: skip
    except BaseException as error:  # noqa: BLE001 - the reader's code may raise anything
        show()  # figures drawn before the error, as in Jupyter
        _emit("error", type(error).__name__, _traceback(error, filename))
        return False
    if value is not None:
        _display(value)
    show()
    return True


def _traceback(error, filename):
    """The traceback from the first frame of the cell on (SyntaxError: where the error is)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    if isinstance(error, SyntaxError) or tb is None:
        return "".join(traceback.format_exception_only(type(error), error))
    return "".join(traceback.format_exception(type(error), error, tb))


def _display(value):
    shows_itself = getattr(value, "_ipython_display_", None)
    if callable(shows_itself):  # IPython's protocol: the object displays itself (or nothing)
        shows_itself()
        return
    markdown = getattr(value, "_repr_markdown_", None)
    _emit("text", markdown() if callable(markdown) else repr(value))


def _font_list(keep_dir):
    """Import matplotlib's font manager with the font list kept from an earlier page, if any.

    Pyodide's matplotlib keeps the list beside font_manager.py (not in MPLCONFIGDIR); matplotlib
    checks its version and rebuilds a stale one, and then the new list is kept instead.
    """
    import importlib.util
    from pathlib import Path

    used = Path(importlib.util.find_spec("matplotlib").origin).parent / "fontlist.json"
    kept = Path(keep_dir, "fontlist.json") if keep_dir else None
    if kept is not None and kept.is_file():
        used.write_bytes(kept.read_bytes())
    import matplotlib.font_manager  # noqa: F401 - reads the list, or scans the fonts and writes it

    if kept is not None and used.is_file():
        if not (kept.is_file() and kept.read_bytes() == used.read_bytes()):
            kept.write_bytes(used.read_bytes())


# -- matplotlib: this module is its backend (MPLBACKEND=module://browser_cells) -------------------


def show(*args, **kwargs):
    """Send every open figure to the page as a PNG, then close them all."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        _emit("image", to_js(buffer.getbuffer()), _describe(figure))
    pyplot.close("all")


def _describe(figure):
    """Alt text for a figure: its titles and axis labels."""
    parts = []
    if figure._suptitle is not None and figure._suptitle.get_text():
        parts.append(figure._suptitle.get_text())
    for axes in figure.axes:
        labels = [axes.get_title(), axes.get_xlabel(), axes.get_ylabel()]
        parts.append(", ".join(label for label in labels if label))
    return "; ".join(part for part in parts if part) or "matplotlib figure"


# -- IPython.display: the few names the pages use ------------------------------------------------


class Markdown:
    """Markdown text to show as a cell's result (shown as its source text here)."""

    def __init__(self, data):
        self.data = data

    def _repr_markdown_(self):
        return self.data


def display(*values):
    for value in values:
        _display(value)


def _install_ipython_display():
    if "IPython" in sys.modules:
        return
    package = types.ModuleType("IPython", "A stand-in for IPython (browser_cells.py).")
    module = types.ModuleType("IPython.display")
    module.Markdown, module.display = Markdown, display
    package.display = module
    package.get_ipython = lambda: None  # matplotlib asks; None: no IPython shell to hook into
    sys.modules["IPython"], sys.modules["IPython.display"] = package, module
