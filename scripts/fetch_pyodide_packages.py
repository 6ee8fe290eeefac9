"""Download the Pyodide package files the site serves, and check them against the lock file.

The site runs its code in the browser with Pyodide 0.27.7: the core comes from npm
(node_modules/pyodide), the wheels of NumPy, matplotlib and their dependencies are not on npm
or PyPI. This script downloads exactly those wheels (hooks/pyodide.py's list) from the official
Pyodide distribution into DIR and checks each against node_modules/pyodide/pyodide-lock.json;
a file already there with the right hash is kept. The site build then reads DIR from
DLBASICS_PYODIDE_DIR. It needs the internet (GitHub Actions runs it); the build never does.

Usage: python scripts/fetch_pyodide_packages.py [DIR] [--base-url URL]
       (DIR defaults to $DLBASICS_PYODIDE_DIR)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_hook():
    spec = importlib.util.spec_from_file_location("hook_pyodide", REPO / "hooks" / "pyodide.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    hook = load_hook()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", default=os.environ.get(hook.ENV_VAR), type=Path)
    parser.add_argument("--base-url", default=hook.DOWNLOAD_URL)
    args = parser.parse_args(argv)
    if args.dir is None:
        parser.error(f"name the folder, or set {hook.ENV_VAR}")
    lock = hook.read_lock(hook.core_dir(REPO))
    args.dir.mkdir(parents=True, exist_ok=True)
    for entry in hook.package_closure(lock):
        target = args.dir / entry["file_name"]
        if target.is_file() and hook.sha256_of(target) == entry["sha256"]:
            print(f"ok          {entry['file_name']}")
            continue
        url = args.base_url.rstrip("/") + "/" + entry["file_name"]
        partial = target.with_name(target.name + ".partial")
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - a fixed https URL
            partial.write_bytes(response.read())
        digest = hook.sha256_of(partial)
        if digest != entry["sha256"]:
            partial.unlink()
            print(f"{url}: SHA-256 {digest}, the lock expects {entry['sha256']}", file=sys.stderr)
            return 1
        partial.replace(target)
        print(f"downloaded  {entry['file_name']}")
    hook.verify_wheels(args.dir, lock)
    print(f"{args.dir}: every file matches {hook.LOCK_NAME} of Pyodide {hook.PYODIDE_VERSION}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
