"""Downloaded notebooks run on their own; Colab and Binder open them from the notebooks branch.

hooks/downloads.py adds a first cell, the setup, that installs the package where it is missing,
a cell naming the page, absolute links (from site_url); overrides/partials/launch.html links each
page to its notebook on the ``notebooks`` branch, which scripts/publish_notebooks.py lays out.
Checked here on every downloaded notebook of both languages, in the real site built with a
repository (``built_site``) and without one (``built_site_without_repository``); the setup cell
runs in a real IPython shell. tests/test_distribution.py runs three of the notebooks in a fresh
environment with the built wheel.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import jupytext
import nbformat
import pytest

from .site_support import DOCS, LANGUAGES, REPO, WITHOUT_REPOSITORY, real_site_settings
from .test_site import PAGES, Tags, page_dir

sys.path.insert(0, str(REPO / "hooks"))  # hooks/downloads.py imports as MkDocs loads it
sys.path.insert(0, str(REPO / "scripts"))
import downloads  # noqa: E402
import publish_notebooks  # noqa: E402

sys.path.remove(str(REPO / "hooks"))
sys.path.remove(str(REPO / "scripts"))

import dlbasics  # noqa: E402

VERSION = dlbasics.__version__
# What each page needs, read off its code by hand: the pages that train or show Keras models, and
# the page that only loads MNIST (Keras only for the download). Every other page: NumPy alone.
KERAS_PAGES = {"keras-mlp", "numpy-mlp", "cnn", "numpy-cnn"}
MNIST_ONLY_PAGES = {"mnist-data", "optimizers", "regularization"}
MARKDOWN_LINK = re.compile(r"\]\(([^()\s]+)\)")


def code_of(language: str, page: str) -> list[str]:
    path = DOCS / language / f"{page}.md"
    return [cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code"]


def title_of(language: str, page: str) -> str:
    source = (DOCS / language / f"{page}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", source, flags=re.MULTILINE)[1].strip()


def download_of(site: Path, language: str, page: str):
    return nbformat.read(page_dir(site, language, page) / f"{page}.ipynb", as_version=4)


def page_path(language: str, page: str) -> str:
    """The page's URL path below the site root: "", "perceptron/", "en/", "en/perceptron/"."""
    prefix = "" if language == "ko" else f"{language}/"
    return prefix if page == "index" else f"{prefix}{page}/"


# -- what a page needs ---------------------------------------------------------------------------


def write_package(root: Path, modules: dict[str, str]) -> Path:
    for name, text in modules.items():
        path = root / "dlbasics" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "dlbasics"


def test_needs_follow_imports_through_the_package_lazy_ones_included(tmp_path):
    package = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "core.py": "import numpy as np\n",
            "models.py": "def build():\n    import keras\n",
            "mnist.py": (
                "from .core import np\n\n"
                "def _download_with_keras():\n    from .models import build\n"
            ),
            "sub/__init__.py": "from . import helper\n",
            "sub/helper.py": "from .. import models\n",
            "sub/plain.py": "from ..core import np\n",
        },
    )
    imports = downloads.PackageImports(package)
    needs = imports.needs
    assert needs(["import numpy as np"]) == downloads.Needs(keras=False, mnist=False)
    assert needs(["from dlbasics import core"]) == downloads.Needs(keras=False, mnist=False)
    # the download fallback is left out: MNIST alone needs Keras only to download
    assert needs(["from dlbasics.mnist import x"]) == downloads.Needs(keras=False, mnist=True)
    assert needs(["from dlbasics import models"]).keras  # a lazy import counts
    # dlbasics.sub.plain does not import models, but importing it runs dlbasics/sub/__init__.py
    assert needs(["from dlbasics.sub.plain import np"]).keras
    assert needs(["%matplotlib inline\nimport tensorflow as tf"]).keras  # magics are read too


def test_a_renamed_download_fallback_is_an_error_not_a_silent_keras_page(tmp_path):
    package = write_package(
        tmp_path, {"__init__.py": "", "mnist.py": "def fetch():\n    import keras\n"}
    )
    with pytest.raises(downloads.PluginError, match="no function _download_with_keras"):
        downloads.PackageImports(package)


def test_the_mnist_loader_imports_keras_only_in_its_download_fallback():
    """What lets an MNIST page run without Keras when the data is on disk."""
    import ast

    tree = ast.parse((REPO / "dlbasics" / "mnist.py").read_text(encoding="utf-8"))
    fallback = [n for n in tree.body if getattr(n, "name", "") == downloads.MNIST_DOWNLOAD]
    assert len(fallback) == 1
    elsewhere = [node for node in tree.body if node is not fallback[0]]
    for node in (inner for top in elsewhere for inner in ast.walk(top)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [getattr(node, "module", None) or ""] + [a.name for a in node.names]
            assert not any("keras" in name or "tensorflow" in name for name in names), names


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_page_needs_what_its_code_uses(language):
    imports = downloads.PackageImports(REPO / "dlbasics")
    for page in PAGES:
        needs = imports.needs(code_of(language, page))
        assert needs.keras == (page in KERAS_PAGES), page
        assert needs.mnist == (page in KERAS_PAGES | MNIST_ONLY_PAGES), page


# -- the setup cell, run in IPython -------------------------------------------------------------

NUMPY, KERAS, MNIST = (
    downloads.Needs(keras=False, mnist=False),
    downloads.Needs(keras=True, mnist=True),
    downloads.Needs(keras=False, mnist=True),
)
INSTALL = f'install --quiet "dlbasics=={VERSION}"'
INSTALL_KERAS = f'install --quiet "dlbasics[keras]=={VERSION}"'


@pytest.mark.parametrize(
    ("needs", "missing", "mnist_dir", "expected"),
    [
        (NUMPY, set(), "", []),  # installed: the cell does nothing
        (NUMPY, {"dlbasics"}, "", [INSTALL]),
        (NUMPY, {"dlbasics", "keras", "tensorflow"}, "", [INSTALL]),  # no Keras for NumPy pages
        (KERAS, set(), "", []),
        (KERAS, {"dlbasics"}, "", [INSTALL]),  # Colab: keep its Keras and TensorFlow
        (KERAS, {"dlbasics", "keras", "tensorflow"}, "", [INSTALL_KERAS]),
        (KERAS, {"keras"}, "/data", [INSTALL_KERAS]),  # Keras models need Keras anyway
        (MNIST, {"dlbasics", "keras", "tensorflow"}, "", [INSTALL_KERAS]),  # to download MNIST
        (MNIST, {"dlbasics", "keras", "tensorflow"}, "/data", [INSTALL]),  # MNIST on disk
        (MNIST, {"keras", "tensorflow"}, "/data", []),
    ],
)
def test_setup_cell_installs_what_is_missing(
    needs, missing, mnist_dir, expected, monkeypatch, tmp_path
):
    import importlib.util

    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name in missing else real_find_spec(name, *args),
    )
    monkeypatch.setenv("DLBASICS_MNIST_DIR", mnist_dir)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell(config=config)
    pip_lines: list[str] = []
    shell.register_magic_function(pip_lines.append, "line", "pip")  # %pip, its {} expanded
    result = shell.run_cell(downloads.setup_cell(VERSION, needs))
    assert result.success, result.error_in_exec or result.error_before_exec
    assert pip_lines == expected


# -- every downloaded notebook, with a repository and site_url ------------------------------------


def markdown_links(notebook) -> list[str]:
    return [
        link
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for link in MARKDOWN_LINK.findall(cell.source)
    ]


@pytest.mark.site
def test_every_downloaded_notebook_starts_with_the_setup_names_its_page_links_absolutely(
    built_site,
):
    settings = real_site_settings()
    site_url, repo = settings["DLBASICS_SITE_URL"], settings["DLBASICS_REPO"]
    for language in LANGUAGES:
        for page in PAGES:
            where = f"{language}/{page}"
            notebook = download_of(built_site, language, page)
            url = urljoin(site_url, page_path(language, page))
            setup, origin = notebook.cells[0], notebook.cells[1]
            assert origin.cell_type == "markdown", where
            assert f"[{title_of(language, page)}]({url})" in origin.source, where
            assert f"https://github.com/{repo}" in origin.source, where
            assert ("소스 코드" if language == "ko" else "Source code") in origin.source, where

            assert setup.cell_type == "code" and not setup.outputs, where
            extra = "[keras]" if page in KERAS_PAGES | MNIST_ONLY_PAGES else ""
            if extra:
                assert f'%pip install --quiet "dlbasics{{extra}}=={VERSION}"' in setup.source
            else:
                assert f'%pip install --quiet "dlbasics=={VERSION}"' in setup.source
            assert ('"keras", "tensorflow"' in setup.source) == bool(extra), where
            assert ("DLBASICS_MNIST_DIR" in setup.source) == (page in MNIST_ONLY_PAGES), where

            assert notebook.metadata.dlbasics == {
                "page": url,
                "source": f"{language}/{page}.md",
                "path": f"{language}/{page}.ipynb",
                "requirement": f"dlbasics{extra}=={VERSION}",
            }, where
            assert "jupytext" not in notebook.metadata, where
            for link in markdown_links(notebook):
                assert link.startswith(("https://", "http://", "#")), f"{where}: {link}"
                if link.startswith(site_url):  # another page of the site: one that exists
                    target = link[len(site_url) :].split("#")[0]
                    assert (built_site / target / "index.html").is_file(), f"{where}: {link}"


@pytest.mark.site
def test_notebooks_link_other_pages(built_site):
    """The link rewriting found links at all: both kinds occur (x.md and ../x/)."""
    sources = "".join((DOCS / language / "mlp-xor.md").read_text() for language in LANGUAGES)
    assert "](backpropagation.md)" in sources or "](../backpropagation/)" in sources
    site_url = real_site_settings()["DLBASICS_SITE_URL"]
    for language in LANGUAGES:
        links = markdown_links(download_of(built_site, language, "mlp-xor"))
        assert urljoin(site_url, page_path(language, "backpropagation")) in links, links


@pytest.mark.site
def test_without_a_repository_downloads_link_relatively_and_name_the_page_path(
    built_site_without_repository,
):
    site = built_site_without_repository
    for language in LANGUAGES:
        for page in PAGES:
            notebook = download_of(site, language, page)
            origin = notebook.cells[1].source
            assert f"**{title_of(language, page)}** (`/{page_path(language, page)}`)" in origin
            assert "github.com" not in origin
            assert notebook.metadata.dlbasics["page"] == f"/{page_path(language, page)}"
            for link in markdown_links(notebook):
                assert not link.split("#")[0].endswith(".md"), f"{language}/{page}: {link}"
                if not link.startswith(("http", "#")):  # relative to the page, in the site
                    target = urljoin(f"/{page_path(language, page)}", link).split("#")[0]
                    assert (site / target.lstrip("/") / "index.html").is_file(), link


# -- Colab, Binder, the source link, the notebooks branch -----------------------------------------


def launch_links(tags: Tags) -> dict[str, list[str]]:
    return {
        name: [a.get("href") for a in tags.find("a", **{"class": css})]
        for name, css in (
            ("colab", "md-content__button md-icon dlbasics-colab"),
            ("binder", "md-content__button md-icon dlbasics-binder"),
            ("source", "md-source"),
        )
    }


@pytest.mark.site
def test_every_page_opens_its_notebook_from_the_notebooks_branch(built_site, tmp_path):
    repo = real_site_settings()["DLBASICS_REPO"]
    branch = tmp_path / "branch"
    paths = publish_notebooks.lay_out(built_site, branch, "0123abc")
    assert len(paths) == len(PAGES) * len(LANGUAGES)
    for language in LANGUAGES:
        for page in PAGES:
            html = page_dir(built_site, language, page) / "index.html"
            links = launch_links(Tags(html.read_text(encoding="utf-8")))
            path = f"{language}/{page}.ipynb"
            assert links["colab"] == [
                f"https://colab.research.google.com/github/{repo}/blob/notebooks/{path}"
            ]
            assert links["binder"] == [
                f"https://mybinder.org/v2/gh/{repo}/notebooks?labpath={language}%2F{page}.ipynb"
            ]
            # the header's link, and the navigation drawer's (phones)
            assert links["source"] == [f"https://github.com/{repo}"] * 2
            on_branch = json.loads((branch / path).read_text(encoding="utf-8"))
            served = page_dir(built_site, language, page) / f"{page}.ipynb"
            assert on_branch == json.loads(served.read_text(encoding="utf-8")), path
    assert (branch / "requirements.txt").read_text() == f"dlbasics[keras]=={VERSION}\n"
    assert (branch / "runtime.txt").read_text() == "python-3.12\n"
    assert "0123abc" in (branch / "README.md").read_text()
    files = {p.relative_to(branch).as_posix() for p in branch.rglob("*") if p.is_file()}
    assert files == set(paths) | {"requirements.txt", "runtime.txt", "README.md"}


@pytest.mark.site
def test_without_a_repository_no_page_links_to_colab_binder_or_a_source(
    built_site_without_repository,
):
    for language in LANGUAGES:
        for page in PAGES:
            html = page_dir(built_site_without_repository, language, page) / "index.html"
            tags = Tags(html.read_text(encoding="utf-8"))
            assert launch_links(tags) == {"colab": [], "binder": [], "source": []}, page
            assert not tags.find("link", rel="canonical")  # no site_url either
            assert tags.find("a", **{"class": "md-content__button md-icon dlbasics-download"})


# -- the notebooks branch: what the script refuses -------------------------------------------------


def fake_site(root: Path, notebooks: dict[str, dict | None]) -> Path:
    for name, meta in notebooks.items():
        notebook = nbformat.v4.new_notebook()
        if meta is not None:
            notebook.metadata["dlbasics"] = meta
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, path)
    return root


def meta(path: str, requirement: str = "dlbasics==1.0") -> dict:
    return {"path": path, "requirement": requirement}


@pytest.mark.parametrize(
    ("notebooks", "message"),
    [
        ({"a/a.ipynb": None}, "has no metadata.dlbasics"),
        ({"a/a.ipynb": meta("ko/a.ipynb"), "b/a.ipynb": meta("ko/a.ipynb")}, "both go to"),
        ({"a/a.ipynb": meta("../a.ipynb")}, "leaves the branch"),
        (
            {"a.ipynb": meta("ko/a.ipynb"), "b.ipynb": meta("ko/b.ipynb", "dlbasics==2.0")},
            "different packages or versions",
        ),
        ({}, "no notebooks"),
    ],
)
def test_the_branch_script_refuses_a_site_it_cannot_lay_out(tmp_path, notebooks, message):
    site = fake_site(tmp_path / "site", notebooks)
    site.mkdir(exist_ok=True)
    with pytest.raises(publish_notebooks.LayoutError, match=message):
        publish_notebooks.lay_out(site, tmp_path / "out")


def test_the_branch_script_merges_extras_and_refuses_a_used_folder(tmp_path):
    site = fake_site(
        tmp_path / "site",
        {"a.ipynb": meta("ko/a.ipynb"), "b.ipynb": meta("en/b.ipynb", "dlbasics[keras]==1.0")},
    )
    assert publish_notebooks.lay_out(site, tmp_path / "out") == ["en/b.ipynb", "ko/a.ipynb"]
    assert (tmp_path / "out" / "requirements.txt").read_text() == "dlbasics[keras]==1.0\n"
    result = subprocess.run(
        [sys.executable, REPO / "scripts" / "publish_notebooks.py", site, tmp_path / "out"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "is not empty" in result.stderr


@pytest.mark.site
def test_the_build_refuses_a_repository_that_is_not_owner_slash_name(tmp_path):
    """DLBASICS_REPO is checked before anything is built."""
    from .site_support import mkdocs_build, notebook_page, write_small_site

    page = notebook_page("Home", "print(1)")
    config = write_small_site(tmp_path, {"ko/index.md": page, "en/index.md": page})
    env = {**WITHOUT_REPOSITORY, "DLBASICS_REPO": "https://gitlab.com/x/y"}
    result = mkdocs_build(config, tmp_path / "site", env, timeout=120)
    assert result.returncode != 0
    assert "DLBASICS_REPO must name a GitHub repository as owner/name" in result.stderr
