"""Remember the result of a slow training run on disk, so pages that show it do not retrain.

``memoize(name, arguments, compute, cache_dir=...)`` returns ``compute()``'s JSON-able dict and
stores it as ``<cache_dir>/<name>-<key>.json``. The key is the SHA-256 of

- ``name`` and ``arguments`` (NumPy arrays enter by dtype, shape and the SHA-256 of their bytes),
- every file of the package, subpackages included, so any change to the package invalidates
  every entry,
- the installed versions of Python, NumPy, Keras and TensorFlow.

Only results are stored (history, evaluation, timing), never a model object; a small model's
trained weights may be part of a result (the NumPy CNN's 12,810 numbers, so its page can look
inside it). The cache directory is the
``cache_dir`` argument, else the environment variable ``DLBASICS_RUN_CACHE``; unset or empty
means no caching: ``compute()`` runs every time.

An entry stores its key and the SHA-256 of its result (:mod:`dlbasics.cache_files`): an entry that
is empty, truncated, not JSON, of another format version, for another key or edited afterwards is
computed again, after one warning line naming it. :func:`prune` removes such entries from a
folder up front (the site build does, so that no warning lands in a page's output).

**Published results.** The site publishes the results of its slowest NumPy runs with its
pages (:func:`publish`), so that the page's cell, run in the reader's browser, shows what the
page shows instead of training for many minutes in WebAssembly. A published entry is keyed like
a cache entry but without the versions (the browser's Python and NumPy are not the build's): the
same run, on the same data, with the same package source. It records the versions it was
computed with. ``memoize`` reads the folder named by ``DLBASICS_PUBLISHED_RUNS`` after a miss in
its own cache; any other argument, or another package source, is a miss there too and is computed.
``cache_dir=False`` reads neither.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Callable
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import numpy as np

from .cache_files import (
    DamagedEntry,
    check_stamp,
    read_json,
    remove_orphans,
    stamp,
    warn_damaged,
    write_atomic,
)

ENV_VAR = "DLBASICS_RUN_CACHE"
PUBLISHED_ENV_VAR = "DLBASICS_PUBLISHED_RUNS"  # a folder of published results, read only
ENTRY_VERSION = "2"  # bump when what an entry holds changes (1: no stamp)
PACKAGE_DIR = Path(__file__).resolve().parent
VERSIONED = ("numpy", "keras", "tensorflow", "tensorflow-cpu")


def resolve_cache_dir(cache_dir=None) -> Path | None:
    """``cache_dir`` as a Path; None reads ``DLBASICS_RUN_CACHE``; False or "" turns caching off."""
    if cache_dir is None:
        cache_dir = os.environ.get(ENV_VAR, "")
    if cache_dir is False or cache_dir == "":
        return None
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be a path, None or False, got {type(cache_dir).__name__}")
    return Path(cache_dir).expanduser()


def files_digest(roots, digest=None):
    """``digest`` (a new SHA-256 by default) updated with the path and bytes of every file under
    ``roots`` (files or folders), in a stable order; Python's byte-code caches are left out.

    Paths enter relative to each root's parent (``dlbasics/mlp.py``), so the digest does not
    depend on where the checkout is. The site build keys its page cache with it too.
    """
    digest = hashlib.sha256() if digest is None else digest
    for root in map(Path, roots):
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(f"{path.relative_to(root.parent).as_posix()}\0".encode())
            digest.update(path.read_bytes() + b"\0")
    return digest


def source_fingerprint() -> str:
    """SHA-256 over every file of the package (``plots/``, ``bench/`` and all else included)."""
    return files_digest([PACKAGE_DIR]).hexdigest()


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def describe(value):
    """A JSON-able stand-in for ``value``: arrays become dtype, shape and SHA-256 of their bytes."""
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        return {
            "array": hashlib.sha256(array.tobytes()).hexdigest(),
            "dtype": str(array.dtype),
            "shape": list(array.shape),
        }
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot use a {type(value).__name__} in a run-cache key")


def cache_key(name: str, arguments: dict, *, versions: bool = True) -> str:
    """The SHA-256 that names a run: its function, its arguments, the package source, versions.

    ``versions=False`` leaves the installed versions out: a published result's key. ``arguments``
    may be given as :func:`describe` wrote them into an entry (describing them again changes
    nothing), which is how :func:`publish` checks that an entry is this source's.
    """
    payload = {"name": name, "arguments": describe(arguments), "source": source_fingerprint()}
    if versions:
        payload["versions"] = _versions()
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _entry_path(directory: Path, name: str, key: str) -> Path:
    return directory / f"{name}-{key[:20]}.json"


def _checked_result(entry: dict, key: str) -> dict:
    """The result an entry read from disk holds; DamagedEntry unless it is whole and this key's."""
    result = entry.get("result")
    if not isinstance(result, dict):
        raise DamagedEntry("no result in it")
    check_stamp(entry.get("stamp"), result, key=key, version=ENTRY_VERSION)
    return result


def _read(path: Path, key: str, *, warn: bool = True) -> dict | None:
    """The stored result, or None: missing (silently) or damaged (one warning line if ``warn``)."""
    try:
        return _checked_result(read_json(path), key)
    except FileNotFoundError:
        return None
    except DamagedEntry as damage:
        if warn:
            warn_damaged(path, damage)
        return None


def prune(cache_dir) -> list[Path]:
    """Delete the damaged entries of a run-cache folder (one warning line each), and the partial
    files of writers that were interrupted; return what was deleted.

    An entry's key is read from the entry itself and checked against its file name and its
    result's SHA-256, so this needs no knowledge of the runs.
    """
    directory = Path(cache_dir)
    removed = remove_orphans(directory) if directory.is_dir() else []
    for path in sorted(directory.glob("*.json")):
        try:
            entry = read_json(path)
            found = entry.get("stamp")
            key = found.get("key") if isinstance(found, dict) else None
            if isinstance(key, str) and not path.stem.endswith(f"-{key[:20]}"):
                raise DamagedEntry("written for another key than its file name says")
            _checked_result(entry, key if isinstance(key, str) else "")  # no stamp: says so
        except FileNotFoundError:
            continue  # removed by another build meanwhile
        except DamagedEntry as damage:
            warn_damaged(path, damage)
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def _locked(lock_path: Path):
    """Hold an exclusive lock on ``lock_path`` (POSIX only; elsewhere no lock is taken)."""
    try:
        import fcntl
    except ImportError:  # Windows: two processes may both compute; the result is the same
        yield
        return
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(cache_dir, names) -> dict[str, str]:
    """The published form of the entries of ``cache_dir`` whose run is one of ``names`` and
    whose key is this package source's and these versions': ``{file name: JSON text}``.

    Entries of an older source, or damaged ones, are left out; so a run the folder does not hold
    is simply absent (the caller says what that means).
    """
    published = {}
    for path in sorted(Path(cache_dir).glob("*.json")):
        name = path.stem.rsplit("-", 1)[0]
        if name not in names:
            continue
        try:
            entry = read_json(path)
            arguments = entry.get("arguments")
            # another source or other versions (not what these pages showed) fails this check
            result = _checked_result(entry, cache_key(name, arguments))
        except (FileNotFoundError, DamagedEntry, TypeError, AttributeError):
            continue
        key = cache_key(name, arguments, versions=False)
        record = {
            "name": name,
            "arguments": arguments,
            "computed_with": _versions(),
            "stamp": stamp(result, key=key, version=ENTRY_VERSION),
            "result": result,
        }
        published[_entry_path(Path(), name, key).name] = json.dumps(record) + "\n"
    return published


def _read_published(name: str, arguments: dict) -> dict | None:
    """The published result of this run from ``DLBASICS_PUBLISHED_RUNS``, or None."""
    folder = os.environ.get(PUBLISHED_ENV_VAR, "")
    if not folder:
        return None
    key = cache_key(name, arguments, versions=False)
    return _read(_entry_path(Path(folder), name, key), key)


def memoize(
    name: str, arguments: dict, compute: Callable[[], dict], *, cache_dir=None
) -> tuple[dict, bool]:
    """``(result, from_cache)``: the stored result for this key, or ``compute()``'s, then stored.

    A missing or damaged entry is recomputed and rewritten (written to a temporary file, then
    renamed, so a reader never sees half a file). Processes asking for the same key at the same
    time (the Korean and English pages built in parallel) wait for one another through a lock
    file, so the run is computed once. A published result (module docstring) counts as stored;
    it is not copied into ``cache_dir``.
    """
    if cache_dir is False or cache_dir == "":
        return compute(), False
    directory = resolve_cache_dir(cache_dir)
    if directory is None:
        published = _read_published(name, arguments)
        return (published, True) if published is not None else (compute(), False)
    key = cache_key(name, arguments)
    path = _entry_path(directory, name, key)
    result = _read(path, key)
    if result is None:
        result = _read_published(name, arguments)
    if result is not None:
        return result, True
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory / f"{name}-{key[:20]}.lock"):
        # Another process may have finished it while we waited (a damaged entry was warned of).
        result = _read(path, key, warn=False)
        if result is not None:
            return result, True
        result = compute()
        entry = {
            "name": name,
            "arguments": describe(arguments),
            "stamp": stamp(result, key=key, version=ENTRY_VERSION),
            "result": result,
        }
        write_atomic(path, json.dumps(entry, indent=1) + "\n")
    # What a later read will return: the result as JSON gives it back (tuples become lists).
    return json.loads(json.dumps(result)), False
