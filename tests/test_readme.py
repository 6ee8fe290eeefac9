"""The README's commands and measured figures: nothing in it is typed by hand."""

import json
import re
import subprocess
import sys

from ._support import REPO as ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_exactly_make_serve_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```bash\n(.*?)```", quick_start, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make serve", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_benchmark_section_is_what_the_benchmark_code_renders_from_the_json():
    result = subprocess.run(
        [sys.executable, "scripts/readme_benchmarks.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_recorded_benchmarks_meet_the_claims():
    mlp = json.loads((ROOT / "benchmarks" / "bench.json").read_text(encoding="utf-8"))
    assert mlp["ratios"]["numpy_over_keras"] <= 1.0
    assert mlp["ratios"]["numpy_over_floor"] <= 2.0
    assert abs(mlp["numpy"]["val_accuracy"] - mlp["keras"]["val_accuracy"]) < 0.02
    cnn = json.loads((ROOT / "benchmarks" / "bench-cnn.json").read_text(encoding="utf-8"))
    assert cnn["passed"] is True
    assert cnn["ratio"] <= 0.75


def test_markdown_reports_keep_one_fact_per_paragraph_and_tables_intact():
    from dlbasics.mnist_runs import markdown_paragraphs

    text = "head\n| a |\n|---|\n| 1 |\nfirst fact\nsecond fact"
    assert markdown_paragraphs(text) == ("head\n\n| a |\n|---|\n| 1 |\n\nfirst fact\n\nsecond fact")
