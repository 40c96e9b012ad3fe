"""The served assets: the geometry store written under static/."""

from __future__ import annotations

import gzip
import os
import time

from atlas_app.assets import write_store
from layers.geometry_codec import StoreFiles


def store(name: str, data: bytes, detail: bytes | None = None) -> StoreFiles:
    files = {name: data}
    if detail is not None:
        files[name.replace("geometry-", "geometry_detail-")] = detail
    return StoreFiles(name, files, frozenset())


def test_the_store_and_its_plain_copies_are_kept_and_other_data_sets_swept(tmp_path):
    data = gzip.compress(b'{"scale":1,"geometries":{},"detail":"geometry_detail-new.json.gz"}')
    detail = gzip.compress(b'{"geometries":{}}', mtime=0)
    old = time.time() - 2 * 86_400
    current = [
        tmp_path / f"{kind}-new.json{gz}"
        for kind in ("geometry", "geometry_detail")
        for gz in ("", ".gz")
    ]
    stale = [tmp_path / "geometry-old.json.gz", tmp_path / "geometry_detail-old.json"]
    for path in [*stale, current[0], current[3]]:  # current copies written long ago
        path.write_bytes(b"{}")
        os.utime(path, (old, old))
    write_store(tmp_path, store("geometry-new.json.gz", data, detail))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in current)
    assert current[1].read_bytes() == data and current[3].read_bytes() == detail
    os.utime(current[3], (old, old))  # the detail, in use, unchanged for two days
    write_store(tmp_path, store("geometry-new.json.gz", data, detail))  # nothing lost
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in current)


def test_a_damaged_store_is_written_again(tmp_path):
    data = gzip.compress(b'{"scale":1,"geometries":{"a":[1,2]}}', mtime=0)
    write_store(tmp_path, store("geometry-x.json.gz", data))
    packed, plain = tmp_path / "geometry-x.json.gz", tmp_path / "geometry-x.json"
    packed.write_bytes(data[:20])  # truncated
    plain.write_bytes(b'{"scale":1}')  # altered
    write_store(tmp_path, store("geometry-x.json.gz", data))
    assert packed.read_bytes() == data
    assert plain.read_bytes() == gzip.decompress(data)
