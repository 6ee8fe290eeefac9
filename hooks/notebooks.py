"""MkDocs hook: execute the notebook pages, cache them, and offer them as .ipynb downloads.

A notebook page is a jupytext Markdown file (``.md`` with a ``kernelspec`` front matter) under
``docs/<language>/``. mkdocs-jupyter renders it with ``execute: false``; this hook makes sure that
what it renders is the *executed* notebook.

1. ``on_files``, once per build, before mkdocs-static-i18n splits the files by language: find the
   notebook pages of every language and execute those the cache lacks, several at a time
   (``DLBASICS_DOCS_JOBS`` kernels, default: the number of CPUs). Each runs in the page's folder,
   with ``DLBASICS_LANG`` set to the page's language (``dlbasics.plots`` labels its plots in it) and
   a per-cell timeout (``DLBASICS_DOCS_CELL_TIMEOUT`` seconds, default 600). An error or a timeout
   fails the build with the page, the cell and the exception.
2. ``on_pre_page``: mkdocs-jupyter's renderer reads ``page.file.abs_src_path``; during the render it
   points at the executed ``.ipynb``. The page keeps mkdocs-static-i18n's ``File``, so its URL and
   destination do not change.
3. ``on_post_page``: the executed notebook is written next to the page as ``<name>.ipynb``, made
   to run on its own by hooks/downloads.py (a setup cell, absolute links, the page it came from);
   the download button in overrides/main.html links to it, and the Colab and Binder links
   (overrides/partials/launch.html) to its copy on the ``notebooks`` branch.

The cache, ``.cache/dlbasics-notebooks/<key>.ipynb`` beside mkdocs.yml (``DLBASICS_DOCS_CACHE_DIR``
overrides it): the key is the SHA-256 of the page source, its language, ``CACHE_VERSION`` and every
file of ``dlbasics/`` and ``requirements/constraints.txt`` (``DLBASICS_DOCS_HASH_PATHS``, a
``os.pathsep``-separated list, replaces those two). So a second build executes nothing, an edited
page is executed again in its language only, and any change to the package executes every page.
``DLBASICS_DOCS_CACHE=0`` (``make build``, CI) neither reads nor writes the cache: every page is
executed, once per build. Each build records what it executed in ``last-build.json`` in the cache
folder, and deletes cached pages that no build has used for an hour. Pages are rendered from a
private copy, so builds that run side by side cannot pull a cached page from under each other.

A cache is only a cache (``dlbasics.cache_files``): each entry carries its key, ``CACHE_VERSION``
and the SHA-256 of its content, and one that is empty, truncated, not JSON, not an nbformat 4
notebook, from another version or edited is executed again after one warning line naming it
(which ``--strict`` does not count). Damaged run-cache entries are removed before any page runs,
so no warning lands in a page. A build that was killed leaves only files the next one removes.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import build_state  # hooks/build_state.py: tells hooks/pyodide.py where the runs are
import downloads  # hooks/downloads.py: MkDocs puts a hook's folder on sys.path while loading it
import jupytext
import nbformat
import zmq
from markdown.extensions.toc import slugify_unicode, unique
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.toc import get_toc
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from dlbasics import cache_files, run_cache

log = get_plugin_logger(__name__)

CACHE_VERSION = "1"  # bump when the way pages are executed changes
REPO = Path(__file__).resolve().parents[1]
DEFAULT_HASH_PATHS = (REPO / "dlbasics", REPO / "requirements" / "constraints.txt")
DEFAULT_CELL_TIMEOUT = 600
RECORD_NAME = "last-build.json"
SCRATCH = "scratch"  # the cache folder's subfolder for each running build's private copies
EVICT_AFTER = 3600  # seconds: a cached page no build has used for this long is deleted
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# "RuntimeWarning: overflow encountered in exp"; matplotlib's "Glyph 8722 ... missing from font(s)"
# and "Font 'default' does not have a glyph for '\u2212'" (a box is drawn instead of the character)
PYTHON_WARNING = re.compile(r"\b\w*Warning: .*|.*(missing from font|does not have a glyph).*")
# What a cell shows when it ends with a matplotlib call instead of plt.show() or a dlbasics.plots
# function: "[<matplotlib.lines.Line2D at 0x...>]", "Text(0.5, 1.0, 'title')", "<Figure size ...>".
MATPLOTLIB_REPR = re.compile(r"^\s*\[?<(matplotlib\.|Figure size|Axes)|^\s*Text\(", re.MULTILINE)


@dataclass
class Settings:
    cache: bool
    cache_dir: Path
    hash_paths: tuple[Path, ...]
    timeout: int
    jobs: int
    # dlbasics.run_cache for the kernels: beside the page cache, or None: the build's scratch folder
    run_cache_dir: Path | None

    @classmethod
    def from_environment(cls, config) -> Settings:
        project = Path(config.config_file_path).resolve().parent
        cache = os.environ.get("DLBASICS_DOCS_CACHE", "1").strip().lower()
        if cache not in {"0", "1", "false", "true", "no", "yes", "off", "on"}:
            raise PluginError(f"DLBASICS_DOCS_CACHE must be 0 or 1, got {cache!r}")
        cache_dir = (
            os.environ.get("DLBASICS_DOCS_CACHE_DIR") or project / ".cache/dlbasics-notebooks"
        )
        paths = os.environ.get("DLBASICS_DOCS_HASH_PATHS")
        hash_paths = (
            tuple(Path(p) for p in paths.split(os.pathsep) if p) if paths else DEFAULT_HASH_PATHS
        )
        for path in hash_paths:
            if not path.exists():
                raise PluginError(
                    f"cache key input {path} does not exist (DLBASICS_DOCS_HASH_PATHS)"
                )
        use_cache = cache in {"1", "true", "yes", "on"}
        return cls(
            cache=use_cache,
            cache_dir=Path(cache_dir),
            run_cache_dir=project / ".cache/dlbasics-runs" if use_cache else None,
            hash_paths=hash_paths,
            timeout=_positive_int("DLBASICS_DOCS_CELL_TIMEOUT", DEFAULT_CELL_TIMEOUT),
            jobs=_positive_int("DLBASICS_DOCS_JOBS", os.cpu_count() or 1),
        )


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise PluginError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


@dataclass
class NotebookPage:
    source: Path  # the .md file
    src_uri: str  # e.g. "ko/linear-regression.md"
    language: str
    key: str = ""
    executed: Path | None = None  # this build's private copy of the executed .ipynb
    seconds: float | None = None  # None: came from the cache


@dataclass
class Build:
    """The state of one `mkdocs build` (all its languages), kept between the hook's events."""

    settings: Settings
    pages: dict[str, NotebookPage] = field(default_factory=dict)  # by abs_src_path
    # Executed notebooks are rendered from here, never from the shared cache: another build
    # (`make serve` while `make test` runs) may evict a cache entry in the meantime. It is
    # <cache folder>/scratch/<pid>-*, so that a later build can delete it if this one is killed.
    scratch: tempfile.TemporaryDirectory = field(init=False)
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self):
        parent = self.settings.cache_dir / SCRATCH
        for folder in parent.glob("*-*"):  # the scratch folders of builds that were killed
            pid = folder.name.split("-")[0]
            if pid.isdigit() and not cache_files.process_running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
        parent.mkdir(parents=True, exist_ok=True)
        self.scratch = tempfile.TemporaryDirectory(dir=parent, prefix=f"{os.getpid()}-")

    @property
    def scratch_dir(self) -> Path:
        return Path(self.scratch.name)


_build: Build | None = None


def _languages(config) -> tuple[list[str], str]:
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return [], config.theme.get("language") or "en"
    return [language.locale for language in i18n.config.languages], i18n.default_language


def _hash_inputs(paths) -> hashlib._Hash:
    from dlbasics.run_cache import files_digest  # the run cache keys its entries the same way

    digest = hashlib.sha256(f"dlbasics-notebooks {CACHE_VERSION} {sys.version}\0".encode())
    return files_digest(paths, digest)


def on_config(config):
    downloads.configure_repository(config)  # DLBASICS_REPO: the source link, Colab and Binder
    return config


# ---------------------------------------------------------------------------------------------
# 1. Execute (or take from the cache) every notebook page, all languages at once


@event_priority(-90)  # after mkdocs-jupyter (0), before mkdocs-static-i18n (-100) splits languages
def on_files(files, config):
    global _build
    if build_state.is_inner_build(config):
        return files
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None:
        raise PluginError("hooks/notebooks.py needs the mkdocs-jupyter plugin in mkdocs.yml")
    if jupyter.config["execute"]:
        raise PluginError(
            "set mkdocs-jupyter's `execute: false`: hooks/notebooks.py executes pages"
        )
    settings = Settings.from_environment(config)
    _build = Build(settings)
    if settings.run_cache_dir is None:  # a clean build: its runs are shared by its pages only
        settings.run_cache_dir = _build.scratch_dir / "runs"
    run_cache.prune(settings.run_cache_dir)  # damaged entries: warned about here, not in a page
    cache_files.remove_orphans(settings.cache_dir)  # what killed builds were writing
    languages, default_language = _languages(config)
    common = _hash_inputs(settings.hash_paths)

    for file in files.documentation_pages():
        if not jupyter.should_include(file):
            continue
        first = Path(file.src_uri).parts[0]
        language = first if first in languages else default_language
        page = NotebookPage(Path(file.abs_src_path), file.src_uri, language)
        digest = common.copy()
        digest.update(f"{language}\0".encode())
        digest.update(page.source.read_bytes())
        page.key = digest.hexdigest()
        if settings.cache:
            page.executed = _take_from_cache(settings.cache_dir, page.key, _build.scratch_dir)
        _build.pages[file.abs_src_path] = page

    pending = [page for page in _build.pages.values() if page.executed is None]
    pending = _schedule(pending, config, default_language)
    if pending:
        log.info(
            "executing %d notebook page(s) with %d kernel(s) at a time; %d from the cache",
            len(pending), settings.jobs, len(_build.pages) - len(pending),
        )  # fmt: skip
        errors = asyncio.run(_execute_all(pending, _build.scratch_dir, settings))
        if errors:
            raise PluginError(
                "notebook page(s) failed, the site was not built:\n\n" + "\n\n".join(errors)
            )
    build_state.run_cache_dir = settings.run_cache_dir
    return files


def _schedule(pages: list[NotebookPage], config, default_language: str) -> list[NotebookPage]:
    """The order pages start in: the default language first, and within it later lectures first.

    Later lectures train models (MNIST, the CNN) and take longest, so starting them first keeps
    one long page from running alone at the end. The other language comes after, when the
    training results it needs are already in the run cache (``dlbasics.run_cache``).
    """
    nav = [entry for entry in (config.nav or []) if isinstance(entry, str)]

    def position(page: NotebookPage) -> int:
        name = Path(page.src_uri).name
        return nav.index(name) if name in nav else -1

    return sorted(pages, key=lambda page: (page.language != default_language, -position(page)))


STAMP = "dlbasics_cache"  # the notebook metadata field that holds the cache entry's stamp


def _take_from_cache(cache_dir: Path, key: str, scratch_dir: Path) -> Path | None:
    """Write the cached notebook ``key`` into ``scratch_dir`` and return it; None when it is not
    cached, or is damaged (one warning line: it is executed again)."""
    cached, copy = cache_dir / f"{key}.ipynb", scratch_dir / f"{key}.ipynb"
    try:
        entry = cache_files.read_json(cached)
        version = (entry.get("nbformat"), entry.get("nbformat_minor"))
        if version[0] != 4 or not isinstance(version[1], int):
            raise cache_files.DamagedEntry(f"nbformat {version[0]}.{version[1]}, expected 4.x")
        metadata = entry.get("metadata")
        found = metadata.pop(STAMP, None) if isinstance(metadata, dict) else None
        cache_files.check_stamp(found, entry, key=key, version=CACHE_VERSION)
        notebook = nbformat.from_dict(entry)
        nbformat.validate(notebook)
    except FileNotFoundError:
        return None
    except cache_files.DamagedEntry as damage:
        cache_files.warn_damaged(cached, damage)
        return None
    except nbformat.ValidationError as error:
        cache_files.warn_damaged(cached, f"not a valid notebook: {' '.join(error.message.split())}")
        return None
    nbformat.write(notebook, copy)  # what execution writes (_execute), byte for byte
    os.utime(cached)  # recently used: eviction keeps it
    return copy


def _store_in_cache(notebook_file: Path, key: str, cache_dir: Path) -> None:
    """Put an executed notebook into the cache, stamped, atomically (builds may run side by side)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    entry = json.loads(notebook_file.read_text(encoding="utf-8"))
    entry["metadata"][STAMP] = cache_files.stamp(entry, key=key, version=CACHE_VERSION)
    text = json.dumps(entry, indent=1, ensure_ascii=False) + "\n"
    cache_files.write_atomic(cache_dir / notebook_file.name, text)


async def _execute_all(pages, out_dir: Path, settings: Settings) -> list[str]:
    slots = asyncio.Semaphore(settings.jobs)

    async def run(page):
        async with slots:
            return await _execute(page, out_dir, settings)

    results = await asyncio.gather(*(run(page) for page in pages))
    return [error for error in results if error]


SHELL_CELL = re.compile(r"^\s*(%%(bash|sh|script|system)\b|!)")


async def _execute(page: NotebookPage, out_dir: Path, settings: Settings) -> str | None:
    """Execute one page into ``out_dir/<key>.ipynb``; return an error message, or None."""
    notebook = jupytext.read(page.source)
    for number, cell in enumerate(notebook.cells):  # jupytext draws random ids: the same page
        cell.id = f"cell-{number}"  # would differ from build to build (ids are in the HTML)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        if SHELL_CELL.match(cell.source):
            return (
                f"{page.src_uri}: code cell {number} would run shell commands on the build machine "
                f"(`{cell.source.splitlines()[0]}`). jupytext turns ```bash and ```sh blocks into "
                "%%bash cells: show commands in a ```console block instead"
            )
    where = {"cell": None}

    def on_cell_start(cell, cell_index):
        where["cell"] = cell_index

    client = NotebookClient(
        notebook,
        timeout=settings.timeout,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(page.source.parent)}},
        on_cell_start=on_cell_start,
    )
    client.km = client.create_kernel_manager()
    if zmq.has("curve"):  # encrypt the kernel's local sockets (else ipykernel warns on every start)
        client.km.transport_encryption = "auto"
    env = dict(os.environ)
    # Several kernels share the cores: give each its share of BLAS/TensorFlow threads, or the
    # kernels' thread pools fight over the same cores (small matmuls then run ~60x slower).
    threads = str(max(1, (os.cpu_count() or 1) // settings.jobs))
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "TF_NUM_INTRAOP_THREADS"):  # fmt: skip
        env.setdefault(name, threads)
    # Training results are shared between the languages of one build (and, with the page cache
    # on, between builds), so the Korean and English pages train each model once.
    env.setdefault("DLBASICS_RUN_CACHE", str(settings.run_cache_dir))
    env.update(
        DLBASICS_LANG=page.language,
        MPLBACKEND="module://matplotlib_inline.backend_inline",  # make sets Agg for scripts
        PYDEVD_DISABLE_FILE_VALIDATION="1",  # ipykernel's debugger warning on Python 3.11+
    )
    start = time.perf_counter()
    try:
        await client.async_execute(env=env)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        return _describe_failure(page, notebook, where["cell"], error, settings)
    page.seconds = time.perf_counter() - start
    log.info("executed %s in %.1f s", page.src_uri, page.seconds)
    _check_outputs(page, notebook)
    nbformat.validate(notebook)
    page.executed = out_dir / f"{page.key}.ipynb"
    nbformat.write(notebook, page.executed)
    if settings.cache:
        _store_in_cache(page.executed, page.key, settings.cache_dir)
    return None


def _describe_failure(page, notebook, cell_index, error, settings) -> str:
    if cell_index is None:
        where = "before its first cell (the kernel did not start)"
    else:
        code_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        number = code_cells.index(cell_index) + 1 if cell_index in code_cells else cell_index
        first_line = notebook.cells[cell_index].source.strip().splitlines()[:1] or [""]
        where = f"in code cell {number} (`{first_line[0]}`)"
    if isinstance(error, CellTimeoutError):
        what = (
            f"the cell ran longer than {settings.timeout} s "
            "(DLBASICS_DOCS_CELL_TIMEOUT raises the limit; better, make the cell faster)"
        )
    elif isinstance(error, CellExecutionError):
        what = ANSI_ESCAPE.sub("", str(error)).strip()
    else:
        what = f"the kernel died: {error}"
    return f"{page.src_uri} failed {where}:\n{what}"


def _check_outputs(page: NotebookPage, notebook) -> None:
    """Warn (failing a --strict build) when a cell shows a matplotlib repr or a Python warning."""
    number = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                warning = PYTHON_WARNING.search(output.get("text", ""))
                if warning:
                    log.warning(
                        "%s, code cell %d shows a warning, %r: fix its cause (or silence it "
                        "where it is raised, in dlbasics, if it teaches nothing)",
                        page.src_uri, number, warning[0][:120],
                    )  # fmt: skip
            data = output.get("data", {})
            if output.get("output_type") not in {"execute_result", "display_data"} or set(data) != {
                "text/plain"
            }:
                continue
            text = data["text/plain"]
            if MATPLOTLIB_REPR.search(text):
                log.warning(
                    "%s, code cell %d shows %r: end the cell with plt.show() (or `;`), or draw "
                    "with a dlbasics.plots function (they return nothing)",
                    page.src_uri, number, text.strip().splitlines()[0][:80],
                )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# 2. Render the executed notebook


@event_priority(-110)  # after mkdocs-jupyter's on_pre_page (0), which sets page.render
def on_pre_page(page, config, files):
    notebook = _build.pages.get(page.file.abs_src_path) if _build else None
    if notebook is None:
        return page
    render = page.render

    def render_executed(config, files):
        source = page.file.abs_src_path
        page.file.abs_src_path = str(notebook.executed)
        try:
            render(config, files)
        finally:
            page.file.abs_src_path = source
        page.content, tokens = anchor_headings(page.content)
        page.toc = get_toc(tokens)
        page.content = link_pages(page.content, page, files)

    page.render = render_executed
    page.dlbasics_notebook = f"{notebook.source.stem}.ipynb"  # read by overrides/main.html
    # the download's links, origin and Colab/Binder paths (overrides/partials/launch.html)
    page.dlbasics_download = downloads.describe_page(page, config, files, notebook.language)
    return page


HEADING = re.compile(
    r'<h([1-6]) id="[^"]*">(.*?)<a class="anchor-link" href="#[^"]*">\u00b6</a></h\1>', re.DOTALL
)


def anchor_headings(content: str):
    """Give the notebook's headings Unicode ids and return ``(content, toc_tokens)``.

    mkdocs-jupyter's ids keep ASCII only, so every Korean heading got ``id=""`` and the table of
    contents pointed nowhere. Here each heading gets the id Python-Markdown would give it
    (``slugify_unicode``, made unique with ``_1``, ``_2``...), and the table of contents is rebuilt
    from the headings actually on the page.
    """
    ids: set[str] = set()
    root = {"level": 0, "children": []}
    stack = [root]

    def replace(match):
        level, inner = int(match[1]), match[2]
        name = re.sub(r"<[^>]+>", "", inner).strip()
        slug = unique(slugify_unicode(html.unescape(name), "-") or "section", ids)
        token = {"level": level, "id": slug, "name": name, "children": []}
        while stack[-1]["level"] >= level:
            stack.pop()
        stack[-1]["children"].append(token)
        stack.append(token)
        anchor = f'<a class="anchor-link" href="#{slug}">\u00b6</a>'
        return f'<h{level} id="{slug}">{inner}{anchor}</h{level}>'

    return HEADING.sub(replace, content), root["children"]


# href="gradient-descent.md" or "../ko/x.md#part", not "https://...", "/...", "#..."
PAGE_LINK = re.compile(r'href="(?![A-Za-z][A-Za-z0-9+.-]*:|/|#)([^"#?]+\.md)(#[^"]*)?"')


def link_pages(content: str, page, files) -> str:
    """Turn links to other pages' .md files into their URLs, as MkDocs does for Markdown pages.

    nbconvert leaves ``[text](gradient-descent.md)`` as it is; this resolves it against the page's
    own folder and warns (which fails a --strict build) when no such page exists.
    """

    def replace(match):
        folder = posixpath.dirname(page.file.src_uri)
        target_uri = posixpath.normpath(posixpath.join(folder, html.unescape(match[1])))
        target = files.get_file_from_path(target_uri)
        if target is None or not target.is_documentation_page():
            log.warning("%s links to %s, which is not a page", page.file.src_uri, match[1])
            return match[0]
        return f'href="{target.url_relative_to(page.file)}{match[2] or ""}"'

    return PAGE_LINK.sub(replace, content)


# ---------------------------------------------------------------------------------------------
# 3. Offer the executed notebook as a download, and record the build


def on_post_page(output, page, config):
    notebook = _build.pages.get(page.file.abs_src_path) if _build else None
    if notebook is not None:
        downloadable = downloads.downloadable_notebook(notebook.executed, page.dlbasics_download)
        target = Path(page.file.abs_dest_path).parent / page.dlbasics_notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(downloadable, target)
    return output


@event_priority(-200)  # after mkdocs-static-i18n's on_post_build (-100) built the other languages
def on_post_build(config) -> None:
    global _build
    if build_state.is_inner_build(config) or _build is None:
        return
    build, _build = _build, None
    pages = sorted(build.pages.values(), key=lambda page: page.src_uri)
    record = {
        "cache": build.settings.cache,
        "executed": [page.src_uri for page in pages if page.seconds is not None],
        "from_cache": [page.src_uri for page in pages if page.seconds is None],
        "seconds": {page.src_uri: round(page.seconds, 2) for page in pages if page.seconds},
        "build_seconds": round(time.perf_counter() - build.started, 2),
    }
    cache_dir = build.settings.cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    if build.settings.cache:  # evict what no page of this build used and no build used lately
        used = {page.executed.name for page in pages}
        for entry in cache_dir.glob("*.ipynb"):
            if entry.name not in used and time.time() - entry.stat().st_mtime > EVICT_AFTER:
                entry.unlink(missing_ok=True)
    cache_files.write_atomic(cache_dir / RECORD_NAME, json.dumps(record, indent=2) + "\n")
    build.scratch.cleanup()
    log.info(
        "notebook pages: %d executed, %d from the cache",
        len(record["executed"]), len(record["from_cache"]),
    )  # fmt: skip
