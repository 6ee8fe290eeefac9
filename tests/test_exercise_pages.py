"""The exercise section at the end of every topic page, in both languages.

1. It is the page's last section, its text between the markers is what dlbasics.exercises
   generates (scripts/exercise_blocks.py --check), and it holds every exercise of the page's
   module, in order, each checked one followed by the code cell that checks it: at least two
   checked exercises per page and language. (That the code cells are the same in both languages,
   tests/test_site.py checks for every page.)
2. Run as the site build runs it, from top to bottom with the starter code left blank, the
   section raises nothing and every check prints "not attempted" in the page's language; with
   the solution typed into the starter cell, the check prints ✅ in that language, and with a
   known-wrong answer the ❌ line meant for it (what the in-browser test does in Chromium, here
   in plain Python). TensorFlow and matplotlib are blocked meanwhile: no exercise needs them.
3. In the built site the check cells show "not attempted", and hints and solutions are folded
   ``<details>`` blocks.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap

import jupytext
import nbformat
import pytest

from dlbasics.exercises import MODULES
from dlbasics.exercises._text import MESSAGES, SECTION

from . import exercise_support as es
from .site_support import DOCS, LANGUAGES, REPO
from .test_exercises import WRONG, expected_message

PAGES = [name.replace("_", "-") for name in MODULES]
START = "<!-- dlbasics-exercises: intro -->"
BLOCK = re.compile(r"<!-- dlbasics-exercises: (q\d+) -->")
CHECK = re.compile(r"^ex\.(q\d+)\.check\((\w+)\)$", re.MULTILINE)


def section(page: str, language: str) -> list:
    """The cells of the page's exercise section (from its intro block to the end)."""
    cells = jupytext.read(DOCS / language / f"{page}.md").cells
    starts = [i for i, cell in enumerate(cells) if START in cell.source]
    assert len(starts) == 1, f"{language}/{page}: {len(starts)} exercise sections"
    return cells[starts[0] :]


def check_cells(page: str, language: str) -> dict[str, tuple[str, str]]:
    """exercise key -> (the code of its check cell, the name it checks)."""
    found = {}
    for cell in section(page, language):
        if cell.cell_type == "code":
            for key, name in CHECK.findall(cell.source):
                found[key] = (cell.source, name)
    return found


# -- 1. the section on the page ------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_the_exercises_are_the_last_section_with_every_exercise_in_order(page, language):
    text = (DOCS / language / f"{page}.md").read_text(encoding="utf-8")
    body = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # headings outside code only
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    assert headings[-1] == SECTION(language), f"{language}/{page}: last section {headings[-1]!r}"
    module = es.modules()[PAGES.index(page)]
    assert BLOCK.findall(text) == [exercise.key for exercise in module.EXERCISES]
    cells = section(page, language)
    imports = f"from dlbasics.exercises import {MODULES[PAGES.index(page)]} as ex"
    assert any(cell.cell_type == "code" and imports in cell.source for cell in cells)
    checks = check_cells(page, language)
    checked = [exercise for exercise in module.EXERCISES if exercise in es.checked()]
    assert sorted(checks) == sorted(exercise.key for exercise in checked)
    assert len(checks) >= 2
    for exercise in checked:
        source, name = checks[exercise.key]
        assert name == exercise.name
        assert re.search(rf"^(def {name}\(|{name} = \.\.\.)", source, re.MULTILINE), source


def test_the_generated_blocks_match_the_package():
    result = subprocess.run(
        [sys.executable, "scripts/exercise_blocks.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_block_writer_replaces_only_what_is_between_the_markers():
    blocks = es_blocks()
    page = (
        "Prose before.\n\n<!-- dlbasics-exercises: q1 -->\n\nstale text\n\n"
        "<!-- dlbasics-exercises: end -->\n\n```python\nex.q1.check(f)\n```\n"
    )
    rendered = blocks.render(page, "activations", "en")
    assert rendered.startswith("Prose before.\n\n<!-- dlbasics-exercises: q1 -->\n\n### 1. ")
    assert "stale text" not in rendered and rendered.endswith("```python\nex.q1.check(f)\n```\n")
    assert blocks.render(rendered, "activations", "en") == rendered


def es_blocks():
    spec = importlib.util.spec_from_file_location(
        "exercise_blocks", REPO / "scripts" / "exercise_blocks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- 2. the section run from top to bottom -------------------------------------------------------

# Runs in a fresh interpreter: every page's section, once blank, once with each exercise's
# solution (and a known-wrong answer) typed into its starter cell, with DLBASICS_LANG set.
RUNNER = r"""
import contextlib, io, json, sys
for blocked in ("tensorflow", "keras", "matplotlib"):
    sys.modules[blocked] = None  # importing it raises ImportError
runs = json.loads(sys.stdin.read())
out = {}
for name, cells in runs.items():
    namespace = {"__name__": "__main__"}
    printed = []
    for code in cells:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(code, name, "exec"), namespace)
        printed.append(buffer.getvalue())
    out[name] = printed
print(json.dumps(out))
"""


def typed_in(cell: str, code: str, key: str) -> str:
    """The check cell with its starter code replaced by ``code`` (its check call kept)."""
    check_line = re.search(rf"^ex\.{key}\.check\(\w+\)$", cell, re.MULTILINE)[0]
    return f"{code}\n\n\n{check_line}"


def section_runs(language: str) -> tuple[dict, dict]:
    """The cell lists to run (blank, solved, wrong) and what each check line must print."""
    runs, wanted = {}, {}
    for page, module in zip(PAGES, es.modules(), strict=True):
        cells = [cell.source for cell in section(page, language) if cell.cell_type == "code"]
        runs[f"{page}:blank"] = cells
        for exercise in module.EXERCISES:
            if exercise not in es.checked():
                continue
            index = next(i for i, c in enumerate(cells) if f"ex.{exercise.key}.check(" in c)
            solved = typed_in(cells[index], exercise.solution_code, exercise.key)
            runs[f"{exercise.id}:solved"] = [*cells[:index], solved]
            wanted[f"{exercise.id}:solved"] = MESSAGES["correct"](language)
            key, code = next(
                (k, c)
                for k, c in WRONG.get(exercise.id, [])
                if expected_message(exercise, k, language)
            )
            wrong = typed_in(cells[index], textwrap.dedent(code).strip(), exercise.key)
            runs[f"{exercise.id}:{key}"] = [*cells[:index], wrong]
            wanted[f"{exercise.id}:{key}"] = expected_message(exercise, key, language)
    return runs, wanted


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_section_runs_blank_solved_and_wrong_in_the_page_language(language):
    runs, wanted = section_runs(language)
    result = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(runs),
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "DLBASICS_LANG": language},
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    printed = json.loads(result.stdout)
    not_attempted = getattr(MESSAGES["not_attempted"], language).split("`{hint_call}`")[0]
    for page in PAGES:
        outputs = printed[f"{page}:blank"]
        checks = [
            line
            for text in outputs
            for line in text.splitlines()
            if line.startswith(("⬜", "✅", "❌"))
        ]
        assert checks and all(line.startswith(not_attempted) for line in checks), (page, checks)
        assert len(checks) == len(check_cells(page, language))
    for name, line in wanted.items():
        assert printed[name][-1].strip() == line, name


# -- 3. the built site ---------------------------------------------------------------------------


@pytest.mark.site
def test_the_built_pages_show_not_attempted_and_folded_hints(built_site):
    for language in LANGUAGES:
        for page in PAGES:
            folder = built_site / page if language == "ko" else built_site / language / page
            notebook = nbformat.read(folder / f"{page}.ipynb", as_version=4)
            shown = [
                "".join(output.get("text", "") for output in cell.outputs)
                for cell in notebook.cells
                if cell.cell_type == "code" and CHECK.search(cell.source)
            ]
            assert len(shown) >= 2, f"{language}/{page}"
            for text in shown:
                assert text.startswith(getattr(MESSAGES["not_attempted"], language)[:20]), text
            html = (folder / "index.html").read_text(encoding="utf-8")
            hint = MESSAGES["hint_summary"](language, number=1)
            assert f"<details class=tip>\n<summary>{hint}</summary>" in html, f"{language}/{page}"
            assert f"<summary>{MESSAGES['solution'](language)}</summary>" in html
            assert "<div class=highlight" in html.split("<details class=success>", 1)[1]
