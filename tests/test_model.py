"""Snapshots, state keys and event windows over the shipped atlas."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from layers.loading import load_atlas
from layers.model import DeferredFrame, events_between, snapshot, state_key

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def test_snapshot_is_in_draw_order_and_filtered(atlas):
    shot = snapshot(atlas, D("1941-04-13"), ["manchukuo", "basemap", "korea"])
    assert list(shot) == ["basemap", "korea", "manchukuo"]
    assert shot["manchukuo"]["id"].tolist() == ["manchukuo_puppet"]


def test_routes_are_flagged_ended_during_their_fade(atlas):
    active = snapshot(atlas, D("1941-11-01"), ["siberian_transfers"])["siberian_transfers"]
    assert set(active["id"]) == {"transfer_1941_war", "transfer_1941_moscow_batch"}
    assert not active["ended"].any()
    fading = snapshot(atlas, D("1941-12-20"), ["siberian_transfers"])["siberian_transfers"]
    assert fading["ended"].all() and len(fading) == 2


def test_state_key_changes_only_when_the_map_changes(atlas):
    ids = ["manchukuo", "korea"]
    assert state_key(atlas, D("1942-03-01"), ids) == state_key(atlas, D("1942-03-02"), ids)
    assert state_key(atlas, D("1945-08-08"), ids) != state_key(atlas, D("1945-08-09"), ids)
    storm = ["august_storm"]
    assert state_key(atlas, D("1945-08-12"), storm) != state_key(atlas, D("1945-08-13"), storm)


def test_events_between_includes_multi_day_events(atlas):
    found = events_between(atlas, D("1942-03-01"), D("1942-03-01"))
    assert "ev_1941_12_08_philippines_campaign" in set(found["id"])
    week = events_between(atlas, D("1945-08-08"), D("1945-08-09"))
    assert {
        "ev_1945_08_08_soviet_declaration_of_war",
        "ev_1945_08_09_invasion_of_manchuria",
    } <= set(week["id"])
    assert list(week["date"]) == sorted(week["date"])


def test_a_deferred_frame_is_read_once_whatever_the_threads(atlas):
    reads = []

    def read():
        reads.append(1)
        time.sleep(0.05)  # long enough for the other threads to ask meanwhile
        return atlas.events

    deferred = DeferredFrame(read)
    got = []
    threads = [threading.Thread(target=lambda: got.append(deferred.get())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reads) == 1 and len(got) == 4 and all(g is atlas.events for g in got)
