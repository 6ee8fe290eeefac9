"""Check that a release tag names the package's version, before anything is published.

Usage: python scripts/check_release_tag.py TAG [DIST_DIR]

The version has one source, ``__version__`` in dlbasics/__init__.py (pyproject.toml reads it
through setuptools' dynamic version). The tag must be exactly ``v`` + that version, and, when
DIST_DIR is given, it must hold exactly one sdist and one wheel, both of that version (so a stale
file in dist/ cannot be published). Exit status 0 when all agree, 1 with a message saying what
differs otherwise, 2 on a usage error. It reads the file without importing the package, so it
runs on a bare Python (release.yml runs it before installing anything).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION_FILE = ROOT / "dlbasics" / "__init__.py"


def package_version(path: Path = VERSION_FILE) -> str:
    """The string assigned to ``__version__`` in ``path``."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise ValueError(f'{path} has no `__version__ = "..."` line')


def problems(tag: str, version: str, dist_dir: Path | None = None) -> list[str]:
    """What is wrong with releasing ``version`` under ``tag`` (from ``dist_dir``), if anything."""
    found = []
    if tag != f"v{version}":
        found.append(
            f"tag {tag!r} does not match the package version {version!r} "
            f"(dlbasics/__init__.py): tag the release v{version}, or change __version__"
        )
    if dist_dir is not None:
        files = sorted(p.name for p in Path(dist_dir).iterdir()) if Path(dist_dir).is_dir() else []
        wheels = [name for name in files if name.endswith(".whl")]
        sdists = [name for name in files if name.endswith(".tar.gz")]
        if len(wheels) != 1 or len(sdists) != 1 or len(files) != 2:
            found.append(f"{dist_dir} must hold one wheel and one sdist, it holds {files}")
        expected = (f"dlbasics-{version}-", f"dlbasics-{version}.tar.gz")
        for name in wheels + sdists:
            if not name.startswith(expected):
                found.append(f"{dist_dir}/{name} is not version {version}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    version = package_version()
    found = problems(argv[0], version, Path(argv[1]) if len(argv) == 2 else None)
    for problem in found:
        print(f"release check: {problem}", file=sys.stderr)
    if not found:
        print(f"release check: tag {argv[0]} matches dlbasics {version}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
