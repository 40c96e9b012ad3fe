"""Animated maps: frame dates, GIF frames and sizes, progress, MP4 needs ffmpeg."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import numpy as np
import pytest
from PIL import Image, ImageSequence

from layers import timelapse
from layers.loading import load_atlas
from layers.static import ExportError
from layers.timelapse import FRAME_MS, frame_dates, render_timelapse
from tests.harness import in_ci

D = dt.date


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def frames_of(gif: bytes) -> list[Image.Image]:
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF"
    return [frame.copy() for frame in ImageSequence.Iterator(image)]


def test_months_keep_the_day_and_close_on_the_end_date():
    dates = frame_dates(D(1941, 4, 13), D(1945, 9, 2), "month")
    # By hand: the 13th of every month from April 1941 to August 1945 is 4 × 12 + 5 = 53
    # dates; 13 September is past the end, and the end date closes the animation: 54.
    assert len(dates) == 54
    assert dates[:3] == [D(1941, 4, 13), D(1941, 5, 13), D(1941, 6, 13)]
    assert dates[-2:] == [D(1945, 8, 13), D(1945, 9, 2)]


def test_months_are_clamped_to_their_length_without_drifting():
    assert frame_dates(D(1940, 1, 31), D(1940, 4, 30), "month") == [
        D(1940, 1, 31),
        D(1940, 2, 29),  # 1940 was a leap year
        D(1940, 3, 31),
        D(1940, 4, 30),
    ]


def test_days_and_weeks():
    assert frame_dates(D(1945, 8, 9), D(1945, 8, 12), "day") == [
        D(1945, 8, 9),
        D(1945, 8, 10),
        D(1945, 8, 11),
        D(1945, 8, 12),
    ]
    weeks = frame_dates(D(1945, 8, 9), D(1945, 9, 2), "week")
    assert weeks == [D(1945, 8, 9), D(1945, 8, 16), D(1945, 8, 23), D(1945, 8, 30), D(1945, 9, 2)]
    assert frame_dates(D(1945, 8, 9), D(1945, 8, 9), "week") == [D(1945, 8, 9)]


@pytest.mark.parametrize(
    ("start", "end", "step", "message"),
    [
        (D(1945, 9, 1), D(1945, 8, 1), "month", "after"),
        (D(1945, 8, 1), D(1945, 9, 1), "fortnight", "unknown step"),
    ],
)
def test_bad_frame_requests(start, end, step, message):
    with pytest.raises(ExportError, match=message):
        frame_dates(start, end, step)


def test_gif_has_one_frame_of_the_right_size_per_date(atlas):
    calls = []
    start, end = D(1945, 8, 1), D(1945, 8, 29)
    gif = render_timelapse(
        atlas, start, end, "week", width=480, height=300, progress=lambda i, n: calls.append((i, n))
    )
    frames = frames_of(gif)
    expected = frame_dates(start, end, "week")
    assert len(frames) == len(expected) == 5
    assert all(frame.size == (480, 300) for frame in frames)
    assert calls == [(i, 5) for i in range(1, 6)]
    info = Image.open(io.BytesIO(gif)).info
    assert info["loop"] == 0 and info["duration"] == FRAME_MS
    first = np.asarray(frames[0].convert("RGB"), dtype=int)
    last = np.asarray(frames[-1].convert("RGB"), dtype=int)
    assert np.abs(first - last).mean() > 1  # the invasion changed the map


def test_pact_to_surrender_by_month(atlas):
    gif = render_timelapse(atlas, D(1941, 4, 13), D(1945, 9, 2), "month")
    frames = frames_of(gif)
    assert len(frames) == len(frame_dates(D(1941, 4, 13), D(1945, 9, 2), "month")) == 54
    assert {frame.size for frame in frames} == {(960, 600)}


def test_mp4_without_ffmpeg_is_a_clear_error(atlas, monkeypatch):
    monkeypatch.setattr(timelapse.shutil, "which", lambda name: None)
    with pytest.raises(ExportError, match="ffmpeg"):
        render_timelapse(atlas, D(1945, 8, 1), D(1945, 8, 3), "day", fmt="mp4")


def test_mp4_with_ffmpeg(atlas):
    if shutil.which("ffmpeg") is None:  # .ci/run installs it: on CI the MP4 export is tested
        if in_ci():
            pytest.fail("ffmpeg is not installed (CI=true: the MP4 export must be tested)")
        pytest.skip("ffmpeg is not installed")
    video = render_timelapse(
        atlas, D(1945, 8, 1), D(1945, 8, 3), "day", fmt="mp4", width=480, height=300
    )
    assert video[4:8] == b"ftyp"


def test_unknown_format_and_huge_frames_are_refused(atlas):
    with pytest.raises(ExportError, match="animation format"):
        render_timelapse(atlas, D(1945, 8, 1), D(1945, 8, 3), "day", fmt="avi")
    with pytest.raises(ExportError, match="pixels a side"):
        render_timelapse(atlas, D(1945, 8, 1), D(1945, 8, 3), "day", width=5000, height=3000)


def test_gif_frames_are_encoded_as_they_come_and_not_kept(atlas, monkeypatch):
    """Memory does not grow with the number of frames: at most two are alive at once."""
    alive, peak = set(), [0]

    class Frame(np.ndarray):
        def __del__(self):
            alive.discard(id(self))

    def fake_render(atlas, day, layer_ids, **kwargs):
        rgb = np.full((kwargs["height"], kwargs["width"], 3), day.day * 8, dtype=np.uint8)
        frame = rgb.view(Frame)
        alive.add(id(frame))
        peak[0] = max(peak[0], len(alive))
        return frame

    monkeypatch.setattr(timelapse, "render_array", fake_render)
    gif = render_timelapse(atlas, D(1945, 8, 1), D(1945, 8, 30), "day", width=200, height=200)
    frames = frames_of(gif)
    assert len(frames) == 30 and peak[0] <= 2
    durations = [
        frame.info["duration"] for frame in ImageSequence.Iterator(Image.open(io.BytesIO(gif)))
    ]
    assert durations[:-1] == [FRAME_MS] * 29 and durations[-1] == timelapse.LAST_FRAME_MS
    shades = [int(np.asarray(f.convert("RGB"))[0, 0, 0]) for f in frames]
    assert shades == [d * 8 for d in range(1, 31)]  # each frame its own palette, in order
