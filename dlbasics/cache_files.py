"""The rules every on-disk cache of the project follows: a cache is only a cache.

An entry that is missing is computed. An entry that is there but damaged (empty, truncated, not
JSON, the wrong format, written by another version or for another key, or changed after it was
written) is computed too, after **one warning line naming the file**; it never fails the caller.
Writes are atomic, so a reader never sees half an entry, whatever happens to the writer.

The run cache (:mod:`dlbasics.run_cache`) and the site build's page cache
(``hooks/notebooks.py``) keep their entries with these functions:

- :func:`read_json` reads an entry, or raises :class:`DamagedEntry` saying what is wrong;
- :func:`stamp` and :func:`check_stamp`: the entry's format version, its key and the SHA-256 of its
  content, stored beside the content, checked when it is read;
- :func:`warn_damaged` is the one warning line. It goes to the ``dlbasics.cache_files`` logger,
  not MkDocs' own, so ``mkdocs build --strict`` does not fail on it: a damaged cache is not a
  fault of the site;
- :func:`write_atomic` writes a temporary file beside the entry, then renames it;
  :func:`remove_orphans` removes those an interrupted writer left behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"


class DamagedEntry(ValueError):
    """A cache entry that is there but cannot be used; the message says why."""


def warn_damaged(path, reason) -> None:
    """The one line a damaged entry costs: which file, what is wrong, what happens now."""
    log.warning("warning: damaged cache entry %s (%s): ignored, computing it again", path, reason)


def read_json(path) -> dict:
    """The JSON object stored at ``path``.

    Raises FileNotFoundError when there is no entry (a plain miss, no warning) and
    :class:`DamagedEntry` when there is one that is not a JSON object.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise DamagedEntry(f"unreadable: {error.strerror or error}") from None
    if not data.strip():
        raise DamagedEntry("empty" if not data else "blank")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DamagedEntry(f"not UTF-8 text: {error.reason} at byte {error.start}") from None
    try:
        entry = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise DamagedEntry(f"truncated: its {len(data)} bytes end inside the JSON") from None
        where = f"line {error.lineno} column {error.colno}"
        raise DamagedEntry(f"not JSON: {error.msg} at {where}") from None
    if not isinstance(entry, dict):
        raise DamagedEntry(f"not a JSON object but a {type(entry).__name__}")
    return entry


def content_digest(content) -> str:
    """SHA-256 of ``content`` (anything JSON can hold) in a canonical JSON form."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stamp(content, *, key: str, version: str) -> dict:
    """What an entry stores beside ``content`` so that a reader can trust it."""
    return {"version": version, "key": key, "sha256": content_digest(content)}


def check_stamp(found, content, *, key: str, version: str) -> None:
    """Raise :class:`DamagedEntry` unless ``found`` is :func:`stamp` of ``content`` for this key."""
    if not isinstance(found, dict):
        raise DamagedEntry("no stamp: written by another version")
    if found.get("version") != version:
        raise DamagedEntry(
            f"written by another version ({found.get('version')!r}, this one reads {version!r})"
        )
    if found.get("key") != key:
        raise DamagedEntry("written for another key than its file name says")
    if found.get("sha256") != content_digest(content):
        raise DamagedEntry("its content does not match its SHA-256: changed after it was written")


def write_atomic(path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: all or nothing.

    The temporary file (``.<name>.<pid>.<random>.partial``, beside ``path``) is removed if the
    write fails; if the process is killed, :func:`remove_orphans` removes it later.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    handle = tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=PARTIAL_SUFFIX, delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # the data is on disk before the name points at it
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def process_running(pid: int) -> bool:
    """Whether a process with this id runs (on this machine, as far as this process can tell)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # not ours to signal, or a platform without signal 0: assume it is running
        return True
    return True


def remove_orphans(directory, *, older_than: float = 3600.0) -> list[Path]:
    """Delete the temporary files of :func:`write_atomic` whose writer is gone; return them.

    A writer is gone when its process no longer runs, or (in case the process id was reused)
    when the file is older than ``older_than`` seconds: no entry takes that long to write.
    """
    removed = []
    now = time.time()
    for partial in Path(directory).glob(f".*{PARTIAL_SUFFIX}"):
        parts = partial.name.split(".")
        pid = int(parts[-3]) if len(parts) >= 5 and parts[-3].isdigit() else None
        try:
            stale = now - partial.stat().st_mtime > older_than
        except FileNotFoundError:
            continue  # its writer renamed it just now
        if stale or (pid is not None and not process_running(pid)):
            partial.unlink(missing_ok=True)
            removed.append(partial)
    return removed
