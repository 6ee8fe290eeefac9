"""What the hooks of one site build share.

MkDocs loads each hook as a module named by its path (``hooks/notebooks.py``), so a hook cannot
import another hook and share its state. A neighbour like this one is imported by its plain
name, once (MkDocs puts the hooks' folder on ``sys.path``), so every hook sees the same values.
"""

from __future__ import annotations

from pathlib import Path

# The run cache (dlbasics.run_cache) the pages of this build were executed with, set by
# hooks/notebooks.py once they have run; hooks/pyodide.py publishes results from it.
run_cache_dir: Path | None = None


def is_inner_build(config) -> bool:
    """True in the per-language builds that mkdocs-static-i18n runs from its on_post_build.

    A hook that works on the whole site does its work once, in the outer build, which sees every
    language's pages.
    """
    i18n = config.plugins.get("i18n")
    return i18n is not None and bool(getattr(i18n, "building", False))
