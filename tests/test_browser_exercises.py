"""The exercises in the reader's browser (acceptance 4 of issue 12), in headless Chromium.

On a Korean and on an English page, an exercise's check cell is filled in with its solution and
run in the in-browser Python (Pyodide, the Run controls of issue 11): it shows ✅ in the page's
language. Then it is filled in with a known-wrong answer and shows the ❌ line meant for that
mistake. The check prints only that line: the Result it returns shows nothing more (IPython's
``_ipython_display_``).

The controls come from docs/assets/javascripts/runner.js (built by hooks/pyodide.py); the page
is driven as tests/test_browser_run.py drives it (tests/run_support.py). Until that runtime is
part of this checkout the test is skipped, saying so; tests/test_exercise_pages.py shows the same
messages in plain Python.
"""

from __future__ import annotations

import textwrap

import pytest

from dlbasics.exercises._text import MESSAGES

from . import browser_support as bs
from . import exercise_support as es
from ._support import REPO
from .test_browser import VIEWPORT  # the browser and site_dir fixtures come from conftest.py
from .test_exercises import WRONG, expected_message

RUNTIME = REPO / "hooks" / "pyodide.py"
try:
    from . import run_support as rs
except ImportError:  # the in-browser runtime (issue 11) is not in this checkout yet
    rs = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        rs is None or not RUNTIME.is_file(),
        reason="the in-browser runtime of issue 11 (hooks/pyodide.py, tests/run_support.py) is "
        "not in this checkout",
    ),
]

# (language, page, exercise, the known-wrong answer of WRONG to type in)
CASES = [
    ("ko", "activations", "activations.q2", "kink"),
    ("en", "softmax-cross-entropy", "softmax-cross-entropy.q1", "no_stabilisation"),
]
RUN_TIMEOUT_S = 300  # Python starts in the worker (about 15 s), then the cells above run first


@pytest.fixture(scope="module")
def server(site_dir):
    with rs.RunSiteServer(site_dir) as running:
        yield running


def check_cell_number(site_dir, site_page, exercise) -> int:
    """The 1-based number of the code cell that calls ``ex.qN.check(...)``."""
    cells = [cell.source for cell in rs.page_code_cells(site_dir, site_page)]
    return next(i for i, code in enumerate(cells, 1) if f"ex.{exercise.key}.check(" in code)


def type_into(page, number: int, code: str) -> None:
    """Replace the code of cell ``number`` in its editor (opened on the first call)."""
    cell = rs.cell_locator(page, number)
    content = cell.locator(".cm-content")
    if not content.count():
        cell.locator(".dlbasics-cell-bar button").nth(1).click()  # Edit
        content.wait_for()
    content.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(code)


def run_and_read(page, number: int) -> str:
    rs.cell_locator(page, number).locator(".cm-content").press("ControlOrMeta+Enter")
    assert rs.wait_until_idle(page, RUN_TIMEOUT_S) == "ready"
    return rs.cell_locator(page, number).locator(".dlbasics-output").inner_text()


@pytest.mark.parametrize(("language", "name", "exercise_id", "mistake"), CASES)
def test_an_exercise_checked_in_the_browser_answers_in_the_page_language(
    language,
    name,
    exercise_id,
    mistake,
    browser,
    server,
    site_dir,
):
    exercise = es.by_id()[exercise_id]
    site_page = bs.SitePage(language, name)
    number = check_cell_number(site_dir, site_page, exercise)
    check_line = f"ex.{exercise.key}.check({exercise.name})"
    context = browser.new_context(viewport=VIEWPORT)
    log = rs.RequestLog(context, server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server.url(site_page.path))
        page.wait_for_selector(rs.CONTROLS_READY)
        type_into(page, number, f"{exercise.solution_code}\n\n\n{check_line}\n")
        shown = run_and_read(page, number)
        assert MESSAGES["correct"](language) in shown, shown
        assert "Result(" not in shown  # the returned Result adds nothing to the printed line

        wrong = dict(WRONG[exercise_id])[mistake]
        type_into(page, number, f"{textwrap.dedent(wrong).strip()}\n\n\n{check_line}\n")
        shown = run_and_read(page, number)
        assert expected_message(exercise, mistake, language) in shown, shown
        assert rs.cell_locator(page, number).get_attribute("data-dlbasics-state") == "done"
    finally:
        context.close()
    assert errors == []
    assert log.third_party == [], log.third_party
