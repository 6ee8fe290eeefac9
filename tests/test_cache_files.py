"""The rules of every on-disk cache (dlbasics.cache_files): what counts as damage and why, atomic
writes, and the clean-up of what an interrupted writer left."""

from __future__ import annotations

import os
import time

import pytest

from dlbasics import cache_files
from dlbasics.cache_files import DamagedEntry, check_stamp, read_json, stamp, write_atomic


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n", "blank"),
        (b'{"cells": [{"source": "pri', "truncated: its 26 bytes end inside the JSON"),
        (b'{"a": 1, ', "truncated"),
        (b'{"a": 1}\n<<<<<<< HEAD', "not JSON: Extra data at line 2 column 1"),
        (b"\x89PNG\r\n", "not UTF-8 text: invalid start byte at byte 0"),
        (b"[1, 2]", "not a JSON object but a list"),
    ],
)
def test_read_json_says_what_is_wrong(tmp_path, content, reason):
    path = tmp_path / "entry.json"
    path.write_bytes(content)
    with pytest.raises(DamagedEntry) as error:
        read_json(path)
    assert str(error.value).startswith(reason), str(error.value)


def test_a_missing_entry_is_a_plain_miss_and_an_unreadable_one_is_damaged(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_json(tmp_path / "absent.json")
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(DamagedEntry, match="unreadable: Is a directory"):
        read_json(tmp_path / "folder.json")


def test_the_stamp_catches_another_version_another_key_and_an_edit():
    content = {"history": {"loss": [0.5, 0.25]}}
    found = stamp(content, key="k1", version="2")
    check_stamp(found, {"history": {"loss": [0.5, 0.25]}}, key="k1", version="2")
    for wrong, reason in [
        (dict(key="k1", version="1"), "written by another version ('2', this one reads '1')"),
        (dict(key="k2", version="2"), "written for another key"),
    ]:
        with pytest.raises(DamagedEntry, match=reason.replace("(", r"\(").replace(")", r"\)")):
            check_stamp(found, content, **wrong)
    with pytest.raises(DamagedEntry, match="does not match its SHA-256"):
        check_stamp(found, {"history": {"loss": [0.5, 0.26]}}, key="k1", version="2")
    with pytest.raises(DamagedEntry, match="no stamp"):
        check_stamp(None, content, key="k1", version="2")


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "entry.json"
    write_atomic(path, '{"v": 1}')
    write_atomic(path, b'{"v": 2}')
    assert path.read_text() == '{"v": 2}'

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, '{"v": 3}')
    assert path.read_text() == '{"v": 2}'
    assert [p.name for p in tmp_path.iterdir()] == ["entry.json"]  # no partial file left


def test_remove_orphans_keeps_what_a_running_writer_is_writing(tmp_path):
    mine = tmp_path / f".a.json.{os.getpid()}.x1y2z3w4.partial"
    dead_pid = max(int(p) for p in os.listdir("/proc") if p.isdigit()) + 10_000
    orphan = tmp_path / f".b.json.{dead_pid}.x1y2z3w4.partial"
    old = tmp_path / f".c.json.{os.getpid()}.x1y2z3w4.partial"
    unrelated = tmp_path / "d.json"
    for path in (mine, orphan, old, unrelated):
        path.write_text("{")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))  # a reused process id: its age gives it away
    assert sorted(cache_files.remove_orphans(tmp_path)) == sorted([orphan, old])
    assert mine.exists() and unrelated.exists()
