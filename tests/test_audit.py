"""`make audit` (scripts/audit.py): its gzip server serves the site as GitHub Pages does, the
README's table is rendered from the committed benchmarks/audit.json, and that audit covered every
page of the site and met the targets of issue 13."""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import json
from pathlib import Path

import pytest

from .browser_support import site_pages

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "audit.json"
# Issue 13's targets (scripts/audit.py: performance >= 95, LCP <= 2.0 s, TBT <= 150 ms). The
# measured spread of the median runs, AMD EPYC, 2 CPUs, 3 runs a page, 34 pages:
# - 2026-12-02 15:26: performance 98-100, LCP 1.2-1.9 s, TBT 26-168 ms (33 of 34 met the targets);
# - 2026-12-03 07:37: performance 99-100, LCP 1.2-2.0 s, TBT 19-101 ms (34 of 34; one page's
#   runs at load 4.5, so the test skipped it);
# - 2026-12-03 08:08: performance 99, LCP 1.6-1.9 s, TBT 9-69 ms (34 of 34).
# Of those 306 runs the slowest single ones were performance 95, LCP 2.1 s, TBT 188 ms. Before
# the Run controls were written at build time and the blocks below the first screen were left
# for the browser to render when scrolled to, pages scored 63-98 with LCP up to 3.9 s and TBT up
# to 910 ms. The floor is the target; the ceilings leave a margin over the slowest run, so that
# one noisy run passes and a change that makes a page slower fails.
FLOOR_PERFORMANCE = 95
CEILING_LCP_MS = 2500
CEILING_TBT_MS = 250


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results():
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def test_readme_audit_section_is_what_the_script_renders_from_the_json(audit, capsys):
    assert audit.main(["--check-readme"]) == 0, capsys.readouterr().out


def test_the_audit_covered_every_page_of_both_languages(results):
    audited = {page["path"] for page in results["pages"]}
    expected = {page.path for page in site_pages()}
    assert audited == expected, (
        f"not audited: {sorted(expected - audited)}; no longer pages: {sorted(audited - expected)}"
        " - run `make audit`"
    )
    for page in results["pages"]:
        assert page["language"] == ("en" if page["path"].startswith("/en/") else "ko"), page
        assert len(page["runs"]) == results["runs_per_page"] >= 1


def test_every_page_is_accessible_and_follows_best_practices_and_seo(results, audit):
    missed = []
    for page in results["pages"]:
        run = audit.median_run(page)
        scores = (run["accessibility"], run["best_practices"], run["seo"])
        if scores != (100, 100, 100):
            missed.append(
                f"{page['path']}: accessibility, best practices, SEO {scores} {run['failing']}"
            )
    assert not missed, "\n".join(missed)


def test_no_page_is_slower_than_measured(results, audit):
    """No page's median run below the measured floor (see FLOOR_PERFORMANCE), and the README
    says how many pages meet issue 13's targets.

    Lighthouse scales the CPU time the page took on the machine that ran it by 4: on a machine
    whose cores other programs used, the numbers say more about them than about the pages. The
    audit is then no evidence either way: this test says so and skips, until `make audit` is run
    on a quiet machine (load average at most the number of CPUs + 1, the audit's own share)."""
    quiet = audit.quiet_load(results["machine"]["cpus"])
    if results["load_average"]["highest"] > quiet:
        pytest.skip(
            f"benchmarks/audit.json was measured with a load average up to "
            f"{results['load_average']['highest']} on {results['machine']['cpus']} CPUs (quiet: "
            f"<= {quiet}): run `make audit` on a quiet machine"
        )
    missed = []
    for page in results["pages"]:
        run = audit.median_run(page)
        if (
            run["performance"] < FLOOR_PERFORMANCE
            or run["lcp_ms"] > CEILING_LCP_MS
            or run["tbt_ms"] > CEILING_TBT_MS
        ):
            missed.append(
                f"{page['path']}: performance {run['performance']}, LCP {run['lcp_ms']} ms, "
                f"TBT {run['tbt_ms']} ms"
            )
    assert not missed, "\n".join(missed)
    reference = audit.median_run(results["reference"])
    assert reference["performance"] >= audit.TARGET_PERFORMANCE, "the reference itself is slow"


def test_median_run_and_table(audit):
    runs = [
        {"performance": p, "accessibility": 100, "best_practices": 100, "seo": 100,
         "lcp_ms": 1000 + p, "tbt_ms": p, "bytes": 2048, "failing": []}
        for p in (97, 91, 99)
    ]  # fmt: skip
    page = {"path": "/x/", "language": "ko", "runs": runs}
    assert audit.median_run(page)["performance"] == 97
    assert audit.median_run({"runs": runs[:2]})["performance"] == 91  # the lower middle one
    table = audit.render(
        {
            "lighthouse": "13.5.0",
            "chromium": "Chromium 1",
            "measured_at": "2026-01-01 00:00 UTC",
            "machine": {"cpu": "CPU", "cpus": 2},
            "settings": "mobile",
            "runs_per_page": 3,
            "load_average": {"before": 0.5, "highest": 2.5, "after": 1.5},
            "reference": {"page": "plain", "runs": runs[:1]},
            "pages": [page],
        }
    )
    assert "| `/x/` | ko | 97 (91-99) | 100 | 100 | 100 | 1.1 s | 97 ms | 2 KiB |" in table
    assert "| *a plain Material page* (reference) | ko | 97 | 100 | 100 | 100 | 1.1 s |" in table
    assert "load average 0.5 before, up to 2.5 during, 1.5 after" in table
    assert "TBT <= 150 ms) met by 1 of 1 pages." in table  # /x/: 97, LCP 1.1 s, TBT 97 ms
    assert table.startswith(audit.START) and table.endswith(audit.END)


def _get(server, path, encoding="gzip"):
    """GET ``path``: (status, headers, body, whether the connection stays open)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding})
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body, not response.will_close
    finally:
        connection.close()


def test_the_server_serves_like_github_pages(audit, tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>page</p>" * 100)
    (tmp_path / "404.html").write_text("not here")
    (tmp_path / "plot.png").write_bytes(b"\x89PNG" + bytes(100))
    with audit.PagesServer(tmp_path) as server:
        status, headers, body, kept_alive = _get(server, "/page/")
        assert status == 200 and headers["Content-Encoding"] == "gzip" and kept_alive
        assert gzip.decompress(body) == (tmp_path / "page" / "index.html").read_bytes()
        assert headers["Cache-Control"] == "max-age=600"
        status, headers, body, _ = _get(server, "/plot.png")  # images are not compressed again
        assert "Content-Encoding" not in headers and body.startswith(b"\x89PNG")
        status, headers, body, _ = _get(server, "/page/", encoding="identity")
        assert "Content-Encoding" not in headers and body.startswith(b"<p>page")
        status, headers, _, _ = _get(server, "/page")
        assert (status, headers["Location"]) == (301, "/page/")
        status, _, body, _ = _get(server, "/nothing/")
        assert status == 404 and gzip.decompress(body) == b"not here"


def test_pages_are_enumerated_from_the_built_site(audit, tmp_path):
    for folder in ("", "en", "page", "en/page", "assets/x", "search"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "index.html").write_text('<html lang="ko">')
    assert audit.site_pages(tmp_path) == ["/", "/en/", "/en/page/", "/page/"]
    # the home page's language first, whatever the quotes (the built pages have none)
    for folder, html in [("", "<html lang=ko class=x>"), ("en", "<html class=x lang=en>"),
                         ("en/page", "<html lang='en'>"), ("page", '<html lang="ko">')]:  # fmt: skip
        (tmp_path / folder / "index.html").write_text(html)
    assert audit.site_pages(tmp_path) == ["/", "/page/", "/en/", "/en/page/"]
    assert [audit.language_of(path, tmp_path) for path in ("/", "/en/page/")] == ["ko", "en"]
    with pytest.raises(SystemExit, match="no pages"):
        audit.site_pages(tmp_path / "search" / "missing")


def test_a_run_waits_for_a_quiet_machine(audit, monkeypatch):
    """A load above the limit is waited out (polled), and the load a run starts at is returned;
    past the timeout the run goes ahead and the JSON records the load as it was."""
    clock = {"now": 0.0}
    loads = iter([4.5, 3.9, 3.2, 2.8, 2.5])
    monkeypatch.setattr(audit.os, "getloadavg", lambda: (next(loads), 0.0, 0.0))
    monkeypatch.setattr(audit.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(audit.time, "sleep", lambda s: clock.update(now=clock["now"] + s))
    assert audit.wait_until_quiet(3, timeout=60, poll=5) == 2.8
    assert clock["now"] == 15  # three polls
    loads = iter([4.5] * 20)
    clock["now"] = 0.0
    assert audit.wait_until_quiet(3, timeout=12, poll=5) == 4.5
    assert clock["now"] == 15  # gave up at the first poll past the timeout
    assert audit.quiet_load(2) == 3
