"""The Run controls of a notebook page, written into its HTML at build time (hooks/pyodide.py).

runner.js used to build them after the page had loaded. On a phone (Lighthouse) the bar's
paragraph then became the page's largest paint, 1.5 s after the text, and everything below it
moved down (layout shift 0.1-0.24): together a performance score of 63-80 instead of 93-98.
Written here, they are painted with the page, and runner.js only brings them to life. Their
buttons are disabled until it has, so that without JavaScript nothing looks as if it works.

The texts that change while code runs (status, progress, "Undo edits") stay in runner.js.
"""

from __future__ import annotations

import html
import re

from mkdocs.exceptions import PluginError

TEXT = {
    "en": {
        "run_all": "Run all",
        "stop": "Stop",
        "restart": "Restart",
        "run": "Run",
        "edit": "Edit",
        "run_cell": "Run code cell {n}",
        "edit_cell": "Edit code cell {n}",
        "bar": "Run the code in your browser",
        "intro": (
            "You can run and edit this page's code in your browser. The first Run downloads Python "
            "(Pyodide) with NumPy and matplotlib from this site, once. Your code runs on your "
            "computer and is sent nowhere. Ctrl+Enter (⌘+Enter on a Mac) runs the cell you are "
            "editing."
        ),
        "licences": "Third-party licences",
        "mnist": "MNIST: Yann LeCun, Corinna Cortes and Christopher J. C. Burges, CC BY-SA 3.0",
        "local_cell": (
            "This cell needs TensorFlow, which does not run in the browser. Run it on your computer:"
        ),
        "slow_cell": (
            "This cell trains for seconds on a computer, but would take many minutes in the browser "
            "(or uses what that training learned). Run it on your computer:"
        ),
        "local_page": (
            "The code on this page needs TensorFlow, which does not run in the browser. "
            "Run it on your computer:"
        ),
        "notebook": "download the notebook",
    },
    "ko": {
        "run_all": "모두 실행",
        "stop": "중지",
        "restart": "재시작",
        "run": "실행",
        "edit": "편집",
        "run_cell": "코드 셀 {n} 실행",
        "edit_cell": "코드 셀 {n} 편집",
        "bar": "브라우저에서 코드 실행",
        "intro": (
            "이 페이지의 코드를 브라우저에서 실행하고 고쳐 볼 수 있습니다. 처음 실행할 때 NumPy와 "
            "matplotlib가 든 Python(Pyodide)을 이 사이트에서 한 번 내려받습니다. 코드는 여러분의 "
            "컴퓨터에서 실행되며 어디로도 전송되지 않습니다. 편집 중인 셀은 Ctrl+Enter(Mac은 "
            "⌘+Enter)로 실행합니다."
        ),
        "licences": "서드파티 라이선스",
        "mnist": "MNIST: Yann LeCun, Corinna Cortes, Christopher J. C. Burges, CC BY-SA 3.0",
        "local_cell": (
            "이 셀은 TensorFlow가 필요해서 브라우저에서는 실행할 수 없습니다. 컴퓨터에서 실행하세요:"
        ),
        "slow_cell": (
            "이 셀의 학습은 컴퓨터에서는 몇 초면 끝나지만 브라우저에서는 몇 분 넘게 걸립니다"
            "(또는 그 학습 결과를 이어서 씁니다). 컴퓨터에서 실행하세요:"
        ),
        "local_page": (
            "이 페이지의 코드는 TensorFlow가 필요해서 브라우저에서는 실행할 수 없습니다. "
            "컴퓨터에서 실행하세요:"
        ),
        "notebook": "노트북 내려받기",
    },
}

# nbconvert 7 wraps each cell in a div with the same classes as the cell's own; runner.js and
# these controls work on the outer one (the old runner.js prepended to it, too).
OUTER_CODE_CELL = re.compile(
    r'<div class="jp-Cell jp-CodeCell[^"]*">(?=\s*<div class="jp-Cell jp-CodeCell)'
)


def texts(language: str) -> dict[str, str]:
    return TEXT["ko" if language == "ko" else "en"]


def loads_mnist(cells: list[dict]) -> bool:
    """Whether a cell that runs in the browser reads MNIST (the bar then credits it, and the
    worker loads it)."""
    return any("load_mnist" in cell["source"] for cell in cells if cell["browser"])


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _button(label: str, action: str, aria_label: str | None = None) -> str:
    aria = f' aria-label="{_escape(aria_label)}"' if aria_label else ""
    return (
        f'<button type="button" class="dlbasics-button" data-dlbasics-action="{action}"{aria} '
        f"disabled>{_escape(label)}</button>"
    )


def _note(text: str, notebook: str, t: dict) -> str:
    link = f'<a href="{_escape(notebook)}" download>{_escape(t["notebook"])}</a>'
    return f'<p class="dlbasics-note">{_escape(text)} {link}.</p>'


def bar(t: dict, notices: str, mnist: bool) -> str:
    """The page's bar above its first code cell: what running here means, Run all, Stop, Restart."""
    credits = f'<a href="{_escape(notices)}">{_escape(t["licences"])}</a>'
    if mnist:
        credits += f" · {_escape(t['mnist'])}"
    return (
        f'<div class="dlbasics-bar" role="region" aria-label="{_escape(t["bar"])}" '
        'data-dlbasics-session="idle">'
        f'<p class="dlbasics-intro">{_escape(t["intro"])}</p>'
        '<div class="dlbasics-controls">'
        + _button(t["run_all"], "run-all")
        + _button(t["stop"], "stop")
        + _button(t["restart"], "restart")
        + '<span class="dlbasics-status" role="status" aria-live="polite"></span>'
        '<progress class="dlbasics-progress" max="1" value="0" hidden></progress>'
        "</div>"
        f'<p class="dlbasics-credits">{credits}</p>'
        "</div>"
    )


def cell_bar(t: dict, number: int) -> str:
    """Run and Edit above one code cell, and the place for its status."""
    return (
        '<div class="dlbasics-cell-bar">'
        + _button(f"▶ {t['run']}", "run", t["run_cell"].format(n=number))
        + _button(t["edit"], "edit", t["edit_cell"].format(n=number))
        + '<span class="dlbasics-cell-status" aria-live="polite"></span>'
        "</div>"
    )


def add_controls(
    output: str, cells: list[dict], role: str, language: str, notebook: str, notices: str
) -> str:
    """The page's HTML with its controls: on a "browser" page the bar before the first code cell
    and, in each code cell, Run and Edit or a note that it runs locally (and why); on a "local"
    page one note before the first code cell. ``cells`` are hooks/pyodide.page_cells' entries, in
    page order, one per code cell of the HTML."""
    t = texts(language)
    starts = list(OUTER_CODE_CELL.finditer(output))
    if len(starts) != len(cells):
        raise PluginError(
            f"the page's HTML has {len(starts)} code cells, its source {len(cells)}: "
            "hooks/run_controls.py cannot put each cell's Run control in place"
        )
    if not starts:
        return output
    if role == "local":
        first = starts[0].start()
        return output[:first] + _note(t["local_page"], notebook, t) + output[first:]
    mnist = loads_mnist(cells)
    pieces, end = [], 0
    for number, (start, cell) in enumerate(zip(starts, cells, strict=True), 1):
        if number == 1:
            pieces.append(output[end : start.start()] + bar(t, notices, mnist))
            end = start.start()
        pieces.append(output[end : start.end()])
        end = start.end()
        if cell["browser"]:
            pieces.append(cell_bar(t, number))
        else:
            pieces.append(_note(t["slow_cell" if cell["slow"] else "local_cell"], notebook, t))
    pieces.append(output[end:])
    return "".join(pieces)
