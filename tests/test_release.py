"""Releasing: one version source, and release.yml refuses a tag that is not that version.

The check is scripts/check_release_tag.py, which release.yml runs before building and again on
the built files; here it is fed a mismatched tag (and stale files) and must fail, without
anything being published.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version as installed_version

import yaml

import dlbasics

from .site_support import REPO

SCRIPT = REPO / "scripts" / "check_release_tag.py"
VERSION = dlbasics.__version__


def check(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=60
    )


def test_the_version_has_one_source():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "dlbasics.__version__"}
    assert installed_version("dlbasics") == VERSION


def test_a_tag_that_names_the_version_passes():
    result = check(f"v{VERSION}")
    assert result.returncode == 0, result.stderr
    assert f"matches dlbasics {VERSION}" in result.stdout


def test_a_mismatched_tag_fails_and_says_what_to_do():
    for tag in ("v9.9.9", VERSION, f"v{VERSION}.post1", f"release-{VERSION}"):
        result = check(tag)
        assert result.returncode == 1, tag
        assert f"tag {tag!r} does not match the package version {VERSION!r}" in result.stderr
        assert f"tag the release v{VERSION}" in result.stderr


def test_stale_or_missing_files_in_dist_fail(tmp_path):
    good = [f"dlbasics-{VERSION}-py3-none-any.whl", f"dlbasics-{VERSION}.tar.gz"]
    for name in good:
        (tmp_path / name).write_bytes(b"")
    assert check(f"v{VERSION}", tmp_path).returncode == 0
    (tmp_path / "dlbasics-0.0.1-py3-none-any.whl").write_bytes(b"")  # left over from before
    result = check(f"v{VERSION}", tmp_path)
    assert result.returncode == 1
    assert "must hold one wheel and one sdist" in result.stderr
    assert "dlbasics-0.0.1-py3-none-any.whl is not version" in result.stderr
    assert check(f"v{VERSION}", tmp_path / "missing").returncode == 1
    assert check().returncode == 2  # usage


def test_release_yml_checks_the_tag_before_it_builds_and_publishes_with_attestations():
    workflow = yaml.safe_load((REPO / ".github/workflows/release.yml").read_text())
    assert workflow[True]["push"] == {"tags": ["v*"]}  # YAML reads the key `on` as True
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    runs = [step.get("run", "") for step in build["steps"]]
    first_check = next(i for i, run in enumerate(runs) if "check_release_tag.py" in run)
    build_step = next(i for i, run in enumerate(runs) if "python -m build" in run)
    assert first_check < build_step
    assert any('check_release_tag.py "$GITHUB_REF_NAME" dist' in run for run in runs)
    assert any("twine check --strict" in run for run in runs)
    assert publish["needs"] == "build" and publish["permissions"] == {"id-token": "write"}
    uses = [step["uses"] for step in publish["steps"]]
    assert uses[-1].startswith("pypa/gh-action-pypi-publish@")
    assert len(uses[-1].split("@")[1]) == 40  # pinned by SHA
    assert publish["steps"][-1]["with"] == {"attestations": True}
