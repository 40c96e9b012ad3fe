"""The served assets: the geometry store written under static/."""

from __future__ import annotations

import gzip
import os
import time

from atlas_app.assets import write_store


def test_the_store_and_its_plain_copy_are_kept_and_other_data_sets_swept(tmp_path):
    data = gzip.compress(b'{"scale":1,"geometries":{}}', mtime=0)
    old = time.time() - 2 * 86_400
    current = [tmp_path / "geometry-new.json.gz", tmp_path / "geometry-new.json"]
    stale = [tmp_path / "geometry-old.json.gz", tmp_path / "geometry-old.json"]
    for path in [*stale, current[1]]:  # the current plain copy written long ago
        path.write_bytes(b"{}")
        os.utime(path, (old, old))
    write_store(tmp_path, "geometry-new.json.gz", data)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in current)
    assert current[0].read_bytes() == data
    write_store(tmp_path, "geometry-new.json.gz", data)  # again: nothing rewritten or lost
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in current)


def test_a_damaged_store_is_written_again(tmp_path):
    data = gzip.compress(b'{"scale":1,"geometries":{"a":[1,2]}}', mtime=0)
    write_store(tmp_path, "geometry-x.json.gz", data)
    packed, plain = tmp_path / "geometry-x.json.gz", tmp_path / "geometry-x.json"
    packed.write_bytes(data[:20])  # truncated
    plain.write_bytes(b'{"scale":1}')  # altered
    write_store(tmp_path, "geometry-x.json.gz", data)
    assert packed.read_bytes() == data
    assert plain.read_bytes() == gzip.decompress(data)
