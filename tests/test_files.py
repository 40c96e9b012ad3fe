"""Atomic writes: the whole file or the old one, and no temporary file left behind."""

from __future__ import annotations

import os
import time

import pytest

from layers.files import remove_unused, write_atomic


def test_writes_and_replaces_whole(tmp_path):
    path = tmp_path / "store.json"
    write_atomic(path, b"first")
    write_atomic(path, b"second, longer")
    assert path.read_bytes() == b"second, longer"
    assert [p.name for p in tmp_path.iterdir()] == ["store.json"]


def test_a_failed_write_raises_and_leaves_the_old_file(tmp_path):
    path = tmp_path / "store.json"
    write_atomic(path, b"old")
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError):
        write_atomic(tmp_path / "folder", b"cannot replace a folder with a file")
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "store.json", b"no such folder")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "store.json"]


def test_remove_unused_keeps_the_file_in_use_and_recent_ones(tmp_path):
    keep, recent, old, other = (tmp_path / n for n in ("a-1.json", "a-2.json", "a-3.json", "b.txt"))
    for path in (keep, recent, old, other):
        path.write_bytes(b"x")
    long_ago = time.time() - 10_000
    for path in (keep, old, other):
        os.utime(path, (long_ago, long_ago))
    remove_unused(keep, "a-*.json", max_age=3_600)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-1.json", "a-2.json", "b.txt"]
