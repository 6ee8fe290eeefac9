"""Helpers for the site tests: run `mkdocs build --strict`, write small throwaway sites.

The builds run in a subprocess, as `make build` does: the hooks keep per-build state in their
module, and a failing build must not take the test session down with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ._support import DOCS, LANGUAGES, REPO

__all__ = ["DOCS", "LANGUAGES", "REPO", "build_real_site", "mkdocs_build", "notebook_page"]
BUILD_TIMEOUT = 1200  # seconds; a clean build of the real site takes a few minutes on 2 cores

NOTEBOOK_FRONT_MATTER = """\
---
jupyter:
  jupytext:
    text_representation:
      extension: .md
      format_name: markdown
      format_version: '1.3'
  kernelspec:
    display_name: Python 3 (ipykernel)
    language: python
    name: python3
---
"""


def mkdocs_command(config_file: Path, site_dir: Path, env: dict | None = None) -> dict:
    """The arguments of the ``mkdocs build --strict`` process (for subprocess.run or Popen)."""
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    environment.update(env or {})
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    command += ["--config-file", str(config_file), "--site-dir", str(site_dir)]
    return {"args": command, "cwd": Path(config_file).parent, "env": environment}


def mkdocs_build(config_file: Path, site_dir: Path, env: dict | None = None, timeout=BUILD_TIMEOUT):
    """Run ``mkdocs build --strict`` on ``config_file`` into ``site_dir``; return the process."""
    return subprocess.run(
        **mkdocs_command(config_file, site_dir, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# The real site is built as CI builds the site it deploys: with a repository (the source link,
# Colab and Binder links) and a site_url (canonical URLs, absolute links in the notebooks). CI
# sets both (.github/workflows/test.yml); elsewhere these stand-ins do.
STAND_IN_REPO = "example/dlbasics"
STAND_IN_SITE_URL = "https://example.github.io/dlbasics/"
WITHOUT_REPOSITORY = {"DLBASICS_REPO": "", "DLBASICS_SITE_URL": ""}  # what a local build has


def real_site_settings() -> dict[str, str]:
    """The repository and site_url the ``built_site`` fixture builds with."""
    return {
        "DLBASICS_REPO": os.environ.get("DLBASICS_REPO") or STAND_IN_REPO,
        "DLBASICS_SITE_URL": os.environ.get("DLBASICS_SITE_URL") or STAND_IN_SITE_URL,
    }


def build_real_site(site_dir: Path, settings: dict[str, str] | None = None) -> Path:
    """Build the real site strictly into ``site_dir`` (pages come from .cache/ when unchanged),
    with ``settings`` (default: :func:`real_site_settings`)."""
    env = dict(real_site_settings() if settings is None else settings)
    result = mkdocs_build(
        REPO / "mkdocs.yml", site_dir, env
    )  # MNIST: DLBASICS_MNIST_DIR, from make
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr[-6000:]}", pytrace=False)
    return site_dir


def notebook_page(title: str, *code_cells: str, prose: str = "") -> str:
    """A jupytext Markdown notebook page: a title, optional prose, then the code cells."""
    cells = "".join(f"\n```python\n{textwrap.dedent(code).strip()}\n```\n" for code in code_cells)
    return f"{NOTEBOOK_FRONT_MATTER}\n# {title}\n\n{prose}\n{cells}"


def write_small_site(root: Path, pages: dict[str, str]) -> Path:
    """A two-language site under ``root`` with ``pages`` ({"ko/x.md": text}); returns its config.

    It uses the real hooks/notebooks.py and the mkdocs-jupyter/i18n settings of mkdocs.yml, without
    the search plugin and the MathJax hook, to stay small.
    """
    for relative, text in pages.items():
        path = root / "docs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        textwrap.dedent(
            f"""\
            site_name: small test site
            docs_dir: docs
            theme:
              name: material
            plugins:
              - i18n:
                  docs_structure: folder
                  languages:
                    - {{locale: ko, name: 한국어, default: true, build: true}}
                    - {{locale: en, name: English, build: true}}
              - mkdocs-jupyter:
                  include: ["*.md"]
                  execute: false
                  allow_errors: false
                  cache: false
                  custom_mathjax_url: assets/vendor/mathjax/tex-chtml.js
            hooks:
              - {REPO / "hooks" / "notebooks.py"}
            """
        ),
        encoding="utf-8",
    )
    return config


def last_build(cache_dir: Path) -> dict:
    """What the last build executed, as hooks/notebooks.py recorded it."""
    return json.loads((Path(cache_dir) / "last-build.json").read_text(encoding="utf-8"))
