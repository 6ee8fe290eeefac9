"""The hooks that take weight off every page, on small inputs: hooks/images.py (plots as files
with size, alt text and lazy loading) and hooks/notebook_assets.py (the notebook template's CSS,
trimmed to what a site uses). The built site's budgets are in tests/test_page_weight.py."""

from __future__ import annotations

import base64
import io
import logging
import os

import pytest

from .test_site import load_hook


@pytest.fixture(scope="module")
def images():
    return load_hook("images")


@pytest.fixture(scope="module")
def assets():
    return load_hook("notebook_assets")


def png(width: int, height: int, colour=(200, 30, 30)) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


# -- images --------------------------------------------------------------------------------------


def same_pixels(path, png: bytes) -> bool:
    from PIL import Image, ImageChops

    with Image.open(path) as written, Image.open(io.BytesIO(png)) as original:
        difference = ImageChops.difference(written.convert("RGBA"), original.convert("RGBA"))
        return written.size == original.size and difference.getbbox() is None


def test_inline_images_become_files_with_size_alt_text_and_lazy_loading(images, tmp_path, caplog):
    first, second, third = png(40, 30), png(20, 10, (0, 0, 255)), png(8, 8, (0, 255, 0))
    page = (
        "<html><body><article><h1>Title</h1>"
        f'<img src="data:image/png;base64,{first}" class="" >'
        + "<p>text</p>" * 400
        + f'<img src="data:image/png;base64,{second[:20]}\n{second[20:]}"\nclass="">'
        + f'<img src="data:image/png;base64,{third}" alt="No description has been provided for this image">'
        + '<img src="logo.png" alt="The &quot;logo&quot;" width="5" height="5">'
        "</article></body></html>"
    )
    metadata = {first: {"alt": "Line chart: a & b"}, second: {"alt": "Bars", "width": 10}}
    with caplog.at_level(logging.WARNING):
        out = images.rewrite_images(page, tmp_path, metadata, "ko/page.md", tmp_path / "cache")
    tags = [images.parse_tag(tag) for tag in images.IMG_TAG.findall(out)]
    assert "base64" not in out
    assert len({path.name for path in tmp_path.glob("*.webp")}) == 3
    for tag, data in zip(tags, (first, second, third), strict=False):
        assert same_pixels(tmp_path / tag["src"], base64.b64decode(data))
        assert len(tag["src"]) == len("0123456789ab.webp")
    assert tags[0] == {
        "src": tags[0]["src"],
        "class": "",
        "alt": "Line chart: a & b",
        "width": "40",
        "height": "30",
    }  # the first image, near the top: not lazy
    assert (tags[1]["alt"], tags[1]["width"], tags[1]["height"]) == ("Bars", "10", "10")
    assert tags[1]["loading"] == "lazy" and tags[1]["decoding"] == "async"
    assert tags[3] == {
        "src": "logo.png",
        "alt": 'The "logo"',
        "width": "5",
        "height": "5",
        "loading": "lazy",
        "decoding": "async",
    }
    assert '"Line chart: a &amp; b"' in out and "The &quot;logo&quot;" in out
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and "ko/page.md: image 3" in warnings[0]
    assert "has no alt text" in warnings[0]


def test_a_png_becomes_a_lossless_webp_once_and_then_comes_from_the_cache(images, tmp_path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.linear_gradient("L").convert("RGBA").save(buffer, format="PNG")  # 256 x 256, many shades
    png = buffer.getvalue()
    cache = tmp_path / "cache"
    webp = images.as_webp(png, cache)
    assert webp is not None and len(webp) < len(png)
    (tmp_path / "plot.webp").write_bytes(webp)
    assert same_pixels(tmp_path / "plot.webp", png)
    (cached,) = cache.iterdir()
    assert cached.read_bytes() == webp
    os.utime(cached, (0, 0))  # a second call reads the entry, without converting again
    assert images.as_webp(png, cache) == webp and cached.stat().st_mtime == 0


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "a PNG", "another size"],
)
def test_a_damaged_webp_in_the_cache_is_converted_again_with_one_warning(
    images, tmp_path, caplog, damage
):
    """Issue 17: a cache is only a cache, the image cache too (a truncated WebP would otherwise
    be served as the page's plot)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.linear_gradient("L").convert("RGBA").save(buffer, format="PNG")
    png = buffer.getvalue()
    cache = tmp_path / "cache"
    webp = images.as_webp(png, cache)
    (cached,) = cache.iterdir()
    other = io.BytesIO()
    Image.linear_gradient("L").resize((64, 64)).save(other, format="WEBP", lossless=True)
    cached.write_bytes(
        {
            "truncated": webp[: len(webp) // 2],
            "garbage": b"RIFF\x00\x01 not an image",
            "a PNG": png,
            "another size": other.getvalue(),
        }[damage]
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert images.as_webp(png, cache) == webp
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1 and str(cached) in warnings[0], warnings
    assert cached.read_bytes() == webp  # the entry is whole again


def test_a_first_image_far_down_the_page_is_lazy(images, tmp_path):
    page = (
        "<article>"
        + "<p>"
        + "word " * 400
        + "</p>"
        + f'<img src="data:image/png;base64,{png(4, 4)}" alt="x">'
    )
    (tag,) = images.IMG_TAG.findall(images.rewrite_images(page, tmp_path, {}, "page"))
    assert images.parse_tag(tag)["loading"] == "lazy"


def test_an_image_without_size_is_reported(images, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        images.rewrite_images('<article><img src="chart.svg" alt="a chart">', tmp_path, {}, "p")
    assert [
        "p: image 1 (chart.svg) has no width and height" in r.getMessage() for r in caplog.records
    ] == [True]


# -- the notebook CSS ----------------------------------------------------------------------------


def names(classes=(), tags=(), ids=()):
    return {"class": set(classes), "tag": {"html", "body", *tags}, "id": set(ids)}


def test_style_blocks_leave_the_page_and_the_python_list_copy_is_dropped(assets):
    content = (
        '<div class="jupyter-wrapper"><style type="text/css">\n.a{color:red}</style>'
        "<p>text</p><style>['pre { line-height: 125%; }\\ntd.linenos']</style></div>"
    )
    html, styles = assets.take_styles(content)
    assert html == '<div class="jupyter-wrapper"><p>text</p></div>'
    assert styles == [".a{color:red}"]


def test_rules_stay_only_when_the_site_has_what_their_selectors_need(assets):
    css = (
        ".jupyter-wrapper .jp-Cell{margin:0}"
        ".jupyter-wrapper .bp3-button{color:red}"  # a JupyterLab widget no page has
        ".jupyter-wrapper .bp3-x,.jupyter-wrapper pre{padding:1px}"  # one selector of two
        ".jupyter-wrapper :root{--jp-unused:1px}"  # :root is never inside an element
        ".jupyter-wrapper table:not(.bp3-table) td{border:0}"  # :not() needs nothing
        "#main>.md-typeset__scrollwrap::before{content:''}"
        "mjx-container[display=true]{display:block}"
        "@media print{.jp-Cell{break-inside:avoid}.bp3-y{color:blue}}"
        "@media screen{.bp3-z{color:green}}"
    )
    site = names(
        classes={"jupyter-wrapper", "jp-Cell", "md-typeset__scrollwrap"},
        tags={"pre", "table", "td", "mjx-container"},
        ids={"main"},
    )
    trimmed = assets.trim(css, site, referenced=set())
    assert trimmed.splitlines() == [
        '@charset "UTF-8";',
        ".jupyter-wrapper .jp-Cell{margin:0}",
        ".jupyter-wrapper pre{padding:1px}",
        ".jupyter-wrapper table:not(.bp3-table) td{border:0}",
        '#main>.md-typeset__scrollwrap::before{content:""}',
        "mjx-container[display=true]{display:block}",
        "@media print{.jp-Cell{break-inside:avoid}}",
    ]


def test_custom_properties_stay_when_something_uses_them(assets):
    css = (
        ".w{--a:var(--b);--b:red;--c:blue;--d:1px;--e:2px;color:var(--a)}"
        "@keyframes spin{to{transform:rotate(1turn)}}"
        "@keyframes unused{to{opacity:0}}"
        ".w .spinner{animation:spin 1s}"
    )
    site = names(classes={"w", "spinner"})
    trimmed = assets.trim(css, site, referenced={"--d"})  # --d: used by another stylesheet
    assert ".w{--a:var(--b);--b:red;--d:1px;color:var(--a)}" in trimmed
    assert "@keyframes spin" in trimmed and "unused" not in trimmed
    assert "--c" not in trimmed and "--e" not in trimmed


def test_site_names_reads_pages_and_the_words_of_scripts(assets, tmp_path):
    (tmp_path / "index.html").write_text(
        '<html><body><div class="a b" id="top" style="color: var(--x)"><p>t</p></div></body></html>'
    )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text('el.classList.add("md-typeset__table")')
    (tmp_path / "assets" / "vendor").mkdir()
    (tmp_path / "assets" / "vendor" / "lib.js").write_text('"vendored-word"')
    (tmp_path / "assets" / "own.css").write_text(".q{color:var(--y)}")
    (tmp_path / "assets" / "skip.css").write_text(".q{color:var(--z)}")
    found, referenced = assets.site_names(tmp_path, skip=tmp_path / "assets" / "skip.css")
    assert {"a", "b", "md-typeset__table"} <= found["class"]
    assert "vendored-word" not in found["class"]
    assert found["id"] == {"top"} and {"div", "p"} <= found["tag"]
    assert referenced == {"--x", "--y"}
