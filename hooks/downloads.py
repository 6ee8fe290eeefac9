"""Downloaded notebooks that run on their own, and the links that open them in Colab and Binder.

Used by hooks/notebooks.py (which executes the pages and writes each ``<page>.ipynb``); it is not
a hook of its own. A page's download is its executed notebook with:

1. a first cell, the setup, that installs the ``dlbasics`` package, with the extra the page
   needs, where it is missing (Colab, Binder, a fresh Jupyter); where it is installed, it does
   nothing. Which extra: the page's imports are followed through the package
   (``PackageImports``); a page that reaches ``keras`` or ``tensorflow`` needs
   ``dlbasics[keras]``. A page that loads MNIST needs Keras only for the loader's download, so
   its cell asks for Keras only when ``DLBASICS_MNIST_DIR`` is not set;
2. a Markdown cell that names the page it came from (its absolute URL when ``site_url`` is set)
   and, when a repository is configured, the source;
3. links to other pages made absolute from ``site_url`` (relative to the page without it), since
   ``gradient-descent.md`` or ``../perceptron/`` resolve nowhere outside the site;
4. ``metadata.dlbasics``: the page, its URL, the requirement, and the path the notebook has on the
   ``notebooks`` branch (scripts/publish_notebooks.py lays the branch out from it).

The repository: ``DLBASICS_REPO`` (``owner/name`` on GitHub; CI sets it to the repository it runs
in), else ``repo_url`` in mkdocs.yml. With one on GitHub, every page links to the source
(overrides/partials/source.html, a plain link: Material's own asks api.github.com for stars) and
gets "Open in Colab" and "Binder" links to its notebook on the ``notebooks`` branch, which the
Pages workflow publishes on every push to main (Colab opens notebooks only from GitHub, never from
an arbitrary URL). Without a repository there are no such links: local builds stay clean.
"""

from __future__ import annotations

import ast
import functools
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

REPO_ENV = "DLBASICS_REPO"
NOTEBOOKS_BRANCH = "notebooks"  # .github/workflows/pages.yml publishes it
PACKAGE = "dlbasics"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE
KERAS_MODULES = frozenset({"keras", "tensorflow"})
# dlbasics.mnist imports Keras in this function only: the loader's last resort, Keras' download.
MNIST_MODULE, MNIST_DOWNLOAD = "dlbasics.mnist", "_download_with_keras"
GITHUB_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
GITHUB_URL = re.compile(r"^https://github\.com/([^/\s]+/[^/\s]+?)(?:\.git)?/?$")


# -- the repository ------------------------------------------------------------------------------


def configure_repository(config) -> None:
    """``DLBASICS_REPO=owner/name`` sets ``repo_url`` (and ``repo_name``) for this build."""
    slug = os.environ.get(REPO_ENV, "").strip()
    if not slug:
        return
    if not GITHUB_SLUG.match(slug):
        raise PluginError(
            f"{REPO_ENV} must name a GitHub repository as owner/name (what GitHub Actions has "
            f"in github.repository, e.g. octocat/dlbasics), got {slug!r}"
        )
    config.repo_url = f"https://github.com/{slug}"
    config.repo_name = slug


def github_repository(config) -> str | None:
    """``owner/name`` when ``repo_url`` is a GitHub repository, else None."""
    match = GITHUB_URL.match(config.repo_url or "")
    return match[1] if match else None


# -- one page's download -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageDownload:
    """What a page's download and its Colab and Binder links need to know."""

    src_uri: str  # "en/perceptron.md"
    language: str
    page_path: str  # the page's URL in the site: "en/perceptron/" ("" for the home page)
    page_url: str | None  # absolute, when site_url is set
    repo_url: str | None
    branch_path: str  # where the notebook lies on the notebooks branch: "en/perceptron.ipynb"
    colab_url: str | None
    binder_url: str | None
    page_paths: Mapping[str, str]  # every page's src_uri -> its URL in the site, for links


def describe_page(page, config, files, language: str) -> PageDownload:
    """The facts of ``page``'s download (called before the page is rendered)."""
    src_uri = page.file.src_uri
    branch_path = posixpath.splitext(src_uri)[0] + ".ipynb"
    repo = github_repository(config)
    colab = binder = None
    if repo:
        colab = "https://colab.research.google.com/github/{}/blob/{}/{}"
        colab = colab.format(repo, NOTEBOOKS_BRANCH, branch_path)
        binder = "https://mybinder.org/v2/gh/{}/{}?labpath={}"  # JupyterLab opens the notebook
        binder = binder.format(repo, NOTEBOOKS_BRANCH, quote(branch_path, safe=""))
    return PageDownload(
        src_uri=src_uri,
        language=language,
        page_path=site_path(page.file.url),
        page_url=urljoin(config.site_url, site_path(page.file.url)) if config.site_url else None,
        repo_url=config.repo_url or None,
        branch_path=branch_path,
        colab_url=colab,
        binder_url=binder,
        page_paths={f.src_uri: site_path(f.url) for f in files.documentation_pages()},
    )


def site_path(url: str) -> str:
    """A page URL as a path below the site root: "./" (i18n's home page) -> "", "en/x/" stays."""
    path = posixpath.normpath(url or ".")
    return "" if path == "." else path.strip("/") + "/"


def downloadable_notebook(executed: Path, download: PageDownload):
    """The executed notebook at ``executed``, made to run on its own (see the module docstring)."""
    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata.pop("jupytext", None)  # a plain .ipynb for Jupyter, Colab, VS Code
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = absolute_links(cell.source, download)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    needs = PackageImports.of(PACKAGE_DIR).needs(code)
    version = package_version()
    requirement = f"{PACKAGE}{'[keras]' if needs.keras or needs.mnist else ''}=={version}"
    notebook.cells[:0] = [  # fixed ids (nbformat draws random ones): the same page, the same file
        nbformat.v4.new_code_cell(setup_cell(version, needs), id="dlbasics-setup"),  # tests know it
        nbformat.v4.new_markdown_cell(
            origin_text(notebook_title(notebook), download), id="dlbasics-origin"
        ),
    ]
    notebook.metadata["dlbasics"] = {
        "page": download.page_url or f"/{download.page_path}",
        "source": download.src_uri,
        "path": download.branch_path,
        "requirement": requirement,
    }
    nbformat.validate(notebook)
    return notebook


def package_version() -> str:
    import dlbasics  # the checkout's package: the pages were executed with it

    return dlbasics.__version__


def notebook_title(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, flags=re.MULTILINE)
            if heading:
                return heading[1]
    return "dlbasics"


ORIGIN = {
    "ko": (
        "이 노트북은 dlbasics 사이트의 {page} 페이지입니다. 출력은 사이트를 빌드할 때 이 코드를 "
        "실행한 결과입니다. 위의 셀은 `dlbasics` 패키지가 없으면(Colab, Binder, 새 Jupyter 환경) "
        "설치하고, 이미 있으면 아무것도 하지 않습니다."
    ),
    "en": (
        "This notebook is the page {page} of the dlbasics site. Its outputs come from running this "
        "code when the site was built. The cell above installs the `dlbasics` package where it is "
        "missing (Colab, Binder, a fresh Jupyter) and does nothing where it is installed."
    ),
}
SOURCE = {"ko": "소스 코드: {url}", "en": "Source code: {url}"}


def origin_text(title: str, download: PageDownload) -> str:
    """The second cell: the page it came from (a link when site_url is set), the source."""
    language = download.language if download.language in ORIGIN else "en"
    if download.page_url:
        page = f"[{title}]({download.page_url})"
    else:
        page = f"**{title}** (`/{download.page_path}`)"
    text = ORIGIN[language].format(page=page)
    if download.repo_url:
        text += "\n\n" + SOURCE[language].format(url=download.repo_url)
    return text


# [text](gradient-descent.md#part) or [text](../perceptron/): a relative link (not #..., /...,
# or scheme:...) to a page's source or to a page's URL.
MARKDOWN_LINK = re.compile(r"\]\((?![#/]|[A-Za-z][A-Za-z0-9+.-]*:)([^()\s#]+)(#[^()\s]*)?\)")


def absolute_links(markdown: str, download: PageDownload) -> str:
    """Links to other pages, absolute from ``site_url`` (relative to the page without it)."""
    page_uri = "/" + download.page_path

    def replace(match):
        target, fragment = match[1], match[2] or ""
        if target.endswith(".md"):
            src = posixpath.normpath(posixpath.join(posixpath.dirname(download.src_uri), target))
            if src not in download.page_paths:
                return match[0]  # hooks/notebooks.py warns about it in the page
            path = "/" + download.page_paths[src]
        elif target.endswith("/") or target.startswith("."):
            path = urljoin(page_uri, target)
        else:
            return match[0]  # a file beside the page, not a page
        if download.page_url:
            return f"]({urljoin(download.page_url, get_relative_url(path, page_uri))}{fragment})"
        return f"]({get_relative_url(path, page_uri)}{fragment})"

    return MARKDOWN_LINK.sub(replace, markdown)


# -- the setup cell ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    keras: bool  # imports Keras or TensorFlow, directly or through dlbasics
    mnist: bool  # loads MNIST (dlbasics.mnist), whose download needs Keras


SETUP_HEAD = """\
# Setup: install the dlbasics package where it is missing (Colab, Binder, a fresh Jupyter).
# Where it is installed, this cell does nothing.
import importlib.util
"""
SETUP_NUMPY = """
if importlib.util.find_spec("dlbasics") is None:
    %pip install --quiet "dlbasics=={version}"
    importlib.invalidate_caches()
"""
SETUP_KERAS = """{import_os}
needed = ["dlbasics"{keras}]
{mnist}missing = [name for name in needed if importlib.util.find_spec(name) is None]
if missing:
    extra = "" if missing == ["dlbasics"] else "[keras]"  # keep a TensorFlow already there (Colab)
    %pip install --quiet "dlbasics{{extra}}=={version}"
    importlib.invalidate_caches()
"""
SETUP_MNIST = """\
if not os.environ.get("DLBASICS_MNIST_DIR"):  # no local MNIST: the loader downloads it with Keras
    needed += ["keras", "tensorflow"]
"""


def setup_cell(version: str, needs: Needs) -> str:
    if not (needs.keras or needs.mnist):
        return SETUP_HEAD + SETUP_NUMPY.format(version=version)
    return SETUP_HEAD + SETUP_KERAS.format(
        import_os="" if needs.keras else "import os\n",
        keras=', "keras", "tensorflow"' if needs.keras else "",
        mnist="" if needs.keras else SETUP_MNIST,
        version=version,
    )


# -- what a page imports, followed through the package ---------------------------------------------


class PackageImports:
    """The import graph of the package at ``root``, read from its source without importing it.

    Imports inside functions count (the package imports Keras lazily), except the MNIST loader's
    download fallback, which is what ``Needs.mnist`` stands for.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.name = self.root.name
        self.modules: dict[str, Path] = {}
        for path in sorted(self.root.rglob("*.py")):
            parts = path.relative_to(self.root.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            self.modules[name] = path
        self.edges = {name: self._imports_of(name) for name in self.modules}

    @classmethod
    def of(cls, root: Path) -> PackageImports:
        """The graph, read again only when a file of the package changed (`mkdocs serve`)."""
        files = sorted(Path(root).rglob("*.py"))
        return cls._cached(Path(root), tuple((str(p), p.stat().st_mtime_ns) for p in files))

    @classmethod
    @functools.lru_cache(maxsize=4)
    def _cached(cls, root: Path, _stamp) -> PackageImports:
        return cls(root)

    def _imports_of(self, name: str) -> set[str]:
        path = self.modules[name]
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if name == MNIST_MODULE:
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name == MNIST_DOWNLOAD:
                    tree.body.remove(node)
                    break
            else:
                raise PluginError(
                    f"{path} has no function {MNIST_DOWNLOAD}, the Keras download that "
                    "hooks/downloads.py leaves out of an MNIST page's needs: update MNIST_DOWNLOAD"
                )
        return self._resolve(tree, package)

    def _resolve(self, tree, package: str) -> set[str]:
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
        return {self._known(name) for name in found if name}

    def _known(self, name: str) -> str:
        """A module of the package (the name, or its longest known parent), or a top-level name."""
        if name.split(".")[0] != self.name:
            return name.split(".")[0]
        while name not in self.modules and "." in name:
            name = name.rpartition(".")[0]
        return name

    def reached(self, names) -> set[str]:
        """Every module ``names`` import, through the package (its parents' __init__ included)."""
        seen: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.modules:
                parts = name.split(".")
                stack += [".".join(parts[:i]) for i in range(1, len(parts))]
                stack += self.edges[name]
        return seen

    def needs(self, code_cells: list[str]) -> Needs:
        from IPython.core.inputtransformer2 import TransformerManager  # %magics -> Python

        transform = TransformerManager().transform_cell
        direct: set[str] = set()
        for source in code_cells:
            try:
                tree = ast.parse(transform(source))
            except SyntaxError:
                continue  # valid IPython (the kernel ran it) that ast cannot read: no imports
            direct |= self._resolve(tree, self.name)
        reached = self.reached(direct)
        return Needs(keras=bool(reached & KERAS_MODULES), mnist=MNIST_MODULE in reached)
