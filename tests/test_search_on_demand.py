"""hooks/search_on_demand.py: Material's search index loads once the reader opens search.

On a piece of Material's minified bundle here; on the built site's bundle in
``test_the_built_bundle_loads_the_search_index_on_open``; in Chromium, that a page requests no
index until search is opened, in tests/test_browser.py
(``test_search_index_loads_only_when_search_opens``)."""

from __future__ import annotations

import pytest

from .test_site import load_hook

# Material 9.x's setupSearchWorker, minified (names as in 9.6's bundle; `$` is rxjs' `of`).
EAGER = (
    'function Ei(e,t){let r=Mn(e);return L($(location.protocol!=="file:"),Je("search"))'
    ".pipe(Re(o=>o),b(()=>t)).subscribe(({config:o,docs:n})=>r.next({type:0}))}"
)
FETCH = 'function Zn(){return location.protocol==="file:"?Tt(`${new URL("search/search_index.js",X.base)}`):Ue(new URL("search/search_index.json",X.base))}'


@pytest.fixture(scope="module")
def hook():
    return load_hook("search_on_demand")


def test_the_condition_becomes_false_in_as_many_characters(hook):
    bundle = FETCH + EAGER
    patched = hook.patch(bundle)
    assert len(patched) == len(bundle)  # the source map's columns still hold
    assert 'L($(!1/*search index on open */),Je("search"))' in patched
    assert patched.startswith(FETCH)  # the file:// index loader is not the set-up condition
    assert hook.patch(patched) == patched  # a --dirty rebuild kept the patched copy


@pytest.mark.parametrize(
    "bundle, found",
    [(FETCH, 0), (EAGER.replace('"search"', '"drawer"'), 0), (EAGER + EAGER, 2)],
    ids=["missing", "another-toggle", "twice"],
)
def test_a_bundle_written_differently_stops_the_build(hook, bundle, found):
    with pytest.raises(ValueError, match=f"found it {found} times: Material's script has changed"):
        hook.patch(bundle)


@pytest.mark.site
def test_the_built_bundle_loads_the_search_index_on_open(hook, built_site):
    (bundle,) = (built_site / "assets" / "javascripts").glob("bundle.*.min.js")
    text = bundle.read_text(encoding="utf-8")
    assert len(hook.ON_OPEN.findall(text)) == 1 and not hook.EAGER.search(text)
