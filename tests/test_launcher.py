"""The atlas's launcher (``python -m atlas_app``): streamlit run app.py, warmed up meanwhile."""

from __future__ import annotations

import logging

import pytest
from streamlit.runtime import Runtime, RuntimeState

import atlas_app.__main__ as launcher
from atlas_app import assets
from layers.i18n import LANGUAGES
from layers.loading import geodata_folder


@pytest.fixture
def calls(monkeypatch):
    made: list[tuple[str, str, str]] = []
    monkeypatch.setattr(assets, "live_map", lambda *args: made.append(args))
    return made


def test_the_live_map_of_each_language_is_made_once_the_runtime_exists(monkeypatch, calls):
    answers = iter([False, False, True])
    monkeypatch.setattr(launcher, "serving", lambda: next(answers))
    assert launcher.warm_up(timeout=5)
    folder = str(geodata_folder())
    assert calls == [(folder, lang, "atlas") for lang in LANGUAGES]


def test_without_a_runtime_nothing_is_made_and_the_first_visit_does_the_work(monkeypatch, calls):
    monkeypatch.setattr(launcher, "serving", lambda: False)
    assert not launcher.warm_up(timeout=0.05)
    assert calls == []


def test_a_failure_is_logged_not_raised(monkeypatch, caplog):
    def broken(*args):
        raise OSError("static/ not writable")

    monkeypatch.setattr(launcher, "serving", lambda: True)
    monkeypatch.setattr(assets, "live_map", broken)
    with caplog.at_level(logging.WARNING, logger=launcher.__name__):
        assert not launcher.warm_up(timeout=1)
    assert "warm-up failed" in caplog.text
    assert "static/ not writable" in caplog.text


def test_serving_means_a_runtime_that_has_started(monkeypatch):
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: False))
    assert not launcher.serving()

    class Started:
        state = RuntimeState.NO_SESSIONS_CONNECTED

    class Starting:
        state = RuntimeState.INITIAL

    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    for runtime, expected in ((Starting, False), (Started, True)):
        monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls, r=runtime: r))
        assert launcher.serving() is expected


def test_main_runs_the_app_with_the_options_given_and_warms_up_beside_it(monkeypatch):
    from streamlit.web import cli

    started, ran = [], []

    class Thread:
        def __init__(self, target, name, daemon):
            started.append((target, daemon))

        def start(self):
            started.append("started")

    monkeypatch.setattr(launcher.threading, "Thread", Thread)
    monkeypatch.setattr(cli, "main", lambda args, prog_name: ran.append((args, prog_name)))
    launcher.main(["--server.port", "8600"])
    assert started == [(launcher.warm_up, True), "started"]
    assert ran == [(["run", str(launcher.APP), "--server.port", "8600"], "streamlit")]
    assert launcher.APP.name == "app.py" and launcher.APP.is_file()
