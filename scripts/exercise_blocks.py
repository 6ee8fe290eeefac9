"""Write the exercises' text into the pages, from dlbasics.exercises (one source for both).

    python scripts/exercise_blocks.py --write   # after changing an exercise's text
    python scripts/exercise_blocks.py --check   # the test suite: the pages match the package

Each topic page ends with an exercise section. Between its markers, the Markdown is generated:
``<!-- dlbasics-exercises: intro -->`` holds the section's heading and introduction, and
``<!-- dlbasics-exercises: q1 -->`` the heading, task, folded hints and folded solution of
exercise q1 of the page's module (``docs/ko/mnist-data.md`` -> ``dlbasics.exercises.mnist_data``).
Each block ends at ``<!-- dlbasics-exercises: end -->``. The code cells between the blocks (the
starter code and the checks) and any prose outside the markers are the page's own.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path

from dlbasics.exercises import MODULES
from dlbasics.exercises._text import intro_markdown

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LANGUAGES = ("ko", "en")
END = "<!-- dlbasics-exercises: end -->"
BLOCK = re.compile(
    r"(?P<start><!-- dlbasics-exercises: (?P<name>intro|q\d+) -->)\n.*?\n" + re.escape(END),
    re.DOTALL,
)


def page_file(module: str, language: str) -> Path:
    return DOCS / language / f"{module.replace('_', '-')}.md"


def exercises_of(module: str) -> dict:
    exercises = importlib.import_module(f"dlbasics.exercises.{module}").EXERCISES
    return {exercise.key: exercise for exercise in exercises}


def render(text: str, module: str, language: str) -> str:
    """``text`` (a page) with every block between the markers generated anew."""
    exercises = exercises_of(module)

    def block(match) -> str:
        name = match["name"]
        if name == "intro":
            body = intro_markdown(language)
        elif name in exercises:
            body = exercises[name].markdown(language)
        else:
            raise SystemExit(f"{module}: the page has a block {name}, the module no such exercise")
        return f"{match['start']}\n\n{body}\n\n{END}"

    return BLOCK.sub(block, text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite the pages' blocks")
    mode.add_argument("--check", action="store_true", help="exit 1 if a page is out of date")
    args = parser.parse_args(argv)
    stale = []
    for module in MODULES:
        for language in LANGUAGES:
            path = page_file(module, language)
            text = path.read_text(encoding="utf-8")
            wanted = render(text, module, language)
            if text != wanted:
                stale.append(str(path.relative_to(ROOT)))
                if args.write:
                    path.write_text(wanted, encoding="utf-8")
    if stale and args.check:
        print("exercise blocks differ from dlbasics.exercises in: " + ", ".join(stale))
        print("run `python scripts/exercise_blocks.py --write`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
