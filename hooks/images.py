"""MkDocs hook: a page's images as files, each with its size, a text alternative and lazy loading.

nbconvert writes every plot into the page as a base64 ``data:`` URI, so the pictures were 76-242
KB of every page's HTML: never cached, never lazy, and without a text alternative. After
hooks/notebooks.py has written the page's executed notebook beside it (``on_post_page``), this
hook rewrites every ``<img>`` of the page:

- a ``data:`` image is written beside the page as ``<first 12 hex digits of its SHA-256>.<ext>``
  and linked from there; a PNG as lossless WebP, the same pixels in about a third of the bytes
  (each conversion is kept in ``.cache/dlbasics-images/`` beside mkdocs.yml for the next build);
- ``width`` and ``height``: the notebook output's metadata when it has them (a retina figure is
  shown at half its pixels), else the image's own pixel size, so the text does not move as
  images arrive;
- ``alt``: the output's ``metadata["image/png"]["alt"]``, which dlbasics.plots writes in the
  page's language (``dlbasics.plots.describe``), found by the image's data (nbconvert's own
  "No description has been provided for this image" counts as none);
- ``loading="lazy"`` and ``decoding="async"`` on every image below the fold: all but a first
  image that has less than ``FIRST_SCREEN_CHARACTERS`` of text before it in the article (it may
  be on a phone's first screen, where a lazy image would load late).

An image left without alt text, width or height is logged as a warning, which fails a strict
build; the message says how to fix it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from pathlib import Path

import nbformat
from mkdocs.plugins import event_priority, get_plugin_logger

from dlbasics import cache_files

log = get_plugin_logger(__name__)

IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
DATA_URI = re.compile(r"data:image/(png|jpeg|gif|webp);base64,(.*)", re.DOTALL)
EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp"}
# What nbconvert (7.x) writes into an <img> that has no alt text: no text alternative at all.
NBCONVERT_NO_ALT = "No description has been provided for this image"
# About the text of a phone's first screen (412 x 823 CSS px: the title, 15-20 lines of text).
FIRST_SCREEN_CHARACTERS = 800
TAG = re.compile(r"<[^>]+>")


def parse_tag(tag: str) -> dict[str, str | None]:
    """The attributes of one start tag, in order, values unescaped (None for a bare attribute)."""
    inner = tag[len("<img") : -1].rstrip("/")
    attributes = {}
    for name, raw in ATTRIBUTE.findall(inner):
        if not raw:
            attributes[name.lower()] = None
        else:
            attributes[name.lower()] = html.unescape(raw[1:-1] if raw[0] in "\"'" else raw)
    return attributes


def format_tag(attributes: dict[str, str | None]) -> str:
    parts = [
        name if value is None else f'{name}="{html.escape(value, quote=True)}"'
        for name, value in attributes.items()
    ]
    return f"<img {' '.join(parts)}>"


def output_metadata(notebook_file: Path) -> dict[str, dict]:
    """``{base64 data: that output's metadata for its image type}`` for every image output."""
    notebook = nbformat.read(notebook_file, as_version=4)
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for mime, data in output.get("data", {}).items():
                if mime.startswith("image/") and isinstance(data, str):
                    found["".join(data.split())] = dict(output.get("metadata", {}).get(mime, {}))
    return found


def as_webp(png: bytes, cache_dir: Path | None) -> bytes | None:
    """``png`` as lossless WebP, or None when that is not smaller (or Pillow lacks WebP).

    The cache follows ``dlbasics.cache_files``: an entry that does not decode to an image of the
    PNG's size (truncated, changed, not WebP) costs one warning line and is converted again.
    """
    from PIL import Image, features

    key = hashlib.sha256(png).hexdigest()
    cached = cache_dir / f"{key}.webp" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        webp = cached.read_bytes()
        if not webp:
            return None  # an empty entry: WebP was not smaller
        problem = webp_problem(webp, pixel_size(png))
        if problem is None:
            return webp
        cache_files.warn_damaged(cached, problem)
    if not features.check("webp"):
        return None
    buffer = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.save(buffer, format="WEBP", lossless=True, method=4)
    webp = buffer.getvalue() if len(buffer.getvalue()) < len(png) else b""
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cache_files.write_atomic(cached, webp)  # builds may run side by side, or be killed
    return webp or None


def webp_problem(webp: bytes, size: tuple[int, int]) -> str | None:
    """Why ``webp`` is not a whole WebP image of ``size`` pixels, or None when it is one."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(webp)) as image:
            if image.format != "WEBP":
                return f"not WebP but {image.format}"
            image.load()  # decodes every pixel: a truncated file fails here
            if image.size != size:
                return f"{image.size[0]}x{image.size[1]} pixels, not {size[0]}x{size[1]}"
    except Exception as error:  # noqa: BLE001 - whatever Pillow finds wrong, the entry is damaged
        return f"not a readable image: {error}"
    return None


def pixel_size(data: bytes) -> tuple[int, int]:
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def rewrite_images(
    page_html: str,
    folder: Path,
    metadata: dict[str, dict],
    where: str,
    cache_dir: Path | None = None,
) -> str:
    """``page_html`` with every ``<img>`` rewritten as the module docstring says; the ``data:``
    images are written into ``folder``. Problems are logged as warnings naming ``where``."""
    count = 0
    article = page_html.find("<article")

    def replace(match):
        nonlocal count
        count += 1
        on_first_screen = False
        if count == 1:
            text_before = TAG.sub(" ", page_html[max(article, 0) : match.start()])
            on_first_screen = len(" ".join(text_before.split())) < FIRST_SCREEN_CHARACTERS
        attributes = parse_tag(match[0])
        source = attributes.get("src") or ""
        inline = DATA_URI.fullmatch(source.strip())
        if inline:
            encoded = "".join(inline[2].split())
            data = base64.b64decode(encoded)
            name = f"{hashlib.sha256(data).hexdigest()[:12]}.{EXTENSIONS[inline[1]]}"
            webp = as_webp(data, cache_dir) if inline[1] == "png" else None
            if webp is not None:
                name = f"{name.rsplit('.', 1)[0]}.webp"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(webp or data)
            attributes["src"] = name
            described = metadata.get(encoded, {})
            if described.get("alt"):
                attributes["alt"] = described["alt"]
            if not (attributes.get("width") and attributes.get("height")):
                width, height = pixel_size(data)
                attributes["width"] = str(described.get("width") or width)
                attributes["height"] = str(described.get("height") or height)
        if not on_first_screen:
            attributes.setdefault("loading", "lazy")
            attributes.setdefault("decoding", "async")
        if (attributes.get("alt") or NBCONVERT_NO_ALT).strip() == NBCONVERT_NO_ALT:
            log.warning(
                "%s: image %d (%s) has no alt text: draw it with a dlbasics.plots function "
                "(they describe their figure), or give it one, ![what it shows](file.png)",
                where, count, source[:40],
            )  # fmt: skip
        if not (attributes.get("width") and attributes.get("height")):
            log.warning(
                "%s: image %d (%s) has no width and height: give both, "
                '![...](file.png){ width="640" height="400" }',
                where, count, source[:40],
            )  # fmt: skip
        return format_tag(attributes)

    return IMG_TAG.sub(replace, page_html)


def image_cache(config) -> Path:
    return Path(config.config_file_path).parent / ".cache" / "dlbasics-images"


def on_pre_build(config):
    if image_cache(config).is_dir():
        cache_files.remove_orphans(image_cache(config))  # what killed builds were writing


@event_priority(-10)  # after hooks/notebooks.py (0) wrote the executed notebook beside the page
def on_post_page(output, page, config):
    folder = Path(page.file.abs_dest_path).parent
    notebook = getattr(page, "dlbasics_notebook", None)  # set by hooks/notebooks.py
    metadata = output_metadata(folder / notebook) if notebook else {}
    cache_dir = image_cache(config)
    return rewrite_images(output, folder, metadata, page.file.src_uri, cache_dir)
